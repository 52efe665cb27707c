"""`catalogue check` end to end: exit codes, report formats, the lock, --apply-moved, and the link-health reads."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from catalogue import audit, linkhealth
from catalogue.cli import cli
from catalogue.cli.check import run_lock
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from tests.crawler.faultserver import FAST, page
from tests.localserver import LocalServer, Response

BIG_PAGE = page("Guide", "Un vrai contenu.", size=40_000)
ENV = {f"CATALOGUE_{k.upper()}": str(v) for k, v in FAST.items()} | {"CATALOGUE_ALLOW_PRIVATE_NETWORKS": "1"}
NIGHT1, NIGHT2 = "2026-03-03T02:00:00+00:00", "2026-03-04T02:00:00+00:00"


@pytest.fixture
def data(tmp_path):
    return str(tmp_path / "data")


@pytest.fixture
def site():
    with LocalServer(
        {
            "/ok": Response(200, BIG_PAGE),
            "/ko": Response(404),
            "/ancienne": Response(301, headers={"Location": "/nouvelle"}),
            "/nouvelle": Response(200, BIG_PAGE),
        }
    ) as srv:
        yield srv


def fill(data: str, urls: dict[str, str]) -> dict[str, str]:
    """Add resources (url -> publisher); returns url -> id."""
    with Store.open(Settings({"data_dir": data}, environ={})) as store:
        return {
            url: store.upsert(Resource(url=url, title=f"Ressource {url[-3:]}", publisher=p))[0].id
            for url, p in urls.items()
        }


def check(data: str, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", data, "check", *args], env=ENV)


def test_exit_codes_follow_confirmation(data, site):
    fill(data, {site.url("/ok"): "ANCT", site.url("/ko"): "Académie"})
    first = check(data, "--all", "--now", NIGHT1, "--format", "json")
    second = check(data, "--all", "--now", NIGHT2, "--format", "json")
    assert (first.exit_code, second.exit_code) == (0, 1), first.output + second.output
    report = json.loads(second.stdout)  # stderr names the broken link
    assert set(report) >= {"started_at", "finished_at", "outage", "summary", "results"}
    assert (report["outage"], report["summary"]) == (False, {"ok": 1, "broken": 1})
    broken = [r for r in report["results"] if r["verdict"] == "broken"][0]
    assert set(broken) >= {
        "id",
        "url",
        "verdict",
        "http_status",
        "final_url",
        "error",
        "checked_at",
        "consecutive_failures",
        "first_failure_at",
    }
    assert (broken["http_status"], broken["consecutive_failures"], broken["first_failure_at"]) == (
        404,
        2,
        NIGHT1,
    )
    assert broken["message"].startswith("Le serveur répond 404 : la page n'existe plus depuis le 3 mars 2026")
    assert report["groups"]["newly_broken"] == [broken["id"]]
    assert report["by_publisher"] == {"Académie": 1}


def test_every_report_format(data, site, tmp_path):
    fill(data, {site.url("/ok"): "", site.url("/ko"): "", site.url("/ancienne"): ""})
    check(data, "--all", "--now", NIGHT1)
    outputs = {}
    for fmt in ("json", "csv", "text", "html"):
        target = tmp_path / f"rapport.{fmt}"
        result = check(data, "--all", "--now", NIGHT2, "--report", str(target))
        assert result.exit_code == 1, result.output
        outputs[fmt] = target.read_text(encoding="utf-8")
    assert len(json.loads(outputs["json"])["results"]) == 3
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert sorted(r["verdict"] for r in rows) == ["broken", "moved", "ok"]
    assert "Toujours cassés (1) :" in outputs["text"]
    assert (
        "Le serveur répond 404 : la page n'existe plus depuis le 3 mars 2026 — en échec 2 nuits de suite."
        in outputs["text"]
    )
    assert f"→ {site.url('/nouvelle')}" in outputs["text"]
    assert outputs["html"].startswith("<!doctype html>") and "Adresses déplacées" in outputs["html"]


def test_quiet_under_cron_when_all_is_well(data, site):
    fill(data, {site.url("/ok"): ""})
    result = CliRunner().invoke(cli, ["--data-dir", data, "--quiet", "check", "--all"], env=ENV)
    assert (result.exit_code, result.output) == (0, "")


def test_two_runs_never_overlap(data, site, tmp_path):
    fill(data, {site.url("/ok"): ""})
    with run_lock(tmp_path / "data"):
        result = check(data, "--all")
    assert result.exit_code == 2
    assert "déjà en cours" in result.output
    assert check(data, "--all").exit_code == 0


def test_unknown_id_and_missing_arguments_fail_cleanly(data):
    assert check(data).exit_code == 2
    result = check(data, "000000000000")
    assert (result.exit_code, "aucune ressource n'a l'identifiant '000000000000'" in result.output) == (
        2,
        True,
    )


def test_apply_moved_changes_the_address_and_keeps_the_old_one_as_alias(data, site):
    ids = fill(data, {site.url("/ancienne"): "ANCT"})
    old_id = ids[site.url("/ancienne")]
    assert check(data, "--all", "--now", NIGHT1).exit_code == 0
    result = check(data, "--apply-moved")
    assert result.exit_code == 0, result.output
    with Store.open(Settings({"data_dir": data}, environ={})) as store:
        moved = store.find_by_url(site.url("/ancienne"))
        assert (moved.url, moved.publisher) == (site.url("/nouvelle"), "ANCT")
        assert store.ids() == [moved.id] and moved.id != old_id
        assert [c.url for c in linkhealth.history(store, moved.id)] == [site.url("/ancienne")]
        state = linkhealth.state_of(store, moved.id)
        assert (state.url, state.moved_to, state.verdict) == (site.url("/nouvelle"), None, "ok")
        entry = audit.entries(store, resource_id=moved.id)[0]
        assert entry.action == "link.accept_moved"
        assert linkhealth.moved(store) == []


def test_apply_moved_refuses_an_address_that_another_resource_has(data, site):
    fill(data, {site.url("/ancienne"): "", site.url("/nouvelle"): ""})
    check(data, "--all", "--now", NIGHT1)
    with Store.open(Settings({"data_dir": data}, environ={})) as store:
        rid = linkhealth.moved(store)[0].state.resource_id
        with pytest.raises(linkhealth.MoveError, match="est déjà la ressource"):
            linkhealth.apply_moved(store, rid, "test")
        assert store.count() == 2


def test_link_health_reads_for_the_site(data, site):
    ids = fill(data, {site.url("/ok"): "", site.url("/ko"): "", site.url("/ancienne"): ""})
    check(data, "--all", "--now", NIGHT1)
    check(data, "--all", "--now", NIGHT2)
    with Store.open(Settings({"data_dir": data}, environ={})) as store:
        assert linkhealth.summary_by_verdict(store) == {"ok": 1, "broken": 1, "moved": 1}
        nights = linkhealth.nightly_counts(store, nights=3, today="2026-03-04")
        assert nights == [
            {"night": "2026-03-02", "counts": {}},
            {
                "night": "2026-03-03",
                "counts": {"ok": 1, "broken": 1, "moved": 1, "statuses": {"ok": 2, "a-verifier": 1}},
            },
            {
                "night": "2026-03-04",
                "counts": {"ok": 1, "broken": 1, "moved": 1, "statuses": {"ok": 2, "casse": 1}},
            },
        ]
        failing = linkhealth.failing(store)
        assert [(f.state.resource_id, f.state.status) for f in failing] == [(ids[site.url("/ko")], "casse")]
        assert failing[0].state.verdict_text.startswith("Le serveur répond 404")
        assert [m.state.moved_to for m in linkhealth.moved(store)] == [site.url("/nouvelle")]
        state = linkhealth.state_of(store, ids[site.url("/ko")])
        assert (state.status, state.first_failure_at, state.consecutive_failures) == (
            "casse",
            NIGHT1,
            2,
        )
        assert linkhealth.state_of(store, "000000000000") is None


def test_a_check_reindexes_the_resources_whose_status_changed(data, site):
    from index.build import rebuild
    from index.query import SearchQuery
    from index.search import Searcher

    ids = fill(data, {site.url("/ok"): "", site.url("/ko"): ""})
    settings = Settings({"data_dir": data}, environ={})
    with Store.open(settings) as store:
        rebuild(store, settings.index_path)
    check(data, "--all", "--now", NIGHT1)
    assert check(data, "--all", "--now", NIGHT2).exit_code == 1
    with Store.open(settings) as store:
        searcher = Searcher(settings.index_path, store.vocabularies)
        try:
            found = searcher.search(SearchQuery(filters={"status": ["casse"]}))
        finally:
            searcher.close()
    assert [hit.id for hit in found.hits] == [ids[site.url("/ko")]]


def test_the_csv_report_is_safe_to_open_in_a_spreadsheet():
    from crawler.reports import RESULT_FIELDS, to_csv

    row = dict.fromkeys(RESULT_FIELDS, "")
    row.update(url="https://ex.fr/a", verdict="broken", title="=cmd|' /C calc'!A0", http_status=404)
    [written] = list(csv.DictReader(io.StringIO(to_csv({"results": [row]}))))
    assert written["title"] == "'=cmd|' /C calc'!A0"
    assert (written["url"], written["verdict"], written["http_status"]) == (
        "https://ex.fr/a",
        "broken",
        "404",
    )
