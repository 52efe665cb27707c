"""A rebuild written in parts by several processes gives the index one process writes (same documents,
postings, stored fields, lengths and search results), and its processes never outlive it nor hang it
(real processes, real SIGKILL)."""

import gc
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from catalogue.forkpool import cores
from catalogue.models import Resource
from index import build, shards
from index.query import SearchQuery
from index.search import Searcher

ROOT = Path(__file__).resolve().parents[2]

WORDS = (
    "évaluation parentalité collège lycée élèves réussite décrochage mentorat lecture L'égalité "
    "langage crèche enfance insertion 16-25 formation apprentissage gouvernance préfet Œuvre"
).split()


def resources(count: int) -> list[Resource]:
    rng = random.Random(3)
    out = []
    for n in range(count):
        text = " ".join(
            rng.choice(WORDS) + rng.choice(["", "s", "ment", "ité"]) for _ in range(rng.randint(0, 300))
        )
        out.append(
            Resource(
                url=f"https://parts.test/{n}",
                title=" ".join(rng.sample(WORDS, 4)),
                description=" ".join(rng.sample(WORDS, rng.randint(0, 8))),
                themes=rng.sample(["evaluation", "parentalite", "mentorat"], rng.randint(0, 2)),
                level=rng.choice(["national", "regional", "local"]),
                publisher=f"Éditeur {n % 7}",
                date=f"{2015 + n % 9}-0{1 + n % 9}",
                text=text,
            )
        )
    return out


def contents(index_path) -> dict:
    """Everything a reader gives of the live index, by global document number."""
    ix = whoosh_index.open_dir(str(build.current_generation(index_path)))
    try:
        with ix.reader() as reader:
            postings = {}
            for fieldname, tbytes in reader.all_terms():
                m = reader.postings(fieldname, tbytes)
                found = []
                while m.is_active():
                    found.append((m.id(), m.weight(), m.value()))
                    m.next()
                postings[(fieldname, tbytes)] = found
            count = reader.doc_count_all()
            fields = [name for name in ix.schema.names() if ix.schema[name].scorable]
            return {
                "postings": postings,
                "stored": [reader.stored_fields(n) for n in range(count)],
                "lengths": [[reader.doc_field_length(n, f) for f in fields] for n in range(count)],
                "segments": len(ix._segments()),
            }
    finally:
        ix.close()


QUERIES = [
    SearchQuery(q="évaluation"),
    SearchQuery(q="parentalité réussite"),
    SearchQuery(q=f'"{" ".join(resources(1)[0].title.split()[:2])}"'),  # a phrase of a title
    SearchQuery(q="mentorat", filters={"level": ["local"]}),
    SearchQuery(q="", filters={"theme": ["evaluation"]}),
    SearchQuery(q="16-25 insertion", per_page=50),
    SearchQuery(q="evaluasion"),
]


def pages(index_path, vocabularies) -> list:
    searcher = Searcher(index_path, vocabularies)
    try:
        out = []
        for query in QUERIES:
            r = searcher.search(query)
            out.append(
                (
                    r.total,
                    [(h.id, h.score, h.snippet) for h in r.hits],
                    json.dumps(r.facets, sort_keys=True, default=str),
                    r.suggestion,
                )
            )
        return out
    finally:
        searcher.close()


def test_a_rebuild_in_parts_gives_the_index_and_the_results_of_one_process(store, settings):
    store.upsert_many(resources(301))
    stats = build.rebuild(store, settings.index_path, procs=1)
    alone, alone_pages = contents(settings.index_path), pages(settings.index_path, store.vocabularies)
    stats_parts = build.rebuild(store, settings.index_path, procs=3)
    parts, parts_pages = contents(settings.index_path), pages(settings.index_path, store.vocabularies)
    assert (stats["segments"], stats["processes"], alone["segments"]) == (1, 1, 1)
    assert (stats_parts["segments"], stats_parts["processes"], parts["segments"]) == (3, 3, 3)
    assert stats_parts["documents"] == 301
    assert len(alone["postings"]) > 500
    assert parts["postings"] == alone["postings"]
    assert parts["stored"] == alone["stored"]
    assert parts["lengths"] == alone["lengths"]
    assert alone_pages[0][0] > 0 and alone_pages[2][0] > 0
    assert parts_pages == alone_pages
    assert multiprocessing.active_children() == []


def test_a_catalogue_is_cut_into_consecutive_parts_one_per_core_from_a_size():
    ids = [str(n) for n in range(10)]
    assert shards.parts(ids, 3) == [ids[0:4], ids[4:7], ids[7:10]]
    assert shards.parts([], 1) == [[]]
    # By the work: a crawl's long PDFs listed together do not all fall to one process.
    long, short = 20 * shards.DOCUMENT_WEIGHT, 0
    sizes = [long] * 100 + [short] * 900
    cut = [len(p) for p in shards.parts([str(n) for n in range(1_000)], 2, sizes)]
    assert sum(cut) == 1_000
    work = [size + shards.DOCUMENT_WEIGHT for size in sizes]
    first, second = sum(work[: cut[0]]), sum(work[cut[0] :])
    assert cut[0] < 100 and abs(first - second) <= 2 * (long + shards.DOCUMENT_WEIGHT)  # within a resource
    assert shards.parts(ids, 3, [1] * 10) == [ids[0:4], ids[4:7], ids[7:10]]
    assert shards.shard_count(shards.SHARDS_FROM - 1) == 1
    assert shards.shard_count(shards.SHARDS_FROM) == cores()
    assert shards.shard_count(3, 8) == 1  # never parts of fewer than two resources
    assert shards.shard_count(10, 2) == 2


