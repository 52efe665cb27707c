"""How the checker schedules its work: per-host slots, HEADs first, second opinions, timeouts."""

import threading
import time

from catalogue.models import Resource
from catalogue.store import Store
from crawler.check import run_check
from crawler.politeness import HostQueue
from tests.crawler.faultserver import fast_settings, page
from tests.localserver import LocalServer, Response

NIGHT = "2026-03-03T02:00:00+00:00"
SMALL = page("Fiche", "Une petite page, à lire en entier.", size=2_000)
BIG = page("Guide", "Un vrai contenu.", size=40_000)


def test_a_busy_host_does_not_hold_up_another_hosts_links():
    queue = HostQueue(per_host=2)
    for item in ("a1", "a2", "a3", "b1"):
        queue.put(item[0], item)
    taken = [queue.take() for _ in range(3)]
    assert sorted(taken) == [("a", "a1"), ("a", "a2"), ("b", "b1")]
    queue.done("a")
    assert queue.take() == ("a", "a3")


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


def test_heads_go_first_and_small_pages_are_read_after(tmp_path):
    settings, store = _store(tmp_path, per_host_concurrency=1, global_concurrency=1)
    routes = {"/a": Response(200, SMALL), "/b": Response(200, SMALL), "/doc": Response(200, BIG)}
    with store, LocalServer(routes) as srv:
        for path in routes:
            store.upsert(Resource(url=srv.url(path), title=path))
        run = run_check(store, settings, now=NIGHT)
        asked = [(method, path) for method, path, _ in srv.log if path != "/robots.txt"]
    assert sorted(asked[:3]) == [("HEAD", "/a"), ("HEAD", "/b"), ("HEAD", "/doc")]
    assert sorted(asked[3:]) == [("GET", "/a"), ("GET", "/b")]
    assert {r["url"].rsplit("/", 1)[1]: [c["method"] for c in r["checks"]] for r in run.results} == {
        "a": ["HEAD", "GET"],
        "b": ["HEAD", "GET"],
        "doc": ["HEAD"],
    }
    assert [r["verdict"] for r in run.results] == ["ok", "ok", "ok"]


def test_a_soft_404_found_by_the_later_get_still_gets_its_second_opinion(tmp_path):
    settings, store = _store(tmp_path)
    gone = page("Page introuvable", "Cette page n'existe pas.")
    with store, LocalServer({"/fiche": Response(200, gone)}) as srv:
        store.upsert(Resource(url=srv.url("/fiche"), title="fiche"))
        run = run_check(store, settings, now=NIGHT)
    [result] = run.results
    assert result["verdict"] == "soft404"
    assert [c["method"] for c in result["checks"]] == ["HEAD", "GET", "GET"]


def test_a_timeout_whose_retries_spread_over_the_delay_gets_no_extra_wait(tmp_path):
    settings, store = _store(tmp_path, check_second_opinion_delay=0.0)
    with store, LocalServer({"/slow": Response(200, BIG, delay=1.0), "/404": Response(404)}) as srv:
        store.upsert(Resource(url=srv.url("/slow"), title="lent"))
        store.upsert(Resource(url=srv.url("/404"), title="absent"))
        run = run_check(store, settings, now=NIGHT)
    checks = {r["verdict"]: [(c["method"], c["attempts"]) for c in r["checks"]] for r in run.results}
    assert checks["timeout"] == [("HEAD", 1), ("GET", settings.retries)]
    assert checks["broken"] == [("HEAD", 1), ("GET", 1), ("GET", 1)]  # other failures: a second opinion


def test_a_timeout_that_did_not_last_the_delay_gets_its_second_opinion(tmp_path):
    settings, store = _store(tmp_path, check_second_opinion_delay=1.5)
    with store, LocalServer({"/slow": Response(200, BIG, delay=1.0)}) as srv:
        store.upsert(Resource(url=srv.url("/slow"), title="lent"))
        run = run_check(store, settings, now=NIGHT)
    [result] = run.results
    assert result["verdict"] == "timeout"
    assert [(c["method"], c["attempts"]) for c in result["checks"]][-1] == ("GET", 1)
    assert len(result["checks"]) == 3
