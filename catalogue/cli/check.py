"""The `check` command: the nightly link checker, safe under cron (lock, quiet, exit codes 0/1/2)."""

import fcntl
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from catalogue import linkhealth
from catalogue.cli import Context, fail, failure, pass_context, warn
from catalogue.cli.boundary import check_output_path, expected_failure
from catalogue.cli.progress import Progress
from catalogue.cli.wiring import catch_up_index, command_actor, open_changes
from catalogue.errors import CatalogueError
from catalogue.mail import MailError, recipients, send_report
from catalogue.store import Store

LOCK_NAME = "check.lock"


class CheckLocked(CatalogueError):
    """Another link check is already running on this data directory."""


@contextmanager
def run_lock(data_path: Path, name: str = LOCK_NAME, what: str = "une vérification des liens"):
    """Hold one of the data directory's run locks for the duration; CheckLocked if another run holds it."""
    data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_path / name
    handle = open(path, "a+")  # noqa: SIM115 -- held for the whole run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CheckLocked(f"{what} est déjà en cours (verrou {path} tenu)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield path
    finally:
        handle.close()


def _progress(bar: Progress):
    def show(done: int, total: int, host: str, failures: int) -> None:
        bar.update(done, total, f"{done}/{total} vérifiés · {host} · {failures} en échec")

    return show


def _apply_moved(ctx: Context, changes) -> None:
    """Accept every proposed new address (each its own audited action)."""
    actor = command_actor("--apply-moved")
    for item in linkhealth.moved(changes.store):
        try:
            result = changes.accept_moved(actor, item.state.resource_id)
        except CatalogueError as exc:
            warn(str(exc))
            continue
        if not ctx.quiet:
            click.echo(f"Adresse mise à jour : {result['old_url']} → {result['url']}")


