"""The `catalogue` command: the composition root, the one place that wires every package together.

Each submodule holds the commands of one area and registers them on the group:
core (init, import, export, show, vocab), withdraw (withdraw, restore, delete), search (search,
reindex), crawl (crawl, add, import-page), check (check), serve (serve), users (user add/list/remove),
watch (source add/list/remove, watch, proposals).
"""

import logging
import sys
import traceback

import click

from catalogue import __version__
from catalogue.cli import french
from catalogue.cli.boundary import (
    BUG_MESSAGE,
    catalogue_error_line,
    discard_unwritable_stdout,
    expected_failure,
)
from catalogue.errors import CatalogueError
from catalogue.settings import Settings

# Before any option is declared: click names some parameter types when they are created.
french.install()


class Context:
    """What every command receives: the resolved settings and whether to talk."""

    def __init__(self, settings: Settings, quiet: bool):
        self.settings = settings
        self.quiet = quiet

    @property
    def interactive(self) -> bool:
        """True when progress should be shown: a terminal on stderr, and not --quiet."""
        return not self.quiet and sys.stderr.isatty()


pass_context = click.make_pass_decorator(Context)


def fail(message: str, code: int = 2) -> None:
    """Print an error on stderr (one French line) and exit with this code."""
    click.echo(f"catalogue : erreur : {message}", err=True)
    sys.exit(code)


def failure(message: str) -> None:
    """Print one item that failed (a resource, a link, a source) on stderr, under --quiet too: the run
    goes on and ends with exit code 1."""
    click.echo(f"catalogue : échec : {message}", err=True)


def warn(message: str) -> None:
    """Print a warning on stderr (shown under --quiet too: it is something to act on)."""
    click.echo(f"catalogue : attention : {message}", err=True)


class Command(click.Command):
    """A command whose usage line speaks French."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """The error boundary: library errors and expected failures of the environment (full disk,
    locked database, missing folder, port in use, network down) become one line on stderr and
    exit code 2; a bug prints its traceback and a line asking to report it, exit code 2 too."""

    command_class = Command
    group_class = type  # subgroups (`catalogue user`) are of this class too

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a full disk or a closed pipe on stdout shows up here, inside the boundary
        except CatalogueError as exc:
            obj = ctx.obj if isinstance(ctx.obj, Context) else None
            fail(catalogue_error_line(exc, obj.settings.database_path if obj else None))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: usage errors (exit 2), --help, Ctrl-C
        except Exception as exc:  # the one boundary of the command line
            obj = ctx.obj if isinstance(ctx.obj, Context) else None
            database = obj.settings.database_path if obj else None
            message = expected_failure(exc, database)
            if message is None:
                traceback.print_exc()
                message = BUG_MESSAGE
            discard_unwritable_stdout()
            fail(message)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="catalogue")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="CATALOGUE_DATA_DIR",
    metavar="DOSSIER",
    help="Dossier de données (base, index, archive). Variable : CATALOGUE_DATA_DIR. "
    "Par défaut : $XDG_DATA_HOME/cites-catalogue, soit ~/.local/share/cites-catalogue.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Ni progression ni message de réussite, seulement les erreurs (cron)."
)
@click.option(
    "-v", "--verbose", count=True, help="Plus de journal sur stderr (-vv pour le débogage, en anglais)."
)
@click.pass_context
def cli(ctx, data_dir, quiet, verbose):
    """Catalogue des ressources des Cités éducatives."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = Context(Settings({"data_dir": data_dir}), quiet)


def _register() -> None:
    # Imported here, not at the top: each area module imports `cli` from this one.
    from catalogue.cli import check, core, crawl, doctor, search, serve, users, watch, withdraw

    for module in (core, withdraw, search, crawl, check, serve, users, watch, doctor):
        module.register(cli)


_register()


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="catalogue")
