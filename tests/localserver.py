"""A real HTTP server on 127.0.0.1 for crawler and link-checker tests.

Routes map a path to a handler `fn(request) -> Response | None`; a handler may also write
to `request.wfile` itself (slow drips, resets) and return None. Every request is recorded
in `server.log` as (method, path, headers), so tests can count what a client sent.
"""

import http.server
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Response:
    """A canned answer."""

    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before answering


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # Nagle and delayed ACKs cap a keep-alive client at ~180 requests/s

    def log_message(self, *args):  # quiet
        pass

    def _serve(self):
        server = self.server
        with server.lock:
            server.log.append((self.command, self.path, dict(self.headers)))
            server.active += 1
            server.max_active = max(server.max_active, server.active)
        answering = False
        try:
            path = self.path.split("?", 1)[0]
            handler = server.routes.get(self.path) or server.routes.get(path)
            if handler is None:
                resp = Response(404, b"<html><body><h1>Not Found</h1></body></html>")
            else:
                resp = handler(self) if callable(handler) else handler
            if resp is None:
                return
            if resp.delay:
                time.sleep(resp.delay)
            # Active from its arrival to the start of its answer: the window a polite client controls.
            # Once the answer is written, the client may send its next request before this thread
            # runs again; counting until then would see one request too many now and then.
            with server.lock:
                server.active -= 1
                answering = True
            self.send_response(resp.status)
            headers = {"Content-Type": resp.content_type, **resp.headers}
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            if not answering:
                with server.lock:
                    server.active -= 1

    do_GET = do_HEAD = do_POST = _serve


class LocalServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """A threaded HTTP server with a route table, bound to 127.0.0.1 on a free port."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 drops SYNs under concurrent clients
    allow_reuse_address = True

    def __init__(self, routes: dict | None = None, host: str = "127.0.0.1"):
        super().__init__((host, 0), _Handler)
        self.routes = dict(routes or {})
        self.log = []
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        # A short poll interval: stop() returns in 50 ms instead of 500 (every test tears one down).
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.base_url + path

    def start(self) -> "LocalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
