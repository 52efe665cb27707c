"""Warming a searcher with the synonym groups, and the order of results computed on vectors."""

import heapq
import random
import threading

import numpy as np

from index.query import SearchQuery
from index.search import Searcher, _first


def decoded(searcher) -> set:
    """The term and phrase results the current view of the index holds, decoded."""
    return {key for key in searcher._snapshot.evaluator._cache if key[0] in ("t", "p")}


def decoded_by(searcher, q: str) -> set:
    before = decoded(searcher)
    searcher.search(SearchQuery(q=q))
    return decoded(searcher) - before


# Each is one form of a synonym group: it searches every form of the group, phrases included.
GROUP_WORDS = ["CPO", "PRE", "parentalité", "évaluation"]


def test_a_cold_searcher_decodes_the_forms_of_a_group_at_the_first_search(indexed):
    _, path = indexed
    searcher = Searcher(path, indexed[0].vocabularies)
    searcher.search(SearchQuery(q="outil"))
    assert all(decoded_by(searcher, word) for word in GROUP_WORDS)
    searcher.close()


def test_after_warming_a_search_of_a_synonym_word_decodes_nothing_new(indexed):
    _, path = indexed
    searcher = Searcher(path, indexed[0].vocabularies)
    searcher.search(SearchQuery(q="outil"))
    assert searcher.warm() == len(searcher.synonyms.groups)
    for word in GROUP_WORDS:
        assert decoded_by(searcher, word) == set(), word
    searcher.close()


def test_the_sites_searcher_warms_each_new_view_of_the_index_in_the_background(indexed):
    _, path = indexed
    searcher = Searcher(path, indexed[0].vocabularies, warm=True)
    searcher.search(SearchQuery(q="outil"))
    for thread in threading.enumerate():
        if thread.name == "search-warming":
            thread.join(timeout=60)
    assert not [t for t in threading.enumerate() if t.name == "search-warming"]
    for word in GROUP_WORDS:
        assert decoded_by(searcher, word) == set(), word
    searcher.close()


def test_warming_gives_the_same_results(indexed):
    _, path = indexed
    cold = Searcher(path, indexed[0].vocabularies)
    warm = Searcher(path, indexed[0].vocabularies)
    warm.warm()
    for q in GROUP_WORDS + ["protocole evaluation essonne 2020", "16 à 25 ans", "outil familles"]:
        a, b = cold.search(SearchQuery(q=q)), warm.search(SearchQuery(q=q))
        assert [(h.id, h.score) for h in a.hits] == [(h.id, h.score) for h in b.hits], q
        assert a.total == b.total
    cold.close()
    warm.close()


def test_the_first_documents_by_vector_keys_are_those_of_a_sort_by_tuples():
    rng = random.Random(5)
    for _ in range(200):
        n = rng.randint(0, 60)
        docs = np.array(sorted(rng.sample(range(200), n)), dtype=np.int64)
        # Few distinct values: many ties, broken by the next key, then by document number.
        scores = np.array([rng.choice([0.5, 1.25, 2.0, 3.0]) for _ in range(n)])
        dates = np.array([rng.randint(0, 3) for _ in range(n)], dtype=np.int64)
        wanted = rng.randint(0, 70)
        by_score = heapq.nlargest(wanted, range(n), key=lambda i: (scores[i], dates[i], -docs[i]))
        assert _first(docs, wanted, -scores, -dates, docs) == [int(docs[i]) for i in by_score]
        by_date = heapq.nlargest(wanted, range(n), key=lambda i: (dates[i], scores[i], -docs[i]))
        assert _first(docs, wanted, -dates, -scores, docs) == [int(docs[i]) for i in by_date]
