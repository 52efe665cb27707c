"""The link checker on a real local server: one verdict per fault case, confirmation over nights, outage guard."""

import pytest

from catalogue import linkhealth
from catalogue.documents import iter_documents
from catalogue.linkchecks import Check
from catalogue.models import Resource
from catalogue.store import Store
from crawler.check import is_outage, run_check
from tests.crawler.faultserver import drip, fast_settings, head_refused, page, sequence
from tests.localserver import LocalServer, Response
from tests.rawdb import raw_database

BIG_PAGE = page("Guide des Cités éducatives", "Un vrai contenu.", size=40_000)
NIGHT1, NIGHT1_LATER, NIGHT2, NIGHT3 = (
    "2026-03-03T02:00:00+00:00",
    "2026-03-03T05:00:00+00:00",
    "2026-03-04T02:00:00+00:00",
    "2026-03-05T02:00:00+00:00",
)


def fault_routes() -> dict:
    """path -> route for every fault case of the issue."""
    return {
        "/ok": Response(200, BIG_PAGE),
        "/doc.pdf": Response(200, b"%PDF-1.4 " + b"x" * 5000, content_type="application/pdf"),
        "/404": Response(404, page("Not Found")),
        "/410": Response(410, page("Gone")),
        "/500": Response(500, page("Erreur")),
        "/503-recovers": sequence(Response(503), Response(503), Response(200, BIG_PAGE)),
        "/429-then-ok": sequence(Response(429, headers={"Retry-After": "0"}), Response(200, BIG_PAGE)),
        "/429-always": Response(429, headers={"Retry-After": "0"}),
        "/no-head": head_refused(BIG_PAGE),
        "/slow": Response(200, BIG_PAGE, delay=1.0),
        "/drip": drip(total=100, pause=0.1, content_type="text/html"),  # headers fast, page never
        "/loop-a": Response(302, headers={"Location": "/loop-b"}),
        "/loop-b": Response(302, headers={"Location": "/loop-a"}),
        "/permanent": Response(301, headers={"Location": "/nouvelle-adresse"}),
        "/nouvelle-adresse": Response(200, BIG_PAGE),
        "/temporary": Response(302, headers={"Location": "/ok"}),
        "/soft404": Response(200, page("Page introuvable", "Cette page n'existe pas ou plus.")),
        "/guide.pdf": Response(301, headers={"Location": "/"}),
        "/": Response(200, BIG_PAGE),
        "/prive/doc": Response(200, BIG_PAGE),
        "/robots.txt": Response(200, b"User-agent: *\nDisallow: /prive/\n", content_type="text/plain"),
        "/bot-wall": Response(403, b"<html><title>Attention Required</title><p>captcha</p></html>"),
    }


EXPECTED = {
    "/ok": "ok",
    "/doc.pdf": "ok",
    "/404": "broken",
    "/410": "broken",
    "/500": "error",
    "/503-recovers": "ok",
    "/429-then-ok": "ok",
    "/429-always": "rate_limited",
    "/no-head": "ok",
    "/slow": "timeout",
    "/drip": "timeout",
    "/loop-a": "loop",
    "/permanent": "moved",
    "/temporary": "ok",
    "/soft404": "soft404",
    "/guide.pdf": "soft404",
    "/prive/doc": "robots",
    "/bot-wall": "blocked",
}
OFFLINE = {
    "http://127.0.0.1:9/doc": "refused",
    "http://ressource-disparue.invalid/doc": "dns",
}


def add(store, url: str, title: str = "", publisher: str = "") -> str:
    resource, _ = store.upsert(Resource(url=url, title=title or url, publisher=publisher))
    return resource.id


@pytest.fixture
def fault_server():
    with LocalServer(fault_routes()) as srv:
        yield srv


@pytest.fixture
def check_settings(tmp_path):
    return fast_settings(tmp_path)


@pytest.fixture
def check_store(check_settings):
    s = Store.open(check_settings)
    yield s
    s.close()


def test_every_fault_case_gets_its_verdict(fault_server, check_store, check_settings):
    urls = {fault_server.url(path): verdict for path, verdict in EXPECTED.items()} | OFFLINE
    ids = {add(check_store, url): url for url in urls}
    run = run_check(check_store, check_settings, now=NIGHT1)
    got = {ids[r.check.resource_id]: r.check.verdict for r in run.results}
    assert got == urls
    assert run.outage is False
    moved = [r.check for r in run.results if r.check.verdict == "moved"][0]
    assert moved.moved_to == fault_server.url("/nouvelle-adresse")
    assert not any(p == "/prive/doc" for _, p, _ in fault_server.log)


