#!/usr/bin/env python3
"""Benchmark of `catalogue watch`: a first watch of many sources, then an incremental one.

    python3 bench/watch.py [--sources 50] [--articles 2000] [--links 6000] [--delay 0.1]

Each source is a news listing on its own local server (127.0.0.1, its own port), paginated by
10 (« page suivante »), its first page with an ETag; each article links `links/articles`
resources (small HTML pages of their own text) under « Au niveau … » headings; the first
article of every source also links the same report as the next source, under another address
(a twin that must become an alternate address, not a second proposal). Every answer waits
`--delay` seconds. The watch runs as the real CLI in a subprocess, twice: the first proposes
everything, the second must find every listing unchanged (304) and propose nothing. The script
prints wall time, articles per second, requests served, 304s, peak RSS of the watch, and
checks that no resource was proposed twice and that every one was proposed.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.urls import canonical_url  # noqa: E402
from tests.localserver import LocalServer, Response  # noqa: E402

WORDS = (
    "école famille quartier collège lecture parents élèves enseignants ville association réussite projet "
    "coordination évaluation numérique culture sport santé orientation stage insertion mentorat jeunesse "
    "éducation territoire cité partenariat atelier formation rencontre séminaire accompagnement dispositif"
).split()
LEVELS = ("national", "regional", "local")
HEADINGS = {"national": "Au niveau national", "regional": "Au niveau régional", "local": "Au niveau local"}
PER_PAGE = 10
CPU_SECONDS: list[float] = []  # CPU time of each CLI run, in order


class BenchServer(LocalServer):
    """A LocalServer quiet about client resets, counting what it answered."""

    def handle_error(self, request, client_address):
        pass


def page(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<header><nav><a href="/">Accueil</a></nav></header><main>{body}</main></body></html>'
    ).encode()


def build(servers, articles: int, links: int, delay: float) -> dict[str, str]:
    """Fill the servers' routes; returns {canonical resource address: level} to be proposed."""
    expected: dict[str, str] = {}
    per_source = articles // len(servers)
    per_article = max(1, links // articles)
    reports = []
    for i in range(len(servers)):
        rng = random.Random(-1 - i)
        text = " ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(300))
        reports.append(page(f"Rapport annuel {i}", f"<p>{text}</p>"))
    for s, server in enumerate(servers):
        rng = random.Random(s)
        items = []
        for a in range(per_source):
            sections: dict[str, list[str]] = {}
            for k in range(per_article):
                level = LEVELS[(a + k) % 3]
                path = f"/r/{a}-{k}.html"
                text = " ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(120))
                server.routes[path] = Response(
                    body=page(f"Ressource {s}-{a}-{k}", f"<p>{text}</p>"), delay=delay
                )
                sections.setdefault(level, []).append(f'<li><a href="{path}">Ressource {s}-{a}-{k}</a></li>')
                expected[canonical_url(server.url(path))] = level
            if a == 0:  # the report of source s, also published by source s+1 under another address
                mine, theirs = reports[s], reports[(s - 1) % len(servers)]
                server.routes["/docs/rapport.html"] = Response(body=mine, delay=delay)
                server.routes["/miroir/rapport.html"] = Response(body=theirs, delay=delay)
                twins = sections.setdefault("regional", [])
                twins.append('<li><a href="/docs/rapport.html">Rapport annuel</a></li>')
                twins.append('<li><a href="/miroir/rapport.html">Rapport du centre voisin</a></li>')
            body = "".join(f"<h2>{HEADINGS[lv]}</h2><ul>{''.join(li)}</ul>" for lv, li in sections.items())
            server.routes[f"/actualites/{a}"] = Response(
                body=page(f"Actualité {a}", f"<article><h1>Actualité {a}</h1>{body}</article>"), delay=delay
            )
            items.append(f'<article><h2><a href="/actualites/{a}">Actualité {a}</a></h2></article>')
        server.routes["/actualites"] = listing(items, delay)
        server.routes["/robots.txt"] = Response(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
    return expected


def listing(items: list[str], delay: float):
    def answer(request):
        number = int(request.path.partition("page=")[2] or 1)
        if number == 1 and request.headers.get("If-None-Match") == '"v1"':
            return Response(304, b"", headers={"ETag": '"v1"'}, delay=delay)
        shown = "".join(items[(number - 1) * PER_PAGE : number * PER_PAGE])
        more = (
            f'<a href="/actualites?page={number + 1}">Page suivante</a>'
            if number * PER_PAGE < len(items)
            else ""
        )
        headers = {"ETag": '"v1"'} if number == 1 else {}
        return Response(body=page("Actualités", shown + more), headers=headers, delay=delay)

    return answer


def run_cli(data: str, *args: str) -> tuple[float, int, str]:
    """Run the catalogue CLI; returns (seconds, peak RSS in MB of this child, stdout); CPU in CPU_SECONDS."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CATALOGUE_ALLOW_PRIVATE_NETWORKS": "1",
        "CATALOGUE_DATA_DIR": data,
    }
    code = (
        f"import resource, sys; from catalogue.cli import main; sys.argv = ['catalogue', *{list(args)!r}]\n"
    )
    code += (
        "try:\n    main()\nfinally:\n    u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    print('RSS', u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr)"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    elapsed = time.monotonic() - started
    figures = next(
        (line.split()[1:] for line in done.stderr.splitlines() if line.startswith("RSS ")), ["0", "0"]
    )
    rss = int(figures[0])
    CPU_SECONDS.append(float(figures[1]))
    if done.returncode not in (0, 1):
        sys.exit(f"catalogue {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, rss // 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--links", type=int, default=6000)
    parser.add_argument("--delay", type=float, default=0.1)
    args = parser.parse_args()
    servers = [BenchServer() for _ in range(args.sources)]
    expected = build(servers, args.articles, args.links, args.delay)
    for server in servers:
        server.start()
    try:
        with tempfile.TemporaryDirectory() as data:
            for server in servers:
                run_cli(data, "-q", "source", "add", server.url("/actualites"), "--kind", "listing")
            served_before = sum(len(s.log) for s in servers)
            first, rss1, out1 = run_cli(data, "watch", "--json")
            cpu1 = CPU_SECONDS[-1]
            served_first = sum(len(s.log) for s in servers) - served_before
            report = json.loads(out1)["sources"]
            articles = sum(r["articles_read"] for r in report)
            second, rss2, out2 = run_cli(
                data, "watch", "--json", *sum((["--source", str(i + 1)] for i in range(args.sources)), [])
            )
            again = json.loads(out2)["sources"]
            _, _, listed = run_cli(data, "proposals", "--json")
            proposed = [canonical_url(p["url"]) for p in json.loads(listed)]
            not_modified = sum(1 for r in again if r["entry_outcome"] == "not_modified")
            twins = sum(r["alternates"] for r in report)
            twin_urls = {
                canonical_url(s.url(p))
                for s in servers
                for p in ("/docs/rapport.html", "/miroir/rapport.html")
            }
            print(
                f"sources {args.sources}, articles {articles}, liens attendus {len(expected)} + {len(servers)} rapports publiés deux fois"
            )
            print(
                f"première veille : {first:.1f} s, {articles / first:.1f} articles/s, {served_first} requêtes servies, CPU {cpu1:.1f} s, RSS max {rss1} Mo"
            )
            print(
                f"veille suivante : {second:.1f} s, {not_modified}/{args.sources} listes inchangées (304), "
                f"{sum(r['proposed'] for r in again)} proposées, RSS max {rss2} Mo"
            )
            print(
                f"propositions : {len(proposed)}, en double : {len(proposed) - len(set(proposed))}, "
                f"manquantes : {len(set(expected) - set(proposed))}, rapports en double proposés : {len(set(proposed) & twin_urls)} "
                f"(adresses alternatives : {twins})"
            )
    finally:
        for server in servers:
            server.stop()
    print(f"CPU du banc (serveurs) : {resource.getrusage(resource.RUSAGE_SELF).ru_utime:.1f} s")


if __name__ == "__main__":
    main()
