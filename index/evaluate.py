"""Scoring every match of a query by whole posting lists, with the same scores as Whoosh's matchers.

Whoosh walks a tree of matchers one posting at a time in Python (method calls on every
level for every document); here each term's posting list is read a block at a time and
scored into a vector holding one score per document number (numpy, zero where the
document does not match), and the And/Or/DisjunctionMax/Phrase nodes combine those
vectors element-wise. The scores are Whoosh's, bit for bit (Term: the weighting's score
times the boost; Or and And: sums in Whoosh's order; DisjunctionMax: maximum; Phrase: sum
of its terms' scores times its boost, where the words stand in order within `slop`): the
same double-precision operations in the same order. A matching document always scores
above zero (BM25F's idf and a term's weight are positive; a zero from Whoosh's own matcher
is stored as the smallest positive number). Term and phrase results are kept, as sparse
(documents, scores) arrays, in a bounded cache for the life of one searcher. Query types
not handled here are run through Whoosh's own matcher.
"""

from bisect import bisect_left

import numpy as np
from cachetools import LRUCache
from whoosh import query as wq
from whoosh.automata import lev
from whoosh.matching.wrappers import FilterMatcher

from index.postings import values_at

# Postings kept in the cache of one searcher (16 bytes each: a document number and a score).
CACHE_POSTINGS = 6_000_000
# A match whose score is zero (only Whoosh's own matchers give one) still has to count as a match.
MATCHED_ZERO = np.nextafter(0.0, 1.0)


class Evaluator:
    """Scores queries on one Whoosh searcher; not thread-safe (one per searcher, used under a lock)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.context = searcher.context()
        # Document numbers run from 0 to the reader's doc_count_all() (deleted ones included).
        self.size = searcher.reader().doc_count_all()
        # Least recently used first out, bounded by the postings held (an expansion counts its words).
        self._cache = LRUCache(maxsize=CACHE_POSTINGS, getsizeof=_postings_held)

    def scores(self, q) -> np.ndarray:
        """Every document's score for `q`: a new vector of `size` scores, zero where it does not match."""
        if isinstance(q, wq.Term):
            return self._dense(self._term(q.fieldname, q.text, q.boost))
        if type(q) in (wq.And, wq.Or, wq.DisjunctionMax):
            subs = [self.scores(s) for s in q.subqueries]
            if not subs:
                return np.zeros(self.size)
            if isinstance(q, wq.And):
                out = _intersect(subs)
            elif isinstance(q, wq.Or):
                out = add_up(subs)
            else:
                out = _maximum(subs)
            if q.boost != 1.0:
                out = out * q.boost
            return out
        if type(q) is wq.Phrase:
            return self._dense(self._phrase(q))
        if isinstance(q, wq.FuzzyTerm):
            return self._dense(self._multiterm(q))
        return self._dense(self._whoosh(q))

    def expansion(self, q) -> list[bytes]:
        """The index terms a multi-term query (FuzzyTerm, Prefix…) stands for, computed once per searcher."""
        key = ("x", q)
        found = self._recall(key)
        if found is None:
            found = [w for w in q._btexts(self.searcher.reader()) if w]
            self._remember(key, found)
        return found

    def _dense(self, sparse: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        ids, scores = sparse
        out = np.zeros(self.size)
        out[ids] = scores
        return out

    def _multiterm(self, q) -> tuple[np.ndarray, np.ndarray]:
        # As Whoosh's MultiTerm.matcher: one term is scored as such, several are OR-ed with a
        # constant score (no weighting) unless the query asks otherwise.
        key = ("m", q)
        found = self._recall(key)
        if found is not None:
            return found
        words = self.expansion(q)
        if not words:
            return _EMPTY
        if len(words) == 1:
            return self._term(q.field(), words[0], 1.0)
        either = wq.Or([wq.Term(q.field(), w) for w in words], boost=q.boost)
        context = self.context.set(weighting=None) if q.constantscore else self.context
        return self._remember(key, self._whoosh(either, context))

    def _remember(self, key, value):
        self._cache[key] = value
        return value

    def _recall(self, key):
        return self._cache.get(key)

    def _term(self, fieldname: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        searcher = self.searcher
        if fieldname not in searcher.schema:
            return _EMPTY
        field = searcher.schema[fieldname]
        try:
            term = field.to_bytes(text)
        except ValueError:
            return _EMPTY
        found = self._recall(("t", fieldname, term))
        if found is None:
            found = self._remember(("t", fieldname, term), self._term_scores(fieldname, term))
        return _boosted(found, boost)

    def _term_scores(self, fieldname: str, term: bytes) -> tuple[np.ndarray, np.ndarray]:
        """The documents of a term and their scores (unboosted), every leaf reader's postings read."""
        searcher = self.searcher
        parts_ids, parts_scores = [], []
        if (fieldname, term) in searcher.reader():
            weighting = self.context.weighting
            for sub, offset in searcher.leaf_searchers():
                reader = sub.reader()
                if (fieldname, term) not in reader:
                    continue
                scorer = weighting.scorer(sub, fieldname, term)
                ids, w = _postings(reader, fieldname, term)
                norms = getattr(scorer, "norms", None)
                if norms is not None:
                    # The scorer's formula, in the same order of double-precision operations.
                    scored = scorer.idf * (w * scorer.k1_plus_1) / (w + norms[ids])
                else:
                    scored = np.asarray(_scores_by_matcher(sub, fieldname, term, weighting), dtype=np.float64)
                parts_ids.append(ids + offset if offset else ids)
                parts_scores.append(scored)
        return _joined(parts_ids, parts_scores)

    def _phrase(self, q) -> tuple[np.ndarray, np.ndarray]:
        fieldname, slop = q.fieldname, q.slop
        searcher = self.searcher
        if fieldname not in searcher.schema or not searcher.schema[fieldname].format.supports("positions"):
            return self._whoosh(q)
        field = searcher.schema[fieldname]
        try:
            terms = [field.to_bytes(w) for w in q.words]
        except ValueError:
            return _EMPTY
        key = ("p", fieldname, tuple(terms), slop)
        found = self._recall(key)
        if found is None:
            found = self._remember(key, self._phrase_scores(fieldname, terms, slop))
        return _boosted(found, q.boost)

    def _phrase_scores(self, fieldname: str, terms: list[bytes], slop: int) -> tuple[np.ndarray, np.ndarray]:
        """The documents where the terms stand in order within `slop`, and their scores (unboosted)."""
        searcher = self.searcher
        per_term = [self._term(fieldname, t, 1.0) for t in terms]
        found = _EMPTY
        if all(len(ids) for ids, _ in per_term):
            candidates = per_term[0][0]
            for ids, _ in per_term[1:]:
                candidates = np.intersect1d(candidates, ids, assume_unique=True)
            if len(candidates):
                ordered = candidates.tolist()
                positions = [_positions(searcher, fieldname, t, ordered) for t in terms]
                kept = [d for d in ordered if _in_order([p.get(d, ()) for p in positions], slop)]
                if kept:
                    ids = np.asarray(kept, dtype=np.int64)
                    found = (ids, _sum_tree([_at(sparse, ids) for sparse in per_term]))
        return found

    def _whoosh(self, q, context=None) -> tuple[np.ndarray, np.ndarray]:
        found: dict[int, float] = {}
        for sub, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(sub, context or self.context)
            is_active, next_, id_, score = matcher.is_active, matcher.next, matcher.id, matcher.score
            while is_active():
                found[offset + id_()] = score()
                next_()
        ids = np.fromiter(sorted(found), dtype=np.int64, count=len(found))
        scores = np.fromiter((found[d] for d in ids.tolist()), dtype=np.float64, count=len(found))
        return ids, np.where(scores == 0.0, MATCHED_ZERO, scores)


def _postings_held(value) -> int:
    """The size of a cached result: postings of a (documents, scores) pair, words of an expansion."""
    return (len(value[0]) if isinstance(value, tuple) else len(value)) + 1


_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))


