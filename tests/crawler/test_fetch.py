"""The shared fetcher against a real local server: outcomes, limits, retries, redirects, robots, SSRF guard."""

import gzip
import threading
import time

import pytest

from crawler.fetch import Fetcher, FetchResult, content_type_of, retry_after_seconds
from tests.crawler.faultserver import (
    conditional,
    drip,
    fast_settings,
    gzip_bomb,
    page,
    sequence,
    unsized,
)
from tests.localserver import LocalServer, Response


@pytest.fixture
def fetcher(tmp_path):
    with Fetcher(fast_settings(tmp_path, max_body_bytes=100_000)) as f:
        yield f


def test_a_working_page_is_fetched_with_the_identified_user_agent(server, fetcher):
    server.routes["/page"] = Response(200, page("Guide"), content_type="text/html; charset=UTF-8")
    result = fetcher.fetch(server.url("/page"))
    assert (result.outcome, result.status, result.content_type, result.body, result.ok) == (
        "ok",
        200,
        "text/html",
        page("Guide"),
        True,
    )
    assert result.headers["content-type"] == "text/html; charset=UTF-8"
    sent = [headers for method, path, headers in server.log if path == "/page"][0]
    assert "ressources@example.org" in sent["User-Agent"]


def test_head_has_no_body(server, fetcher):
    server.routes["/page"] = Response(200, page("Guide"))
    result = fetcher.fetch(server.url("/page"), method="HEAD")
    assert (result.outcome, result.method, result.body) == ("ok", "HEAD", None)


def test_a_redirect_chain_is_followed_and_recorded(server, fetcher):
    server.routes["/a"] = Response(301, headers={"Location": "/b"})
    server.routes["/b"] = Response(302, headers={"Location": server.url("/c")})
    server.routes["/c"] = Response(200, b"fin")
    result = fetcher.fetch(server.url("/a"))
    assert (result.outcome, result.final_url, result.redirects, result.body) == (
        "ok",
        server.url("/c"),
        [(301, server.url("/b")), (302, server.url("/c"))],
        b"fin",
    )


def test_a_redirect_cycle_is_a_loop(server, fetcher):
    server.routes["/x"] = Response(302, headers={"Location": "/y"})
    server.routes["/y"] = Response(302, headers={"Location": "/x"})
    result = fetcher.fetch(server.url("/x"))
    assert (result.outcome, len(result.redirects)) == ("loop", 2)


def test_too_many_redirects_is_a_loop(server, tmp_path):
    for i in range(5):
        server.routes[f"/r{i}"] = Response(301, headers={"Location": f"/r{i + 1}"})
    with Fetcher(fast_settings(tmp_path, max_redirects=3)) as f:
        result = f.fetch(server.url("/r0"))
    assert (result.outcome, len(result.redirects), result.error) == (
        "loop",
        4,
        "trop de redirections (plus de 3)",
    )


def test_an_error_status_says_it_in_words(server, fetcher):
    result = fetcher.fetch(server.url("/missing"))
    assert (result.outcome, result.status, result.ok, result.error) == (
        "http",
        404,
        False,
        "le serveur répond 404 Not Found",
    )


def test_a_gzip_body_is_decoded(server, fetcher):
    server.routes["/gz"] = Response(
        200, gzip.compress(b"bonjour " * 100), headers={"Content-Encoding": "gzip"}
    )
    result = fetcher.fetch(server.url("/gz"))
    assert (result.outcome, result.body) == ("ok", b"bonjour " * 100)


def test_a_gzip_bomb_is_stopped_after_decompression(server, fetcher):
    server.routes["/bomb"] = gzip_bomb(50_000_000)
    result = fetcher.fetch(server.url("/bomb"))
    assert (result.outcome, result.body) == ("too_large", None)
    assert "décompressé" in result.error


@pytest.mark.parametrize(
    "route",
    [Response(200, b"a" * 200_000, content_type="application/pdf"), unsized(300_000)],
    ids=["announced", "streamed-without-length"],
)
def test_an_oversized_body_is_refused(server, fetcher, route):
    server.routes["/big"] = route
    result = fetcher.fetch(server.url("/big"))
    assert (result.outcome, result.body) == ("too_large", None)


