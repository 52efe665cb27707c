"""From what a user typed to Whoosh queries: words, quoted phrases, synonyms, weights, proximity, fallbacks."""

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from index.analysis import fold, query_words
from index.schema import FIELD_WEIGHTS
from index.synonyms import Synonyms, Variant

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


def _phrase(words: list[list[str]], slop: int = 1, boost: float = 1.0) -> wq.Query:
    if len(words) == 1:
        return _word(words[0], boost)
    # The first form of every word is indexed at each position: phrases use it alone.
    first = [forms[0] for forms in words]
    return wq.Or([wq.Phrase(name, first, slop=slop, boost=w * boost) for name, w in FIELD_WEIGHTS.items()])


def clause_query(clause: Clause) -> wq.Query:
    """The Whoosh query of one clause."""
    if clause.variants:
        return wq.Or([_phrase([list(f) for f in v.words]) for v in clause.variants])
    if clause.quoted:
        return _phrase(clause.words)
    return _word(clause.words[0])


def strict_query(parsed: ParsedQuery) -> wq.Query:
    """Every clause required (proximity is rewarded afterwards, see index.ranking)."""
    return wq.And([clause_query(c) for c in parsed.clauses])


def proximity_words(parsed: ParsedQuery) -> list[list[str]]:
    """The searched forms of each word of the query, for the proximity reward."""
    return [forms for c in parsed.clauses for forms in c.words]


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
