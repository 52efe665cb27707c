"""Commands that take a resource out of the public catalogue: withdraw, restore, delete."""

import click

from catalogue import withdrawal
from catalogue.cli import Context, pass_context
from catalogue.cli.wiring import command_actor, open_changes
from catalogue.store import Store


def register(group) -> None:
    """Add withdraw, restore and delete to the `catalogue` group."""

    @group.command("withdraw")
    @click.argument("ref", metavar="ID|ADRESSE")
    @click.option(
        "--reason",
        default="",
        metavar="RAISON",
        help="Pourquoi elle est retirée ; montré sur sa page (réponse 410) et au journal.",
    )
    @pass_context
    def withdraw_command(ctx: Context, ref, reason):
        """Retirer une ressource du catalogue public : elle quitte la recherche, les exports et les flux,
        sa page répond « retirée » (410) avec la raison, son lien n'est plus vérifié."""
        with Store.open(ctx.settings) as store:
            resource = withdrawal.find(store, ref)
            open_changes(store, ctx.settings).withdraw(command_actor(ref), resource.id, reason)
        if not ctx.quiet:
            click.echo(f"Retirée du catalogue : {resource.id} {resource.title}")

    @group.command("restore")
    @click.argument("ref", metavar="ID|ADRESSE")
    @pass_context
    def restore_command(ctx: Context, ref):
        """Remettre au catalogue public une ressource retirée."""
        with Store.open(ctx.settings) as store:
            resource = withdrawal.find(store, ref)
            open_changes(store, ctx.settings).restore(command_actor(ref), resource.id)
        if not ctx.quiet:
            click.echo(f"Remise au catalogue : {resource.id} {resource.title}")

    @group.command("delete")
    @click.argument("ref", metavar="ID|ADRESSE")
    @pass_context
    def delete_command(ctx: Context, ref):
        """Supprimer pour de bon une ressource déjà retirée (pour réparer une erreur) ; le journal garde sa trace."""
        with Store.open(ctx.settings) as store:
            resource = withdrawal.find(store, ref)
            open_changes(store, ctx.settings).delete(command_actor(ref), resource.id)
        if not ctx.quiet:
            click.echo(f"Supprimée : {resource.id} {resource.title}")
