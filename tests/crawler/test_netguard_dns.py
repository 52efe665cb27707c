"""Name resolution in the SSRF guard is bounded in time: a stalled resolver cannot hold a worker."""

import socket
import threading
import time

import pytest

from crawler.netguard import GuardRefusal, resolve


def test_a_stalled_resolver_gives_a_dns_outcome_after_the_timeout(monkeypatch):
    release = threading.Event()

    def stalled(*args, **kwargs):  # a resolver that never answers (the internet, not our code)
        release.wait(5)
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    started = time.monotonic()
    with pytest.raises(GuardRefusal) as info:
        resolve("lent.example", 443, timeout=0.2)
    elapsed = time.monotonic() - started
    release.set()
    assert ("dns", True) == (info.value.outcome, elapsed < 4)
    assert "ne s'est pas résolu en 0.2 s" in str(info.value)


def test_an_unresolvable_name_is_a_dns_refusal_and_a_literal_address_resolves():
    with pytest.raises(GuardRefusal) as info:
        resolve("nulle-part.invalid", 80, timeout=5)
    assert "dns" == info.value.outcome
    assert ("127.0.0.1",) == resolve("127.0.0.1", 80, timeout=5)
