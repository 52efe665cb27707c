"""BM25F with the length part of each document precomputed once per searcher.

Whoosh's BM25F reads a document's field length from a column for every scored posting;
at 10,000 matches per query that lookup is an eighth of a search. Same formula, same scores.
The lengths are read as one column (a byte per document) and turned into norms by numpy:
document by document, the norms of three fields took a second at 100,000 resources, paid by
the first search after every change of the index.
"""

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25F, BaseScorer
from whoosh.util.numeric import byte_to_length

# The length a stored byte stands for (Whoosh stores field lengths in one byte, approximately).
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def _column_bytes(column, count: int) -> np.ndarray:
    """The values of a one-byte numeric column, read at once (absent trailing values are 0, its default)."""
    if getattr(column, "_fixedlen", None) == 1 and getattr(column, "_default", None) == 0:
        stored = min(column._count, count)
        raw = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        return np.concatenate([raw, np.zeros(count - stored, dtype=np.uint8)])
    return np.fromiter(column, dtype=np.uint8, count=count)


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Every document's length in a field of one segment reader, as `doc_field_length(d, fieldname, 1)`
    gives it (1 for an empty or missing field)."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        # Another codec: ask document by document.
        return np.array([reader.doc_field_length(d, fieldname, 1) or 1 for d in range(count)], dtype=np.int64)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return np.ones(count, dtype=np.int64)
    lengths = _BYTE_LENGTHS[_column_bytes(column, count)]
    lengths[lengths == 0] = 1
    return lengths


class _PrecomputedScorer(BaseScorer):
    def __init__(self, idf: float, norms: np.ndarray, k1: float):
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
        self._norms: dict[tuple[int, str], np.ndarray] = {}

    def supports_block_quality(self):
        return False

    def _norms_of(self, searcher, fieldname: str) -> np.ndarray:
        reader = searcher.reader()
        key = (id(reader), fieldname)
        norms = self._norms.get(key)
        if norms is None:
            avgfl = searcher.get_parent().avg_field_length(fieldname) or 1
            b = self._field_B.get(fieldname, self.B)
            k1 = self.K1
            # Element-wise, the same double-precision operations as k1 * ((1 - b) + b * length / avgfl).
            norms = k1 * ((1 - b) + b * field_lengths(reader, fieldname) / avgfl)
            self._norms[key] = norms
        return norms

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        idf = searcher.get_parent().idf(fieldname, text)
        return _PrecomputedScorer(idf, self._norms_of(searcher, fieldname), self.K1)
