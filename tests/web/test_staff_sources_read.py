"""« Lire maintenant » on /equipe/sources: one source read now by the nightly watch's own code (same lock,
same proposals), on the real local servers of two resource centres, with a French message saying what
was found, one audit entry, CSRF-protected, and refused while the nightly watch runs."""

import html

import pytest
from click.testing import CliRunner

from catalogue import audit, proposals, sources
from catalogue.cli import cli
from catalogue.cli.check import run_lock
from catalogue.cli.serve import SiteServices
from catalogue.cli.watch import WATCH_LOCK
from catalogue.store import Store
from tests.crawler.test_import_page import CLI_ENV
from tests.crawler.watch_site import WatchSite
from tests.web.staff_fixtures import (  # noqa: F401  (fixtures)
    csrf_of,
    login,
    make_app,
    staff,
    staff_app,
    staff_settings,
    staff_template,
)


@pytest.fixture
def site():
    with WatchSite() as s:
        yield s


@pytest.fixture
def client(tmp_path, staff_template, site):  # noqa: F811
    """The staff site wired as `catalogue serve` wires it, logged in, watching two sources (never read)."""
    settings = staff_settings(tmp_path)
    app = make_app(settings, services=SiteServices(settings), template=staff_template)
    with Store.open(settings) as store:
        sources.add(
            store, sources.Source(url=site.a.url("/actualites"), kind="listing", name="IREV actualités")
        )
        sources.add(store, sources.Source(url=site.b.url("/feed.xml"), kind="feed", name="CRPV billets"))
    client = app.test_client()
    assert 302 == login(client).status_code
    client.settings = settings
    yield client
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


def read(client, source_id: int, token: str | None = None):
    data = {"csrf_token": csrf_of(client) if token is None else token}
    return client.post(f"/equipe/sources/{source_id}/lire", data=data)


def watch_entries(settings) -> list:
    with Store.open(settings) as store:
        return [e for e in audit.entries(store, limit=500) if e.action == "source.watch"]


def test_each_source_has_a_read_now_button(client):
    page = client.get("/equipe/sources").get_data(as_text=True)
    for source_id in (1, 2):
        assert f'action="/equipe/sources/{source_id}/lire"' in page
    assert 2 == page.count('Lire maintenant<span class="sr-only">')


def test_reading_one_source_proposes_what_it_found_and_says_so(client, site):
    response = read(client, 1)
    assert (302, "/equipe/sources#source-1") == (response.status_code, response.headers["Location"])
    with Store.open(client.settings) as store:
        found = [p for p in proposals.listing(store) if p.source == "IREV actualités"]
        read_sources = {s.id: s.last_run_at for s in sources.all_sources(store)}
    assert found and all(p.status == "proposed" for p in found)
    assert read_sources[1] is not None and read_sources[2] is None  # that source only
    assert not any(path.startswith("/feed.xml") for _, path, _ in site.b.log)
    page = html.unescape(client.get("/equipe/sources").get_data(as_text=True))
    proposed = f"{len(found)} ressources proposées"
    assert "Lecture terminée. IREV actualités (liste d'actualités) : 3 pages lues, " in page
    assert proposed in page and f"{len(found)} propositions en attente de relecture." in page
    [entry] = watch_entries(client.settings)
    assert ("alice", None) == (entry.actor, entry.resource_id)
    assert (
        entry.detail.startswith("IREV actualités (liste d'actualités) : 3 pages lues")
        and proposed in entry.detail
    )
    results = client.get(f"/api/search?q={found[0].title.split()[0]}").get_json()
    assert [] == [
        r for r in results["results"] if r["url"] == found[0].url
    ]  # nothing public before acceptance


def test_reading_again_finds_nothing_new_and_says_the_listing_did_not_change(client):
    assert 302 == read(client, 1).status_code
    client.get("/equipe/sources")  # the first message is read
    assert 302 == read(client, 1).status_code
    page = html.unescape(client.get("/equipe/sources").get_data(as_text=True))
    assert "inchangée depuis le dernier passage (304) ; 0 ressource proposée" in page
    assert 2 == len(watch_entries(client.settings))


def test_a_source_that_fails_is_said_as_an_error(client, site):
    del site.b.routes["/feed.xml"]
    assert 302 == read(client, 2).status_code
    page = html.unescape(client.get("/equipe/sources").get_data(as_text=True))
    assert "Lecture terminée. CRPV billets (flux RSS/Atom)" in page
    assert "SOURCE SIGNALÉE : l'adresse de la source n'existe plus (le serveur répond 404)" in page


def test_reading_without_the_csrf_token_is_refused_and_reads_nothing(client, site):
    assert 400 == read(client, 1, token="faux").status_code
    assert [] == site.a.log and [] == watch_entries(client.settings)


def test_reading_while_the_nightly_watch_runs_is_refused_with_the_reason(client, site):
    with run_lock(client.settings.data_path, WATCH_LOCK, "une veille"):
        assert 302 == read(client, 1).status_code
    page = html.unescape(client.get("/equipe/sources").get_data(as_text=True))
    assert "Lecture de « IREV actualités » impossible maintenant : une veille est déjà en cours" in page
    assert [] == site.a.log and [] == watch_entries(client.settings)


def test_an_unknown_source_is_said_and_nothing_is_read(client, site):
    assert 302 == read(client, 99).status_code
    assert "Cette source n'existe plus." in html.unescape(
        client.get("/equipe/sources").get_data(as_text=True)
    )
    assert [] == site.a.log


def test_without_the_watch_service_there_is_no_button(staff, staff_app):  # noqa: F811
    with Store.open(staff_app.config["SETTINGS"]) as store:
        sources.add(store, sources.Source(url="https://exemple.fr/actualites", kind="listing"))
    assert "Lire maintenant" not in staff.get("/equipe/sources").get_data(as_text=True)


def test_the_nightly_watch_is_audited_the_same_way(client):
    settings = client.settings
    result = CliRunner().invoke(
        cli, ["--data-dir", str(settings.data_path), "-q", "watch", "--source", "2"], env=CLI_ENV
    )
    assert 0 == result.exit_code, result.output
    [entry] = watch_entries(settings)
    assert ("système", True) == (entry.actor, entry.detail.startswith("CRPV billets (flux RSS/Atom) : "))
    assert "catalogue watch 2" in entry.detail


def test_a_nightly_watch_with_no_source_due_writes_no_audit_entry(client):
    runner = CliRunner()
    args = ["--data-dir", str(client.settings.data_path), "-q", "watch"]
    assert 0 == runner.invoke(cli, args, env=CLI_ENV).exit_code  # both sources read: they were due
    assert 1 == len(watch_entries(client.settings))
    again = runner.invoke(cli, args, env=CLI_ENV)  # the same night: nothing is due
    assert (0, "") == (again.exit_code, again.output)
    assert 1 == len(watch_entries(client.settings))
