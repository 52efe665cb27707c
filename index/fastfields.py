"""The terms of the French text fields for a rebuild, in one pass over the text.

For each text field of each document Whoosh's writer asks the field for its terms: the
field's format (positions, characters or frequencies) pulls tokens from the analyzer
through three generators, setting and reading a Token object's attributes for each word,
then groups them by term and encodes them. This module does the same work in one loop per
field, with the analyzers' own rules and cached word forms (index.analysis), and encodes
with the format's own `encode`: the same terms, frequencies, weights and encoded values
(tests/index/test_fastfields.py compares them with Whoosh's on every field of the schema).
It is installed on a rebuild's writer only, and taken off before the writer commits: the
schema pickled into the index never sees it.
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


def install(schema, ready: dict | None = None) -> Callable[[], None]:
    """Give the French text fields of a writer's schema the one-pass terms; returns the function that takes them off.

    `ready`, when given, holds the terms of the document being added, computed elsewhere
    (index.analysispool), by field name: a field takes (and removes) its own instead of analysing.
    """
    patched = []
    for name, (compute, fmt) in terms_functions(schema).items():
        field = schema[name]
        field.index = _index_function(name, field, compute, fmt, {} if ready is None else ready)
        patched.append(field)

    def uninstall() -> None:
        for field in patched:
            vars(field).pop("index", None)

    return uninstall


def _index_function(name, field, compute, fmt, ready: dict) -> Callable:
    whoosh_index = type(field).index

    def index(value, **kwargs):
        if isinstance(value, str) and kwargs.get("mode", "index") == "index" and not kwargs.keys() - {"mode"}:
            terms = ready.pop(name, None)
            return compute(value, fmt) if terms is None else terms
        return whoosh_index(field, value, **kwargs)

    return index