def test_a_prefix_is_read_and_marked_truncated(server, fetcher):
    server.routes["/doc"] = Response(200, b"0123456789" * 50)
    result = fetcher.fetch(server.url("/doc"), prefix_bytes=25)
    assert (result.outcome, result.body, result.truncated) == ("ok", b"0123456789" * 2 + b"01234", True)


def test_a_drip_fed_body_cannot_hold_a_worker_past_the_deadline(server, fetcher):
    server.routes["/drip"] = drip(total=100, pause=0.1)  # 10 s of dripping, deadline 0.8 s
    result = fetcher.fetch(server.url("/drip"))
    assert (result.outcome, result.attempts, result.body) == ("timeout", 1, None)
    assert result.error.startswith("délai total de 0.8 s dépassé")


def test_a_read_timeout_is_retried_then_reported(server, fetcher):
    server.routes["/slow"] = Response(200, b"tard", delay=0.6)  # read timeout 0.3 s
    result = fetcher.fetch(server.url("/slow"), retries=1)
    assert (result.outcome, result.status) == ("timeout", None)
    assert len([p for _, p, _ in server.log if p == "/slow"]) == result.attempts >= 1


def test_a_timeout_is_retried_timeout_retries_times_at_most(server, tmp_path):
    server.routes["/slow"] = Response(200, b"tard", delay=0.6)  # read timeout 0.3 s
    with Fetcher(fast_settings(tmp_path, retries=3, timeout_retries=1)) as fetcher:
        assert fetcher.fetch(server.url("/slow")).attempts == 2
    server.routes["/flaky"] = sequence(Response(503), Response(503), Response(503), Response(200, b"ok"))
    with Fetcher(fast_settings(tmp_path, retries=3, timeout_retries=1)) as fetcher:
        assert fetcher.fetch(server.url("/flaky")).attempts == 4  # other faults: `retries`


def _stamped(arrivals: list, route):
    def handler(request):
        arrivals.append(time.monotonic())
        return route(request) if callable(route) else route

    return handler


def test_tries_are_spaced_by_an_exponential_backoff_as_the_server_sees_them(server, tmp_path):
    fast, slow = [], []
    server.routes["/503"] = _stamped(fast, Response(503))
    server.routes["/slow"] = _stamped(slow, Response(200, b"tard", delay=0.6))  # read timeout 0.3 s
    with Fetcher(fast_settings(tmp_path, retry_backoff=0.4, retries=2, timeout_retries=2)) as fetcher:
        assert fetcher.fetch(server.url("/503")).attempts == 3
        assert fetcher.fetch(server.url("/slow")).attempts == 3
    for arrivals in (fast, slow):
        gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
        # backoff × 2^try × a jitter of at least 0.5, counted between the tries' starts
        assert gaps[0] >= 0.2 * 0.95 and gaps[1] >= 0.4 * 0.95, gaps


def test_a_503_that_recovers_on_the_third_try_is_ok(server, fetcher):
    server.routes["/flaky"] = sequence(Response(503), Response(503), Response(200, b"enfin"))
    result = fetcher.fetch(server.url("/flaky"))
    assert (result.outcome, result.attempts, result.body) == ("ok", 3, b"enfin")


def test_retry_after_is_honoured_and_the_host_cooled_off(server, fetcher):
    server.routes["/limited"] = sequence(Response(429, headers={"Retry-After": "1"}), Response(200, b"ok"))
    result = fetcher.fetch(server.url("/limited"))
    assert (result.outcome, result.attempts) == ("ok", 2)


def test_a_retry_after_longer_than_the_cap_is_not_waited(server, fetcher):
    server.routes["/limited"] = Response(429, headers={"Retry-After": "3600"})
    result = fetcher.fetch(server.url("/limited"))
    assert (result.outcome, result.status, result.attempts) == ("http", 429, 1)


def test_a_500_is_not_retried(server, fetcher):
    server.routes["/err"] = Response(500)
    assert fetcher.fetch(server.url("/err")).attempts == 1


