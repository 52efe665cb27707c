"""Completions of a search box: vocabulary labels, thesaurus terms and titles that start like the typed words.

A candidate matches when one of its words starts with what was typed (case, accents and
punctuation ignored), so « evalu » finds « Évaluation » and « protocole d'évaluation ». Labels
and thesaurus terms come first (they are the field's words), then titles, shortest first.
Candidates are folded once (`Candidates`), so a keystroke costs one substring scan.
"""

import re
import unicodedata

from catalogue.store import LISTED, connection_of

NOT_WORD = re.compile(r"\W+")


def fold(text: str) -> str:
    """Lowercase words without accents, separated by one space, with a space before each."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(NOT_WORD.sub(" ", bare).split())


class Candidates:
    """Texts offered as completions, in order of preference, each folded once."""

    def __init__(self, texts: list[str]):
        seen, self.entries = set(), []
        for text in texts:
            folded = fold(text)
            if text and folded.strip() and folded not in seen:
                seen.add(folded)
                self.entries.append((folded, text))

    def complete(self, typed: str, limit: int = 10) -> list[str]:
        """Up to `limit` texts with a word starting like `typed`."""
        prefix = fold(typed)
        if not prefix.strip():
            return []
        found = []
        for folded, text in self.entries:
            if prefix in folded:
                found.append(text)
                if len(found) == limit:
                    break
        return found


def titles(store) -> list[str]:
    """Every title the public sees (withdrawn resources left out), shortest first."""
    rows = connection_of(store).execute(
        f"SELECT title FROM resources WHERE {LISTED} ORDER BY length(title), title"
    )
    return [row[0] for row in rows]
