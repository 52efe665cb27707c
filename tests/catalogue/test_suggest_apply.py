"""Theme suggestion over a whole store (catalogue/suggest.apply): the same rows in this process and in
worker processes, curated resources lose stale suggestions, and a failure leaves the store as it was."""

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from catalogue import suggest
from catalogue.documents import iter_documents
from catalogue.errors import NotFound
from catalogue.extractions import save_extraction
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from catalogue.vocabularies import load_vocabularies
from catalogue.withdrawal import withdraw
from tests.rawdb import raw_database

ROOT = Path(__file__).resolve().parents[2]
OLD_STAMP = "2020-01-02T03:04:05+00:00"
FILLER = "le rapport des actions menées dans les quartiers avec les équipes et l'école".split()


def generated_resources(n: int, seed: int = 5):
    """N resources whose texts mix the themes' keywords with filler; a quarter with curated themes."""
    rng = random.Random(seed)
    themes = load_vocabularies().themes
    keywords = [k for term in themes.terms for k in term.keywords if not k.startswith("-")]

    def words(count: int) -> str:
        return " ".join(
            rng.choice(keywords) if rng.random() < 0.2 else rng.choice(FILLER) for _ in range(count)
        )

    for i in range(n):
        yield Resource(
            url=f"https://gen.test/r/{i}",
            title=words(rng.randint(3, 8)),
            description=words(rng.randint(0, 20)),
            themes=[rng.choice(themes.values())] if rng.random() < 0.25 else [],
            text=words(rng.randint(0, 300)),
        )


