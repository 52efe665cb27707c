"""From what a user typed to Whoosh queries: words, quoted phrases, synonyms, weights, proximity, fallbacks."""

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from index.analysis import fold, query_words
from index.schema import FIELD_WEIGHTS
from index.synonyms import Synonyms, Variant

# A phrase or all the words of the query close together (within PROXIMITY_SLOP positions)
# add this share of a field's weight to the score.
PHRASE_BOOST = 1.5
PROXIMITY_SLOP = 4
PROXIMITY_FIELDS = ("title", "description")
QUOTED = re.compile(r"\"([^\"]*)\"|«\s*([^»]*?)\s*»")


@dataclass
class Clause:
    """One required part of a query: a word, a quoted phrase or a synonym group."""

    text: str
    words: list[list[str]]  # the searched forms of each word
    variants: tuple[Variant, ...] = ()  # set for a synonym group
    quoted: bool = False


@dataclass
class ParsedQuery:
    """A query split into clauses; `plain` are the typed words (for suggestions and fuzzy fallback)."""

    clauses: list[Clause] = field(default_factory=list)
    plain: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.clauses


def parse(text: str, synonyms: Synonyms) -> ParsedQuery:
    """Split a query into quoted phrases and words, and recognise the field's synonyms."""
    parsed = ParsedQuery()
    rest = []
    last = 0
    for m in QUOTED.finditer(text):
        rest.append(text[last : m.start()])
        last = m.end()
        phrase = m.group(1) if m.group(1) is not None else m.group(2)
        words = query_words(phrase)
        if words:
            parsed.clauses.append(Clause(phrase, [forms for _, forms in words], quoted=True))
            parsed.plain.extend(words)
    rest.append(text[last:])
    words = query_words(" ".join(rest).replace('"', " "))
    parsed.plain.extend(words)
    matches = {m.start: m for m in synonyms.find([forms[0] for _, forms in words])}
    i = 0
    while i < len(words):
        match = matches.get(i)
        if match and len(match.variants) > 1:
            span = words[match.start : match.end]
            parsed.clauses.append(
                Clause(" ".join(o for o, _ in span), [f for _, f in span], variants=match.variants)
            )
            i = match.end
        else:
            original, forms = words[i]
            parsed.clauses.append(Clause(original, [forms]))
            i += 1
    return parsed


def _word(forms: list[str], boost: float = 1.0) -> wq.Query:
    per_field = []
    for name, weight in FIELD_WEIGHTS.items():
        terms = [wq.Term(name, form, boost=weight * boost) for form in forms]
        per_field.append(terms[0] if len(terms) == 1 else wq.DisjunctionMax(terms))
    return wq.Or(per_field)


def _phrase(words: list[list[str]], slop: int = 1, boost: float = 1.0, fields=None) -> wq.Query:
    if len(words) == 1:
        return _word(words[0], boost)
    # The first form of every word is indexed at each position: phrases use it alone.
    first = [forms[0] for forms in words]
    weights = {name: FIELD_WEIGHTS[name] for name in fields or FIELD_WEIGHTS}
    return wq.Or([wq.Phrase(name, first, slop=slop, boost=w * boost) for name, w in weights.items()])


def clause_query(clause: Clause) -> wq.Query:
    """The Whoosh query of one clause."""
    if clause.variants:
        return wq.Or([_phrase([list(f) for f in v.words]) for v in clause.variants])
    if clause.quoted:
        return _phrase(clause.words)
    return _word(clause.words[0])


def strict_query(parsed: ParsedQuery) -> wq.Query:
    """Every clause required; all the words close together score higher."""
    required = wq.And([clause_query(c) for c in parsed.clauses])
    words = [forms for c in parsed.clauses for forms in c.words]
    if len(words) < 2:
        return required
    # Proximity in the short fields only: checking positions in every body costs more than it gives.
    boost = _phrase(words, slop=PROXIMITY_SLOP, boost=PHRASE_BOOST, fields=PROXIMITY_FIELDS)
    return wq.AndMaybe(required, boost)


def loose_query(parsed: ParsedQuery) -> wq.Query:
    """Any clause is enough (the more the better): the first fallback."""
    return wq.Or([clause_query(c) for c in parsed.clauses])


def fuzzy_query(parsed: ParsedQuery, known) -> wq.Query | None:
    """Unknown words replaced by those within one or two typos of them (`known(forms)` tells): the second fallback."""
    parts = []
    for original, forms in parsed.plain:
        folded = fold(original)
        if len(folded) < 4 or known(forms):
            continue
        maxdist = 1 if len(folded) < 7 else 2
        parts.append(wq.FuzzyTerm("spell", folded, maxdist=maxdist, prefixlength=1))
    return wq.Or(parts) if parts else None
