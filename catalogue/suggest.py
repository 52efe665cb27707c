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


@dataclass(frozen=True)
class Suggestion:
    """One suggested theme, its score and the keywords that triggered it (most weighty first)."""

    theme: str
    score: float
    words: tuple[str, ...]


def _fold(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _keyword_pattern(keyword: str) -> re.Pattern:
    # Acronyms (CPO, PRE, E2C) must appear in capitals, or "pre" would match "pré-" everywhere.
    if keyword.isupper() and len(keyword) <= 6:
        return re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)")
    words = [re.escape(w) for w in _fold(keyword).split()]
    # Plurals (s, x) of the last word are accepted.
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:s|x)?(?!\w)")


class ThemeSuggester:
    """Suggest themes of one vocabulary from text."""

    def __init__(self, themes: Vocabulary):
        self.keywords = [
            (term.value, keyword, _keyword_pattern(keyword), keyword.isupper() and len(keyword) <= 6)
            for term in themes.terms
            for keyword in term.keywords
        ]

    def suggest(self, title: str, description: str, text: str) -> list[Suggestion]:
        """The suggested themes of a text, best first."""
        parts = [(title, TITLE_POINTS), (description, DESCRIPTION_POINTS), (text[:TEXT_CHARS], TEXT_POINTS)]
        folded = [(_fold(p), p, points) for p, points in parts]
        scores: dict[str, float] = {}
        found: dict[str, dict[str, float]] = {}
        for theme, keyword, pattern, acronym in self.keywords:
            points = 0.0
            for folded_text, raw_text, weight in folded:
                hits = len(pattern.findall(raw_text if acronym else folded_text))
                points += weight * min(hits, MAX_TEXT_OCCURRENCES)
            if points:
                scores[theme] = scores.get(theme, 0.0) + points
                found.setdefault(theme, {})[keyword] = points
        chosen = sorted((t for t, s in scores.items() if s >= MIN_SCORE), key=lambda t: -scores[t])
        return [
            Suggestion(t, scores[t], tuple(sorted(found[t], key=lambda k: (-found[t][k], k))))
            for t in chosen[:MAX_THEMES]
        ]


def apply(store, ids: Iterable[str] | None = None) -> int:
    """Recompute the suggested themes of every resource (or these) without curated themes; returns how many got one."""
    suggester = ThemeSuggester(store.vocabularies.themes)
    now = now_iso()
    with_suggestions = 0
    with store.transaction():
        for doc in iter_documents(store, ids):
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
