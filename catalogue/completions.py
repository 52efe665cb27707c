"""Completions of a search box: vocabulary labels, thesaurus terms and titles that start like the typed words.

A candidate matches when one of its words starts with what was typed (case, accents and
punctuation ignored), so « evalu » finds « Évaluation » and « protocole d'évaluation ». Labels
and thesaurus terms come first (they are the field's words), then titles, shortest first.
Candidates are folded once (`Candidates`), so a keystroke costs one substring scan.
"""

import re

from catalogue.store import LISTED, connection_of
from catalogue.text import fold as text_fold

NOT_WORD = re.compile(r"\W+")


def fold(text: str) -> str:
    """Folded words (catalogue.text.fold), separated by one space, with a space before each."""
    return " " + " ".join(NOT_WORD.sub(" ", text_fold(text)).split())


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