def term_documents(reader, fieldname: str, term: bytes) -> np.ndarray:
    """The document numbers (deleted ones excluded) of a term, every leaf reader's postings read."""
    parts = [
        _postings(leaf, fieldname, term)[0] + offset
        for leaf, offset in reader.leaf_readers()
        if (fieldname, term) in leaf
    ]
    return np.concatenate(parts) if parts else _EMPTY[0]


def _boosted(sparse: tuple[np.ndarray, np.ndarray], boost: float) -> tuple[np.ndarray, np.ndarray]:
    return sparse if boost == 1.0 else (sparse[0], sparse[1] * boost)


def _at(sparse: tuple[np.ndarray, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """The scores of these documents (every one of them in `sparse`, whose documents are sorted)."""
    return sparse[1][np.searchsorted(sparse[0], ids)]


def _joined(parts_ids: list, parts_scores: list) -> tuple[np.ndarray, np.ndarray]:
    if not parts_ids:
        return _EMPTY
    if len(parts_ids) == 1:
        return parts_ids[0], parts_scores[0]
    return np.concatenate(parts_ids), np.concatenate(parts_scores)


def _postings(reader, fieldname: str, term: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and weights of a term in one segment, read a block at a time."""
    m = reader.postings(fieldname, term)
    deleted = None
    if isinstance(m, FilterMatcher) and m._exclude:
        # Deleted documents: read the segment's postings, then drop them.
        m, deleted = m.child, m._ids
    if all(hasattr(m, a) for a in ("_read_data", "_next_block", "_byteids", "_blocklength")):
        ids, weights = _block_postings(m)
    else:
        found_ids, found_weights = [], []
        while m.is_active():
            found_ids.append(m.id())
            found_weights.append(m.weight())
            m.next()
        ids, weights = np.asarray(found_ids, dtype=np.int64), np.asarray(found_weights, dtype=np.float64)
    if deleted:
        kept = ~np.isin(ids, np.fromiter(deleted, dtype=np.int64))
        ids, weights = ids[kept], weights[kept]
    return ids, weights


def _block_postings(m) -> tuple[np.ndarray, np.ndarray]:
    """A whoosh3 posting list decoded block by block as Whoosh's matcher does (ids delta-encoded
    unless stored as bytes; weights omitted when all 1.0, one float when all equal, both then read
    as 32-bit floats), with the per-posting work done by numpy."""
    ids_parts, weight_parts = [], []
    while m.is_active():
        if m._data is None:
            m._read_data()
        raw_ids, raw_weights = m._data[0], m._data[1]
        ids = np.fromiter(raw_ids, dtype=np.int64, count=len(raw_ids))
        ids_parts.append(ids if m._byteids else np.cumsum(ids))
        if raw_weights is None:
            weight_parts.append(np.ones(m._blocklength))
        elif isinstance(raw_weights, float):
            weight_parts.append(np.full(m._blocklength, float(np.float32(raw_weights))))
        else:
            weight_parts.append(np.fromiter(raw_weights, dtype=np.float64, count=len(raw_weights)))
        m._next_block()
    if not ids_parts:
        return _EMPTY
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def _scores_by_matcher(sub, fieldname, term, weighting) -> list[float]:
    m = sub.postings(fieldname, term, weighting=weighting)
    out = []
    while m.is_active():
        out.append(m.score())
        m.next()
    return out


def _positions(searcher, fieldname: str, term: bytes, docnums: list[int]) -> dict[int, list[int]]:
    """Positions of a term in each of these documents."""
    return values_at(searcher.reader(), fieldname, term, docnums, "positions")


def _in_order(per_word: list, slop: int) -> bool:
    """True if the words occur in order, each within `slop` positions after the previous one (Whoosh's SpanNear2)."""
    spans = {(p, p) for p in per_word[0]}
    for positions in per_word[1:]:
        if not spans:
            return False
        if slop == 1:
            present = set(positions)
            spans = {(start, end + 1) for start, end in spans if end + 1 in present}
        else:
            spans = {(start, q) for start, end in spans for q in positions if 1 <= q - end <= slop}
    return bool(spans)


def _sum_tree(values: list):
    """A sum in the order of Whoosh's binary matcher trees (same floating-point result)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _sum_tree(values[:half]) + _sum_tree(values[half:])


def _intersect(subs: list[np.ndarray]) -> np.ndarray:
    """The documents matching every vector, scored by the sum of their scores (Whoosh's And)."""
    if len(subs) == 1:
        return subs[0]
    every = np.logical_and.reduce([s > 0 for s in subs])
    total = _sum_tree(subs) if len(subs) > 2 else subs[0] + subs[1]
    return np.where(every, total, 0.0)


def add_up(subs: list[np.ndarray]) -> np.ndarray:
    """The sum of score vectors, left to right (Whoosh's Or; a document absent from one adds 0.0,
    which leaves its score bit for bit as a sum of the present ones)."""
    if len(subs) == 1:
        return subs[0]
    out = subs[0] + subs[1]
    for sub in subs[2:]:
        out += sub
    return out


def _maximum(subs: list[np.ndarray]) -> np.ndarray:
    if len(subs) == 1:
        return subs[0]
    return np.maximum.reduce(subs)


class WordList:
    """`terms_within` of a reader (fuzzy terms, spelling suggestions) from its word list held in memory.

    Whoosh walks a Levenshtein automaton over the on-disk term index, one seek per step
    (about 10 ms a word); the same walk over a sorted list in memory yields the same words.
    """

    def __init__(self, reader):
        self.reader = reader
        self._words: dict[str, list[str]] = {}

    def install(self) -> None:
        """Make the reader's terms_within use this list."""
        self.reader.terms_within = self.terms_within

    def _list(self, fieldname: str) -> list[str]:
        words = self._words.get(fieldname)
        if words is None:
            field = self.reader.schema[fieldname]
            words = [field.from_bytes(b) for b in self.reader.lexicon(fieldname)]
            self._words[fieldname] = words
        return words

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        """Words of the field within `maxdist` edits of `text` sharing its first `prefix` letters."""
        spellfield = self.reader.schema[fieldname].spelling_fieldname(fieldname)
        words = self._list(spellfield)
        if not words:
            return
        dfa = lev.levenshtein_automaton(text, maxdist, prefix).to_dfa()
        i, count = 0, len(words)
        match = dfa.next_valid_string(words[0])
        while match:
            i = bisect_left(words, match, i)
            if i >= count:
                return
            term = words[i]
            if match == term:
                yield match
                term += "\0"
            match = dfa.next_valid_string(term)
