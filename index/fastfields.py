"""The terms of the French text fields for a rebuild, in one pass over the text.

For each text field of each document Whoosh's writer asks the field for its terms: the
field's format (positions, characters or frequencies) pulls tokens from the analyzer
through three generators, setting and reading a Token object's attributes for each word,
then groups them by term and encodes them. This module does the same work in one loop per
field, with the analyzers' own rules and cached word forms (index.analysis), and encodes
with the format's own `encode`: the same terms, frequencies, weights and encoded values
(tests/index/test_fastfields.py compares them with Whoosh's on every field of the schema).
A rebuild computes them (index.analysispool) and hands them to its writer
(index.postingpool.add_document) instead of asking the fields: the schema pickled into the
index is untouched.
"""

from collections.abc import Callable

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
    with_chars = isinstance(fmt, Characters)
    seen: dict[str, list] = {}
    pos = None
    for n, match in enumerate(_TOKEN.finditer(value)):
        word = match.group().lower()
        if word in STOP_WORDS:
            continue
        # The tokenizer's StopFilter(renumber=True): the first kept word keeps its place.
        pos = n if pos is None else pos + 1
        item = (pos, match.start(), match.end()) if with_chars else pos
        for form in _index_forms(word):
            places = seen.get(form)
            if places is None:
                seen[form] = [item]
            else:
                places.append(item)
    boost, encode = fmt.field_boost, fmt.encode
    return [(w.encode("utf-8"), len(p), float(len(p)) * boost, encode(p)) for w, p in seen.items()]


def spelling_terms(value: str, fmt) -> list[tuple]:
    """(term bytes, frequency, weight, encoded value) of a SpellingTokenizer field in Frequency format."""
    freqs: dict[str, int] = {}
    for match in _TOKEN.finditer(value):
        word = match.group().lower()
        if len(word) < 3 or word in STOP_WORDS:
            continue
        for form in _spelling_forms(word):
            freqs[form] = freqs.get(form, 0) + 1
    boost = fmt.field_boost
    return [(w.encode("utf-8"), f, float(f) * boost, pack_uint(f)) for w, f in freqs.items()]


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
