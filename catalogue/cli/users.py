"""Commands on staff accounts: user add, list, passwd, unlock, logout, remove."""

import getpass
import sys

import click

from catalogue import audit, sessions, users
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


PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Lire le mot de passe sur la première ligne de l'entrée standard (scripts).",
)


def register(group) -> None:
    """Add the `user` group to the `catalogue` group."""
    from catalogue.cli import pass_context

    @group.group("user")
    def user():
        """Comptes de l'équipe (pages /equipe du site)."""

    @user.command("add")
    @click.argument("name", metavar="NOM")
    @PASSWORD_STDIN
    @pass_context
    def add(ctx, name, password_stdin):
        """Créer le compte NOM ; le mot de passe est demandé deux fois, masqué."""
        users.check_name(name)
        password = _read_password(password_stdin)
        with Store.open(ctx.settings) as store:
            with store.transaction():
                users.create_user(store, name, password, n=ctx.settings.password_scrypt_n)
                audit.record(store, _actor(), "user.add", detail=name)
        if not ctx.quiet:
            click.echo(f"Compte {name} créé.")

    @user.command("list")
    @pass_context
    def list_(ctx):
        """Lister les comptes : nom, création, dernière connexion, sessions ouvertes, attente après échecs."""
        with Store.open(ctx.settings) as store:
            accounts = users.list_users(store)
            open_counts = sessions.open_sessions(store)
        for account in accounts:
            waiting = f"\tattente jusqu'à {account.retry_at}" if account.retry_at else ""
            failed = f"\t{account.failed_logins} échec(s)" if account.failed_logins else ""
            click.echo(
                f"{account.name}\tcréé {account.created_at}\tdernière connexion {account.last_login_at or '-'}"
                f"\t{open_counts.get(account.name, 0)} session(s){failed}{waiting}"
            )

    @user.command("passwd")
    @click.argument("name", metavar="NOM")
    @PASSWORD_STDIN
    @pass_context
    def passwd(ctx, name, password_stdin):
        """Changer le mot de passe du compte NOM ; ses sessions ouvertes sont fermées."""
        with Store.open(ctx.settings) as store:
            users.get_user(store, name)
            password = _read_password(password_stdin)
            with store.transaction():
                ended = users.set_password(store, name, password, n=ctx.settings.password_scrypt_n)
                audit.record(store, _actor(), "user.passwd", detail=name)
        if not ctx.quiet:
            click.echo(f"Mot de passe du compte {name} changé ; {ended} session(s) fermée(s).")

    @user.command("unlock")
    @click.argument("name", metavar="NOM")
    @pass_context
    def unlock(ctx, name):
        """Effacer les échecs de connexion du compte NOM : il peut se connecter tout de suite."""
        with Store.open(ctx.settings) as store:
            with store.transaction():
                failures = users.unlock(store, name)
                audit.record(store, _actor(), "user.unlock", detail=name)
        if not ctx.quiet:
            click.echo(f"Compte {name} débloqué ({failures} échec(s) effacé(s)).")

    @user.command("logout")
    @click.argument("name", metavar="[NOM]", required=False)
    @click.option("--all", "everyone", is_flag=True, help="Fermer les sessions de tous les comptes.")
    @pass_context
    def logout(ctx, name, everyone):
        """Fermer toutes les sessions du compte NOM (ou de tous avec --all), par exemple après un vol d'ordinateur."""
        if bool(name) == everyone:
            raise click.UsageError("donnez un nom de compte, ou --all (pas les deux)")
        with Store.open(ctx.settings) as store:
            with store.transaction():
                if everyone:
                    ended = sessions.end_all_sessions(store)
                else:
                    users.get_user(store, name)
                    ended = sessions.end_user_sessions(store, name)
                audit.record(store, _actor(), "user.logout", detail=name or "*")
        if not ctx.quiet:
            click.echo(f"{ended} session(s) fermée(s).")

    @user.command("remove")
    @click.argument("name", metavar="NOM")
    @pass_context
    def remove(ctx, name):
        """Supprimer le compte NOM et fermer ses sessions (ses entrées du journal restent)."""
        with Store.open(ctx.settings) as store:
            with store.transaction():
                users.remove_user(store, name)
                audit.record(store, _actor(), "user.remove", detail=name)
        if not ctx.quiet:
            click.echo(f"Compte {name} supprimé.")
