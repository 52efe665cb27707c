"""Fixtures of the staff-page tests: an app with a staff account, a client logged in, and form helpers."""

import shutil
from pathlib import Path

import pytest

from catalogue import users
from catalogue.cli.serve import SiteServices
from catalogue.linkchecks import Check
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from index import build
from web import create_app

# Star-imported by the staff test modules: only the fixtures.
__all__ = ["anonymous", "resource_id", "staff", "staff_app", "staff_template"]

USER, PASSWORD = "alice", "motdepasse-alice"
MAX_FAILURES = 3


def staff_settings(tmp_path, **extra) -> Settings:
    """Settings in a temporary data directory with a short lockout policy."""
    values = {
        "data_dir": str(tmp_path / "data"),
        "allow_private_networks": True,
        "per_host_delay": 0.0,
        "secret_key": "clé-de-test",
        "login_max_failures": MAX_FAILURES,
        "login_lockout_seconds": 600,
        "password_scrypt_n": 2**14,  # the default 2^17 costs 128 MiB and ~0.5 s per login
        "connect_timeout": 2,
        "read_timeout": 2,
        "deadline": 5,
        "retries": 0,
    }
    return Settings({**values, **extra}, environ={})


def wired(settings: Settings, services):
    """The services of the site: the real ones (SiteServices) as given, else the real follow-ups of a
    change plus the given crawler services (a dict; none by default)."""
    if isinstance(services, SiteServices):
        return services
    real = SiteServices(settings)
    return {"follow_ups": real.follow_ups, "keep_index_current": real.keep_index_current, **(services or {})}


def make_app(settings: Settings, services=None, template: Path | None = None):
    """The real site on these settings, with one staff account and one resource (copied from template if given)."""
    if template is not None and not settings.data_path.exists():
        shutil.copytree(template, settings.data_path)
        return create_app({"SETTINGS": settings, "TESTING": True}, services=wired(settings, services))
    with Store.open(settings) as store:
        if not users.user_exists(store, USER):
            users.create_user(store, USER, PASSWORD, n=settings.password_scrypt_n)
        if store.count() == 0:
            store.upsert(
                Resource(
                    url="https://exemple.fr/guide-evaluation.pdf",
                    title="Guide de l'évaluation",
                    description="Un guide pour évaluer.",
                    type="guide",
                    themes=["evaluation"],
                    level="national",
                )
            )
        build.rebuild(store, settings.index_path)
    return create_app({"SETTINGS": settings, "TESTING": True}, services=wired(settings, services))


def csrf_of(client) -> str:
    """The CSRF token of the client's session (created by a first GET of a staff page)."""
    with client.session_transaction() as session:
        token = session.get("csrf_token")
    if token is None:
        client.get("/equipe/connexion")
        with client.session_transaction() as session:
            token = session["csrf_token"]
    return token


def login(client, name=USER, password=PASSWORD, next_url=""):
    """Post the login form with a valid CSRF token."""
    return client.post(
        "/equipe/connexion",
        data={"nom": name, "mot_de_passe": password, "csrf_token": csrf_of(client), "suivant": next_url},
    )


@pytest.fixture(scope="session")
def staff_template(tmp_path_factory) -> Path:
    """A data directory with the account and the resource, indexed once per session (tests get copies)."""
    root = tmp_path_factory.mktemp("staff-template")
    make_app(staff_settings(root))
    return root / "data"


@pytest.fixture
def staff_app(tmp_path, staff_template):
    """The site with a staff account alice and one resource, no services injected."""
    app = make_app(staff_settings(tmp_path), template=staff_template)
    yield app
    searcher = app.extensions.get("catalogue.searcher")  # the site's pages searched: close its files
    if searcher is not None:
        searcher.close()


@pytest.fixture
def anonymous(staff_app):
    """A test client that has not logged in."""
    return staff_app.test_client()


@pytest.fixture
def staff(staff_app):
    """A test client logged in as alice."""
    client = staff_app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture
def resource_id(staff_app):
    """The id of the one resource of the catalogue."""
    with Store.open(staff_app.config["SETTINGS"]) as store:
        return store.ids()[0]


def check_record(rid, url, verdict, when, **extra) -> Check:
    """One stored link check, as the link checker records it (for filling link health)."""
    fields = {"http_status": 200, "content_type": "text/html", "content_length": 100} | extra
    return Check(rid, url, when, verdict, method="HEAD", final_url=url, duration=0.1, attempts=1, **fields)
