"""Routes of a local server that serves every crawler fixture, good and faulty, and fast test settings."""

import threading
import time

from catalogue.settings import Settings
from tests.crawler import fixtures as fx
from tests.localserver import Response

MAX_BODY = 1_000_000


def fast_settings(tmp_path, **overrides) -> Settings:
    """Settings for crawl tests: private addresses allowed, short timeouts, no retries, a small size cap."""
    values = {
        "data_dir": str(tmp_path / "data"),
        "allow_private_networks": True,
        "per_host_delay": 0.0,
        "connect_timeout": 1.0,
        "read_timeout": 0.5,
        "deadline": 1.5,
        "retries": 0,
        "retry_backoff": 0.01,
        "max_body_bytes": MAX_BODY,
        "global_concurrency": 8,
        "per_host_concurrency": 8,
    }
    values.update(overrides)
    return Settings(values, environ={})


def drip(request):
    """Headers at once, then one byte every 0.2 s: only the total deadline stops it."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "200")
    request.end_headers()
    try:
        for _ in range(200):
            request.wfile.write(b" ")
            request.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass
    return None


class Versioned:
    """A document with an ETag that answers 304 to a matching If-None-Match; its body can change."""

    def __init__(self, body: bytes, content_type: str, etag: str = '"v1"'):
        self.body, self.content_type, self.etag = body, content_type, etag
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            if request.headers.get("If-None-Match") == self.etag:
                return Response(304, b"", {"ETag": self.etag}, self.content_type)
            return Response(
                200,
                self.body,
                {"ETag": self.etag, "Last-Modified": "Thu, 28 Apr 2022 10:15:00 GMT"},
                self.content_type,
            )


def routes() -> dict:
    """Every fixture by path; EXPECTED gives each one's outcome."""
    return {
        "/robots.txt": Response(200, b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/doc.pdf": Versioned(fx.pdf_bytes(pages=3, far_word=fx.FAR_PDF_WORD), "application/pdf"),
        "/cr.docx": Response(
            200,
            fx.docx_bytes(),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "/podcast.rss": Response(200, fx.rss_bytes(), content_type="application/rss+xml"),
        "/episode.mp3": Response(200, fx.mp3_bytes(), content_type="audio/mpeg"),
        "/page.html": Response(200, fx.html_page()),
        "/latin1.html": Response(
            200, fx.html_page(title="Page en Latin-1", charset="iso-8859-1"), content_type="text/html"
        ),
        "/video.html": Response(200, fx.video_page()),
        "/broken.pdf": Response(200, fx.truncated_pdf(), content_type="application/pdf"),
        "/wrong-type": Response(
            200, fx.pdf_bytes(title="Rapport mal typé", rare_word="malétiqueté"), content_type="text/html"
        ),
        "/gzip.html": Response(
            200, fx.gzip_bytes(fx.html_page(title="Page compressée")), {"Content-Encoding": "gzip"}
        ),
        "/huge.pdf": Response(200, b"%PDF-1.4\n" + b"0" * (MAX_BODY + 10), content_type="application/pdf"),
        "/drip": drip,
        "/private/doc.pdf": Response(200, fx.pdf_bytes(), content_type="application/pdf"),
        "/redirect1": Response(301, b"", {"Location": "/redirect2"}),
        "/redirect2": Response(302, b"", {"Location": "/page2.html"}),
        "/page2.html": Response(200, fx.html_page(title="Page après deux redirections")),
        "/missing": Response(404, b"<html><body>Introuvable</body></html>"),
        "/image.png": Response(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="image/png"),
    }


EXPECTED = {
    "/doc.pdf": "ok",
    "/cr.docx": "ok",
    "/podcast.rss": "ok",
    "/episode.mp3": "ok",
    "/page.html": "ok",
    "/latin1.html": "ok",
    "/video.html": "ok",
    "/broken.pdf": "extraction",
    "/wrong-type": "ok",
    "/gzip.html": "ok",
    "/huge.pdf": "too_large",
    "/drip": "timeout",
    "/private/doc.pdf": "robots",
    "/redirect1": "ok",
    "/missing": "http",
    "/image.png": "ok",
}
