"""What the fetcher sends and asks the resolver, after its cheaper request path: the same headers and
cookies as a requests Session would send, IP addresses that need no lookup, names looked up once
for a while (failures asked again), and the unusual spellings of an address still read by the system."""

import socket

import pytest

from crawler import netguard
from crawler.fetch import Fetcher
from crawler.netguard import GuardRefusal, ResolverCache, resolve
from tests.crawler.faultserver import fast_settings
from tests.localserver import Response


def test_each_request_carries_the_session_s_headers_under_ours(server, tmp_path):
    server.routes["/page"] = Response(200, b"<html><title>Page</title></html>")
    with Fetcher(fast_settings(tmp_path)) as fetcher:
        fetcher.fetch(server.url("/page"), etag='"v1"')
        user_agent = fetcher.user_agent
    [(method, path, headers)] = [entry for entry in server.log if entry[1] == "/page"]
    assert ("GET", "/page") == (method, path)
    assert {
        "Host": server.base_url.removeprefix("http://"),
        "User-Agent": user_agent,
        "Accept-Encoding": "gzip, deflate",
        "Accept": "*/*",
        "Connection": "keep-alive",
        "If-None-Match": '"v1"',
    } == headers


def test_a_cookie_set_by_a_site_is_sent_back_on_the_next_request(server, tmp_path):
    server.routes["/entree"] = Response(200, b"ok", headers={"Set-Cookie": "visite=1; Path=/"})
    server.routes["/suite"] = Response(200, b"ok")
    with Fetcher(fast_settings(tmp_path)) as fetcher:
        fetcher.fetch(server.url("/entree"))
        fetcher.fetch(server.url("/suite"))
    sent = {path: headers.get("Cookie") for _, path, headers in server.log}
    assert (None, "visite=1") == (sent["/entree"], sent["/suite"])


def test_an_ip_address_needs_no_lookup(monkeypatch):
    def no_resolver(*args, **kwargs):
        raise AssertionError("getaddrinfo called for an IP address")

    monkeypatch.setattr(socket, "getaddrinfo", no_resolver)
    assert ("127.0.0.1",) == resolve("127.0.0.1", 80, timeout=5)
    assert ("::1",) == resolve("::1", 80, timeout=5)


@pytest.mark.parametrize("host", ["127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1"])
def test_other_spellings_of_an_address_are_still_read_by_the_system_and_refused(host):
    with pytest.raises(GuardRefusal) as refused:
        netguard.check_url(f"http://{host}/x", allow_private=False, dns_timeout=5)
    assert "forbidden_address" == refused.value.outcome


def test_a_name_is_looked_up_once_for_a_while_and_a_failure_is_asked_again():
    asked = []

    def resolver(host, port, timeout=None):
        asked.append(host)
        if host == "absent.invalid":
            raise GuardRefusal("dns", "introuvable")
        return ("193.51.24.1",)

    cache = ResolverCache(ttl=300, resolver=resolver)
    assert [("193.51.24.1",)] * 3 == [
        cache("Centre.example", 80),
        cache("centre.example", 80),
        cache("centre.example", 80),
    ]
    for _ in range(2):
        with pytest.raises(GuardRefusal):
            cache("absent.invalid", 80)
    assert ["Centre.example", "absent.invalid", "absent.invalid"] == asked
    expired = ResolverCache(ttl=0, resolver=resolver)
    expired("centre.example", 80)
    expired("centre.example", 80)
    assert 5 == len(asked)