def test_progress_counts_every_part_and_ends_at_the_total(store, settings):
    store.upsert_many(resources(450))
    seen = []
    build.rebuild(
        store, settings.index_path, procs=2, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (450, 450)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert {total for _, total in seen} == {450}


def _in_a_child(parent: int) -> bool:
    return os.getpid() != parent


def test_a_part_whose_process_dies_fails_the_rebuild_and_leaves_the_live_index(store, settings, monkeypatch):
    store.upsert_many(resources(200))
    build.rebuild(store, settings.index_path, procs=1)
    live = build.current_generation(settings.index_path).name
    parent, real, added = os.getpid(), shards.add_document, []

    def dying(*args):
        added.append(1)
        if _in_a_child(parent) and len(added) == 20:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)

    monkeypatch.setattr(shards, "add_document", dying)
    with pytest.raises(shards.ShardFailed, match="processus d.indexation s.est arrêté sans finir sa part"):
        build.rebuild(store, settings.index_path, procs=2)
    assert build.current_generation(settings.index_path).name == live
    assert sorted(p.name for p in settings.index_path.iterdir() if p.name.startswith(build.PREFIX)) == [live]
    assert multiprocessing.active_children() == []


def test_an_error_in_a_part_is_raised_by_the_rebuild_and_the_other_parts_are_stopped(
    store, settings, monkeypatch
):
    store.upsert_many(resources(300))
    build.rebuild(store, settings.index_path, procs=1)
    live = build.current_generation(settings.index_path).name
    parent, real = os.getpid(), shards.add_document

    def failing(writer, fields, terms):
        if _in_a_child(parent) and fields["id"] == store.ids()[250]:
            raise ValueError("une valeur illisible")
        return real(writer, fields, terms)

    monkeypatch.setattr(shards, "add_document", failing)
    with pytest.raises(ValueError, match="une valeur illisible"):
        build.rebuild(store, settings.index_path, procs=3)
    assert build.current_generation(settings.index_path).name == live
    assert multiprocessing.active_children() == []
    monkeypatch.setattr(shards, "add_document", real)
    assert build.rebuild(store, settings.index_path, procs=3)["documents"] == 300  # nothing left locked


KILLED_REBUILD = """
import sys, time
from catalogue.settings import Settings
from catalogue.store import Store
from index import build, shards

real, calls = shards.add_document, []

def stopping(*args):
    calls.append(1)
    if len(calls) == 50:  # the other part's process runs: say so, and wait for the kill
        open(sys.argv[2], "w").write("reached")
        time.sleep(600)
    return real(*args)

shards.add_document = stopping
with Store.open(Settings({"data_dir": sys.argv[1]}, environ={})) as store:
    build.rebuild(store, Settings({"data_dir": sys.argv[1]}, environ={}).index_path, procs=2)
"""


def test_a_killed_rebuild_takes_its_processes_and_its_lock_with_it(store, settings, tmp_path):
    store.upsert_many(resources(240))
    build.rebuild(store, settings.index_path, procs=1)
    live = build.current_generation(settings.index_path).name
    marker = tmp_path / "reached"
    command = [sys.executable, "-c", KILLED_REBUILD, str(settings.data_path), str(marker)]
    with subprocess.Popen(
        command, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE
    ) as process:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        children = [
            int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        ]
        assert len(children) == 1
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in children):
        assert time.monotonic() < deadline, "a part's process outlived the killed rebuild"
        time.sleep(0.05)
    assert build.current_generation(settings.index_path).name == live
    stats = build.rebuild(store, settings.index_path, procs=2)  # the lock died with the processes
    assert stats["documents"] == 240


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True


def test_a_rebuild_pauses_the_cycle_collector_and_leaves_it_as_it_found_it(store, settings, monkeypatch):
    store.upsert_many(resources(60))
    seen = []
    real = shards.add_document

    def noting(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(shards, "add_document", noting)
    assert gc.isenabled()
    build.rebuild(store, settings.index_path, procs=1)
    assert gc.isenabled() and seen and not any(seen)
    gc.disable()
    try:
        build.rebuild(store, settings.index_path, procs=1)
        assert not gc.isenabled()  # left paused, as it was
    finally:
        gc.enable()

    def failing(*args):
        raise ValueError("une valeur illisible")

    monkeypatch.setattr(shards, "add_document", failing)
    with pytest.raises(ValueError):
        build.rebuild(store, settings.index_path, procs=1)
    assert gc.isenabled()


def test_a_rebuild_leaves_no_reference_cycles_behind_its_documents(store, settings):
    """What the collector would have freed does not grow with the documents (its pause leaks nothing)."""
    store.upsert_many(resources(400))

    def cycles_left(count: int) -> int:
        ids = store.ids()[:count]
        gc.collect()
        gc.disable()
        try:
            folder = settings.data_path / f"cycles-{count}"
            folder.mkdir()
            ix = whoosh_index.create_in(str(folder), build.build_schema())
            writer = ix.writer(compound=False)
            shards.prepare(writer)
            shards.fill(writer, store, ids)
            writer.commit()
            ix.close()
            return gc.collect()
        finally:
            gc.enable()

    few, many = cycles_left(20), cycles_left(400)
    assert many <= few + 50
