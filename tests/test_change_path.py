"""Every action goes through catalogue/changes.py: exactly one audit entry and one index update each,
on the real wiring of the CLI and of the site (catalogue/cli/wiring.py, catalogue/cli/serve.py)."""

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from catalogue import audit, linkhealth
from catalogue.cli import cli
from catalogue.models import Resource
from catalogue.store import Store
from index import build
from index.query import SearchQuery
from index.search import Searcher
from tests.localserver import Response
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import check_record, csrf_of, login, make_app, staff_settings

PAGE = """<html><head><title>Ressources</title></head><body><main><h2>Niveau national</h2><ul>
<li><a href="{base}/rapport-mentorat">Rapport sur le mentorat des collégiens</a></li></ul></main></body></html>"""
GUIDE = "<html><head><title>Guide du potager</title></head><body><main><p>Arroser le zanzibar.</p></main></body></html>"
NEW_URL = "https://exemple.fr/nouvelle-adresse.pdf"


@pytest.fixture
def index_writes(monkeypatch):
    """How many times the live index was written (each is one commit of reindexed resources)."""
    calls = []
    real = build._write_resources

    def counting(store, folder, ids):
        calls.append(list(ids))
        return real(store, folder, ids)

    monkeypatch.setattr(build, "_write_resources", counting)
    return calls


def audit_count(settings) -> int:
    with Store.open(settings) as store:
        return audit.count(store)


def indexed_ids(settings, q="") -> list[str]:
    with Store.open(settings) as store:
        searcher = Searcher(settings.index_path, store.vocabularies)
    try:
        return sorted(h.id for h in searcher.search(SearchQuery(q=q, per_page=100)).hits)
    finally:
        searcher.close()


def night(settings, rid, url, verdict, **extra):
    when = datetime.now(UTC).replace(microsecond=0).isoformat()
    with Store.open(settings) as store:
        run = linkhealth.start_run(store, when)
        record = check_record(rid, url, verdict, when, **extra)
        linkhealth.record_run(store, run, [record], outage=False, confirm_nights=2, finished_at=when)


def apply_pending(settings) -> None:
    """Bring the index up to date now (what the next command or page does), so that counting starts clean."""
    with Store.open(settings) as store:
        build.catch_up(store, settings.index_path)


def invoke(settings, *args):
    env = {"CATALOGUE_ALLOW_PRIVATE_NETWORKS": "1", "CATALOGUE_PER_HOST_DELAY": "0"}
    result = CliRunner(env=env).invoke(cli, ["--data-dir", str(settings.data_path), "-q", *args])
    assert result.exit_code in (0, 1), result.output
    return result


# -- the CLI ---------------------------------------------------------------------


@pytest.fixture
def cli_settings(tmp_path):
    settings = staff_settings(tmp_path)
    make_app(settings)  # the account, one resource, the index
    return settings


def test_cli_add_is_one_audit_entry_and_one_index_update(cli_settings, server, index_writes):
    server.routes["/guide"] = Response(body=GUIDE.encode())
    invoke(cli_settings, "add", server.url("/guide"))
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    with Store.open(cli_settings) as store:
        [entry] = audit.entries(store)
        added = store.find_by_url(server.url("/guide"))
    assert ("système", "resource.create", added.id) == (entry.actor, entry.action, entry.resource_id)
    assert f"catalogue add {server.url('/guide')}" in entry.detail
    assert added.title == "Guide du potager" and indexed_ids(cli_settings, "zanzibar") == [added.id]


def test_cli_import_is_one_audit_entry_and_one_index_update(cli_settings, tmp_path, index_writes):
    rows = [{"url": f"https://ex.fr/import-{n}", "title": f"Fiche importée {n}"} for n in range(3)]
    path = tmp_path / "lot.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    invoke(cli_settings, "import", str(path))
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    assert 3 == len(indexed_ids(cli_settings, "importée"))


