"""Completions of a search box: vocabulary labels, thesaurus terms and titles that start like the typed words.

A candidate matches when one of its words starts with what was typed (case and accents
ignored), so « evalu » finds « Évaluation » and « protocole d'évaluation ». Labels and
thesaurus terms come first (they are the field's words), then titles, shortest first.
"""

import re
import unicodedata

WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase text without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _starts_a_word(prefix: str, candidate: str) -> bool:
    folded = fold(candidate)
    if folded.startswith(prefix):
        return True
    return any(folded[m.start() :].startswith(prefix) for m in WORD.finditer(folded))


def titles(store) -> list[str]:
    """Every title of the catalogue."""
    return [row[0] for row in store.conn.execute("SELECT title FROM resources ORDER BY title")]


def complete(typed: str, terms: list[str], titles_: list[str], limit: int = 10) -> list[str]:
    """Up to `limit` distinct completions of `typed`: terms first, then titles (shortest first)."""
    prefix = " ".join(fold(typed).split())
    if not prefix:
        return []
    found: dict[str, None] = {}
    for group in (terms, sorted(titles_, key=len)):
        for candidate in group:
            if len(found) >= limit:
                return list(found)
            if (
                candidate
                and fold(candidate) not in {fold(f) for f in found}
                and _starts_a_word(prefix, candidate)
            ):
                found[candidate] = None
    return list(found)
