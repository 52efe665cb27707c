"""Every command cron runs speaks when it fails, under --quiet too: stdout stays silent, stderr gets one
French line per failure (`catalogue : échec : …`, exit 1) or one line saying why the run could not
be done (`catalogue : erreur : …`, exit 2: network down, lock held, read-only disk)."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from catalogue import sources
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from tests.crawler.faultserver import FAST
from tests.localserver import LocalServer, Response

ENV = {f"CATALOGUE_{k.upper()}": str(v) for k, v in FAST.items()}
# Sites that refuse every connection and one whose name never resolves: a machine without network.
UNREACHABLE = [f"http://127.0.0.{n}:9/ressource-{n}" for n in range(2, 6)] + ["http://centre.invalid/guide"]


def cron(data, *args: str) -> subprocess.CompletedProcess:
    """`catalogue -q ARGS` in a process of its own, as cron starts it: no terminal, the environment only."""
    env = {**os.environ, **ENV, "CATALOGUE_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-c", "from catalogue.cli import main; main()", "-q", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def fill(data, urls: list[str]) -> list[str]:
    with Store.open(Settings({"data_dir": str(data), **FAST}, environ={})) as store:
        return [store.upsert(Resource(url=u, title=f"Ressource {n}"))[0].id for n, u in enumerate(urls)]


def add_sources(data, urls: list[str]) -> None:
    with Store.open(Settings({"data_dir": str(data), **FAST}, environ={})) as store:
        for url in urls:
            sources.add(store, sources.Source(url=url, kind="listing"))


def one_error_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert (2, "") == (done.returncode, done.stdout), done.stderr
    lines = done.stderr.splitlines()
    assert 1 == len(lines), done.stderr
    assert lines[0].startswith("catalogue : erreur : "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def test_crawl_with_the_network_down_says_so_in_one_line_and_exits_2(data):
    fill(data, UNREACHABLE)
    line = one_error_line(cron(data, "crawl", "--all", "--no-index"), "réseau indisponible")
    assert "5 ressources sur 5 injoignables" in line and "sur 5 sites sur 5" in line


def test_crawl_names_each_resource_that_failed_and_exits_1(data):
    with LocalServer({"/ok": Response(200, b"<html><title>Bon</title><p>Texte</p></html>")}) as site:
        ids = fill(data, [site.url("/ok"), site.url("/disparue"), "http://127.0.0.2:9/refus"])
        done = cron(data, "crawl", "--all", "--no-index")
    assert (1, "") == (done.returncode, done.stdout)
    assert {
        f"catalogue : échec : {ids[1]} <{site.url('/disparue')}> : le serveur répond 404 Not Found",
        f"catalogue : échec : {ids[2]} <http://127.0.0.2:9/refus> : le serveur refuse la connexion",
    } == set(done.stderr.splitlines())


def test_add_of_an_address_that_does_not_answer_says_why(data):
    data.mkdir()
    done = cron(data, "add", "http://127.0.0.2:9/guide", "--no-index")
    assert (1, "") == (done.returncode, done.stdout)
    [line] = done.stderr.splitlines()
    assert line.startswith("catalogue : échec : ") and line.endswith(
        "<http://127.0.0.2:9/guide> : le serveur refuse la connexion"
    )


def test_import_page_with_the_network_down_is_one_french_line(data):
    data.mkdir()
    one_error_line(
        cron(data, "import-page", "http://127.0.0.2:9/actualites"),
        "http://127.0.0.2:9/actualites : la page n'a pas pu être récupérée : le serveur refuse la connexion",
    )


def test_watch_with_the_network_down_is_one_french_line_and_exit_2(data):
    add_sources(data, UNREACHABLE)
    line = one_error_line(cron(data, "watch"), "veille impossible", "réseau indisponible")
    assert "5 sources sur 5 injoignables" in line


def test_nights_without_network_leave_the_sources_due_and_never_flag_them(data):
    add_sources(data, UNREACHABLE)
    for _ in range(4):  # more nights than CATALOGUE_WATCH_FAILURE_RUNS (3)
        one_error_line(cron(data, "watch"), "veille impossible")  # each time they are all read again
    with Store.open(Settings({"data_dir": str(data), **FAST}, environ={})) as store:
        states = {(s.health, s.failed_runs, s.last_run_at) for s in sources.all_sources(store)}
    assert {("ok", 0, None)} == states


def test_watch_names_the_failing_source_on_stderr_and_keeps_stdout_silent(data):
    add_sources(data, ["http://127.0.0.2:9/actualites"])
    done = cron(data, "watch")
    assert (1, "") == (done.returncode, done.stdout)
    assert [
        "catalogue : échec : source 1 <http://127.0.0.2:9/actualites> : le serveur refuse la connexion"
    ] == done.stderr.splitlines()


def test_check_names_each_confirmed_broken_link_on_stderr_not_stdout(data):
    with LocalServer({"/ok": Response(200, b"<html><title>Bon</title><p>Texte</p></html>")}) as site:
        fill(data, [site.url("/ok"), site.url("/disparue")])
        for night in ("2026-03-01", "2026-03-02", "2026-03-03"):
            done = cron(data, "check", "--all", "--now", f"{night}T02:30:00+00:00")
    assert (1, "") == (done.returncode, done.stdout)
    [line] = done.stderr.splitlines()
    assert line.startswith("catalogue : échec : lien ") and f"<{site.url('/disparue')}>" in line
    assert "Le serveur répond 404" in line


def test_a_locked_run_is_one_line_for_check_and_watch(data):
    from catalogue.cli.check import run_lock
    from catalogue.cli.watch import WATCH_LOCK

    fill(data, UNREACHABLE[:1])
    with run_lock(data):
        one_error_line(cron(data, "check", "--all"), "déjà en cours")
    with run_lock(data, WATCH_LOCK, "une veille"):
        one_error_line(cron(data, "watch"), "déjà en cours")


def test_a_busy_database_is_one_line_for_import(data, tmp_path):
    fill(data, [])
    holder = sqlite3.connect(data / "catalogue.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for longer than the busy timeout
    try:
        (tmp_path / "r.jsonl").write_text(json.dumps({"url": "https://ex.example/a", "title": "A"}) + "\n")
        env_timeout = cron(data, "import", str(tmp_path / "r.jsonl"), "--no-index")
    finally:
        holder.rollback()
        holder.close()
    one_error_line(env_timeout, str(data / "catalogue.sqlite3"), "occupée par un autre processus")


@pytest.fixture
def read_only_data(tmp_path):
    """A data directory on a file system remounted read-only (needs root, as on the project's machines)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        fill(mount_point / "data", UNREACHABLE[:1])
        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        yield mount_point / "data"
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.parametrize(
    "args",
    [("crawl", "--all", "--no-index"), ("check", "--all"), ("watch",), ("import", "-")],
    ids=["crawl", "check", "watch", "import"],
)
def test_a_read_only_disk_is_one_french_line(read_only_data, args):
    line = one_error_line(cron(read_only_data, *args), "lecture seule", str(read_only_data))
    assert "Read-only" not in line and "Errno" not in line
