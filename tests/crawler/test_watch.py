"""The nightly watch on a fixture site of two centres: proposals once each with their level, twins as
alternate addresses, nothing public before acceptance, a quiet second night that flags what changed."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue import audit, proposals, sources
from catalogue.cli import cli
from catalogue.store import Store
from catalogue.urls import canonical_url
from tests.crawler.fixtures import RARE_PDF_WORD
from tests.crawler.test_import_page import CLI_ENV
from tests.crawler.watch_site import ETAG, WatchSite


def run(data, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(data), *args], env={**CLI_ENV, "USER": "camille"})


@pytest.fixture
def site():
    with WatchSite() as s:
        yield s


@pytest.fixture
def data(tmp_path, site):
    """A data directory watching every source of both centres."""
    path = tmp_path / "data"
    for _, options in site.sources():
        result = run(path, "source", "add", *options)
        assert 0 == result.exit_code, result.output
    return path


def open_store(data) -> Store:
    return Store(Path(data) / "catalogue.sqlite3")


def pending(data) -> list[dict]:
    result = run(data, "proposals", "--json")
    assert 0 == result.exit_code, result.output
    return json.loads(result.stdout)


def test_source_add_detects_each_kind_and_lists_them(data, site):
    with open_store(data) as store:
        kinds = {s.name: s.kind for s in sources.all_sources(store)}
    assert {
        "IREV actualités": "listing",
        "IREV dossiers": "sitemap",
        "CRPV billets": "feed",
        "CRPV page": "page",
        "CRPV agenda": "listing",
    } == kinds
    listed = run(data, "source", "list")
    assert "liste d'actualités" in listed.output and "flux RSS/Atom" in listed.output


@pytest.mark.parametrize(
    "options, message",
    [
        (["--kind", "forum"], "valeur invalide pour '--kind'"),
        (["--kind", "page", "--level", "departemental"], "niveau inconnu : 'departemental'"),
        (["--kind", "page", "--theme", "jardinage"], "thème inconnu : 'jardinage'"),
        (["--kind", "sitemap", "--pattern", "(["], "motif d'adresses invalide"),
        (["--kind", "page", "--every", "0"], "fréquence invalide"),
    ],
)
def test_source_add_refuses_bad_input_with_exit_code_2_and_adds_nothing(tmp_path, site, options, message):
    result = run(tmp_path / "data", "source", "add", site.a.url("/actualites"), *options)
    assert 2 == result.exit_code
    assert message in result.output
    assert "Aucune source suivie" in run(tmp_path / "data", "source", "list").output


def test_source_add_refuses_an_address_already_watched(data, site):
    result = run(
        data, "source", "add", site.a.url("/actualites") + "?utm_source=lettre#haut", "--kind", "listing"
    )
    assert 2 == result.exit_code
    assert "cette source est déjà suivie" in result.output


def test_first_watch_proposes_every_resource_once_with_its_level_and_twins_become_alternates(data, site):
    result = run(data, "watch")
    assert 0 == result.exit_code, result.output
    found = pending(data)
    urls = [canonical_url(p["url"]) for p in found]
    assert len(urls) == len(set(urls)), "a resource was proposed twice"
    twins_proposed = [pair for pair in site.twins if len(set(pair) & set(urls)) == 1]
    assert site.twins == twins_proposed
    twin_urls = {u for pair in site.twins for u in pair}
    assert site.expected == {
        canonical_url(p["url"]): p["level"] for p in found if canonical_url(p["url"]) not in twin_urls
    }
    with open_store(data) as store:
        for pair in site.twins:
            kept, other = pair if pair[0] in urls else pair[::-1]
            proposal = next(p for p in found if canonical_url(p["url"]) == kept)
            assert [other] == [
                canonical_url(a["url"]) for a in proposals.proposal_alternates(store, proposal["id"])
            ]
        assert 0 == store.count()  # nothing in the catalogue (nor the index) before acceptance


def test_a_proposal_says_where_its_level_and_themes_come_from(data, site):
    run(data, "watch")
    pdf = next(p for p in pending(data) if p["url"].endswith(".pdf"))
    assert ("regional", "rubrique « Au niveau régional »") == (pdf["level"], pdf["level_reason"])
    assert "evaluation" in pdf["suggested_themes"]
    assert {
        "id",
        "url",
        "title",
        "level",
        "level_reason",
        "themes",
        "suggested_themes",
        "type",
        "source",
        "article_url",
        "status",
    } == set(pdf)
    assert "proposed" == pdf["status"]


def test_nothing_is_in_public_search_until_accepted_then_accept_and_reject_are_audited(data, site):
    run(data, "watch")
    found = pending(data)
    pdf = next(p for p in found if p["url"].endswith(".pdf"))
    first, other = [p for p in found if p is not pdf][:2]
    assert 0 == run(data, "proposals", "--accept", str(first["id"])).exit_code  # the index is not empty
    before = json.loads(run(data, "search", RARE_PDF_WORD, "--json").output)
    assert 0 == before["total"]
    result = run(data, "proposals", "--accept", str(pdf["id"]), "--reject", str(other["id"]))
    assert 0 == result.exit_code, result.output
    after = json.loads(run(data, "search", RARE_PDF_WORD, "--json").output)
    assert [canonical_url(pdf["url"])] == [canonical_url(r["url"]) for r in after["results"]]
    with open_store(data) as store:
        entries = {(e.action, e.actor) for e in audit.entries(store)}
        resource = store.find_by_url(pdf["url"])
        assert resource.level == "regional" and resource.source_url == pdf["article_url"]
        assert 1 == len(proposals.alternates(store, resource.id))  # the twin went with it
    assert {("proposal.accept", "camille"), ("proposal.reject", "camille")} <= entries
    statuses = {
        p["id"]: p["status"] for p in json.loads(run(data, "proposals", "--json", "--status", "all").output)
    }
    assert ("accepted", "rejected") == (statuses[pdf["id"]], statuses[other["id"]])


def test_deciding_twice_or_an_unknown_proposal_is_a_clear_error_and_changes_nothing(data, site):
    run(data, "watch")
    first = pending(data)[0]
    assert 0 == run(data, "proposals", "--reject", str(first["id"])).exit_code
    again = run(data, "proposals", "--accept", str(first["id"]))
    assert 2 == again.exit_code and "déjà refusée" in again.output
    unknown = run(data, "proposals", "--accept", "99999", "--reject", str(pending(data)[0]["id"]))
    assert 2 == unknown.exit_code and "aucune proposition n'a l'identifiant 99999" in unknown.output
    with open_store(data) as store:
        assert 1 == len(proposals.listing(store, "rejected"))


def test_second_night_proposes_nothing_new_asks_conditionally_and_flags_the_dead_page_and_changed_listing(
    data, site
):
    run(data, "watch")
    first = {p["id"] for p in pending(data)}
    site.night = 2
    result = run(
        data,
        "watch",
        "--source",
        "1",
        "--source",
        "2",
        "--source",
        "3",
        "--source",
        "4",
        "--source",
        "5",
        "--json",
    )
    assert 1 == result.exit_code, result.output
    report = json.loads(result.stdout)
    assert [0] * 5 == [s["proposed"] for s in report["sources"]]
    assert first == {p["id"] for p in pending(data)}
    listing = report["sources"][0]
    assert ("not_modified", 1) == (listing["entry_outcome"], listing["index_pages"])
    assert any(h.get("If-None-Match") == ETAG for m, p, h in site.a.log if p == "/actualites")
    flags = {s["name"]: s["health_reason"] for s in report["sources"] if s["health"] == "flagged"}
    assert {"CRPV page", "CRPV agenda"} == set(flags)
    assert "n'existe plus (le serveur répond 404)" in flags["CRPV page"]
    assert "structure modifiée" in flags["CRPV agenda"] and "il y en avait 6" in flags["CRPV agenda"]
    listed = run(data, "source", "list").output
    assert "structure modifiée" in listed


def test_a_rejected_address_is_never_proposed_again_even_from_a_new_source(data, site, tmp_path):
    run(data, "watch")
    res1 = next(p for p in pending(data) if p["url"].endswith("/ressources/r1.html"))
    run(data, "proposals", "--reject", str(res1["id"]))
    site.a.routes["/nouvelle"] = site.a.routes["/actualites/article-1"]
    run(data, "source", "add", site.a.url("/nouvelle"), "--kind", "page")
    result = run(data, "watch", "--source", site.a.url("/nouvelle"), "--json")
    assert 0 == json.loads(result.stdout)["sources"][0]["proposed"]


def test_an_interrupted_watch_resumes_and_still_proposes_each_resource_once(data, site, monkeypatch):
    from crawler import watch as watch_module

    calls = []
    original = watch_module.Watch._finish

    def stop_after_first(self, source, run_id):
        original(self, source, run_id)
        calls.append(source.id)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(watch_module.Watch, "_finish", stop_after_first)
    interrupted = run(data, "watch")
    assert 2 == interrupted.exit_code and "veille interrompue" in interrupted.output
    monkeypatch.setattr(watch_module.Watch, "_finish", original)
    resumed = run(data, "watch")
    assert "Reprise d'une veille interrompue" in resumed.output
    urls = [canonical_url(p["url"]) for p in pending(data)]
    assert len(urls) == len(set(urls))
    assert set(site.expected) <= set(urls) | {u for pair in site.twins for u in pair}


def test_quiet_watch_prints_nothing_when_all_is_well(data, site):
    result = run(data, "--quiet", "watch")
    assert (0, "") == (result.exit_code, result.output)


def test_a_source_is_read_again_only_when_its_turn_comes(data, site):
    run(data, "watch")
    again = run(data, "watch")
    assert 0 == again.exit_code and "Aucune source à lire maintenant." in again.output
    with open_store(data) as store:
        (listing,) = [s for s in sources.all_sources(store) if s.name == "IREV actualités"]
    from datetime import datetime, timedelta

    tomorrow = datetime.fromisoformat(listing.last_run_at) + timedelta(days=1)
    assert listing.is_due(tomorrow) and not listing.is_due(tomorrow - timedelta(hours=2))


def test_a_decision_on_several_proposals_changes_nothing_if_one_of_them_cannot_be_decided(data, site):
    run(data, "watch")
    first, second = pending(data)[:2]
    run(data, "proposals", "--reject", str(second["id"]))
    result = run(data, "proposals", "--accept", str(first["id"]), "--accept", str(second["id"]))
    assert 2 == result.exit_code and f"la proposition {second['id']} est déjà refusée" in result.output
    assert first["id"] in {p["id"] for p in pending(data)}
    with open_store(data) as store:
        assert 0 == store.count()


def test_accept_all_with_a_rejection_accepts_the_others(data, site):
    run(data, "watch")
    found = pending(data)
    result = run(data, "proposals", "--accept-all", "--reject", str(found[0]["id"]))
    assert 0 == result.exit_code, result.output
    assert [] == pending(data)
    with open_store(data) as store:
        assert len(found) - 1 == store.count()


def test_articles_past_the_per_run_budget_are_read_by_the_next_run(data, site):
    budget = {**CLI_ENV, "USER": "camille", "CATALOGUE_WATCH_MAX_ARTICLES": "4"}
    first = CliRunner().invoke(cli, ["--data-dir", str(data), "watch", "--source", "1", "--json"], env=budget)
    (report,) = json.loads(first.stdout)["sources"]
    assert (4, 5) == (report["articles_read"], report["articles_deferred"])
    second = CliRunner().invoke(
        cli, ["--data-dir", str(data), "watch", "--source", "1", "--json"], env=budget
    )
    (again,) = json.loads(second.stdout)["sources"]
    assert ("not_modified", 4, 1) == (
        again["entry_outcome"],
        again["articles_read"],
        again["articles_deferred"],
    )
