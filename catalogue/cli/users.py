"""Commands on staff accounts: user add, user list, user remove."""

import getpass
import sys

import click

from catalogue import audit, users
from catalogue.store import Store


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise users.UserError("aucun mot de passe sur l'entrée standard")
        return password
    return click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmer le mot de passe")


def _actor() -> str:
    """Who ran the command, for the audit log: the system account at the console."""
    try:
        return f"console ({getpass.getuser()})"
    except (KeyError, OSError):
        return "console"


def register(group) -> None:
    """Add the `user` group to the `catalogue` group."""
    from catalogue.cli import pass_context

    @group.group("user")
    def user():
        """Comptes de l'équipe (pages /equipe du site)."""

    @user.command("add")
    @click.argument("name", metavar="NOM")
    @click.option(
        "--password-stdin",
        is_flag=True,
        help="Lire le mot de passe sur la première ligne de l'entrée standard (scripts).",
    )
    @pass_context
    def add(ctx, name, password_stdin):
        """Créer le compte NOM ; le mot de passe est demandé deux fois, masqué."""
        users.check_name(name)
        password = _read_password(password_stdin)
        with Store.open(ctx.settings) as store:
            with store.transaction():
                users.create_user(store, name, password)
                audit.record(store, _actor(), "user.add", detail=name)
        if not ctx.quiet:
            click.echo(f"Compte {name} créé.")

    @user.command("list")
    @pass_context
    def list_(ctx):
        """Lister les comptes : nom, création, dernière connexion, verrouillage."""
        with Store.open(ctx.settings) as store:
            accounts = users.list_users(store)
        for account in accounts:
            locked = f"\tverrouillé jusqu'à {account.locked_until}" if account.locked_until else ""
            click.echo(
                f"{account.name}\tcréé {account.created_at}\tdernière connexion {account.last_login_at or '-'}{locked}"
            )

    @user.command("remove")
    @click.argument("name", metavar="NOM")
    @pass_context
    def remove(ctx, name):
        """Supprimer le compte NOM (ses entrées du journal restent)."""
        with Store.open(ctx.settings) as store:
            with store.transaction():
                users.remove_user(store, name)
                audit.record(store, _actor(), "user.remove", detail=name)
        if not ctx.quiet:
            click.echo(f"Compte {name} supprimé.")