def test_failing_links_get_a_second_opinion_in_the_same_run(check_store, check_settings):
    routes = {
        "/flaky": sequence(
            Response(500), Response(200, BIG_PAGE)
        ),  # a page: one GET, then the second opinion
        "/flaky.pdf": sequence(
            *[Response(500)] * 2, Response(200, b"%PDF-1.4", content_type="application/pdf")
        ),
    }
    with LocalServer(routes) as srv:
        page_id, doc_id = add(check_store, srv.url("/flaky")), add(check_store, srv.url("/flaky.pdf"))
        run = run_check(check_store, check_settings, now=NIGHT1)
    results = {r.check.resource_id: r.check for r in run.results}
    assert [c.method for c in results[page_id].requests] == ["GET", "GET"]
    assert [c.method for c in results[doc_id].requests] == ["HEAD", "GET", "GET"]
    assert {r.check.verdict for r in run.results} == {"ok"}
    assert [c.verdict for c in linkhealth.history(check_store, page_id)] == ["ok", "error"]
    assert [c.verdict for c in linkhealth.history(check_store, doc_id)] == ["ok", "error", "error"]


def test_a_link_is_cassé_only_after_two_failing_nights(check_store, check_settings):
    with LocalServer({"/doc": Response(404)}) as srv:
        rid = add(check_store, srv.url("/doc"))
        first = run_check(check_store, check_settings, now=NIGHT1)
        same_night = run_check(check_store, check_settings, now=NIGHT1_LATER)
        second = run_check(check_store, check_settings, now=NIGHT2)
        srv.routes["/doc"] = Response(200, BIG_PAGE)
        fixed = run_check(check_store, check_settings, now=NIGHT3)
    states = [run.results[0].after for run in (first, same_night, second, fixed)]
    assert [(s.status, s.consecutive_failures) for s in states] == [
        ("a-verifier", 1),
        ("a-verifier", 1),
        ("casse", 2),
        ("ok", 0),
    ]
    assert [run.exit_code for run in (first, same_night, second, fixed)] == [0, 0, 1, 0]
    assert states[2].first_failure_at == NIGHT1
    assert states[3].last_success_at == NIGHT3
    assert [first.changed_ids, same_night.changed_ids, second.changed_ids, fixed.changed_ids] == [
        [rid],
        [],
        [rid],
        [rid],
    ]


def test_blocked_and_rate_limited_links_are_never_called_broken(check_store, check_settings):
    with LocalServer({"/wall": Response(403), "/limit": Response(429)}) as srv:
        add(check_store, srv.url("/wall"))
        add(check_store, srv.url("/limit"))
        for night in (NIGHT1, NIGHT2, NIGHT3):
            run = run_check(check_store, check_settings, now=night)
    assert sorted((r.check.verdict, r.status_after) for r in run.results) == [
        ("blocked", "a-verifier"),
        ("rate_limited", "a-verifier"),
    ]
    assert run.exit_code == 0


def test_a_night_with_the_network_down_changes_nothing(check_store, check_settings):
    with LocalServer({"/doc": Response(200, BIG_PAGE)}) as srv:
        working = add(check_store, srv.url("/doc"))
        run_check(check_store, check_settings, now=NIGHT1)
    dead = [add(check_store, f"http://site{i}.invalid/page") for i in range(4)] + [
        add(check_store, "http://127.0.0.1:9/x")
    ]
    before = linkhealth.previous_states(check_store)
    run = run_check(check_store, check_settings, now=NIGHT2)  # the server is gone too
    assert (run.outage, run.exit_code) == (True, 2)
    assert linkhealth.previous_states(check_store) == before
    assert linkhealth.state_of(check_store, working).status == "ok"
    assert all(linkhealth.state_of(check_store, rid) is None for rid in dead)
    # The outage's checks are kept as history (first check and second opinion), the state is not touched.
    assert [c.checked_at for c in linkhealth.history(check_store, working)] == [NIGHT2, NIGHT2, NIGHT1]


@pytest.mark.parametrize(
    ("verdicts", "outage"),
    [
        ({"a.invalid": "dns", "b.invalid": "dns", "c:9": "refused", "d": "ok"}, True),
        ({"a.invalid": "dns", "b.invalid": "dns", "d": "ok"}, False),  # too few hosts to say
        ({"a": "broken", "b": "broken", "c": "broken", "d": "ok"}, False),  # 404s are answers
        ({"a": "timeout", "b": "timeout", "c": "ok", "d": "ok", "e": "ok", "f": "ok"}, False),
    ],
)
def test_the_outage_guard(verdicts, outage):
    results = [Check("", f"http://{host}/page", NIGHT1, v) for host, v in verdicts.items()]
    assert is_outage(results) is outage


