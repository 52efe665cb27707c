"""Benchmark of the crawl: 500 mixed fixture resources on a local server, plus one document at the size cap.

Prints resources per second, megabytes of extracted text per second and the peak RSS of
the crawling process (the server runs in a child process, so it is not counted).
Targets on a 2-core machine: at least 20 resources/s, peak RSS under 400 MB. For the
record, the rate is also printed as a ratio to a plain loop over the same fixtures, in the
same run: `requests.get` each address, `trafilatura.extract` each HTML or XML answer (no
PDF, DOCX or audio reading, no archive, no store: a floor, not a rival).

    python3 bench/crawl.py [--resources 500] [--no-cap-document]
"""

import argparse
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue import archive, extractions  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from crawler.crawl import crawl  # noqa: E402
from tests.crawler import fixtures as fx  # noqa: E402
from tests.localserver import LocalServer, Response  # noqa: E402

MIX = (("html", 0.30), ("pdf", 0.20), ("docx", 0.16), ("rss", 0.12), ("mp3", 0.12), ("video", 0.10))
TYPES = {
    "html": "text/html; charset=utf-8",
    "video": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "rss": "application/rss+xml",
    "mp3": "audio/mpeg",
}


def cap_pdf(size: int) -> bytes:
    """A real PDF of exactly `size` bytes or just under: one page of text plus a large attachment."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(fx.pdf_bytes(pages=2, rare_word="plafondmaximal"))))
    out = io.BytesIO()
    writer.write(out)
    writer.add_attachment("annexe.bin", os.urandom(max(0, size - len(out.getvalue()) - 4096)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_routes(count: int, cap_size: int | None) -> dict:
    """The server's routes: `count` resources mixed by MIX, and the cap document if asked."""
    variants = {
        "pdf": [fx.pdf_bytes(pages=5, rare_word=f"motpdf{i}") for i in range(20)],
        "docx": [fx.docx_bytes(rare_word=f"motdocx{i}") for i in range(20)],
        "mp3": [fx.mp3_bytes(title=f"Épisode {i}") for i in range(20)],
    }
    routes, number = {}, 0
    for kind, share in MIX:
        for i in range(round(count * share)):
            if kind == "html":
                body = fx.html_page(title=f"Page {i} des cités éducatives", rare_word=f"mothtml{i}")
            elif kind == "video":
                body = fx.video_page(title=f"Replay {i}")
            elif kind == "rss":
                body = fx.rss_bytes(rare_word=f"motepisode{i}")
            else:
                body = variants[kind][i % 20]
            routes[f"/r/{number}.{kind}"] = Response(200, body, content_type=TYPES[kind])
            number += 1
    if cap_size:
        routes["/cap.pdf"] = Response(200, cap_pdf(cap_size), content_type="application/pdf")
    return routes


def serve(count, cap_size, conn):
    """Child process: build the fixtures, serve them, send the base URL and the paths, wait for the end."""
    server = LocalServer(build_routes(count, cap_size)).start()
    sizes = {path: len(r.body) for path, r in server.routes.items()}
    conn.send((server.base_url, sizes))
    conn.recv()
    server.stop()


def plain_loop(base_url: str, paths) -> tuple[float, int]:
    """The reference: one requests session, trafilatura on each page; (seconds, characters extracted)."""
    import requests
    import trafilatura

    extracted = 0
    started = time.perf_counter()
    with requests.Session() as session:
        for path in paths:
            answer = session.get(base_url + path, timeout=30)
            kind = answer.headers.get("content-type", "")
            if "html" in kind or "xml" in kind:
                extracted += len(trafilatura.extract(answer.text) or "")
    return time.perf_counter() - started, extracted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--no-cap-document", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            {
                "data_dir": tmp,
                "allow_private_networks": True,
                "per_host_delay": 0.0,
                "per_host_concurrency": 32,  # one local host: per-host limits lifted
                "global_concurrency": 32,
            },
            environ={},
        )
        cap = None if args.no_cap_document else settings.max_body_bytes
        parent, child = multiprocessing.Pipe()
        server = multiprocessing.Process(target=serve, args=(args.resources, cap, child), daemon=True)
        server.start()
        base_url, sizes = parent.recv()
        store = Store.open(settings)
        store.upsert_many(Resource(url=base_url + path, title=path) for path in sizes)
        started = time.perf_counter()
        summary = crawl(store, settings, all_resources=True)
        elapsed = time.perf_counter() - started
        text_bytes = extractions.text_bytes(store)
        archived = archive.archive_size(store)
        store.close()
        plain_seconds, plain_chars = plain_loop(base_url, sizes)
        parent.send("stop")
        server.join(timeout=10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = len(sizes)
    print(
        f"resources: {total} ({args.resources} mixed"
        + (f" + 1 document of {sizes['/cap.pdf']:,} bytes at the cap)" if cap else ")")
    )
    print(f"outcomes: {summary.outcomes}")
    print(f"downloaded: {sum(sizes.values()) / 1e6:.1f} MB, archived: {archived / 1e6:.1f} MB")
    print(f"elapsed: {elapsed:.2f} s")
    print(f"resources/s: {total / elapsed:.1f} (target >= 20)")
    print(
        f"plain requests + trafilatura loop: {total / plain_seconds:.1f} resources/s "
        f"({plain_seconds:.2f} s, {plain_chars / 1e6:.2f} M characters from HTML and XML only); "
        f"crawl rate ratio ours/plain: {plain_seconds / elapsed:.2f}x"
    )
    print(f"text extracted: {text_bytes / 1e6:.2f} MB, {text_bytes / 1e6 / elapsed:.2f} MB/s")
    print(f"peak RSS of the crawling process: {peak_mb:.0f} MB (target < 400)")


if __name__ == "__main__":
    main()