def build_store(data_dir: Path, n: int) -> Path:
    """A store of N generated resources, already suggested once, then changed as a catalogue changes:
    extractions and podcast episodes, curated themes set on suggested resources (stale suggestions),
    withdrawn resources. Closed; returns the database file."""
    settings = Settings({"data_dir": str(data_dir)}, environ={})
    rng = random.Random(3)
    with Store.open(settings) as store:
        store.upsert_many(generated_resources(n))
        suggest.apply(store, workers=0)
        ids = store.ids()
        themes = store.vocabularies.themes.values()
        with store.transaction():
            for rid in rng.sample(ids, n // 10):
                episodes = [{"title": "Épisode sur la parentalité", "description": ""}, {}]
                save_extraction(
                    store,
                    rid,
                    {"kind": "feed", "title": "Le mentorat", "text": "Le tutorat et les mentors. " * 50},
                    episodes if rng.random() < 0.5 else None,
                )
            for rid in rng.sample(ids, n // 20):
                store.update_fields(rid, themes=[rng.choice(themes)])
            for rid in rng.sample(ids, n // 50):
                withdraw(store, rid, "test", "test")
    with raw_database(settings.database_path) as db:
        db.execute("UPDATE resources SET updated_at = ?", (OLD_STAMP,))
    return settings.database_path


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The database file of a generated store of 2,500 resources (copy it before use)."""
    return build_store(tmp_path_factory.mktemp("generated"), 2_500)


def copied(database: Path, tmp_path: Path, name: str) -> Settings:
    data_dir = tmp_path / name
    data_dir.mkdir()
    shutil.copy(database, data_dir / database.name)
    return Settings({"data_dir": str(data_dir)}, environ={})


def snapshot(database: Path, *, with_times: bool = False) -> dict:
    """What suggestion writes: explanations (computed_at only if asked), suggested themes, stamps, change log."""
    with raw_database(database) as db:
        when = ", computed_at" if with_times else ""
        return {
            "theme_suggestions": [
                tuple(row)
                for row in db.execute(
                    f"SELECT resource_id, theme, score, words{when} FROM theme_suggestions ORDER BY resource_id, theme"
                )
            ],
            "resources": [
                tuple(row)
                for row in db.execute("SELECT id, suggested_themes, updated_at FROM resources ORDER BY id")
            ],
            "changes": sorted(tuple(row) for row in db.execute("SELECT resource_id, kind FROM changes")),
        }


def expected_suggestions(settings: Settings) -> dict:
    """{id: [(theme, score, words)]} as the suggester gives them for each listed uncurated resource's document."""
    with Store.open(settings) as store:
        suggester = suggest.ThemeSuggester(store.vocabularies.themes)
        return {
            doc.id: sorted(
                (s.theme, s.score, json.dumps(list(s.words), ensure_ascii=False))
                for s in suggester.suggest(doc.title, doc.description, doc.full_text)
            )
            for doc in iter_documents(store)
            if not doc.resource.themes
        }


def test_worker_processes_write_the_same_suggestions_as_this_process_on_a_generated_store(
    generated, tmp_path
):
    here, pooled = copied(generated, tmp_path, "here"), copied(generated, tmp_path, "pooled")
    with Store.open(here) as store:
        counted_here = suggest.apply(store, workers=0)
    with Store.open(pooled) as store:
        counted_pooled = suggest.apply(store, workers=2)
    assert counted_here == counted_pooled
    assert snapshot(here.database_path) == snapshot(pooled.database_path)
    # And both are what the suggester says of each document, as read for the index.
    expected = expected_suggestions(here)
    rows = snapshot(here.database_path)["theme_suggestions"]
    found: dict[str, list] = {}
    for rid, *suggestion in rows:
        found.setdefault(rid, []).append(tuple(suggestion))
    assert {rid: s for rid, s in expected.items() if s} == {
        rid: sorted(s) for rid, s in found.items() if rid in expected
    }
    assert counted_here == sum(bool(s) for s in expected.values())


def test_the_same_rows_whatever_the_chunks_read_and_sent(generated, tmp_path, monkeypatch):
    reference = copied(generated, tmp_path, "reference")
    with Store.open(reference) as store:
        suggest.apply(store, workers=0)
    small = copied(generated, tmp_path, "small")
    monkeypatch.setattr(suggest, "BATCH", 7)
    monkeypatch.setattr(suggest, "CHUNK", 3)
    with Store.open(small) as store:
        suggest.apply(store, workers=2)
    assert snapshot(reference.database_path) == snapshot(small.database_path)


def test_curated_resources_lose_stale_suggestions_without_a_new_stamp_and_withdrawn_ones_keep_theirs(store):
    text = "Soutien à la parentalité : les parents et les familles."
    a, b, c = (Resource(url=f"https://ex.fr/{n}", title="Soutien à la parentalité", text=text) for n in "abc")
    store.upsert_many([a, b, c])
    suggest.apply(store)
    with store.transaction():
        store.update_fields(b.id, themes=["gouvernance"])
        withdraw(store, c.id, "doublon", "test")
    with raw_database(store) as db:
        db.execute("UPDATE resources SET updated_at = ?", (OLD_STAMP,))

    assert 1 == suggest.apply(store)
    a, b, c = (store.get(r.id) for r in (a, b, c))
    assert (["parentalite"], [], ["parentalite"]) == (
        a.suggested_themes,
        b.suggested_themes,
        c.suggested_themes,
    )
    assert [OLD_STAMP] * 3 == [a.updated_at, b.updated_at, c.updated_at]
    assert ({}, ["parentalite"]) == (
        suggest.explanations(store, b.id),
        list(suggest.explanations(store, c.id)),
    )


def test_resources_given_by_id_are_each_updated_once_withdrawn_or_not(store):
    a, b = (
        Resource(url=f"https://ex.fr/{n}", title="Soutien à la parentalité", text="Les parents.")
        for n in "ab"
    )
    store.upsert_many([a, b])
    with store.transaction():
        withdraw(store, b.id, "doublon", "test")
    assert 2 == suggest.apply(store, [a.id, b.id, a.id])
    assert ["parentalite"] == store.get(b.id).suggested_themes


def test_an_unknown_id_fails_and_changes_nothing(store):
    a = Resource(url="https://ex.fr/a", title="Soutien à la parentalité", text="Les parents.")
    store.upsert(a)
    before = snapshot(store.path, with_times=True)
    with pytest.raises(NotFound):
        suggest.apply(store, [a.id, "inconnue"])
    assert before == snapshot(store.path, with_times=True)


def test_a_worker_killed_mid_run_fails_the_run_and_the_store_is_as_it_was(generated, tmp_path):
    settings = copied(generated, tmp_path, "killed")
    before = snapshot(settings.database_path, with_times=True)
    calls = []

    def kill_a_worker(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 1:
            os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)

    with Store.open(settings) as store, pytest.raises(BrokenProcessPool):
        suggest.apply(store, workers=2, progress=kill_a_worker)
    assert calls and calls[-1] < len(before["resources"])  # stopped part-way, after writing some
    assert [] == multiprocessing.active_children()
    assert before == snapshot(settings.database_path, with_times=True)


KILLED_PARENT = textwrap.dedent(
    """
    import multiprocessing, os, signal, sys
    from catalogue import suggest
    from catalogue.settings import Settings
    from catalogue.store import Store

    def die(done, total):
        with open(sys.argv[2], "w") as f:
            f.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        os.kill(os.getpid(), signal.SIGKILL)

    with Store.open(Settings({"data_dir": sys.argv[1]}, environ={})) as store:
        suggest.apply(store, workers=2, progress=die)
    """
)


def ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.split()[:2] == ["State:", "Z"] for line in f)  # a zombie has ended
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_workers_end_when_their_parent_is_killed_and_nothing_is_written(generated, tmp_path):
    settings = copied(generated, tmp_path, "parent")
    before = snapshot(settings.database_path, with_times=True)
    pids_file = tmp_path / "pids"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, "-c", KILLED_PARENT, str(settings.data_dir), str(pids_file)], env=env, timeout=300
    )
    assert -signal.SIGKILL == run.returncode
    pids = [int(p) for p in pids_file.read_text().split()]
    assert 2 == len(pids)
    deadline = time.monotonic() + 60  # a bound on waiting, not a measure: the kernel kills them at once
    while not all(ended(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [] == [pid for pid in pids if not ended(pid)]
    assert before == snapshot(settings.database_path, with_times=True)
