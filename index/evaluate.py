"""Scoring every match of a query by whole posting lists, with the same scores as Whoosh's matchers.

Whoosh walks a tree of matchers one posting at a time in Python (method calls on every
level for every document); here each term's posting list is read a block at a time and
scored into a dict {docnum: score}, and the And/Or/DisjunctionMax/Phrase nodes combine
those dicts with set operations. The scores are Whoosh's (Term: the weighting's score
times the boost; Or and And: sums; DisjunctionMax: maximum; Phrase: sum of its terms'
scores times its boost, where the words stand in order within `slop`). Term and phrase
results are kept in a bounded cache for the life of one searcher. Query types not handled
here are run through Whoosh's own matcher.
"""

from bisect import bisect_left
from collections import OrderedDict

from whoosh import query as wq
from whoosh.automata import lev
from whoosh.matching.wrappers import FilterMatcher

from index.postings import values_at

# Postings kept in the cache of one searcher (about 100 bytes each).
CACHE_POSTINGS = 600_000


class Evaluator:
    """Scores queries on one Whoosh searcher; not thread-safe (one per searcher, used under a lock)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.context = searcher.context()
        self._cache: OrderedDict = OrderedDict()
        self._cached = 0

    def scores(self, q) -> dict[int, float]:
        """Every document matching `q` with its score."""
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, (wq.And, wq.Or, wq.DisjunctionMax)) and type(q) in (
            wq.And,
            wq.Or,
            wq.DisjunctionMax,
        ):
            subs = [self.scores(s) for s in q.subqueries]
            if not subs:
                return {}
            if isinstance(q, wq.And):
                out = _intersect(subs)
            elif isinstance(q, wq.Or):
                out = add_up(subs)
            else:
                out = _maximum(subs)
            if q.boost != 1.0:
                out = {d: s * q.boost for d, s in out.items()}
            return out
        if type(q) is wq.Phrase:
            return self._phrase(q)
        if isinstance(q, wq.FuzzyTerm):
            return self._multiterm(q)
        return self._whoosh(q)

    def expansion(self, q) -> list[bytes]:
        """The index terms a multi-term query (FuzzyTerm, Prefix…) stands for, computed once per searcher."""
        key = ("x", q)
        found = self._recall(key)
        if found is None:
            found = [w for w in q._btexts(self.searcher.reader()) if w]
            self._remember(key, found)
        return found

    def _multiterm(self, q) -> dict[int, float]:
        # As Whoosh's MultiTerm.matcher: one term is scored as such, several are OR-ed with a
        # constant score (no weighting) unless the query asks otherwise.
        key = ("m", q)
        found = self._recall(key)
        if found is not None:
            return found
        words = self.expansion(q)
        if not words:
            return {}
        if len(words) == 1:
            return self._term(q.field(), words[0], 1.0)
        either = wq.Or([wq.Term(q.field(), w) for w in words], boost=q.boost)
        context = self.context.set(weighting=None) if q.constantscore else self.context
        return self._remember(key, self._whoosh(either, context))

    def _remember(self, key, value: dict) -> dict:
        self._cache[key] = value
        self._cached += len(value) + 1
        while self._cached > CACHE_POSTINGS and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._cached -= len(old) + 1
        return value

    def _recall(self, key):
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
        return found

    def _term(self, fieldname: str, text, boost: float) -> dict[int, float]:
        searcher = self.searcher
        if fieldname not in searcher.schema:
            return {}
        field = searcher.schema[fieldname]
        try:
            term = field.to_bytes(text)
        except ValueError:
            return {}
        key = ("t", fieldname, term, boost)
        found = self._recall(key)
        if found is not None:
            return found
        out: dict[int, float] = {}
        if (fieldname, term) in searcher.reader():
            weighting = self.context.weighting
            for sub, offset in searcher.leaf_searchers():
                reader = sub.reader()
                if (fieldname, term) not in reader:
                    continue
                scorer = weighting.scorer(sub, fieldname, term)
                ids, weights = _postings(reader, fieldname, term)
                norms = getattr(scorer, "norms", None)
                if norms is not None:
                    idf, k1p1 = scorer.idf, scorer.k1_plus_1
                    scored = [idf * (w * k1p1) / (w + norms[d]) for d, w in zip(ids, weights, strict=True)]
                else:
                    scored = _scores_by_matcher(sub, fieldname, term, weighting)
                if boost != 1.0:
                    scored = [s * boost for s in scored]
                out.update(zip([d + offset for d in ids] if offset else ids, scored, strict=True))
        return self._remember(key, out)

    def _phrase(self, q) -> dict[int, float]:
        fieldname, slop = q.fieldname, q.slop
        searcher = self.searcher
        if fieldname not in searcher.schema or not searcher.schema[fieldname].format.supports("positions"):
            return self._whoosh(q)
        field = searcher.schema[fieldname]
        try:
            terms = [field.to_bytes(w) for w in q.words]
        except ValueError:
            return {}
        key = ("p", fieldname, tuple(terms), slop, q.boost)
        found = self._recall(key)
        if found is not None:
            return found
        per_term = [self._term(fieldname, t, 1.0) for t in terms]
        out: dict[int, float] = {}
        if all(per_term):
            candidates = _common(per_term)
            if candidates:
                ordered = sorted(candidates)
                positions = [_positions(searcher, fieldname, t, ordered) for t in terms]
                for d in ordered:
                    if _in_order([p.get(d, ()) for p in positions], slop):
                        out[d] = _sum_tree([s[d] for s in per_term])
                if q.boost != 1.0:
                    out = {d: s * q.boost for d, s in out.items()}
        return self._remember(key, out)

    def _whoosh(self, q, context=None) -> dict[int, float]:
        found: dict[int, float] = {}
        for sub, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(sub, context or self.context)
            is_active, next_, id_, score = matcher.is_active, matcher.next, matcher.id, matcher.score
            while is_active():
                found[offset + id_()] = score()
                next_()
        return found


def _postings(reader, fieldname: str, term: bytes) -> tuple[list[int], list[float]]:
    """Document numbers and weights of a term in one segment, read a block at a time."""
    m = reader.postings(fieldname, term)
    deleted = None
    if isinstance(m, FilterMatcher) and m._exclude:
        # Deleted documents: read the segment's postings, then drop them.
        m, deleted = m.child, m._ids
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
    else:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    if deleted:
        kept = [i for i, d in enumerate(ids) if d not in deleted]
        ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
    return ids, weights


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


def _sum_tree(values: list[float]) -> float:
    """A sum in the order of Whoosh's binary matcher trees (same floating-point result)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _sum_tree(values[:half]) + _sum_tree(values[half:])


def _common(dicts: list[dict]) -> set:
    ordered = sorted(dicts, key=len)
    common = set(ordered[0])
    for d in ordered[1:]:
        common &= d.keys()
    return common


def _intersect(subs: list[dict]) -> dict[int, float]:
    if len(subs) == 1:
        return subs[0]
    common = _common(subs)
    return (
        {d: _sum_tree([s[d] for s in subs]) for d in common}
        if len(subs) > 2
        else {d: subs[0][d] + subs[1][d] for d in common}
    )


def add_up(subs: list[dict]) -> dict[int, float]:
    """The sum of score dicts, key by key (the first itself if alone)."""
    if len(subs) == 1:
        return subs[0]
    out = dict(subs[0])
    for sub in subs[1:]:
        # Merge in C, then add up in Python only the documents both have.
        common = out.keys() & sub.keys()
        both = {d: out[d] + sub[d] for d in common}
        out.update(sub)
        out.update(both)
    return out


def _maximum(subs: list[dict]) -> dict[int, float]:
    if len(subs) == 1:
        return subs[0]
    out = dict(subs[0])
    for sub in subs[1:]:
        get = out.get
        out.update({d: s if (o := get(d)) is None or s > o else o for d, s in sub.items()})
    return out


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
