#!/usr/bin/env python3
"""How fast the site refuses oversized searches: the real server (`catalogue serve`, waitress) on the
seed plus generated resources, asked for the 3,000-value search of issue 11 on every search route.

    python bench/bounded_requests.py [--size 6000] [--repeat 20] [--keep DIR]

Prints, per request kind and route, the status and the median and worst time over --repeat
requests (new connection each time, as an attacker's script would). Target: the 3,000-value
URL answers 400 in under 50 ms. For comparison it also times the largest searches still served:
20 values in one facet, and 20 real values in every facet at once (the biggest page the limits allow).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from web import free_port, prepare, start_server  # noqa: E402  (bench/web.py)

ROUTES = ("/recherche", "/recherche.csv", "/recherche.jsonl", "/recherche.atom", "/api/search")
KINDS = {
    "3 000 valeurs de thème": urlencode([("theme", f"x{i}") for i in range(3000)]),
    "21 valeurs de thème": urlencode([("theme", f"x{i}") for i in range(21)]),
    "20 valeurs de thème (servie)": urlencode([("theme", f"x{i}") for i in range(20)]),
}


def timed(url: str, repeat: int) -> tuple[int, list[float]]:
    times, status = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = requests.get(url, timeout=60, headers={"Connection": "close"})
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return status, times


def every_facet_full(base: str) -> str:
    """The query string choosing up to 20 real values in every facet (values the catalogue has)."""
    facets = requests.get(f"{base}/api/search", params={"per_page": 1}, timeout=60).json()["facets"]
    pairs = [(name, v["value"]) for name, values in facets.items() for v in values[:20]]
    return urlencode(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", help="data directory to build once and reuse")
    args = parser.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="bench-bounded-")
    data_dir = Path(args.keep or tmp.name)
    prepare(data_dir, args.size)
    port = free_port()
    server = start_server(data_dir, port, threads=4)
    base = f"http://127.0.0.1:{port}"
    try:
        kinds = {**KINDS, "20 vraies valeurs × 7 filtres": every_facet_full(base)}
        for kind, query in kinds.items():
            for route in ROUTES:
                status, times = timed(f"{base}{route}?{query}", args.repeat)
                print(
                    f"{kind:32} {route:18} {status}  médiane {statistics.median(times):6.1f} ms"
                    f"  pire {max(times):6.1f} ms  ({len(query)} octets de paramètres)"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    main()
