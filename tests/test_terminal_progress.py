"""Long commands show progress on a terminal and print nothing but errors under cron.

The commands run as real processes, their stderr on a pseudo-terminal (what a person sees)
or on a pipe (what cron sees).
"""

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from catalogue.models import Resource
from catalogue.store import Store
from tests.crawler.crawl_server import routes
from tests.crawler.test_import_page import CLI_ENV
from tests.localserver import LocalServer

ROOT = Path(__file__).resolve().parent.parent


def _has_pseudo_terminals() -> bool:
    try:
        leader, follower = pty.openpty()
    except OSError:
        return False
    os.close(leader)
    os.close(follower)
    return True


pytestmark = pytest.mark.skipif(not _has_pseudo_terminals(), reason="this machine has no pseudo-terminals")


@pytest.fixture(scope="module")
def site():
    with LocalServer(routes()) as srv:
        yield srv


def catalogue(data: Path, *args: str, terminal: bool) -> tuple[int, str, str]:
    """Run `catalogue --data-dir DATA ARGS`; (exit code, stdout, stderr), stderr on a pty if `terminal`."""
    cmd = [sys.executable, "-c", "from catalogue.cli import main; main()", "--data-dir", str(data), *args]
    env = {**os.environ, **CLI_ENV, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    if not terminal:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=follower, text=True)
        os.close(follower)
        follower = None
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        with process.stdout:
            stdout = process.stdout.read()
        process.wait(timeout=120)
        return process.returncode, stdout, b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)
        if follower is not None:
            os.close(follower)


@pytest.fixture
def data(site, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with Store(data / "catalogue.sqlite3") as store:
        for n, path in enumerate(("/doc.pdf", "/page.html", "/cr.docx")):
            store.upsert(Resource(url=site.url(path), title=f"Ressource {n}"))
    return data


def test_crawl_shows_its_progress_on_a_terminal_and_nothing_under_cron(data):
    code, _, shown = catalogue(data, "crawl", "--all", terminal=True)
    assert code == 0, shown
    assert "[3/3]" in shown and "échecs : 0" in shown
    code, _, quiet = catalogue(data, "-q", "crawl", "--all", terminal=True)
    assert (code, "[1/3]" in quiet) == (0, False)
    code, _, cron = catalogue(data, "crawl", "--all", terminal=False)
    assert (code, cron) == (0, "")


def test_check_shows_its_progress_on_a_terminal_and_nothing_under_cron(data):
    code, _, shown = catalogue(data, "check", "--all", terminal=True)
    assert code == 0, shown
    assert "3/3 vérifiés" in shown
    code, _, cron = catalogue(data, "check", "--all", terminal=False)
    assert (code, cron) == (0, "")


def test_reindex_shows_a_progress_bar_on_a_terminal_and_nothing_under_cron(data):
    code, _, shown = catalogue(data, "reindex", terminal=True)
    assert code == 0, shown
    assert "Indexation" in shown
    # The three resources have no themes: their suggestion has its own bar, ended before the index's.
    assert "Thèmes suggérés" in shown and shown.index("Thèmes suggérés") < shown.index("Indexation")
    code, _, cron = catalogue(data, "reindex", terminal=False)
    assert (code, "Indexation" in cron, "Thèmes" in cron) == (0, False, False)
