"""Fixtures of the site's tests: a data directory with the seed and test resources indexed, the app,
its test client and CLI runner, a real waitress server on 127.0.0.1, and a real Chromium page.

The data directory is built once per session (store + index) and copied for each test, so a
test may write to it freely.
"""

import shutil
import threading
from pathlib import Path

import pytest

from catalogue import suggest
from catalogue.cli.serve import build_app
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Enough resources sharing one word to need three pages of 20.
PAGED_WORD = "jardinage"
PAGED_COUNT = 45
HOSTILE_TITLE = '<script>alert("x")</script> Évaluation & <b>gras</b>'


def test_resources() -> list[Resource]:
    """The resources every site test can rely on, besides the seed catalogue."""
    themes = ["evaluation", "parentalite", "reussite-scolaire", "lecture-langage", "mentorat"]
    levels = ["national", "regional", "local"]
    resources = []
    for i in range(PAGED_COUNT):
        resources.append(
            Resource(
                url=f"https://exemple.test/fiches/jardin-{i:02d}",
                title=f"Fiche {PAGED_WORD} pédagogique numéro {i:02d}",
                description=f"Un atelier de {PAGED_WORD} à l'école, fiche {i:02d}.",
                type="fiche-experience",
                themes=[themes[i % len(themes)]],
                level=levels[i % 3],
                publisher="Cité éducative de Test",
                territory="Hauts-de-France" if i % 2 else "Maubeuge",
                date=f"20{10 + i % 14:02d}-0{1 + i % 9}",
                text=f"Le {PAGED_WORD} partagé réunit parents et élèves. " * 5,
                added_at=f"2025-01-{1 + i % 28:02d}T10:00:{i % 60:02d}+00:00",
            )
        )
    resources.append(
        Resource(
            url="https://exemple.test/hostile",
            title=HOSTILE_TITLE,
            description='Une description avec <img src=x onerror=alert(1)> et "guillemets".',
            type="article",
            themes=["evaluation"],
            level="national",
            publisher="<i>Éditeur</i>",
            date="2024-03-05",
            text="Texte de test pour l'échappement.",
            added_at="2026-11-01T09:00:00+00:00",
        )
    )
    resources.append(
        Resource(
            url="https://exemple.test/podcast-familles",
            title="Podcast Paroles de familles",
            description="Un podcast sur la place des familles à l'école.",
            type="podcast",
            themes=[],
            suggested_themes=["parentalite"],
            level="local",
            publisher="Radio Cité",
            date="2023",
            added_at="2026-11-02T09:00:00+00:00",
        )
    )
    return resources


def build_data_dir(settings: Settings) -> None:
    """Load the seed (when the package has one) and the test resources, then build the index."""
    from index.build import rebuild

    with Store.open(settings) as store:
        try:
            from catalogue.seed import load_seed
        except ImportError:
            load_seed = None
        if load_seed is not None:
            load_seed(store)
        store.upsert_many(test_resources())
        suggest.apply(store)  # as the composition root does before a rebuild
        rebuild(store, settings.index_path)


def make_settings(data_dir: Path, **overrides) -> Settings:
    """Settings of a test site in this data directory (nothing read from the environment)."""
    return Settings(
        {
            "data_dir": str(data_dir),
            "allow_private_networks": True,
            "per_host_delay": 0.0,
            "secret_key": "test",
            "password_scrypt_n": 2**14,  # the default 2^17 costs 128 MiB and ~0.5 s per login
            **overrides,
        },
        environ={},
    )


@pytest.fixture(scope="session")
def site_template(tmp_path_factory) -> Path:
    """A data directory built once per session: the seed, the test resources, the index."""
    folder = tmp_path_factory.mktemp("site-template") / "data"
    build_data_dir(make_settings(folder))
    return folder


@pytest.fixture
def site_settings(site_template, tmp_path) -> Settings:
    """Settings on a fresh copy of the session's data directory (safe to write to)."""
    folder = tmp_path / "site-data"
    shutil.copytree(site_template, folder)
    return make_settings(folder)


@pytest.fixture
def app(site_settings):
    """The site on a copy of the test data directory, wired as `catalogue serve` wires it."""
    app = build_app(site_settings, {"TESTING": True})
    yield app
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


@pytest.fixture
def client(app):
    """Flask's test client of the site."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner of the site."""
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The site served by waitress on 127.0.0.1 on a free port; `live_server.url` is its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.effective_port}"
    server.app = app
    yield server

    # Close every channel (listener, keep-alive clients, the trigger) from inside the server's
    # own loop: closing them from this thread races its select() (EBADF), and the loop ends
    # once its map is empty.
    def close_all():
        for channel in list(server._map.values()):
            channel.close()

    server.trigger.pull_trigger(close_all)
    thread.join(timeout=5)
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session, driven by Playwright (Debian's binary, no network)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser page (desktop width) on the live server; `page.base_url` is the server's URL."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