def test_a_document_that_became_an_html_page_is_suspect(check_store, check_settings):
    with LocalServer(
        {"/rapport.pdf": Response(200, b"%PDF" + b"x" * 40_000, content_type="application/pdf")}
    ) as srv:
        rid = add(check_store, srv.url("/rapport.pdf"))
        run_check(check_store, check_settings, now=NIGHT1)
        srv.routes["/rapport.pdf"] = Response(200, BIG_PAGE)
        run = run_check(check_store, check_settings, now=NIGHT2)
    result = run.results[0]
    assert (result.check.verdict, result.check.suspect, result.status_after) == ("ok", True, "a-verifier")
    assert "application/pdf" in linkhealth.state_of(check_store, rid).verdict_text
    assert "application/pdf" in result.check.error


def test_a_podcast_is_checked_with_its_latest_episode(check_store, check_settings):
    feed = b"<?xml version='1.0'?><rss><channel><title>Podcast</title></channel></rss>"
    with LocalServer({"/feed.xml": Response(200, feed, content_type="application/rss+xml")}) as srv:
        rid = add(check_store, srv.url("/feed.xml"))
        with raw_database(check_store) as db:
            db.execute(
                "INSERT INTO episodes(resource_id, position, title, date, enclosure_url) VALUES (?, 0, 'Ép. 1', '2025-01-01', ?), (?, 1, 'Ép. 2', '2025-06-01', ?)",
                (rid, srv.url("/ep1.mp3"), rid, srv.url("/ep2.mp3")),
            )
        run = run_check(check_store, check_settings, now=NIGHT1)
    result = run.results[0].check
    assert (result.verdict, result.url) == ("broken", srv.url("/feed.xml"))
    assert "/ep2.mp3" in result.error


def test_successes_may_be_cached_but_failures_never_are(tmp_path):
    settings = fast_settings(tmp_path, check_success_cache_hours=24.0)
    with (
        Store.open(settings) as store,
        LocalServer({"/ok": Response(200, BIG_PAGE), "/ko": Response(404)}) as srv,
    ):
        add(store, srv.url("/ok"))
        add(store, srv.url("/ko"))
        run_check(store, settings, now=NIGHT1)
        rerun = run_check(store, settings, now=NIGHT1_LATER)
    assert [r.check.url for r in rerun.results] == [srv.url("/ko")]


def test_the_index_document_carries_the_link_status(check_store, check_settings):
    with LocalServer({"/ok": Response(200, BIG_PAGE), "/ko": Response(404)}) as srv:
        ok, ko = add(check_store, srv.url("/ok")), add(check_store, srv.url("/ko"))
        unchecked = add(check_store, "https://exemple.org/jamais")
        run_check(check_store, check_settings, [ok, ko], now=NIGHT1)
    statuses = {d.id: d.link_status for d in iter_documents(check_store)}
    assert statuses == {ok: "ok", ko: "a-verifier", unchecked: ""}


def test_a_document_that_shrank_to_a_tenth_is_suspect_and_a_small_change_is_not(check_store, check_settings):
    pdf = b"%PDF-1.4 " + b"x" * 2_000_000
    routes = {
        "/guide.pdf": Response(200, pdf, content_type="application/pdf"),
        "/fiche.pdf": Response(200, pdf, content_type="application/pdf"),
    }
    with LocalServer(routes) as srv:
        shrunk, edited = add(check_store, srv.url("/guide.pdf")), add(check_store, srv.url("/fiche.pdf"))
        run_check(check_store, check_settings, now=NIGHT1)
        srv.routes["/guide.pdf"] = Response(200, b"%PDF-1.4 erreur", content_type="application/pdf")
        srv.routes["/fiche.pdf"] = Response(200, pdf[:1_500_000], content_type="application/pdf")
        run = run_check(check_store, check_settings, now=NIGHT2)
    results = {r.check.resource_id: r for r in run.results}
    assert (results[shrunk].check.suspect, results[shrunk].status_after) == (True, "a-verifier")
    assert results[shrunk].check.error == "le document pesait 1,9 Mo, il ne pèse plus que 15 octets"
    assert (results[edited].check.suspect, results[edited].status_after) == (False, "ok")
