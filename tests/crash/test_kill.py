"""kill -9 of an import, a crawl and a rebuild at several points: the next command finds in the index exactly
what the store holds, with no manual step (real processes, a real SIGKILL)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalogue import suggest
from catalogue.extractions import get_extraction
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from index import build
from index.consistency import examine
from index.generations import open_current
from tests.localserver import Response

ROOT = Path(__file__).resolve().parents[2]
ENV = {"CATALOGUE_ALLOW_PRIVATE_NETWORKS": "1", "CATALOGUE_PER_HOST_DELAY": "0"}


def make_settings(tmp_path) -> Settings:
    return Settings({"data_dir": str(tmp_path / "data"), **{"allow_private_networks": True}}, environ={})


def environment(settings) -> dict:
    return {**os.environ, **ENV, "CATALOGUE_DATA_DIR": str(settings.data_path), "PYTHONPATH": str(ROOT)}


def kill_at(settings, tmp_path, target: str, nth: int, *args) -> None:
    """Run `catalogue ARGS` in a real process, and kill -9 it when it reaches the nth call of target."""
    marker = tmp_path / f"reached-{target.replace(':', '-')}-{nth}"
    command = [sys.executable, "-m", "tests.crash.stopper", target, str(nth), str(marker), "--", "-q", *args]
    with subprocess.Popen(
        command, env=environment(settings), cwd=ROOT, stderr=subprocess.PIPE, text=True
    ) as process:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"the command ended before {target} call {nth}: {process.stderr.read()}")
            assert time.monotonic() < deadline, f"{target} call {nth} never reached"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL


def catalogue(settings, *args) -> subprocess.CompletedProcess:
    """The next command, in a real process, as a person or cron would run it."""
    command = [sys.executable, "-c", "from catalogue.cli import main; main()", *args]
    return subprocess.run(
        command, env=environment(settings), cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def indexed(settings) -> dict[str, tuple[str, str]]:
    """{id: (title, text)} of the live index."""
    ix = open_current(settings.index_path)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            fields = [reader.stored_fields(n) for n in reader.all_doc_ids()]
    finally:
        ix.close()
    return {f["id"]: f.get("title", "") for f in fields}


def assert_index_is_the_store(settings, word: str | None = None, expected_with_word=None) -> None:
    with Store.open(settings) as store:
        found = examine(store, settings.index_path)
        titles = {r.id: r.title for r in store.iter_resources()}
    assert (found.missing, found.extra, found.pending) == ([], [], 0)
    assert indexed(settings) == titles
    if word is not None:
        result = catalogue(settings, "search", "--json", "--per-page", "100", word)
        assert result.returncode == 0, result.stderr
        assert sorted(h["id"] for h in json.loads(result.stdout)["results"]) == sorted(expected_with_word)


def seeded(settings, count: int) -> None:
    with Store.open(settings) as store:
        store.upsert_many(
            Resource(url=f"https://ex.fr/fiche-{n}", title=f"Fiche numéro {n}") for n in range(count)
        )
        suggest.apply(store)
        build.rebuild(store, settings.index_path)


# -- import ---------------------------------------------------------------------------

IMPORT_POINTS = [
    ("catalogue.cli.wiring:suggest_themes", 1),  # the store committed, nothing followed
    ("index.build:document_fields", 120),  # the index writer half-way
    ("index.build:record_applied", 1),  # the index committed, its change number not yet noted
]


@pytest.mark.parametrize(("target", "nth"), IMPORT_POINTS)
def test_an_import_killed_at_any_point_is_in_the_index_after_the_next_command(tmp_path, target, nth):
    settings = make_settings(tmp_path)
    seeded(settings, 30)
    rows = tmp_path / "lot.jsonl"
    rows.write_text(
        "".join(
            json.dumps({"url": f"https://ex.fr/import-{n}", "title": f"Fiche importée {n}"}) + "\n"
            for n in range(300)
        ),
        encoding="utf-8",
    )
    kill_at(settings, tmp_path, target, nth, "import", str(rows))
    with Store.open(settings) as store:
        assert store.count() == 330  # all or nothing: the import's transaction committed
    result = catalogue(settings, "init")  # the command a person runs next, which found nothing to do before
    assert result.returncode == 0, result.stderr
    assert_index_is_the_store(settings)


# -- crawl ----------------------------------------------------------------------------

CRAWL_POINTS = [
    ("crawler.crawl:record", 4),  # three resources recorded, the fourth not
    ("catalogue.cli.wiring:suggest_themes", 1),  # the crawl recorded its end, not reindexed
    ("index.build:document_fields", 3),  # reindexing half-way
]


@pytest.mark.parametrize(("target", "nth"), CRAWL_POINTS)
def test_a_crawl_killed_at_any_point_leaves_nothing_unindexed(tmp_path, server, target, nth):
    settings = make_settings(tmp_path)
    with Store.open(settings) as store:
        for n in range(8):
            server.routes[f"/page-{n}"] = Response(
                body=f"<html><head><title>Page {n}</title></head><body><main><p>Le mot zanzibar {n}.</p></main></body></html>".encode()
            )
            store.upsert(Resource(url=server.url(f"/page-{n}"), title=f"Page {n}"))
        build.rebuild(store, settings.index_path)
    kill_at(settings, tmp_path, target, nth, "crawl", "--all")
    result = catalogue(settings, "crawl")  # a bare crawl: resumes what was interrupted, if anything
    assert result.returncode in (0, 1), result.stderr
    with Store.open(settings) as store:
        crawled = [rid for rid in store.ids() if get_extraction(store, rid) is not None]
    assert len(crawled) == 8
    assert_index_is_the_store(settings, "zanzibar", crawled)


# -- rebuild --------------------------------------------------------------------------

REBUILD_POINTS = [
    ("index.shards:document_fields", 50, False),  # the new generation half-written
    ("index.build:record_applied", 1, False),  # written, its change number not noted, not live
    ("index.build:point_to", 1, False),  # complete, not yet live
    ("index.build:catch_up", 1, True),  # live, not yet caught up with the changes made meanwhile
]


@pytest.mark.parametrize(("target", "nth", "swapped"), REBUILD_POINTS)
def test_a_rebuild_killed_at_any_point_leaves_a_working_index_and_the_next_one_runs(
    tmp_path, target, nth, swapped
):
    settings = make_settings(tmp_path)
    seeded(settings, 120)
    with Store.open(settings) as store:
        store.update_fields(store.ids()[0], title="Titre changé par un processus tué")  # never indexed
    live = build.current_generation(settings.index_path).name
    kill_at(settings, tmp_path, target, nth, "reindex")
    assert (build.current_generation(settings.index_path).name != live) == swapped
    if not swapped:  # the killed rebuild's generation is reported, and discarded by the next rebuild
        doctor = catalogue(settings, "doctor")
        assert (1, True) == (doctor.returncode, "Générations orphelines" in doctor.stdout), doctor.stdout
    result = catalogue(settings, "search", "--json", "changé")
    assert result.returncode == 0, result.stderr
    assert_index_is_the_store(settings)
    result = catalogue(settings, "reindex")  # the lock died with the killed rebuild
    assert result.returncode == 0, result.stderr
    generations = sorted(p.name for p in settings.index_path.iterdir() if p.name.startswith("gen-"))
    assert len(generations) == 2 and build.current_generation(settings.index_path).name == generations[-1]
    assert catalogue(settings, "doctor").returncode == 0
    assert_index_is_the_store(settings)
