"""What harvesters, crawlers and integrators cost: a whole OAI-PMH harvest, the sitemap, search-box
suggestions, an export in RIS and BibTeX, and a 304 against a full answer, on the seed plus
generated resources (the data directory of bench/web.py, reused with --keep).

    python bench/ecosystem.py [--size 10000] [--keep DIR]

Prints one figure per line; run through the app in process (Flask's test client), so the
figures are the site's own work, without HTTP.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import prepare  # noqa: E402
from web import create_app  # noqa: E402

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def harvest(client) -> tuple[int, int, float]:
    """A whole ListRecords harvest: records, pages, seconds."""
    from lxml import etree

    records = pages = 0
    started = time.perf_counter()
    query = "verb=ListRecords&metadataPrefix=oai_dc"
    while True:
        root = etree.fromstring(client.get("/oai?" + query).data)
        pages += 1
        records += len(list(root.iter(OAI + "record")))
        token = root.findtext(f".//{OAI}resumptionToken")
        if not token:
            return records, pages, time.perf_counter() - started
        query = "verb=ListRecords&resumptionToken=" + token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="data directory to build in and reuse")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-ecosystem-"))
    settings = prepare(data_dir, args.size)
    app = create_app({"SETTINGS": settings})
    client = app.test_client()

    records, pages, seconds = harvest(client)
    print(f"oai: {records} records in {pages} pages in {seconds:.1f} s ({records / seconds:.0f} records/s)")
    response, seconds = timed(lambda: client.get("/sitemap.xml"))
    print(
        f"sitemap: {response.data.count(b'<url>')} addresses, {len(response.data) // 1024} KiB in {seconds:.2f} s"
    )
    samples = []
    for typed in ("e", "ev", "eva", "evalu", "par", "parent", "cpo", "mento", "lecture", "zzz") * 3:
        samples.append(timed(lambda t=typed: client.get("/api/suggest?q=" + t))[1] * 1000)
    print(
        f"suggest: median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms over {len(samples)}"
    )
    for fmt in ("ris", "bib", "csv"):
        response, seconds = timed(lambda f=fmt: client.get(f"/recherche.{f}?theme=evaluation").data)
        print(f"export {fmt}: {len(response) // 1024} KiB in {seconds:.2f} s")
    full, seconds_full = timed(lambda: client.get("/api/search?q=evaluation&per_page=100"))
    etag = full.headers["ETag"]
    _, seconds_304 = timed(
        lambda: client.get("/api/search?q=evaluation&per_page=100", headers={"If-None-Match": etag})
    )
    print(
        f"api search per_page=100: {seconds_full * 1000:.0f} ms, 304 for the same: {seconds_304 * 1000:.0f} ms"
    )
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


if __name__ == "__main__":
    main()
