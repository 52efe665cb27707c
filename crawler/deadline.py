"""A total deadline per fetch: a watchdog shuts down a connection whose server drips past it.

requests and urllib3 only know per-read timeouts; a server that sends one byte every few
seconds never trips them. The connection class below hands its socket to the watchdog of
the fetch running in the same thread, which shuts the socket down when the deadline passes:
the blocked read then fails at once and the fetch reports a timeout.
"""

import heapq
import itertools
import socket
import threading
import time

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()  # per-thread: the fetch attempt whose connection is in use


class Watchdog:
    """One thread that shuts down sockets whose deadline has passed. Started on first use."""

    def __init__(self):
        self._heap: list[tuple[float, int, list]] = []
        self._cond = threading.Condition()
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, when: float, sock: socket.socket) -> list:
        """Shut `sock` down at monotonic time `when`; returns a handle for cancel()."""
        entry = [sock, False]  # socket, fired
        with self._cond:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="fetch-watchdog", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (when, next(self._counter), entry))
            if self._heap[0][2] is entry:
                self._cond.notify()  # only an earlier deadline changes how long the watchdog sleeps
        return entry

    def cancel(self, entry: list) -> bool:
        """Stop watching; True if the deadline had already fired (it cannot fire after this returns)."""
        with self._cond:
            entry[0] = None
            return entry[1]

    def _run(self):
        with self._cond:
            while not self._closed:
                if not self._heap:
                    self._cond.wait()
                    continue
                when, _, entry = self._heap[0]
                delay = when - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                sock = entry[0]
                if sock is not None:
                    entry[1] = True
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def close(self):
        """Stop the watchdog thread."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=2)


class Attempt:
    """What the connection reports to the fetch running in this thread: its socket and peer address."""

    def __init__(self, watchdog: Watchdog, deadline: float, peer_check):
        self.watchdog = watchdog
        self.deadline = deadline
        self.peer_check = peer_check  # fn(address) raising on a forbidden peer
        self.entries: list[list] = []
        self.peer: str | None = None
        self.sockets: list = []
        self._fired = False

    def __enter__(self):
        _current.attempt = self
        return self

    def __exit__(self, *exc):
        _current.attempt = None
        self.release()

    def check_peer(self, sock) -> None:
        """Called by a new connection before anything is sent: refuse a forbidden peer address.

        The URL's host was checked after DNS resolution; this checks where the socket really
        went, so a name that resolves differently the second time (DNS rebinding) is caught.
        """
        try:
            self.peer = sock.getpeername()[0]
        except OSError:
            self.peer = None
        if self.peer and self.peer_check:
            self.peer_check(self.peer)

    def attach(self, sock) -> None:
        """Called by the connection before reading an answer: arm the deadline on its socket."""
        if sock is not None:
            self.sockets.append(sock)
            self.entries.append(self.watchdog.watch(self.deadline, sock))

    def abort(self) -> None:
        """Hang up now, after a failure: a socket that urllib3 discarded may stay open while an answer
        object still refers to it, and the server would go on working for a client that left."""
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets.clear()

    def release(self) -> bool:
        """Disarm every deadline (before the connection goes back to the pool); True if one fired."""
        for entry in self.entries:
            self._fired = self.watchdog.cancel(entry) or self._fired
        self.entries.clear()
        return self._fired

    @property
    def fired(self) -> bool:
        """True if the deadline shut the connection down."""
        return self._fired or any(entry[1] for entry in self.entries)


def _attach(conn) -> None:
    attempt = getattr(_current, "attempt", None)
    if attempt is not None:
        attempt.attach(conn.sock)


class _Guarded:
    """Mixin of the connection classes: check the peer of each new socket, arm the deadline per answer."""

    def _new_conn(self):
        sock = super()._new_conn()
        attempt = getattr(_current, "attempt", None)
        if attempt is not None:
            try:
                attempt.check_peer(sock)
            except BaseException:
                sock.close()
                raise
        return sock

    def getresponse(self):
        _attach(self)
        return super().getresponse()


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    """An HTTP connection that checks its peer and reports its socket to the current fetch."""


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    """An HTTPS connection that checks its peer and reports its socket to the current fetch."""


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


POOL_CLASSES = {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}
