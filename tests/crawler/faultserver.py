"""Fault routes for fetcher and link-checker tests (served by tests.localserver), and fast settings."""

import gzip
import threading
import time

from catalogue.settings import Settings
from tests.localserver import Response

FAST = {
    "allow_private_networks": True,
    "per_host_delay": 0.0,
    "connect_timeout": 0.5,
    "read_timeout": 0.3,
    "deadline": 0.8,
    "retries": 2,
    "retry_backoff": 0.01,
    "retry_after_cap": 2.0,
    "check_second_opinion_delay": 0.0,
    "global_concurrency": 8,
    "per_host_concurrency": 4,
}


def fast_settings(tmp_path, **overrides) -> Settings:
    """Settings with short timeouts and tiny backoffs, private addresses allowed, in tmp_path/data."""
    return Settings({"data_dir": str(tmp_path / "data"), **FAST, **overrides}, environ={})


def page(title: str, text: str = "", size: int = 0) -> bytes:
    """A small HTML page (padded to `size` bytes if asked)."""
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
    body += "<p>" + "contenu " * max(0, (size - len(body)) // 8) + "</p></body></html>"
    return body.encode("utf-8")


def sequence(*responses: Response):
    """A route answering each response in turn, then the last one forever."""
    lock = threading.Lock()
    calls = [0]

    def handler(request):
        with lock:
            index = min(calls[0], len(responses) - 1)
            calls[0] += 1
        return responses[index]

    return handler


def head_refused(body: bytes):
    """A route that answers 405 to HEAD and 200 to GET."""

    def handler(request):
        if request.command == "HEAD":
            return Response(405, b"")
        return Response(200, body)

    return handler


def drip(total: int = 200, pause: float = 0.2, content_type: str = "text/plain"):
    """A route that announces `total` bytes and sends one every `pause` seconds (headers at once)."""

    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(total))
        request.end_headers()
        try:
            for _ in range(total):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass
        return None

    return handler


def unsized(total: int):
    """A route that sends `total` bytes without Content-Length, then closes."""

    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        try:
            for _ in range(total // 65536 + 1):
                request.wfile.write(b"a" * 65536)
        except OSError:
            pass
        return None

    return handler


def gzip_bomb(inflated: int) -> Response:
    """A small gzip body that inflates to `inflated` bytes."""
    return Response(
        200,
        gzip.compress(b"\0" * inflated, 9),
        headers={"Content-Encoding": "gzip"},
        content_type="application/octet-stream",
    )


def conditional(etag: str, body: bytes):
    """A route that answers 304 when If-None-Match matches `etag`."""

    def handler(request):
        if request.headers.get("If-None-Match") == etag:
            return Response(304, b"", headers={"ETag": etag})
        return Response(200, body, headers={"ETag": etag})

    return handler
