"""Proximity: the best-scored results whose words stand close together move up.

Checked after matching, on the first candidates only, from the positions stored in the
index: asking Whoosh for phrase matches on every document costs a third of a search.
"""

from index.postings import values_at

# Results re-ranked, and the factor applied to the score when the words are close in a field.
CANDIDATES = 30
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
