"""One ranking for every query: coordination over the query's concepts, then proximity.

A document is a candidate if it matches any concept of the query (all the required ones,
if the query has some); scores are vectors over document numbers (index.evaluate); its score is the sum of its concepts' BM25F scores times the
square of the share of the query's concepts it covers, so a document answering the whole
question comes first when it is otherwise comparable, and one repeating a single common
word does not. Proximity is checked after matching, on the first candidates only, from the
positions stored in the index: asking Whoosh for phrase matches on every document costs a
third of a search.
"""

import math

import numpy as np

from index.evaluate import add_up
from index.postings import values_at

# Results re-ranked, and the factor applied to the score when the words are close in a field.
CANDIDATES = 30
# The share of the query's concepts a document covers counts with this power.
COORDINATION_POWER = 2.0
IDF_COORDINATION = True
PROXIMITY_FACTORS = {"title": 1.5, "body": 1.2}
PROXIMITY_SLOP = 4


def _positions(reader, fieldname: str, forms: list[str], docnums: list[int], cache) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for form in forms:
        term = form.encode("utf-8")
        if (fieldname, term) not in reader:
            continue
        for docnum, positions in values_at(reader, fieldname, term, docnums, "positions", cache).items():
            found.setdefault(docnum, set()).update(positions)
    return found


def close_together(per_word: list[set[int]], window: int) -> bool:
    """True if one position of the first word has a position of every other word within `window`."""
    first, rest = per_word[0], per_word[1:]
    return any(all(any(abs(p - q) <= window for q in others) for others in rest) for p in first)


def proximity_factors(reader, words: list[list[str]], docnums: list[int], cache=None) -> dict[int, float]:
    """For each document, the score factor earned by the query's words standing close together."""
    factors = dict.fromkeys(docnums, 1.0)
    if len(words) < 2 or not docnums:
        return factors
    ordered = sorted(docnums)
    window = len(words) + PROXIMITY_SLOP
    for fieldname, factor in PROXIMITY_FACTORS.items():
        per_word = [_positions(reader, fieldname, forms, ordered, cache) for forms in words]
        for docnum in docnums:
            sets = [p.get(docnum) for p in per_word]
            if all(sets) and close_together(sets, window):
                factors[docnum] = max(factors[docnum], factor)
    return factors


def coordinate(per_concept: list[np.ndarray], required: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate's coordinated score (a vector, zero for non-candidates), and the mask of the
    candidates that cover every concept."""
    total = len(per_concept)
    covers = [scores > 0 for scores in per_concept]
    if total == 1:
        return per_concept[0], covers[0]
    sums = add_up(per_concept)
    union = np.logical_or.reduce(covers)
    candidates = union.copy()
    for cover, must in zip(covers, required, strict=True):
        if must:
            candidates &= cover
    # Each concept counts by its rarity among the candidates: covering the rare concept of a
    # question matters more than covering a word found everywhere.
    matched = int(np.count_nonzero(union))
    if IDF_COORDINATION:
        weights = [math.log(1 + matched / (1 + int(np.count_nonzero(cover)))) for cover in covers]
    else:
        weights = [1.0] * total
    whole = sum(weights) or 1.0
    # The weights of the concepts each document covers, added in the concepts' order.
    covered = np.zeros(len(sums))
    for cover, w in zip(covers, weights, strict=True):
        covered[cover] += w
    factor = (covered / whole) ** COORDINATION_POWER
    coordinated = np.where(candidates, sums * factor, 0.0)
    return coordinated, candidates & np.logical_and.reduce(covers)
