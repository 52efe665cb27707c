"""`catalogue serve`: the site behind waitress, with the services the staff pages call into the crawler.

This module is part of the composition root: it is the one place where the site (web)
meets the crawler, through the plain callables of `SiteServices`.
"""

import contextlib
import errno
import logging
import os
import signal
import socket
import threading
import time

import click

from catalogue.cli import Context, pass_context
from catalogue.cli.french import plural
from catalogue.cli.wiring import catch_up_index, follow_ups
from catalogue.errors import CatalogueError
from catalogue.store import Store

log = logging.getLogger(__name__)


class AddressUnavailable(CatalogueError):
    """The address to serve on is taken or does not exist on this machine."""


class SiteServices:
    """What the site may ask of the rest of the program, as plain callables: the crawler's services,
    the follow-ups of every change (suggested themes, then the index), and keeping the index current."""

    # How often a process of the site looks at the change log before serving (seconds).
    CATCH_UP_EVERY = 1.0
    # How long a staff change waits for another process writing the index before it is queued.
    WRITER_WAIT = 2.0

    def __init__(self, settings):
        self.settings = settings
        self.follow_ups = follow_ups(settings, timeout=self.WRITER_WAIT, build_missing=False)
        self._local = threading.local()
        self._next_catch_up = 0.0
        self._lock = threading.Lock()

    def _store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store.open(self.settings)
        return store

    def keep_index_current(self) -> None:
        """Apply what the store changed and the index does not hold yet (at most once a second a process)."""
        now = time.monotonic()
        with self._lock:
            if now < self._next_catch_up:
                return
            self._next_catch_up = now + self.CATCH_UP_EVERY
        catch_up_index(self._store(), self.settings, timeout=0)

    def crawl_now(self, ids: list[str]):
        """Crawl these resources now; returns the crawler's summary (the caller records it as a change)."""
        from crawler import crawl

        with Store.open(self.settings) as store:
            return crawl.crawl(store, self.settings, ids=list(ids))

    def watch_now(self, source_id: int) -> list[dict]:
        """Read one watched source now, as the nightly watch does (same lock, same code); its report as a
        dict (the caller records it as a change). CheckLocked while another watch runs."""
        from catalogue.cli.watch import run_watch

        with Store.open(self.settings) as store:
            _run, reports = run_watch(store, self.settings, [str(source_id)])
        return [report.to_dict() for report in reports]

    def detect_source_kind(self, url: str) -> tuple[str | None, str]:
        """What a source address is (listing, page, feed, sitemap), or (None, the reason)."""
        from crawler.fetch import Fetcher
        from crawler.watch import fetch_source_kind

        with Fetcher(self.settings) as fetcher:
            return fetch_source_kind(fetcher, url)

    def import_page(self, url: str, level: str | None = None, dry_run: bool = True):
        """Read a page and find the resources it links to; nothing written (the caller records the import)."""
        from crawler.fetch import Fetcher
        from crawler.import_page import import_page

        fetcher = Fetcher(self.settings)
        try:
            with Store.open(self.settings) as store:
                return import_page(store, fetcher, url, level=level, dry_run=True)
        finally:
            fetcher.close()


def build_app(settings, config: dict | None = None):
    """The site of these settings (and Flask `config`), with the crawler services and the change
    follow-ups wired in."""
    from web import create_app

    return create_app({**(config or {}), "SETTINGS": settings}, services=SiteServices(settings))


def _listening_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def bind(host: str, port: int, workers: int) -> socket.socket | None:
    """Take the address before any work; with several workers only check it is free (each binds its own)."""
    try:
        sock = _listening_socket(host, port, reuse_port=False)
    except OSError as exc:
        reason = "adresse déjà utilisée" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise AddressUnavailable(f"impossible d'écouter sur {host}:{port} : {reason}") from exc
    if workers > 1:
        sock.close()
        return None
    return sock


def serve_forever(app, host: str, port: int, threads: int, workers: int, quiet: bool, sock=None) -> None:
    """Serve the app with waitress; with workers > 1, forked processes share the port (SO_REUSEPORT).

    Searches run Python code under one lock per process: on a machine with several cores,
    several processes answer more requests (each keeps its own searcher). The kernel spreads
    new connections over the processes' own listening sockets. `sock` is the listening socket
    of a single process, bound by `bind` before any work.
    """
    import waitress

    if workers <= 1:
        sock = sock or bind(host, port, workers)
        waitress.serve(app, sockets=[sock], threads=threads, ident="cites-catalogue", _quiet=quiet)
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: serve until terminated
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            sock = _listening_socket(host, port, reuse_port=True)
            waitress.serve(app, sockets=[sock], threads=threads, ident="cites-catalogue", _quiet=True)
            os._exit(0)
        children.append(pid)

    def stop(*_):
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()


def register(group) -> None:
    """Add `serve` to the `catalogue` group."""

    @group.command("serve")
    @click.option(
        "--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d'écoute."
    )
    @click.option(
        "--port",
        default=8000,
        show_default=True,
        type=click.IntRange(1, 65535),
        metavar="PORT",
        help="Port d'écoute.",
    )
    @click.option(
        "--threads",
        default=6,
        show_default=True,
        type=int,
        metavar="N",
        help="Fils de travail de waitress (par processus).",
    )
    @click.option(
        "--workers",
        default=1,
        show_default=True,
        type=click.IntRange(1, 32),
        metavar="N",
        help="Processus qui répondent sur le même port (mettez le nombre de cœurs).",
    )
    @pass_context
    def serve_command(ctx: Context, host, port, threads, workers):
        """Servir le site (waitress) ; au premier lancement, charger le catalogue initial et construire l'index."""
        from catalogue.cli.core import ensure_initialised

        sock = bind(host, port, workers)  # a port in use is said now, before loading anything
        report = ensure_initialised(ctx)
        if not ctx.quiet and report.get("seeded"):
            created, _updated = report["seeded"]
            click.echo(f"Catalogue initial chargé : {plural(created, 'ressource', 'ressources')}.")
        app = build_app(ctx.settings)
        if not ctx.quiet:
            click.echo(f"Catalogue servi sur http://{host}:{port}/ (données : {ctx.settings.data_path})")
        serve_forever(app, host, port, threads, workers, ctx.quiet, sock)
