"""The field's acronyms and synonyms (index/data/synonyms.json), matched against the words of a query."""

import json
from dataclasses import dataclass
from pathlib import Path

from catalogue.staffdata import StaffFileError, line_of, read_json
from index.analysis import query_words


class SynonymsFileError(StaffFileError):
    """The synonyms file cannot be read; the message names the file, the line and the fault."""


def default_path() -> Path:
    """The synonyms file shipped with the package."""
    return Path(__file__).parent / "data" / "synonyms.json"


@dataclass(frozen=True)
class Variant:
    """One form of a synonym group: its text and, per word, the searched forms."""

    text: str
    words: tuple[tuple[str, ...], ...]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(forms[0] for forms in self.words)


@dataclass(frozen=True)
class Match:
    """Query words start..end (exclusive) are one form of a group: search every variant instead."""

    start: int
    end: int
    variants: tuple[Variant, ...]


class Synonyms:
    """Groups of equivalent words and phrases, looked up by the stems of their words."""

    def __init__(self, groups: list[list[str]]):
        self.groups: list[tuple[Variant, ...]] = []
        self._by_key: dict[tuple[str, ...], int] = {}
        for group in groups:
            variants = []
            for text in group:
                words = tuple(tuple(forms) for _, forms in query_words(text))
                if words:
                    variants.append(Variant(text, words))
            index = len(self.groups)
            self.groups.append(tuple(variants))
            for variant in variants:
                self._by_key.setdefault(variant.key, index)
        self._longest = max((len(k) for k in self._by_key), default=0)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Synonyms":
        """Read a synonyms file (the packaged one by default)."""
        path = Path(path) if path else default_path()
        try:
            data = read_json(path)
        except StaffFileError as exc:
            raise SynonymsFileError(path, exc.line, exc.reason) from exc
        groups = data.get("groups")
        if not isinstance(groups, list):
            raise SynonymsFileError(path, None, "« groups » doit être une liste de groupes de mots")
        for group in groups:
            if not isinstance(group, list) or not all(isinstance(s, str) for s in group):
                line = None
                if isinstance(group, list) and group:
                    line = line_of(path, json.dumps(group[0], ensure_ascii=False))
                raise SynonymsFileError(
                    path, line, "chaque groupe est une liste de mots ou d'expressions entre guillemets"
                )
        return cls(groups)

    def find(self, keys: list[str]) -> list[Match]:
        """Longest non-overlapping group forms among a query's word stems, left to right."""
        matches = []
        i = 0
        while i < len(keys):
            for length in range(min(self._longest, len(keys) - i), 0, -1):
                group = self._by_key.get(tuple(keys[i : i + length]))
                if group is not None:
                    matches.append(Match(i, i + length, self.groups[group]))
                    i += length
                    break
            else:
                i += 1
        return matches