def test_an_unchanged_resource_is_not_downloaded_again(server, fetcher):
    server.routes["/doc"] = conditional('"v1"', b"contenu")
    first = fetcher.fetch(server.url("/doc"))
    second = fetcher.fetch(server.url("/doc"), etag=first.headers["ETag"])
    assert (first.outcome, second.outcome, second.status, second.body, second.ok) == (
        "ok",
        "not_modified",
        304,
        None,
        True,
    )


def test_robots_txt_is_honoured_and_cached_with_its_crawl_delay(server, fetcher):
    server.routes["/robots.txt"] = Response(
        200, b"User-agent: *\nDisallow: /prive/\nCrawl-delay: 1\n", content_type="text/plain"
    )
    server.routes["/prive/doc"] = Response(200, b"secret")
    server.routes["/public"] = Response(200, b"public")
    refused = fetcher.fetch(server.url("/prive/doc"))
    allowed = fetcher.fetch(server.url("/public"))
    assert (refused.outcome, allowed.outcome) == ("robots", "ok")
    assert [p for _, p, _ in server.log] == ["/robots.txt", "/public"]
    assert fetcher.politeness.crawl_delay_of(f"127.0.0.1:{server.server_address[1]}") == 1.0


@pytest.mark.parametrize(
    ("url", "outcome"),
    [
        ("http://ressource.invalid/doc", "dns"),
        ("http://127.0.0.1:9/doc", "refused"),
        ("ftp://exemple.org/doc.pdf", "invalid"),
        ("javascript:alert(1)", "invalid"),
        ("http:///sans-hote", "invalid"),
        ("http://exemple.org:99999/", "invalid"),
    ],
)
def test_network_and_address_faults_are_outcomes_never_none(fetcher, url, outcome):
    result = fetcher.fetch(url)
    assert isinstance(result, FetchResult)
    assert (result.outcome, result.ok, bool(result.error)) == (outcome, False, True)


def test_private_addresses_are_refused_end_to_end_without_the_setting(server, tmp_path):
    server.routes["/page"] = Response(200, b"interne")
    with Fetcher(fast_settings(tmp_path, allow_private_networks=False)) as f:
        result = f.fetch(server.url("/page"))
    assert result.outcome == "forbidden_address"
    assert "bouclage" in result.error
    assert server.log == []


def test_a_redirect_hop_is_checked_by_the_guard(server, tmp_path):
    server.routes["/go"] = Response(302, headers={"Location": "gopher://127.0.0.1/"})
    with Fetcher(fast_settings(tmp_path)) as f:
        result = f.fetch(server.url("/go"))
    assert (result.outcome, result.redirects) == ("invalid", [(302, "gopher://127.0.0.1/")])


def test_the_per_host_concurrency_limit_holds_under_many_threads(tmp_path):
    with (
        LocalServer({"/p": Response(200, b"x", delay=0.05)}) as srv,
        Fetcher(fast_settings(tmp_path, per_host_concurrency=2, global_concurrency=16)) as f,
    ):
        threads = [threading.Thread(target=f.fetch, args=(srv.url("/p"),)) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert (srv.max_active, len([p for _, p, _ in srv.log if p == "/p"])) == (2, 12)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), ("", None), ("demain", None), ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0)],
)
def test_retry_after_values(value, expected):
    assert retry_after_seconds(value) == expected


def test_content_type_drops_parameters():
    assert content_type_of({"Content-Type": "Text/HTML; charset=utf-8"}) == "text/html"


def test_a_name_that_rebinds_to_a_private_address_is_refused_before_anything_is_sent(
    server, tmp_path, monkeypatch
):
    # The first resolution (the guard's) answers a public address, the connection then lands on
    # 127.0.0.1: the attack called DNS rebinding. The socket's real peer is checked before sending.
    monkeypatch.setattr("crawler.netguard.resolve", lambda host, port, timeout=None: ("193.51.24.1",))
    server.routes["/page"] = Response(200, b"interne")
    with Fetcher(fast_settings(tmp_path, allow_private_networks=False)) as f:
        result = f.fetch(server.url("/page"))
    assert (result.outcome, server.log) == ("forbidden_address", [])
    assert "127.0.0.1" in result.error
