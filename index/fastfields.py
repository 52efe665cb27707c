"""The terms of the French text fields for a rebuild, in one pass over the text.

For each text field of each document Whoosh's writer asks the field for its terms: the
field's format (positions, characters or frequencies) pulls tokens from the analyzer
through three generators, setting and reading a Token object's attributes for each word,
then groups them by term and encodes them. This module does the same work in one loop per
field, with the analyzers' own rules and cached word forms (index.analysis), and encodes
with the format's own `encode`: the same terms, frequencies, weights and encoded values
(tests/index/test_fastfields.py compares them with Whoosh's on every field of the schema).
A rebuild computes them (`analysed`) and hands them to its writer
(index.postingpool.add_document) instead of asking the fields: the schema pickled into the
index is untouched.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pickle import dumps

from whoosh.formats import Characters, Frequency, Positions
from whoosh.system import pack_uint

from index.analysis import (
    _TOKEN,
    STOP_WORDS,
    FrenchTokenizer,
    SpellingTokenizer,
    _index_forms,
    _spelling_forms,
)


def french_terms(value: str, fmt) -> list[tuple]:
    """(term bytes, frequency, weight, encoded value) of a FrenchTokenizer field in Positions or Characters format."""
    if isinstance(fmt, Characters):
        return _french_terms_with_chars(value, fmt)
    words = _lowercase_words(value)
    seen: dict[str, list] = {}
    pos = None
    for n, word in enumerate(words):
        if word in STOP_WORDS:
            continue
        # The tokenizer's StopFilter(renumber=True): the first kept word keeps its place.
        pos = n if pos is None else pos + 1
        for form in _index_forms(word):
            places = seen.get(form)
            if places is None:
                seen[form] = [pos]
            else:
                places.append(pos)
    weight, encode = weights(fmt.field_boost), fmt.encode
    return [(w.encode("utf-8"), len(p), weight[len(p)], encode(p)) for w, p in seen.items()]


def _french_terms_with_chars(value: str, fmt) -> list[tuple]:
    seen: dict[str, list] = {}
    pos = None
    for n, match in enumerate(_TOKEN.finditer(value)):
        word = match.group().lower()
        if word in STOP_WORDS:
            continue
        pos = n if pos is None else pos + 1
        item = (pos, match.span())
        for form in _index_forms(word):
            places = seen.get(form)
            if places is None:
                seen[form] = [item]
            else:
                places.append(item)
    weight = weights(fmt.field_boost)
    return [(w.encode("utf-8"), len(p), weight[len(p)], _encode_characters(p)) for w, p in seen.items()]


_ONE = pack_uint(1)


def _encode_characters(places: list) -> bytes:
    """Characters.encode of [(position, (start, end)), …]: the same bytes."""
    if len(places) == 1:  # most terms of a document
        pos, (start, end) = places[0]
        return _ONE + dumps([(pos, start, end - start)], 2)
    deltas = []
    posbase = charbase = 0
    for pos, (start, end) in places:
        deltas.append((pos - posbase, start - charbase, end - start))
        posbase, charbase = pos, end
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def spelling_terms(value: str, fmt) -> list[tuple]:
    """(term bytes, frequency, weight, encoded value) of a SpellingTokenizer field in Frequency format."""
    freqs: dict[str, int] = {}
    # Counted in C, each distinct word looked at once (in the order of first appearance, as before).
    for word, count in Counter(_lowercase_words(value)).items():
        if len(word) < 3 or word in STOP_WORDS:
            continue
        for form in _spelling_forms(word):
            freqs[form] = freqs.get(form, 0) + count
    weight = weights(fmt.field_boost)
    return [(w.encode("utf-8"), f, weight[f], pack_uint(f)) for w, f in freqs.items()]


class _Weights(dict):
    """frequency -> frequency x boost, one float object per value: a rebuild holds millions of
    postings whose weights are a few small numbers (index.postingpool counts them once)."""

    def __init__(self, boost: float):
        super().__init__()
        self.boost = boost

    def __missing__(self, frequency: int) -> float:
        weight = float(frequency) * self.boost
        if len(self) < 4_096:
            self[frequency] = weight
        return weight


@lru_cache(maxsize=64)
def weights(boost: float) -> _Weights:
    """The shared weights of a field boost."""
    return _Weights(boost)


def _lowercase_words(value: str) -> list[str]:
    """The tokenizer's words, lowercased: each match of the original text, lowercased.

    The whole text lowercased at once gives the same words (no character changes class by
    lowercasing) unless a character lowercases to two (İ) or in context (Σ at the end of a
    word, which str.lower decides by the letters around it, beyond the word)."""
    lowered = value.lower()
    if len(lowered) == len(value) and "Σ" not in value:
        return _TOKEN.findall(lowered)
    return [match.group().lower() for match in _TOKEN.finditer(value)]


# Fields whose values repeat from document to document: the topics field holds the labels and
# keywords of a resource's themes, a few hundred combinations in a whole catalogue. Their terms
# are computed once per value (at most MEMO_SIZE values kept).
REPEATED_FIELDS = frozenset({"topics"})
MEMO_SIZE = 4_096


def _compute(field) -> Callable | None:
    """The one-pass terms function of this field, or None where Whoosh's own path is kept."""
    fmt, analyzer = field.format, getattr(field, "analyzer", None)
    if type(analyzer) is FrenchTokenizer and type(fmt) in (Positions, Characters):
        return french_terms
    if type(analyzer) is SpellingTokenizer and type(fmt) is Frequency:
        return spelling_terms
    return None


def terms_functions(schema) -> dict[str, tuple[Callable, object]]:
    """{field name: (one-pass terms function, the field's format)} of the fields that have one."""
    out = {}
    for name, field in schema.items():
        compute = _compute(field)
        if compute is not None:
            out[name] = (compute, field.format)
    return out


def analysed(documents: Iterable[dict], schema) -> Iterator[tuple[dict, dict]]:
    """Each document's fields with the terms of the fields that have a one-pass terms function ({field: terms}).

    The terms of a value met before in a field of REPEATED_FIELDS are those computed then."""
    functions = terms_functions(schema)
    memo: dict[tuple[str, str], list] = {}
    for fields in documents:
        terms = {}
        for name, (compute, fmt) in functions.items():
            value = fields.get(name)
            if not isinstance(value, str):
                continue
            if name in REPEATED_FIELDS:
                key = (name, value)
                found = memo.get(key)
                if found is None:
                    if len(memo) >= MEMO_SIZE:
                        memo.clear()
                    terms[name] = memo[key] = compute(value, fmt)
                else:
                    # A value object of its own per posting, as computed: pickle writes an object
                    # met twice in a block as a reference, which would change the segment's bytes.
                    terms[name] = [(t, f, w, v[:1] + v[1:]) for t, f, w, v in found]
            else:
                terms[name] = compute(value, fmt)
        yield fields, terms