def test_cli_import_of_withdrawn_resources_is_one_audit_entry_and_one_index_update(
    cli_settings, tmp_path, index_writes
):
    rows = [{"url": f"https://ex.fr/import-{n}", "title": f"Fiche importée {n}"} for n in range(3)]
    rows[1].update(withdrawn_at="2026-03-02T09:15:00+00:00", withdrawn_reason="Doublon", withdrawn_by="marie")
    path = tmp_path / "sauvegarde.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    invoke(cli_settings, "import", str(path))
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    with Store.open(cli_settings) as store:
        kept = sorted(store.find_by_url(rows[n]["url"]).id for n in (0, 2))
    assert kept == indexed_ids(cli_settings, "importée")  # the withdrawn one never reached the index


def test_cli_crawl_is_one_audit_entry_and_one_index_update(cli_settings, server, index_writes):
    server.routes["/guide"] = Response(body=GUIDE.encode())
    with Store.open(cli_settings) as store:
        resource, _ = store.upsert(Resource(url=server.url("/guide"), title="Un guide"))
        build.catch_up(store, cli_settings.index_path)
    index_writes.clear()
    invoke(cli_settings, "crawl", resource.id)
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    assert indexed_ids(cli_settings, "zanzibar") == [resource.id]


def test_cli_import_page_is_one_audit_entry_and_one_index_update(cli_settings, server, index_writes):
    server.routes["/ressources"] = Response(body=PAGE.format(base=server.base_url).encode())
    server.routes["/rapport-mentorat"] = Response(body=GUIDE.encode())
    invoke(cli_settings, "import-page", server.url("/ressources"), "--level", "national")
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    with Store.open(cli_settings) as store:
        rid = store.find_by_url(server.url("/rapport-mentorat")).id
    assert indexed_ids(cli_settings, "zanzibar") == [rid]


def test_cli_accept_moved_is_one_audit_entry_and_one_index_update(cli_settings, index_writes):
    with Store.open(cli_settings) as store:
        old = store.ids()[0]
        url = store.get(old).url
    night(cli_settings, old, url, "moved", http_status=301, moved_to=NEW_URL)
    with Store.open(cli_settings) as store:
        build.catch_up(store, cli_settings.index_path)  # the night's status change
    index_writes.clear()
    invoke(cli_settings, "check", "--apply-moved")
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    with Store.open(cli_settings) as store:
        moved = store.find_by_url(NEW_URL)
    assert indexed_ids(cli_settings) == [moved.id]


# -- the site ----------------------------------------------------------------------


@pytest.fixture
def site(tmp_path, staff_template):
    """The site wired as `catalogue serve` wires it (real services), logged in as alice."""
    from catalogue.cli.serve import SiteServices

    settings = staff_settings(tmp_path)
    app = make_app(settings, services=SiteServices(settings), template=staff_template)
    client = app.test_client()
    login(client)
    client.settings = settings
    with Store.open(settings) as store:
        client.rid = store.ids()[0]
        client.url = store.get(client.rid).url
    yield client
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


def post(client, path, form=None):
    response = client.post(path, data={**(form or {}), "csrf_token": csrf_of(client)})
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    return response


FORM = {"title": "Guide du compostage", "level": "local", "language": "fr", "type": "guide"}


def test_site_add_is_one_audit_entry_and_one_index_update(site, index_writes):
    post(site, "/equipe/ressources/nouvelle", {**FORM, "url": "https://ex.fr/compost"})
    assert 1 == len(index_writes) and 1 == audit_count(site.settings)
    assert 1 == len(indexed_ids(site.settings, "compostage"))


def test_site_edit_is_one_audit_entry_and_one_index_update(site, index_writes):
    post(site, f"/equipe/ressources/{site.rid}/modifier", {**FORM, "title": "Guide du lombricompostage"})
    assert 1 == len(index_writes) and 1 == audit_count(site.settings)
    assert indexed_ids(site.settings, "lombricompostage") == [site.rid]


