"""From what a user typed to Whoosh queries: one query per concept (a word with its related
forms and synonyms, or a quoted phrase), field weights, and the fuzzy fallback.

Every concept is optional unless quoted or written `+mot`; index.ranking rewards the
documents that cover more of them.
"""

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from index.analysis import RANGE, fold, query_words, related_forms
from index.schema import FIELD_WEIGHTS
from index.synonyms import Synonyms, Variant

QUOTED = re.compile(r"\"([^\"]*)\"|«\s*([^»]*?)\s*»")
REQUIRED = re.compile(r"(?<!\S)\+(?=\w)")
# Weight of the forms of a synonym group that the user did not type.
SYNONYM_BOOST = 0.7
# Weight of each typed word of a multi-word synonym form found outside the phrase.
PART_BOOST = 0.6


@dataclass
class Clause:
    """One concept of a query: a word, a quoted phrase or a synonym group."""

    text: str
    words: list[list[str]]  # the searched forms of each word
    variants: tuple[Variant, ...] = ()  # set for a synonym group
    quoted: bool = False
    required: bool = False
    typed: tuple[str, ...] = ()  # for a synonym group: the key of the form typed


@dataclass
class ParsedQuery:
    """A query split into concepts; `plain` are the typed words (for suggestions and the fuzzy
    fallback), `literal` those never corrected (quoted or required)."""

    clauses: list[Clause] = field(default_factory=list)
    plain: list[tuple[str, list[str]]] = field(default_factory=list)
    literal: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.clauses


def parse(text: str, synonyms: Synonyms) -> ParsedQuery:
    """Split a query into quoted phrases, required words and words; recognise the field's synonyms."""
    parsed = ParsedQuery()
    rest = []
    last = 0
    for m in QUOTED.finditer(text):
        rest.append(text[last : m.start()])
        last = m.end()
        phrase = m.group(1) if m.group(1) is not None else m.group(2)
        words = query_words(phrase)
        if words:
            parsed.clauses.append(Clause(phrase, [forms for _, forms in words], quoted=True, required=True))
            parsed.plain.extend(words)
            parsed.literal.update(o for o, _ in words)
    rest.append(text[last:])
    loose = " ".join(rest).replace('"', " ")
    required = {fold(w) for w in re.findall(r"(?<!\S)\+(\w+)", loose)}
    words = query_words(REQUIRED.sub("", loose), questions=False)
    parsed.plain.extend(words)
    parsed.literal.update(o for o, _ in words if fold(o) in required)
    matches = {m.start: m for m in synonyms.find([forms[0] for _, forms in words])}
    i = 0
    while i < len(words):
        match = matches.get(i)
        if match and len(match.variants) > 1:
            span = words[match.start : match.end]
            parsed.clauses.append(
                Clause(
                    " ".join(o for o, _ in span),
                    [f for _, f in span],
                    variants=match.variants,
                    required=any(fold(o) in required for o, _ in span),
                    typed=tuple(f[0] for _, f in span),
                )
            )
            i = match.end
        else:
            original, forms = words[i]
            parsed.clauses.append(
                Clause(original, [related_forms(forms)], required=fold(original) in required)
            )
            i += 1
    return parsed


def _word(forms: list[str], boost: float = 1.0) -> wq.Query:
    per_field = []
    for name, weight in FIELD_WEIGHTS.items():
        terms = [wq.Term(name, form, boost=weight * boost) for form in forms]
        if RANGE.match(forms[0]):
            # "16 à 25" in a text is indexed as two words: its phrase stands for the range too.
            low, high = re.split(r"[-–/]", forms[0])[0], re.split(r"[-–/]", forms[0])[-1]
            terms.append(wq.Phrase(name, [low, high], slop=1, boost=weight * boost))
        per_field.append(terms[0] if len(terms) == 1 else wq.DisjunctionMax(terms))
    return wq.Or(per_field)


def _phrase(words: list[list[str]], slop: int = 1, boost: float = 1.0) -> wq.Query:
    if len(words) == 1:
        return _word(words[0], boost)
    # The first form of every word is indexed at each position: phrases use it alone.
    first = [forms[0] for forms in words]
    return wq.Or([wq.Phrase(name, first, slop=slop, boost=w * boost) for name, w in FIELD_WEIGHTS.items()])


def clause_query(clause: Clause) -> wq.Query:
    """The Whoosh query of one concept."""
    if clause.variants:
        either = [
            _phrase([list(f) for f in v.words], boost=1.0 if v.key == clause.typed else SYNONYM_BOOST)
            for v in clause.variants
        ]
        if len(clause.words) > 1:
            # A resource that has the typed words but not as a phrase still answers in part.
            either.extend(_word(related_forms(forms), PART_BOOST) for forms in clause.words)
        return wq.Or(either)
    if clause.quoted:
        return _phrase(clause.words)
    return _word(clause.words[0])


def proximity_words(parsed: ParsedQuery) -> list[list[str]]:
    """The searched forms of each word of the query, for the proximity reward."""
    return [forms for c in parsed.clauses for forms in c.words]


def fuzzy_query(parsed: ParsedQuery, known) -> wq.Query | None:
    """Unknown words replaced by those within one or two typos of them (`known(forms)` tells): the fallback."""
    parts = []
    for original, forms in parsed.plain:
        folded = fold(original)
        if len(folded) < 4 or known(forms):
            continue
        maxdist = 1 if len(folded) < 7 else 2
        parts.append(wq.FuzzyTerm("spell", folded, maxdist=maxdist, prefixlength=1))
    return wq.Or(parts) if parts else None
