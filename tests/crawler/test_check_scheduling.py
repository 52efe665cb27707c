"""How the checker schedules its work: per-host slots, HEADs first, second opinions, timeouts."""

import threading
import time

import pytest

from catalogue.linkchecks import LinkState
from catalogue.models import Resource
from catalogue.store import Store
from crawler.check import run_check
from crawler.checklink import first_method
from crawler.politeness import HostQueue
from tests.crawler.faultserver import fast_settings, page
from tests.localserver import LocalServer, Response

NIGHT = "2026-03-03T02:00:00+00:00"
SMALL = page("Fiche", "Une petite page, à lire en entier.", size=2_000)
BIG = page("Guide", "Un vrai contenu.", size=40_000)


def known(content_type: str, content_length: int | None) -> LinkState:
    """The state of a link whose last answer had this type and size."""
    return LinkState(
        "r", "https://ex.fr/", "ok", "ok", NIGHT, content_type=content_type, content_length=content_length
    )


def test_a_busy_host_does_not_hold_up_another_hosts_links():
    queue = HostQueue(per_host=2)
    for item in ("a1", "a2", "a3", "b1"):
        queue.put(item[0], item)
    taken = [queue.take() for _ in range(3)]
    assert sorted(taken) == [("a", "a1"), ("a", "a2"), ("b", "b1")]
    queue.done("a")
    assert queue.take() == ("a", "a3")


def test_the_free_host_with_the_longest_line_goes_first():
    queue = HostQueue(per_host=1)
    queue.put("b", "b1")
    for item in ("a1", "a2", "a3"):
        queue.put("a", item)
    assert queue.take() == ("a", "a1")  # three links left on a, one on b
    assert queue.take() == ("b", "b1")  # a is busy
    queue.done("a")
    queue.done("b")
    assert [queue.take()] == [("a", "a2")]


def test_due_work_goes_before_new_work_and_later_work_waits():
    queue = HostQueue(per_host=1)
    queue.put("a", "first")
    queue.put("a", "second opinion, due", not_before=time.monotonic() - 1)
    queue.put("b", "second opinion, later", not_before=time.monotonic() + 3600)
    assert queue.take() == ("a", "second opinion, due")
    queue.done("a")
    assert queue.take() == ("a", "first")
    queue.done("a")
    assert queue._pending == 1  # the later one is still waiting: take() would block


def test_take_returns_none_once_all_the_work_is_done():
    queue = HostQueue(per_host=1)
    queue.put("a", "one")
    results = []
    waiter = threading.Thread(target=lambda: results.append(queue.take()))
    host, item = queue.take()
    waiter.start()  # blocks: "one" is in progress on a full host
    queue.put(host, "follow-up", not_before=time.monotonic() - 1)  # work put back before done()
    queue.done(host)
    waiter.join(5)
    assert results == [("a", "follow-up")]
    queue.done("a")
    assert queue.take() is None


def _store(tmp_path, **overrides):
    settings = fast_settings(tmp_path, **overrides)
    return settings, Store.open(settings)


def test_documents_get_a_head_pages_a_get_and_small_html_answers_to_a_head_are_read_after(tmp_path):
    settings, store = _store(tmp_path, per_host_concurrency=1, global_concurrency=1)
    routes = {
        "/fiche": Response(200, SMALL),  # a page: the GET a HEAD would lead to, at once
        "/rapport.pdf": Response(200, SMALL),  # a document answering a small page: HEAD, then GET later
        "/guide.pdf": Response(200, b"%PDF-1.4 " * 10_000, content_type="application/pdf"),
    }
    with store, LocalServer(routes) as srv:
        for path in routes:
            store.upsert(Resource(url=srv.url(path), title=path))
        run = run_check(store, settings, now=NIGHT)
        asked = [(method, path) for method, path, _ in srv.log if path != "/robots.txt"]
    assert sorted(asked[:3]) == [("GET", "/fiche"), ("HEAD", "/guide.pdf"), ("HEAD", "/rapport.pdf")]
    assert asked[3:] == [("GET", "/rapport.pdf")]
    assert {r.check.url.rsplit("/", 1)[1]: [c.method for c in r.check.requests] for r in run.results} == {
        "fiche": ["GET"],
        "rapport.pdf": ["HEAD", "GET"],
        "guide.pdf": ["HEAD"],
    }
    assert [r.check.verdict for r in run.results] == ["ok", "ok", "ok"]


