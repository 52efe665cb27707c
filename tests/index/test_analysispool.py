"""A rebuild whose text is analysed by worker processes writes the index one process writes, byte for byte."""

import multiprocessing
import random

from catalogue.models import Resource
from index import build

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
