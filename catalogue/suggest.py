"""Theme suggestion: themes proposed from a resource's text and the vocabulary's keywords, with the words that triggered them.

A person's choice always wins: resources whose `themes` are set get no suggestion. The
suggestions go to `resources.suggested_themes`; the trigger words to the
`theme_suggestions` table (migration 0005), which `explanations()` reads back.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalogue.documents import iter_documents
from catalogue.models import now_iso
from catalogue.store import connection_of
from catalogue.text import fold
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


# A keyword written "-phrase" excludes that phrase: its words trigger nothing there
# (« -comité national d'orientation » keeps « orientation » from firing inside the name).
EXCLUDED_PREFIX = "-"
# Endings of an inflected word: plural, feminine ("chefs de projet opérationnels", "labellisées").
_INFLECTION = r"(?:e?s|x|e)?"
# Range separators in a text: "16 à 25 ans", "16/25 ans" and "16–25 ans" are "16-25 ans".
_RANGE = re.compile(r"(\d+)\s*(?:[-–/]|\s(?:à|a|au)\s)\s*(\d+)")


def _inflectable(word: str) -> bool:
    # Short words (de, la, 3e) and numbers are matched as written.
    return len(word) > 3 and word[-1].isalpha()


def _root(word: str) -> str:
    """What every inflection of a folded word shares: "familles", "famille" -> "famill"."""
    if not _inflectable(word):
        return word
    if word[-1] in "sx" and word[-2:] != "ss":
        word = word[:-1]
    return word.removesuffix("e")


def _key(phrase: str) -> str:
    """The roots of a folded phrase's words: a keyword and any inflection of it share it."""
    return " ".join(_root(w) for w in phrase.split())


def _word_pattern(word: str) -> str:
    if not _inflectable(word):
        return re.escape(word)
    return re.escape(_root(word)) + r"e?" + _INFLECTION


def _alternation(forms: list[str], inflected: bool) -> str:
    # Longest first, so that "décrochage scolaire" wins over "décrochage" at the same place.
    word = _word_pattern if inflected else re.escape
    return "|".join(r"\s+".join(word(w) for w in f.split()) for f in sorted(forms, key=len, reverse=True))


def _prepared(text: str) -> str:
    """Folded text with number ranges written one way."""
    return _RANGE.sub(r"\1-\2", fold(text))


class ThemeSuggester:
    """Suggest themes of one vocabulary from text: one pass of one regular expression per text."""

    def __init__(self, themes: Vocabulary):
        # Acronyms (CPO, PRE, E2C) must appear in capitals, or "pre" would match "pré-" everywhere.
        self.words: dict[str, list[tuple[str, str]]] = {}
        self.acronyms: dict[str, list[tuple[str, str]]] = {}
        excluded, written = [], []
        for term in themes.terms:
            for keyword in term.keywords:
                if keyword.startswith(EXCLUDED_PREFIX):
                    excluded.append(_prepared(keyword[len(EXCLUDED_PREFIX) :]))
                elif keyword.isupper() and len(keyword) <= 6:
                    self.acronyms.setdefault(keyword, []).append((term.value, keyword))
                else:
                    written.append(_prepared(keyword))
                    pairs = self.words.setdefault(_key(written[-1]), [])
                    # Two inflections of one keyword (« famille », « familles ») count once.
                    if all(theme != term.value for theme, _ in pairs):
                        pairs.append((term.value, keyword))
        # Every word of a keyword in all its inflections; a lookahead lets matches overlap.
        self.word_pattern = re.compile(
            rf"(?<!\w)(?=({_alternation(sorted(set(written)), inflected=True)})(?!\w))"
        )
        self.acronym_pattern = re.compile(
            rf"(?<!\w)(?=({_alternation(list(self.acronyms), inflected=False)})(?!\w))"
        )
        self.excluded_pattern = (
            re.compile(rf"(?<!\w)(?:{_alternation(excluded, inflected=True)})(?!\w)") if excluded else None
        )

    def _count(self, text: str) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        folded = _prepared(text)
        if self.excluded_pattern is not None:
            # Same length, so that offsets stay comparable (the acronyms are matched on `text`).
            folded = self.excluded_pattern.sub(lambda m: " " * len(m.group()), folded)
        for pattern, table, source, key in (
            (self.word_pattern, self.words, folded, _key),
            (self.acronym_pattern, self.acronyms, text, str),
        ):
            if not table:
                continue
            for m in pattern.finditer(source):
                for pair in table.get(key(" ".join(m.group(1).split())), ()):
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
    db = connection_of(store)
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
            db.execute("DELETE FROM theme_suggestions WHERE resource_id = ?", (resource.id,))
            db.executemany(
                "INSERT INTO theme_suggestions (resource_id, theme, score, words, computed_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (resource.id, s.theme, s.score, json.dumps(list(s.words), ensure_ascii=False), now)
                    for s in suggestions
                ],
            )
            if themes != resource.suggested_themes:
                # Not an edit by a person: updated_at stays as it is.
                db.execute(
                    "UPDATE resources SET suggested_themes = ? WHERE id = ?",
                    (json.dumps(themes, ensure_ascii=False), resource.id),
                )
            with_suggestions += bool(themes)
    return with_suggestions


def explanations(store, rid: str) -> dict[str, list[str]]:
    """The trigger words of each suggested theme of a resource: {theme: [words]}."""
    rows = (
        connection_of(store)
        .execute(
            "SELECT theme, words FROM theme_suggestions WHERE resource_id = ? ORDER BY score DESC", (rid,)
        )
        .fetchall()
    )
    return {row["theme"]: json.loads(row["words"]) for row in rows}
