"""Politeness: at most N fetches at once per host and in all, a delay between two requests to one host, cool-offs."""

import heapq
import threading
import time
from collections import defaultdict, deque
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


class HostQueue:
    """Work for the checker's workers: at most `per_host` checks in flight per host, so a worker never
    waits on a busy host while another host's links are waiting; among free hosts, the one with the
    most work left goes first. Work with a `not_before` time (a second opinion) waits for it and
    then goes before new first checks. `take()` returns None once every piece of work put in is done."""

    def __init__(self, per_host: int):
        self.per_host = max(1, int(per_host))
        self._cond = threading.Condition()
        self._fresh: dict[str, deque] = {}
        self._hosts: deque[str] = deque()  # round-robin over hosts with fresh work
        self._later: list[tuple[float, int, str, object]] = []  # heap of (not_before, seq, host, item)
        self._busy: dict[str, int] = defaultdict(int)
        self._pending = 0
        self._seq = 0

    def put(self, host: str, item, not_before: float = 0.0) -> None:
        """Add work on this host, to start no earlier than `not_before` (monotonic) if given."""
        with self._cond:
            self._pending += 1
            if not_before:
                self._seq += 1
                heapq.heappush(self._later, (not_before, self._seq, host, item))
            else:
                if host not in self._fresh:
                    self._fresh[host] = deque()
                    self._hosts.append(host)
                self._fresh[host].append(item)
            self._cond.notify()

    def _pick(self, now: float):
        for index, (when, _, host, item) in enumerate(self._later):
            if when > now:
                continue  # a heap is not sorted: look at every entry, they are few
            if self._busy[host] < self.per_host:
                self._later[index] = self._later[-1]
                self._later.pop()
                heapq.heapify(self._later)
                return host, item
        # The free host with the longest line goes first (ties in turn): a host slowed down by
        # timeouts gets more turns, so every host's line ends at about the same time instead of
        # one slow host finishing alone long after the others.
        best, best_length = None, 0
        for _ in range(len(self._hosts)):
            host = self._hosts[0]
            self._hosts.rotate(-1)
            length = len(self._fresh[host])
            if length > best_length and self._busy[host] < self.per_host:
                best, best_length = host, length
        if best is None:
            return None
        queue = self._fresh[best]
        item = queue.popleft()
        if not queue:
            del self._fresh[best]
            self._hosts.remove(best)
        return best, item

    def take(self):
        """The next (host, item) to work on, waiting as needed; None when all the work is done."""
        with self._cond:
            while True:
                if self._pending == 0:
                    return None
                now = time.monotonic()
                picked = self._pick(now)
                if picked is not None:
                    self._busy[picked[0]] += 1
                    return picked
                due = [when for when, _, host, _ in self._later if when > now]
                self._cond.wait(max(0.0, min(due) - now) if due else None)

    def done(self, host: str) -> None:
        """Mark one piece of work on this host finished (after any `put` it led to)."""
        with self._cond:
            self._busy[host] -= 1
            self._pending -= 1
            self._cond.notify_all()