def test_site_crawl_now_is_one_audit_entry_and_one_index_update(site, server, index_writes):
    server.routes["/guide"] = Response(body=GUIDE.encode())
    post(site, "/equipe/ressources/nouvelle", {**FORM, "url": server.url("/guide")})
    index_writes.clear()
    with Store.open(site.settings) as store:
        rid = store.find_by_url(server.url("/guide")).id
    post(site, f"/equipe/ressources/{rid}/explorer")
    assert 1 == len(index_writes) and 2 == audit_count(site.settings)  # the creation, then the crawl
    assert indexed_ids(site.settings, "zanzibar") == [rid]


def test_site_import_page_is_one_audit_entry_and_one_index_update(site, server, index_writes):
    server.routes["/ressources"] = Response(body=PAGE.format(base=server.base_url).encode())
    form = {"url": server.url("/ressources"), "level": "national", "etape": "importer"}
    post(site, "/equipe/importer", form)
    assert 1 == len(index_writes) and 1 == audit_count(site.settings)
    assert 1 == len(indexed_ids(site.settings, "mentorat"))


def test_site_accept_moved_is_one_audit_entry_and_one_index_update(site, index_writes):
    night(site.settings, site.rid, site.url, "moved", http_status=301, moved_to=NEW_URL)
    apply_pending(site.settings)  # the night's status change
    index_writes.clear()
    post(site, f"/equipe/liens/{site.rid}/accepter")
    assert 1 == len(index_writes) and 1 == audit_count(site.settings)
    with Store.open(site.settings) as store:
        assert indexed_ids(site.settings) == [store.find_by_url(NEW_URL).id]


def test_site_accept_changed_document_is_one_audit_entry_and_one_index_update(site, index_writes):
    night(site.settings, site.rid, site.url, "ok", content_type="application/pdf", content_length=2_000_000)
    night(site.settings, site.rid, site.url, "ok", content_length=15, suspect=True, error="plus petit")
    apply_pending(site.settings)
    index_writes.clear()
    post(site, f"/equipe/liens/{site.rid}/accepter-document")
    assert 1 == len(index_writes) and 1 == audit_count(site.settings)


HOLD_LOCK = """
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""


def test_a_staff_edit_while_another_process_writes_the_index_is_saved_queued_and_said(site):
    """A long import holds the index: the edit is saved at once and the search catches up after."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(site.settings.index_path / "update.lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    with holder:
        try:
            assert holder.stdout.readline() == "held\n"
            response = post(
                site, f"/equipe/ressources/{site.rid}/modifier", {**FORM, "title": "Lombricompostage"}
            )
            page = site.get(response.headers["Location"]).get_data(as_text=True)
            assert "Enregistré ; la recherche sera à jour dans un instant." in page
            with Store.open(site.settings) as store:
                assert store.get(site.rid).title == "Lombricompostage"
            assert indexed_ids(site.settings, "lombricompostage") == []
        finally:
            holder.kill()
    site.application.extensions["catalogue.services"]._next_catch_up = 0  # as a second later
    site.get("/")
    assert indexed_ids(site.settings, "lombricompostage") == [site.rid]


def test_the_site_applies_a_change_left_by_a_killed_process_before_serving(site):
    with Store.open(site.settings) as store:
        store.update_fields(site.rid, title="Guide du lombricompostage")  # committed, never indexed
    site.application.extensions["catalogue.services"]._next_catch_up = 0  # a second after the login
    html = site.get("/recherche?q=lombricompostage").get_data(as_text=True)
    assert "Guide du lombricompostage" in html


def test_cli_withdraw_is_one_audit_entry_and_one_index_update(cli_settings, index_writes):
    with Store.open(cli_settings) as store:
        rid = store.ids()[0]
    invoke(cli_settings, "withdraw", rid, "--reason", "Ressource retirée par l'éditeur")
    assert 1 == len(index_writes) and 1 == audit_count(cli_settings)
    assert indexed_ids(cli_settings) == []


def test_site_withdraw_is_one_audit_entry_and_one_index_update(site, index_writes):
    post(site, f"/equipe/ressources/{site.rid}/retirer", {"raison": "Ressource retirée par l'éditeur"})
    assert 1 == len(index_writes) and 1 == audit_count(site.settings)
    assert indexed_ids(site.settings) == []
