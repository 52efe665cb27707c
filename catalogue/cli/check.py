"""The `check` command: the nightly link checker, safe under cron (lock, quiet, exit codes 0/1/2)."""

import fcntl
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from catalogue import linkhealth
from catalogue.cli import Context, fail, pass_context
from catalogue.cli.boundary import check_output_path
from catalogue.cli.wiring import catch_up_index, command_actor, open_changes
from catalogue.errors import CatalogueError
from catalogue.store import Store

LOCK_NAME = "check.lock"


class CheckLocked(CatalogueError):
    """Another link check is already running on this data directory."""


@contextmanager
def run_lock(data_path: Path, name: str = LOCK_NAME, what: str = "a link check"):
    """Hold one of the data directory's run locks for the duration; CheckLocked if another run holds it."""
    data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_path / name
    handle = open(path, "a+")  # noqa: SIM115 -- held for the whole run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CheckLocked(f"{what} is already running (lock {path} is held)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield path
    finally:
        handle.close()


def _progress(done: int, total: int, host: str, failures: int) -> None:
    click.echo(f"\r\033[K{done}/{total} vérifiés · {host} · {failures} en échec", err=True, nl=False)


def _apply_moved(ctx: Context, changes) -> None:
    """Accept every proposed new address (each its own audited action)."""
    actor = command_actor("--apply-moved")
    for item in linkhealth.moved(changes.store):
        try:
            result = changes.accept_moved(actor, item["resource_id"])
        except CatalogueError as exc:
            click.echo(f"catalogue: warning: {exc}", err=True)
            continue
        if not ctx.quiet:
            click.echo(f"Adresse mise à jour : {result['old_url']} → {result['url']}")


def register(group) -> None:
    """Add the `check` command to the `catalogue` group."""

    @group.command("check")
    @click.argument("ids", nargs=-1)
    @click.option("--all", "check_all", is_flag=True, help="Check every resource of the catalogue.")
    @click.option(
        "--report",
        "report_file",
        type=click.Path(dir_okay=False, allow_dash=True),
        help="Write the report to FILE (- for stdout).",
    )
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["json", "html", "text", "csv"]),
        default=None,
        help="Report format (default: from the file name, else text).",
    )
    @click.option(
        "--apply-moved",
        is_flag=True,
        help="Update the address of moved resources (the old one stays as an alias); alone, checks nothing.",
    )
    @click.option(
        "--now", hidden=True, help="Timestamp of the run (ISO 8601), for tests that simulate nights."
    )
    @pass_context
    def check_command(ctx: Context, ids, check_all, report_file, fmt, apply_moved, now):
        """Check the links of resources IDS (or --all): verdicts, history, reports; exit 1 if some are confirmed broken, 2 if the run failed or the network was down."""
        from crawler.check import run_check
        from crawler.reports import build, render

        settings = ctx.settings
        if not ids and not check_all and not apply_moved:
            fail("give resource ids or --all (or --apply-moved)")
        if ids and check_all:
            fail("give resource ids or --all, not both")
        if report_file:
            check_output_path(report_file, "--report")  # before the whole check runs, not after
        with run_lock(settings.data_path), Store.open(settings) as store:
            catch_up_index(store, settings)
            changes = open_changes(store, settings)
            run = None
            if ids or check_all:
                if ids:
                    for rid in ids:
                        store.get(rid)  # NotFound -> clean error, exit 2
                progress = _progress if ctx.interactive else None
                try:
                    run = run_check(store, settings, list(ids) or None, now=now, progress=progress)
                except (OSError, sqlite3.Error) as exc:  # exit 2, not a traceback that cron reads as 1
                    fail(f"the link check could not run: {exc}")
                if progress:
                    click.echo("", err=True)
                changes.record_check(command_actor(*ids) if ids else command_actor("--all"), run)
            if apply_moved:
                _apply_moved(ctx, changes)
        if run is None:
            return
        report = build(run)
        if report_file:
            chosen = fmt or _format_from_name(report_file)
            text = render(report, chosen)
            if report_file == "-":
                click.echo(text, nl=False)
            else:
                Path(report_file).write_text(text, encoding="utf-8")
        elif fmt:
            click.echo(render(report, fmt), nl=False)
        elif run.exit_code or (not ctx.quiet and sys.stdout.isatty()):
            # Quiet under cron when all is well; otherwise the text report becomes the cron mail.
            click.echo(render(report, "text"), nl=False)
        sys.exit(run.exit_code)


def _format_from_name(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return {"json": "json", "csv": "csv", "html": "html", "htm": "html"}.get(suffix, "text")
