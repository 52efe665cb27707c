"""A rebuild whose text is analysed by worker processes writes the index one process writes, byte for byte,
and its workers never outlive it nor hang it (real processes, real SIGKILL)."""

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from catalogue.models import Resource
from index import build
from index.analysispool import AnalysisPool
from index.schema import build_schema

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
                url=f"https://analyse.test/{n}",
                title=" ".join(rng.sample(WORDS, 4)),
                description=" ".join(rng.sample(WORDS, rng.randint(0, 8))),
                themes=rng.sample(["evaluation", "parentalite", "mentorat"], rng.randint(0, 2)),
                level="national",
                publisher=f"Éditeur {n % 7}",
                date=f"{2015 + n % 9}-0{1 + n % 9}",
                text=text,
            )
        )
    return out


def segment_files(path) -> dict[str, bytes]:
    folder = build.current_generation(path)
    (toc,) = folder.glob("_MAIN_*.toc")
    segid = (
        next(f.name for f in folder.iterdir() if f.suffix == ".pst")
        .removeprefix("MAIN_")
        .removesuffix(".pst")
    )
    return {
        f.name.replace(segid, "SEG"): f.read_bytes()
        for f in folder.iterdir()
        if f.is_file() and f != toc and f.suffix not in {".lock"} and f.name not in {"APPLIED", "SCHEMA"}
    }


def test_workers_analysing_the_text_give_the_index_one_process_writes(store, settings):
    store.upsert_many(resources(150))
    build.rebuild(store, settings.index_path, analysers=0)
    alone = segment_files(settings.index_path)
    stats = build.rebuild(store, settings.index_path, analysers=2)
    pooled = segment_files(settings.index_path)
    assert stats["documents"] == 150
    assert {"MAIN_SEG.pst", "MAIN_SEG.trm"} <= set(alone)
    assert pooled == alone
    assert multiprocessing.active_children() == []  # the workers were stopped and waited for


def test_a_worker_that_dies_fails_the_rebuild_instead_of_waiting_for_ever():
    docs = [
        {"title": f"Évaluation {n}", "body": "parentalité et réussite éducative " * 50} for n in range(600)
    ]
    pool = AnalysisPool(2, build_schema())
    try:
        analysed = pool.analysed(iter(docs))
        next(analysed)
        os.kill(next(iter(pool._pool._processes)), signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            for _ in analysed:
                pass
    finally:
        pool.terminate()


KILLED_REBUILD = """
import sys, time
from catalogue.settings import Settings
from catalogue.store import Store
from index import build, postingpool

real, calls = postingpool.add_document, []

def stopping(*args):
    calls.append(1)
    if len(calls) == 50:  # the workers run: say so, and wait for the kill
        open(sys.argv[2], "w").write("reached")
        time.sleep(600)
    return real(*args)

build.add_document = stopping
with Store.open(Settings({"data_dir": sys.argv[1]}, environ={})) as store:
    build.rebuild(store, Settings({"data_dir": sys.argv[1]}, environ={}).index_path, analysers=2)
"""


def test_a_killed_rebuild_takes_its_workers_and_its_lock_with_it(store, settings, tmp_path):
    store.upsert_many(resources(120))
    build.rebuild(store, settings.index_path, analysers=0)
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
        workers = [
            int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        ]
        assert len(workers) == 2
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the killed rebuild"
        time.sleep(0.05)
    assert build.current_generation(settings.index_path).name == live
    stats = build.rebuild(store, settings.index_path, analysers=2)  # the lock died with the processes
    assert stats["documents"] == 120


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True
