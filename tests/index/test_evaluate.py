"""The fast paths (whole posting lists, block reads, in-memory word list) give exactly Whoosh's own answers."""

import numpy as np
import pytest
from whoosh import query as wq

from index import build, querybuild
from index.evaluate import Evaluator, WordList
from index.postings import LRU, values_at
from index.scoring import CachedBM25F
from index.synonyms import Synonyms

QUERIES = [
    "évaluation",
    "protocole evaluation",
    "PRE",
    "CPO",
    "programme de réussite éducative",
    "jeunes de 16 à 25 ans",
    "16-25",
    '"protocole d\'évaluation"',
    "cordées réussite lycéens",
    "outil familles",
]
TYPOS = ["evaluasion", "protocol", "reusite"]


def whoosh_scores(searcher, q) -> dict[int, float]:
    """Every match and score, walked with Whoosh's matchers."""
    found = {}
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        m = q.matcher(sub, context)
        while m.is_active():
            found[offset + m.id()] = m.score()
            m.next()
    return found


def matches(vector) -> dict[int, float]:
    """A score vector as Whoosh's matchers give it: the matching documents and their scores."""
    return {int(d): float(vector[d]) for d in np.flatnonzero(vector)}


def queries(searcher):
    synonyms = Synonyms.load()
    reader = searcher.reader()
    for text in QUERIES + TYPOS:
        parsed = querybuild.parse(text, synonyms)
        concepts = [querybuild.clause_query(c) for c in parsed.clauses]
        yield from concepts
        yield wq.And(concepts)
        yield wq.Or(concepts)
        fuzzy = querybuild.fuzzy_query(
            parsed, lambda forms: any(reader.doc_frequency(f, w) for f in ("title", "body") for w in forms)
        )
        if fuzzy is not None:
            yield fuzzy


def check_same_scores(path, deletions=False):
    ix = build.open_current(path)
    with ix.searcher(weighting=CachedBM25F()) as searcher:
        assert searcher.reader().has_deletions() == deletions
        evaluator = Evaluator(searcher)
        compared = 0
        for q in queries(searcher):
            expected = whoosh_scores(searcher, q)
            assert matches(evaluator.scores(q)) == pytest.approx(expected, rel=1e-12), q
            assert matches(evaluator.scores(q)) == pytest.approx(expected, rel=1e-12), f"{q} (from the cache)"
            compared += bool(expected)
        assert compared >= 10
    ix.close()


def test_evaluator_gives_whooshs_matches_and_scores(indexed):
    _, path = indexed
    check_same_scores(path)


def test_evaluator_skips_deleted_documents_as_whoosh_does(indexed):
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/injep")
    store.delete(resource.id)
    build.update(store, path, [resource.id])
    check_same_scores(path, deletions=True)


def test_values_at_reads_whooshs_positions_and_offsets(indexed):
    _, path = indexed
    ix = build.open_current(path)
    reader = ix.reader()
    cache = LRU(100)
    for fieldname, astype in (("body", "characters"), ("title", "positions"), ("body", "positions")):
        for term in list(reader.lexicon(fieldname))[:40]:
            m = reader.postings(fieldname, term)
            expected = {}
            while m.is_active():
                expected[m.id()] = m.value_as(astype)
                m.next()
            everyone = range(reader.doc_count_all())
            assert values_at(reader, fieldname, term, everyone, astype) == expected
            assert values_at(reader, fieldname, term, everyone, astype, cache) == expected
            assert values_at(reader, fieldname, term, everyone, astype, cache) == expected
    reader.close()
    ix.close()


def test_word_list_finds_the_words_whoosh_finds(indexed):
    _, path = indexed
    ix = build.open_current(path)
    reader = ix.reader()
    words = WordList(reader)
    for text in ["evaluasion", "protocol", "reusite", "ab", "zzzz", "évaluation"]:
        for maxdist in (1, 2):
            for prefix in (0, 1):
                expected = sorted(reader.terms_within("spell", text, maxdist, prefix))
                assert sorted(words.terms_within("spell", text, maxdist, prefix)) == expected
    reader.close()
    ix.close()


def test_length_norms_read_as_a_column_are_whooshs_document_by_document(indexed):
    from index.scoring import field_lengths

    _, path = indexed
    ix = build.open_current(path)
    with ix.searcher(weighting=CachedBM25F()) as searcher:
        weighting = searcher.weighting
        for sub, _offset in searcher.leaf_searchers():
            reader = sub.reader()
            for fieldname in ("title", "body", "topics", "spell"):
                expected = [
                    reader.doc_field_length(d, fieldname, 1) or 1 for d in range(reader.doc_count_all())
                ]
                assert field_lengths(reader, fieldname).tolist() == expected, fieldname
                avgfl = searcher.avg_field_length(fieldname) or 1
                b, k1 = weighting._field_B.get(fieldname, weighting.B), weighting.K1
                norms = [k1 * ((1 - b) + b * length / avgfl) for length in expected]
                assert weighting._norms_of(sub, fieldname).tolist() == norms, fieldname
    ix.close()
