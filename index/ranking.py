"""One ranking for every query: coordination over the query's concepts, then proximity.

A document is a candidate if it matches any concept of the query (all the required ones,
if the query has some); its score is the sum of its concepts' BM25F scores times the
square of the share of the query's concepts it covers, so a document answering the whole
question comes first when it is otherwise comparable, and one repeating a single common
word does not. Proximity is checked after matching, on the first candidates only, from the
positions stored in the index: asking Whoosh for phrase matches on every document costs a
third of a search.
"""

import math

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


def coordinate(per_concept: list[dict[int, float]], required: list[bool]) -> tuple[dict[int, float], bool]:
    """Every candidate with its coordinated score, and whether any candidate covers every concept."""
    total = len(per_concept)
    if total == 1:
        return dict(per_concept[0]), bool(per_concept[0])
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for scores in per_concept:
        get_sum, get_count = sums.get, counts.get
        for d, s in scores.items():
            sums[d] = get_sum(d, 0.0) + s
            counts[d] = get_count(d, 0) + 1
    musts = [scores for scores, must in zip(per_concept, required, strict=True) if must]
    if musts:
        kept = set(sums).intersection(*musts)
        sums = {d: s for d, s in sums.items() if d in kept}
    complete = any(counts[d] == total for d in sums)
    if not IDF_COORDINATION:
        shares = [(n / total) ** COORDINATION_POWER for n in range(total + 1)]
        return {d: s * shares[counts[d]] for d, s in sums.items()}, complete
    # Each concept counts by its rarity among the candidates: covering the rare concept of a
    # question matters more than covering a word found everywhere.
    weights = [math.log(1 + len(sums) / (1 + len(scores))) for scores in per_concept]
    whole = sum(weights) or 1.0
    covered = dict.fromkeys(sums, 0.0)
    for scores, w in zip(per_concept, weights, strict=True):
        for d in scores:
            if d in covered:
                covered[d] += w
    return {d: s * (covered[d] / whole) ** COORDINATION_POWER for d, s in sums.items()}, complete