@pytest.mark.parametrize(
    ("url", "previous", "method"),
    [
        ("https://ex.fr/actualites/rencontre-cpo", None, "GET"),
        ("https://ex.fr/", None, "GET"),
        ("https://ex.fr/page.html", None, "GET"),
        ("https://ex.fr/docs/Rapport%202021.PDF", None, "HEAD"),
        ("https://ex.fr/podcast/feed.xml", None, "HEAD"),
        ("https://ex.fr/episode.mp3?x=1", None, "HEAD"),
        # What the last answer said wins over the address.
        ("https://ex.fr/telecharger?id=12", known("application/pdf", 9), "HEAD"),
        ("https://ex.fr/guide.pdf", known("text/html", 2_000), "GET"),
        ("https://ex.fr/grand-guide", known("text/html", 400_000), "HEAD"),
        ("https://ex.fr/page-dynamique", known("text/html", None), "GET"),
    ],
)
def test_the_first_request_is_a_get_for_pages_and_a_head_for_documents(url, previous, method):
    assert first_method(url, previous) == method


def test_a_soft_404_gets_its_second_opinion(tmp_path):
    settings, store = _store(tmp_path)
    gone = page("Page introuvable", "Cette page n'existe pas.")
    with store, LocalServer({"/fiche": Response(200, gone), "/fiche.pdf": Response(200, gone)}) as srv:
        store.upsert(Resource(url=srv.url("/fiche"), title="fiche"))
        store.upsert(Resource(url=srv.url("/fiche.pdf"), title="fiche en PDF"))
        run = run_check(store, settings, now=NIGHT)
    methods = {r.check.url.rsplit("/", 1)[1]: [c.method for c in r.check.requests] for r in run.results}
    assert {r.check.verdict for r in run.results} == {"soft404"}
    assert methods == {"fiche": ["GET", "GET"], "fiche.pdf": ["HEAD", "GET", "GET"]}


def test_a_timeout_that_timed_out_again_on_its_retry_gets_no_extra_wait(tmp_path):
    settings, store = _store(tmp_path)
    routes = {"/slow": Response(200, BIG, delay=1.0), "/slow.pdf": Response(200, BIG, delay=1.0)}
    with store, LocalServer({**routes, "/404": Response(404)}) as srv:
        for path in (*routes, "/404"):
            store.upsert(Resource(url=srv.url(path), title=path))
        run = run_check(store, settings, now=NIGHT)
    checks = {
        r.check.url.rsplit("/", 1)[1]: [(c.method, c.attempts) for c in r.check.requests] for r in run.results
    }
    assert settings.timeout_retries == 1
    assert checks["slow"] == [("GET", 2)]  # a try and its retry
    assert checks["slow.pdf"] == [("HEAD", 1), ("GET", 1)]  # the GET was the retry
    assert checks["404"] == [("GET", 1), ("GET", 1)]  # other failures: a second opinion
    verdicts = {r.check.url.rsplit("/", 1)[1]: r.check.verdict for r in run.results}
    assert verdicts == {"slow": "timeout", "slow.pdf": "timeout", "404": "broken"}


def test_a_timeout_that_was_not_retried_gets_its_second_opinion(tmp_path):
    settings, store = _store(tmp_path, timeout_retries=0)
    with store, LocalServer({"/slow": Response(200, BIG, delay=1.0)}) as srv:
        store.upsert(Resource(url=srv.url("/slow"), title="lent"))
        run = run_check(store, settings, now=NIGHT)
    [result] = [r.check for r in run.results]
    assert result.verdict == "timeout"
    assert [(c.method, c.attempts) for c in result.requests] == [("GET", 1), ("GET", 1)]
