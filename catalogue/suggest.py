"""Theme suggestion: themes proposed from a resource's text and the vocabulary's keywords, with the words that triggered them.

A person's choice always wins: resources whose `themes` are set get no suggestion. The
suggestions go to `resources.suggested_themes`; the trigger words to the
`theme_suggestions` table (migration 0005), which `explanations()` reads back.
"""

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from catalogue.documents import iter_documents
from catalogue.models import now_iso
from catalogue.vocabularies import Vocabulary

# Points for one keyword occurrence: in the title, in the description, in the text.
TITLE_POINTS, DESCRIPTION_POINTS, TEXT_POINTS = 3.0, 2.0, 1.0
# A theme is suggested from this many points, at most MAX_THEMES per resource.
MIN_SCORE = 3.0
MAX_THEMES = 3
# Occurrences counted per keyword in the text, so that one long repetitive text does not dominate.
MAX_TEXT_OCCURRENCES = 5
# Text read per resource: the start of a long PDF says what it is about.
TEXT_CHARS = 60_000
# Resources read at a time: the whole catalogue never sits in memory.
BATCH = 500


@dataclass(frozen=True)
class Suggestion:
    """One suggested theme, its score and the keywords that triggered it (most weighty first)."""

    theme: str
    score: float
    words: tuple[str, ...]


def _fold(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _alternation(forms: list[str]) -> str:
    # Longest first, so that "décrochage scolaire" wins over "décrochage" at the same place.
    return "|".join(
        r"\s+".join(re.escape(w) for w in f.split()) for f in sorted(forms, key=len, reverse=True)
    )


class ThemeSuggester:
    """Suggest themes of one vocabulary from text: one pass of one regular expression per text."""

    def __init__(self, themes: Vocabulary):
        # Acronyms (CPO, PRE, E2C) must appear in capitals, or "pre" would match "pré-" everywhere.
        self.words: dict[str, list[tuple[str, str]]] = {}
        self.acronyms: dict[str, list[tuple[str, str]]] = {}
        for term in themes.terms:
            for keyword in term.keywords:
                if keyword.isupper() and len(keyword) <= 6:
                    self.acronyms.setdefault(keyword, []).append((term.value, keyword))
                else:
                    self.words.setdefault(" ".join(_fold(keyword).split()), []).append((term.value, keyword))
        # Plurals (s, x) of the last word are accepted; a lookahead lets matches overlap.
        self.word_pattern = re.compile(rf"(?<!\w)(?=({_alternation(list(self.words))})(?:s|x)?(?!\w))")
        self.acronym_pattern = re.compile(rf"(?<!\w)(?=({_alternation(list(self.acronyms))})(?!\w))")

    def _count(self, text: str) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for pattern, table, source in (
            (self.word_pattern, self.words, _fold(text)),
            (self.acronym_pattern, self.acronyms, text),
        ):
            if not table:
                continue
            for m in pattern.finditer(source):
                for pair in table.get(" ".join(m.group(1).split()), ()):
                    counts[pair] = counts.get(pair, 0) + 1
        return counts

    def suggest(self, title: str, description: str, text: str) -> list[Suggestion]:
        """The suggested themes of a text, best first."""
        scores: dict[str, float] = {}
        found: dict[str, dict[str, float]] = {}
        for part, weight in (
            (title, TITLE_POINTS),
            (description, DESCRIPTION_POINTS),
            (text[:TEXT_CHARS], TEXT_POINTS),
        ):
            for (theme, keyword), hits in self._count(part).items():
                points = weight * min(hits, MAX_TEXT_OCCURRENCES)
                scores[theme] = scores.get(theme, 0.0) + points
                found.setdefault(theme, {})
                found[theme][keyword] = found[theme].get(keyword, 0.0) + points
        chosen = sorted((t for t, s in scores.items() if s >= MIN_SCORE), key=lambda t: (-scores[t], t))
        return [
            Suggestion(t, scores[t], tuple(sorted(found[t], key=lambda k: (-found[t][k], k))))
            for t in chosen[:MAX_THEMES]
        ]


def apply(store, ids: Iterable[str] | None = None) -> int:
    """Recompute the suggested themes of every resource (or these) without curated themes; returns how many got one."""
    suggester = ThemeSuggester(store.vocabularies.themes)
    now = now_iso()
    with_suggestions = 0
    ids = store.ids() if ids is None else list(ids)
    with store.transaction():
        for doc in (
            d
            for start in range(0, len(ids), BATCH)
            for d in iter_documents(store, ids[start : start + BATCH])
        ):
            resource = doc.resource
            suggestions = (
                [] if resource.themes else suggester.suggest(doc.title, doc.description, doc.full_text)
            )
            themes = [s.theme for s in suggestions]
            store.conn.execute("DELETE FROM theme_suggestions WHERE resource_id = ?", (resource.id,))
            store.conn.executemany(
                "INSERT INTO theme_suggestions (resource_id, theme, score, words, computed_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (resource.id, s.theme, s.score, json.dumps(list(s.words), ensure_ascii=False), now)
                    for s in suggestions
                ],
            )
            if themes != resource.suggested_themes:
                # Not an edit by a person: updated_at stays as it is.
                store.conn.execute(
                    "UPDATE resources SET suggested_themes = ? WHERE id = ?",
                    (json.dumps(themes, ensure_ascii=False), resource.id),
                )
            with_suggestions += bool(themes)
    return with_suggestions


def explanations(store, rid: str) -> dict[str, list[str]]:
    """The trigger words of each suggested theme of a resource: {theme: [words]}."""
    rows = store.conn.execute(
        "SELECT theme, words FROM theme_suggestions WHERE resource_id = ? ORDER BY score DESC", (rid,)
    ).fetchall()
    return {row["theme"]: json.loads(row["words"]) for row in rows}
