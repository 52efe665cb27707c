"""Theme suggestion: themes proposed from a resource's text and the vocabulary's keywords, with the words that triggered them.

A person's choice always wins: resources whose `themes` are set get no suggestion. The
suggestions go to `resources.suggested_themes`; the trigger words to the
`theme_suggestions` table (migration 0005), which `explanations()` reads back.
"""

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from catalogue.documents import Document
from catalogue.errors import NotFound
from catalogue.forkpool import cores, forked_pool, ordered_results
from catalogue.models import Resource, now_iso
from catalogue.store import LISTED, connection_of
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
# Resources from which apply() computes the suggestions in worker processes, one per core:
# below, starting the workers costs more than they save.
WORKERS_FROM = 2_000
# Resources sent to a worker at once, and chunks in flight per worker: enough to keep them busy.
CHUNK = 50
AHEAD = 3
# A resource whose themes a person set: it gets no suggestion (`themes` is a JSON list).
CURATED = "json_array_length(themes) > 0"

Progress = Callable[[int, int], None]


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
    ordered = [f.split() for f in sorted(forms, key=len, reverse=True)]
    if not all(ordered):  # an empty form matches anywhere: the plain alternation says what that does
        return "|".join(r"\s+".join(word(w) for w in words) for words in ordered)
    # One branch per first character, the forms in the same order inside it: forms that start with
    # different characters never match at the same place, so they never compete. The regex then
    # tries a few branches at each place instead of every form (2.4x faster on French texts).
    branches: dict[str, list[str]] = {}
    for words in ordered:
        branches.setdefault(re.escape(words[0][0]), []).append(r"\s+".join(word(w) for w in words))
    return "|".join(
        f"{first}(?:{'|'.join(p.removeprefix(first) for p in patterns)})"
        for first, patterns in branches.items()
    )


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
            # Each distinct match once: a text repeats its words.
            for found, hits in Counter(pattern.findall(source)).items():
                for pair in table.get(key(" ".join(found.split())), ()):
                    counts[pair] = counts.get(pair, 0) + hits
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


def apply(
    store, ids: Iterable[str] | None = None, *, workers: int | None = None, progress: Progress | None = None
) -> int:
    """Recompute the suggested themes of every listed resource (or of these) without curated themes;
    returns how many got one.

    Only the texts of the resources to suggest for are read; the curated ones lose their
    suggestions in a few set-wise statements. `workers`: processes computing the suggestions
    (0: this process; None: one per core from WORKERS_FROM resources to suggest for).
    `progress(done, total)` after each chunk saved. One transaction: on any failure (a worker
    that dies included) the store is left as it was.
    """
    db = connection_of(store)
    suggester = ThemeSuggester(store.vocabularies.themes)
    now = now_iso()
    with store.transaction():
        todo = _clear(db, None if ids is None else list(dict.fromkeys(ids)))
        if workers is None:
            workers = cores() if len(todo) >= WORKERS_FROM and cores() > 1 else 0
        pool = forked_pool(workers, _keep_suggester, (suggester,)) if workers and todo else None
        try:
            chunks = _chunks(store, todo)
            results = (
                ordered_results(pool, _suggest_all, chunks, AHEAD * workers)
                if pool is not None
                else ((tag, _suggest_all(texts, suggester)) for tag, texts in chunks)
            )
            with_suggestions = done = 0
            for tag, suggestions in results:
                with_suggestions += _save(db, tag, suggestions, now)
                done += len(tag)
                if progress is not None:
                    progress(done, len(todo))
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
    return with_suggestions


def _scopes(ids: list[str] | None) -> Iterator[tuple[str, list[str]]]:
    """SQL conditions on `resources` (with their parameters) that select, together, the resources to update."""
    if ids is None:
        yield LISTED, []
        return
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        yield f"id IN ({', '.join('?' * len(chunk))})", chunk


