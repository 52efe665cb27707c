"""The controlled vocabularies (themes, levels, types), read from a JSON data file."""

import json
import re
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path

from catalogue import staffdata
from catalogue.errors import VocabularyError
from catalogue.text import fold as text_fold

KINDS = ("themes", "levels", "types")
# The resource field each vocabulary controls.
FIELD_OF_KIND = {"themes": "themes", "levels": "level", "types": "type"}


def fold(text: str) -> str:
    """A label or value as compared by a person: accents, case, ligatures, dashes and spaces do not count."""
    return re.sub(r"[\s_\-']+", "-", text_fold(str(text).strip()))


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: its stable value, French label, definition and keywords."""

    value: str
    label: str
    definition: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Vocabulary:
    """The ordered terms of one vocabulary."""

    kind: str
    terms: tuple[Term, ...]

    def values(self) -> list[str]:
        """The allowed values, in the file's order."""
        return [t.value for t in self.terms]

    def label(self, value: str) -> str:
        """The French label of a value (the value itself if unknown)."""
        for t in self.terms:
            if t.value == value:
                return t.label
        return value

    def get(self, value: str) -> Term | None:
        """The term with this value, or None."""
        return next((t for t in self.terms if t.value == value), None)

    def __contains__(self, value: str) -> bool:
        return any(t.value == value for t in self.terms)

    def check(self, value: str, field_name: str | None = None) -> str:
        """Return the value of a value or of a French label (« Régional », regional, REGIONAL), else raise
        VocabularyError naming the allowed values."""
        if value in self:
            return value
        wanted = fold(value)
        for t in self.terms:
            if wanted in (fold(t.value), fold(t.label)):
                return t.value
        raise VocabularyError(field_name or FIELD_OF_KIND[self.kind], value, self.values())


@dataclass(frozen=True)
class Vocabularies:
    """The three vocabularies of the catalogue."""

    themes: Vocabulary
    levels: Vocabulary
    types: Vocabulary

    def of(self, kind: str) -> Vocabulary:
        """The vocabulary named themes, levels or types."""
        return getattr(self, kind)


def default_path() -> Path:
    """The vocabulary file shipped with the package."""
    return Path(str(importlib_resources.files("catalogue") / "data" / "vocabularies.json"))


def load_vocabularies(path: str | Path | None = None) -> Vocabularies:
    """Read the vocabularies from a JSON file (the packaged one by default); StaffFileError (file, line,
    reason) if it is malformed."""
    path = Path(path) if path else default_path()
    data = staffdata.read_json(path)
    vocabs = {}
    for kind in KINDS:
        entries = data.get(kind)
        if not isinstance(entries, list) or not entries:
            raise staffdata.StaffFileError(path, None, f"la liste « {kind} » manque ou est vide")
        terms, seen = [], set()
        for entry in entries:
            terms.append(_term(path, kind, entry, seen))
        vocabs[kind] = Vocabulary(kind, tuple(terms))
    return Vocabularies(**vocabs)


def _term(path: Path, kind: str, entry, seen: set) -> Term:
    where = (
        staffdata.line_of(path, json.dumps(entry.get("value"), ensure_ascii=False))
        if isinstance(entry, dict)
        else None
    )
    if not isinstance(entry, dict):
        raise staffdata.StaffFileError(
            path, None, f'« {kind} » : chaque terme est un objet {{"value", "label"}}'
        )
    for name in ("value", "label"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise staffdata.StaffFileError(path, where, f"« {kind} » : un terme sans « {name} »")
    if entry["value"] in seen:
        raise staffdata.StaffFileError(
            path, where, f"« {kind} » : la valeur « {entry['value']} » est en double"
        )
    seen.add(entry["value"])
    keywords = entry.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise staffdata.StaffFileError(path, where, f"« {kind} » : « keywords » est une liste de mots")
    return Term(
        value=entry["value"],
        label=entry["label"],
        definition=str(entry.get("definition", "")),
        keywords=tuple(keywords),
    )


def vocabularies_of(settings) -> Vocabularies:
    """The vocabularies of a data directory: the file of the `vocabularies` setting, else the staff's copy
    in the data directory, else the packaged file. A malformed file: its last good version (logged)."""
    path = settings.vocabularies or staffdata.staff_path(settings.data_path, staffdata.VOCABULARIES)
    vocabularies, _refusal = staffdata.load(path, default_path(), load_vocabularies)
    return vocabularies