def register(group) -> None:
    """Add the `check` command to the `catalogue` group."""

    @group.command("check")
    @click.argument("ids", nargs=-1, metavar="[ID]...")
    @click.option("--all", "check_all", is_flag=True, help="Vérifier toutes les ressources du catalogue.")
    @click.option(
        "--report",
        "report_file",
        metavar="FICHIER",
        type=click.Path(dir_okay=False, allow_dash=True),
        help="Écrire le rapport dans FICHIER (- pour la sortie standard).",
    )
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["json", "html", "text", "csv"]),
        default=None,
        help="Format du rapport (par défaut : d'après le nom du fichier, sinon texte).",
    )
    @click.option(
        "--apply-moved",
        is_flag=True,
        help="Passer les ressources déplacées à leur nouvelle adresse (l'ancienne reste un alias) ; "
        "seule, ne vérifie rien.",
    )
    @click.option(
        "--mail-to",
        metavar="ADRESSES",
        help="Envoyer le rapport à ces adresses (séparées par des virgules) par le serveur SMTP des "
        "réglages (CATALOGUE_SMTP_HOST…). Variable : CATALOGUE_MAIL_TO.",
    )
    @click.option(
        "--now", hidden=True, help="Timestamp of the run (ISO 8601), for tests that simulate nights."
    )
    @pass_context
    def check_command(ctx: Context, ids, check_all, report_file, fmt, apply_moved, mail_to, now):
        """Vérifier les liens des ressources ID (ou --all) : verdicts, historique, rapports.

        Code de sortie : 0 tout va bien, 1 des liens sont confirmés cassés, 2 la vérification
        n'a pas pu se faire (réseau indisponible, verrou tenu, erreur), avec la raison sur stderr.
        """
        from crawler.check import failure_reason, run_check
        from crawler.reports import build, render

        settings = ctx.settings
        mail_to = recipients(mail_to or settings.mail_to)
        if not ids and not check_all and not apply_moved:
            fail("donnez des identifiants de ressources ou --all (ou --apply-moved)")
        if ids and check_all:
            fail("donnez des identifiants de ressources ou --all, pas les deux")
        if report_file:
            check_output_path(report_file, "--report")  # before the whole check runs, not after
        with run_lock(settings.data_path), Store.open(settings) as store:
            catch_up_index(store, settings)
            # A nightly check updates the index it finds; it does not build a missing one (minutes on a
            # big catalogue, at 2:30 in the morning): `catalogue reindex` or the next `serve` does.
            changes = open_changes(store, settings, build_missing=False)
            run = None
            if ids or check_all:
                if ids:
                    for rid in ids:
                        store.get(rid)  # NotFound -> clean error, exit 2
                bar = Progress(ctx.interactive, "Vérification")
                progress = _progress(bar) if ctx.interactive else None
                try:
                    run = run_check(store, settings, list(ids) or None, now=now, progress=progress)
                except (OSError, sqlite3.Error, KeyboardInterrupt) as exc:
                    # Exit 2 with one line, not a traceback that cron reads as exit 1; the night is recorded as lost.
                    why = expected_failure(exc, settings.database_path) or failure_reason(exc)
                    _lost(settings, mail_to, f"la vérification des liens n'a pas pu se faire : {why}")
                bar.close()
                changes.record_check(command_actor(*ids) if ids else command_actor("--all"), run)
            if apply_moved:
                _apply_moved(ctx, changes)
        if run is None:
            return
        report = build(run)
        site_url = getattr(settings, "base_url", "") or ""  # the edit links of the HTML report
        if report_file:
            chosen = fmt or _format_from_name(report_file)
            text = render(report, chosen, site_url)
            if report_file == "-":
                click.echo(text, nl=False)
            else:
                try:
                    Path(report_file).write_text(text, encoding="utf-8")
                except OSError as exc:
                    fail(f"le rapport n'a pas pu être écrit dans {report_file} : {exc.strerror or exc}")
        elif fmt:
            click.echo(render(report, fmt, site_url), nl=False)
        elif not run.outage and not ctx.quiet and (run.confirmed_broken or sys.stdout.isatty()):
            # On a terminal, or when links are confirmed broken: the text report (never under --quiet).
            click.echo(render(report, "text"), nl=False)
        if mail_to:
            _mail(
                settings, mail_to, _subject(report), render(report, "text"), render(report, "html", site_url)
            )
        if run.outage:
            # Whatever --quiet and --report say: one line on stderr, exit 2 (cron mails it).
            fail(f"{run.reason} ; aucun état modifié, nouvel essai la nuit prochaine")
        _say_broken(report)
        sys.exit(run.exit_code)


def _say_broken(report: dict) -> None:
    """Whatever --quiet says: one line on stderr per link confirmed broken (the run exits 1)."""
    rows = {row["id"]: row for row in report["results"]}
    for group, words in (("newly_broken", "lien cassé"), ("still_broken", "lien toujours cassé")):
        for rid in report["groups"][group]:
            row = rows[rid]
            failure(f"{words} : {row['title'] or rid} <{row['url']}> : {row['message']}")


def _subject(report: dict) -> str:
    from catalogue.frenchdates import french_date

    if report["outage"]:
        return f"Liens du catalogue, {french_date(report['started_at'])} : réseau indisponible"
    broken = len(report["groups"]["newly_broken"]) + len(report["groups"]["still_broken"])
    return (
        f"Liens du catalogue, {french_date(report['started_at'])} : {broken} cassé{'s' if broken > 1 else ''}"
    )


def _mail(settings, to: list[str], subject: str, text: str, html: str | None = None) -> None:
    try:
        send_report(settings, to, subject, text, ("liens.html", html) if html else None)
    except MailError as exc:
        fail(str(exc))


def _lost(settings, mail_to: list[str], line: str) -> None:
    """A run that could not do its job: mail the line when asked, print it on stderr, exit 2."""
    if mail_to:
        try:
            send_report(settings, mail_to, "Liens du catalogue : vérification impossible", line + "\n")
        except MailError as exc:
            click.echo(f"catalogue : erreur : {exc}", err=True)
    fail(line)


def _format_from_name(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return {"json": "json", "csv": "csv", "html": "html", "htm": "html"}.get(suffix, "text")
