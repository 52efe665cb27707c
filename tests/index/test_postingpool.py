"""A rebuild's writer (term-grouped posting pool, term-by-term flush, one-pass terms) writes the index Whoosh's own writer writes, byte for byte."""

import random
import tracemalloc

import pytest
from whoosh import index as whoosh_index

from catalogue.documents import Document
from catalogue.models import Resource
from catalogue.vocabularies import load_vocabularies
from index.fastfields import analysed
from index.postingpool import TermPool, add_document, use_term_pool
from index.schema import build_schema, document_fields
from index.termblocks import use_term_blocks

WORDS = (
    "évaluation parentalité collège lycée élèves réussite décrochage mentorat lecture "
    "langage crèche enfance insertion 16-25 formation apprentissage gouvernance préfet"
).split()


def documents(count: int) -> list[dict]:
    rng = random.Random(5)
    vocabularies = load_vocabularies()
    out = []
    for n in range(count):
        text = " ".join(
            rng.choice(WORDS) + rng.choice(["", "s", "ment", "ité"]) for _ in range(rng.randint(50, 400))
        )
        resource = Resource(
            url=f"https://pool.test/{n}",
            title=" ".join(rng.sample(WORDS, 4)),
            description=" ".join(rng.sample(WORDS, 8)),
            themes=rng.sample(["evaluation", "parentalite", "mentorat"], rng.randint(0, 2)),
            level="national",
            publisher=f"Éditeur {n % 7}",
            date=f"{2015 + n % 9}-0{1 + n % 9}",
            text=text,
        )
        out.append(document_fields(Document(resource=resource), vocabularies))
    return out


def write(folder, docs, *, term_pool: bool, limitmb: int, block_postings: int = 8_192) -> dict[str, bytes]:
    """Index `docs` in a new index in `folder`; its files by extension (segment names are random)."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer(limitmb=limitmb, compound=False)
    if term_pool:  # as a rebuild: the one-pass terms, added a field at a time, flushed a term at a time
        use_term_pool(writer, block_postings=block_postings)
        use_term_blocks(writer)
        for fields, terms in analysed(docs, writer.schema):
            add_document(writer, fields, terms)
    else:
        for fields in docs:
            writer.add_document(**fields)
    runs = len(writer.pool.runs)
    writer.commit()
    (segment,) = ix._segments()
    ix.close()
    files = {
        f.name.replace(segment.segid, "SEG"): f.read_bytes()
        for f in folder.iterdir()
        if f.suffix not in {".toc", ".lock"}
    }
    return {"runs": runs, "files": files}


# 128 and 256: terms found in every document fill exactly one and two of the codec's blocks.
@pytest.mark.parametrize(("count", "limitmb"), [(40, 64), (128, 64), (256, 64), (300, 1)])
def test_the_term_pool_writes_the_segment_files_whooshs_pool_writes(tmp_path, count, limitmb):
    docs = documents(count)
    plain = write(tmp_path / "plain", docs, term_pool=False, limitmb=limitmb)
    ours = write(tmp_path / "ours", docs, term_pool=True, limitmb=limitmb)
    assert {"MAIN_SEG.pst", "MAIN_SEG.trm"} <= set(plain["files"])
    assert plain["files"] == ours["files"]
    if limitmb == 1:
        assert ours["runs"] > 2  # the merge of several run files was exercised
    else:
        assert ours["runs"] == 0  # sorted in memory


def test_the_term_pool_refuses_a_posting_of_an_earlier_document(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = ix.writer()
    use_term_pool(writer)
    assert isinstance(writer.pool, TermPool)
    writer.pool.add(("title", b"a", 3, 1.0, b""))
    with pytest.raises(ValueError, match="document order"):
        writer.pool.add(("title", b"b", 2, 1.0, b""))
    writer.cancel()
    ix.close()


def test_a_small_limit_writes_several_runs_of_several_blocks_and_the_same_segment(tmp_path):
    docs = documents(300)
    plain = write(tmp_path / "plain", docs, term_pool=False, limitmb=1)
    ours = write(tmp_path / "ours", docs, term_pool=True, limitmb=1, block_postings=50)
    assert ours["runs"] > 2
    assert plain["files"] == ours["files"]


def held_and_counted(tmp_path, add) -> tuple[int, int, int, int]:
    """(postings held, runs written, bytes the pool counted, bytes it really holds) after
    `add(pool, schema, docs)` on a fresh pool with room for all of 150 documents."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = ix.writer(limitmb=512)
    use_term_pool(writer)
    pool = writer.pool
    docs = documents(150)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        add(pool, writer.schema, docs)
        held = tracemalloc.get_traced_memory()[0] - before
        postings = sum(len(flat) // 3 for terms in pool.terms.values() for flat in terms.values())
        return postings, len(pool.runs), pool.currentsize, held
    finally:
        tracemalloc.stop()
        writer.cancel()
        ix.close()


def test_the_pool_counts_the_memory_its_postings_take(tmp_path):
    """The size that decides when a run is written is the memory the held postings really take."""

    def one_at_a_time(pool, schema, docs):
        for docnum, fields in enumerate(docs):
            for name in ("title", "body", "spell", "topics", "f_publisher"):
                if name in fields:
                    for tbytes, _freq, weight, vbytes in schema[name].index(fields[name]):
                        pool.add((name, tbytes, docnum, weight * 1.0, vbytes))

    postings, runs, counted, held = held_and_counted(tmp_path, one_at_a_time)
    assert runs == 0
    assert postings > 20_000
    assert 0.85 * held < counted < 1.15 * held


def test_the_pool_counts_the_memory_of_whole_fields_added_at_once(tmp_path):
    """add_field counts a new term's text as an average length: the count stays the memory held."""

    def field_by_field(pool, schema, docs):
        # Analysed one at a time, as a rebuild does: what the pool keeps of the terms is its own.
        for docnum, (_fields, terms) in enumerate(analysed(docs, schema)):
            for name, items in terms.items():
                pool.add_field(name, docnum, items, 1.0)

    postings, runs, counted, held = held_and_counted(tmp_path, field_by_field)
    assert runs == 0
    assert postings > 20_000
    assert 0.85 * held < counted < 1.15 * held