def _clear(db, ids: list[str] | None) -> list[str]:
    """Remove the explanations of the resources to update and the suggestions of the curated ones
    among them; the ids of the others (to suggest for), in order. NotFound for an unknown id."""
    todo: list[str] = []
    for where, params in _scopes(ids):
        if ids is not None:
            found = {r[0] for r in db.execute(f"SELECT id FROM resources WHERE {where}", params)}
            for rid in params:
                if rid not in found:
                    raise NotFound(rid)
        db.execute(
            f"DELETE FROM theme_suggestions WHERE resource_id IN (SELECT id FROM resources WHERE {where})",
            params,
        )
        # Not an edit by a person: updated_at stays as it is. json() reads '[ ]' as '[]', as Python does.
        db.execute(
            f"UPDATE resources SET suggested_themes = '[]' "
            f"WHERE {where} AND {CURATED} AND json(suggested_themes) != '[]'",
            params,
        )
        todo.extend(
            r[0]
            for r in db.execute(
                f"SELECT id FROM resources WHERE {where} AND NOT {CURATED} ORDER BY added_at, id", params
            )
        )
    if ids is not None:
        wanted = set(todo)
        todo = [rid for rid in ids if rid in wanted]
    return todo


def _chunks(store, ids: list[str]) -> Iterator[tuple[list[tuple[str, list]], list[tuple[str, str, str]]]]:
    """([(id, current suggested themes)], [(title, description, text)]) for chunks of these resources."""
    for start in range(0, len(ids), BATCH):
        documents = _documents(store, ids[start : start + BATCH])
        for at in range(0, len(documents), CHUNK):
            chunk = documents[at : at + CHUNK]
            yield (
                [(doc.id, doc.resource.suggested_themes) for doc in chunk],
                [(doc.title, doc.description, doc.full_text[:TEXT_CHARS]) for doc in chunk],
            )


def _documents(store, ids: list[str]) -> list[Document]:
    """The documents of these resources with what suggestion reads: title, description, texts
    (the extracted one cut where suggestion stops reading), episodes; and the current suggestions."""
    db = connection_of(store)
    marks = ", ".join("?" * len(ids))
    rows = {
        row["id"]: row
        for row in db.execute(
            "SELECT r.id, r.url, r.title, r.description, r.text, r.suggested_themes, "
            "e.title AS e_title, e.description AS e_description, substr(e.text, 1, ?) AS e_text "
            f"FROM resources r LEFT JOIN extractions e ON e.resource_id = r.id WHERE r.id IN ({marks})",
            [TEXT_CHARS, *ids],
        )
    }
    episodes: dict[str, list[dict]] = {}
    for row in db.execute(
        f"SELECT resource_id, title, description FROM episodes WHERE resource_id IN ({marks}) "
        "ORDER BY resource_id, position",
        ids,
    ):
        episodes.setdefault(row["resource_id"], []).append(
            {"title": row["title"], "description": row["description"]}
        )
    documents = []
    for rid in ids:
        row = rows[rid]
        resource = Resource(
            url=row["url"],
            id=rid,
            title=row["title"],
            description=row["description"],
            text=row["text"],
            suggested_themes=json.loads(row["suggested_themes"]),
        )
        documents.append(
            Document(
                resource,
                extracted_title=row["e_title"] or "",
                extracted_description=row["e_description"] or "",
                extracted_text=row["e_text"] or "",
                episodes=episodes.get(rid, []),
            )
        )
    return documents


def _save(db, tag: list[tuple[str, list]], suggestions: list[list[Suggestion]], now: str) -> int:
    """Write the suggestions of a chunk of resources (their explanations were removed); how many got one."""
    db.executemany(
        "INSERT INTO theme_suggestions (resource_id, theme, score, words, computed_at) VALUES (?, ?, ?, ?, ?)",
        [
            (rid, s.theme, s.score, json.dumps(list(s.words), ensure_ascii=False), now)
            for (rid, _), found in zip(tag, suggestions, strict=True)
            for s in found
        ],
    )
    changed = []
    for (rid, current), found in zip(tag, suggestions, strict=True):
        themes = [s.theme for s in found]
        if themes != current:
            changed.append((json.dumps(themes, ensure_ascii=False), rid))
    # Not an edit by a person: updated_at stays as it is.
    db.executemany("UPDATE resources SET suggested_themes = ? WHERE id = ?", changed)
    return sum(bool(found) for found in suggestions)


_worker: dict = {}  # in a worker process: the parent's ThemeSuggester (forked, not pickled)


def _keep_suggester(suggester: ThemeSuggester) -> None:
    _worker["suggester"] = suggester


def _suggest_all(
    texts: list[tuple[str, str, str]], suggester: ThemeSuggester | None = None
) -> list[list[Suggestion]]:
    """The suggestions of each (title, description, text), with this suggester or the worker's."""
    suggester = suggester or _worker["suggester"]
    return [suggester.suggest(*parts) for parts in texts]


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
