"""Politeness: at most N fetches at once per host and in all, a delay between two requests to one host, cool-offs."""

import threading
import time
from contextlib import contextmanager


class _Host:
    def __init__(self, limit: int):
        self.semaphore = threading.Semaphore(limit)
        self.lock = threading.Lock()
        self.next_start = 0.0  # monotonic time before which no new request may start
        self.delay = 0.0  # extra delay set by robots.txt Crawl-delay


class Politeness:
    """Per-host and global concurrency, per-host delay and cool-off; safe to share between threads."""

    def __init__(self, global_limit: int, per_host_limit: int, per_host_delay: float):
        self.per_host_limit = max(1, int(per_host_limit))
        self.per_host_delay = max(0.0, float(per_host_delay))
        self._global = threading.Semaphore(max(1, int(global_limit)))
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, key: str) -> _Host:
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.per_host_limit)
            return host

    def set_crawl_delay(self, key: str, seconds: float) -> None:
        """Raise one host's delay between requests (robots.txt Crawl-delay)."""
        host = self._host(key)
        with host.lock:
            host.delay = max(host.delay, float(seconds))

    def crawl_delay_of(self, key: str) -> float:
        """The delay between two requests to this host (the larger of the setting and Crawl-delay)."""
        host = self._host(key)
        with host.lock:
            return max(self.per_host_delay, host.delay)

    def cool_off(self, key: str, seconds: float) -> None:
        """Start no new request on this host for that many seconds (after a 429 or a 503 with Retry-After)."""
        host = self._host(key)
        with host.lock:
            host.next_start = max(host.next_start, time.monotonic() + seconds)

    def cooling_until(self, key: str) -> float:
        """The monotonic time before which this host takes no new request."""
        host = self._host(key)
        with host.lock:
            return host.next_start

    @contextmanager
    def slot(self, key: str):
        """Hold one of the host's slots and one global slot, after the host's delay; yields the seconds waited."""
        host = self._host(key)
        started = time.monotonic()
        host.semaphore.acquire()
        try:
            while True:
                with host.lock:
                    now = time.monotonic()
                    if now >= host.next_start:
                        host.next_start = now + max(self.per_host_delay, host.delay)
                        break
                    wait = host.next_start - now
                time.sleep(wait)
            with self._global:
                yield time.monotonic() - started
        finally:
            host.semaphore.release()
