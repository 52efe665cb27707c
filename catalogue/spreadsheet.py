"""CSV as French spreadsheets write and read it: encoding, separator, French column names, labels.

Reading: the bytes are decoded as UTF-8 (with or without BOM), else as Windows-1252, else as
what the caller's guesser finds (the command line uses charset-normalizer); the separator is the one of `,` `;` tab that the header line
uses; French column names (titre, adresse, niveau, thèmes…) stand for the documented ones.
Writing: the spreadsheet form has `;` between cells, a UTF-8 BOM (so Excel reads the accents),
French column names and the vocabularies' labels; `catalogue.io` writes the exact form.
"""

import csv
from collections.abc import Callable, Iterable
from typing import IO

from catalogue.errors import CatalogueError
from catalogue.models import Resource
from catalogue.vocabularies import Vocabularies, fold

SEPARATORS = (",", ";", "\t")
BOM = "\ufeff"

# The spreadsheet form's columns: field -> French column name, in order. The full text is left out
# (a spreadsheet cell holds 32,767 characters at most); `catalogue export` has it.
FRENCH_COLUMNS = {
    "title": "Titre",
    "url": "Adresse",
    "description": "Description",
    "type": "Type",
    "themes": "Thèmes",
    "suggested_themes": "Thèmes suggérés",
    "level": "Niveau",
    "territory": "Territoire",
    "publisher": "Éditeur",
    "audience": "Public",
    "date": "Date",
    "language": "Langue",
    "source_url": "Source",
    "notes": "Notes",
    "id": "Identifiant",
    "added_at": "Ajoutée le",
    "updated_at": "Modifiée le",
}
# Other names a person may give a column (compared accents, case and spaces folded).
ALIASES = {
    "adresse": "url",
    "lien": "url",
    "url": "url",
    "titre": "title",
    "niveau": "level",
    "theme": "themes",
    "themes": "themes",
    "editeur": "publisher",
    "territoire": "territory",
    "public": "audience",
    "publics": "audience",
    "date": "date",
    "description": "description",
    "notes": "notes",
    "note": "notes",
    "type": "type",
    "langue": "language",
    "source": "source_url",
    "texte": "text",
    "themes-suggeres": "suggested_themes",
    "identifiant": "id",
    "ajoutee-le": "added_at",
    "modifiee-le": "updated_at",
}


class EncodingError(CatalogueError):
    """A file whose text encoding cannot be recognised."""


def decode(raw: bytes, source: str, guess: Callable[[bytes], str | None] | None = None) -> str:
    """The text of a file: UTF-8 with or without BOM, else Windows-1252, else what `guess` finds.

    `guess` (the command line passes charset-normalizer's) returns the text or None; the core
    itself reads only what the standard library knows.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a spreadsheet's "Unicode text": UTF-16 with its BOM
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # A French spreadsheet on Windows writes Windows-1252 (Latin-1 for text, plus œ, €, ’): on a short
    # file a guesser may hesitate with its Central European cousins, so it comes first.
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        pass
    text = guess(raw) if guess else None
    if text is None:
        raise EncodingError(
            f"{source} : encodage du texte non reconnu ; enregistrez le fichier en « CSV UTF-8 » "
            "ou en « CSV (séparateur : point-virgule) »"
        )
    return text


def separator(header_line: str) -> str:
    """The separator a header line uses: the one of , ; tab that appears most (outside quotes)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def field_name(column: str, known: Iterable[str]) -> str | None:
    """The field a column name stands for (an exact field name, or a French alias), or None."""
    column = column.strip().lstrip(BOM)
    if column in known:
        return column
    return ALIASES.get(fold(column))


def split_list(value: str, name: str) -> list[str]:
    """A list cell: values separated by ;, or by commas for themes when there is no ; (labels have none)."""
    parts = value.split(";")
    if len(parts) == 1 and name in ("themes", "suggested_themes"):
        parts = value.split(",")
    return [v.strip() for v in parts if v.strip()]


def _cell(resource: Resource, name: str, vocabularies: Vocabularies) -> str:
    value = getattr(resource, name)
    if name in ("themes", "suggested_themes"):
        return " ; ".join(vocabularies.themes.label(v) for v in value)
    if name == "audience":
        return " ; ".join(value)
    if name == "level":
        return vocabularies.levels.label(value) if value else ""
    if name == "type":
        return vocabularies.types.label(value) if value else ""
    return "" if value is None else value


def write_spreadsheet(
    resources: Iterable[Resource],
    out: IO[str],
    vocabularies: Vocabularies,
    *,
    header: bool = True,
    fields: Iterable[str] | None = None,
) -> int:
    """Write the spreadsheet form (BOM and header first unless header=False); returns the count.

    `fields` keeps only those columns (the public ones for the site's downloads). Cells that a
    spreadsheet would run as a formula get a leading ' (see catalogue.io.spreadsheet_cell).
    """
    from catalogue.io import spreadsheet_cell

    kept = set(FRENCH_COLUMNS if fields is None else fields)
    names = [name for name in FRENCH_COLUMNS if name in kept]
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if header:
        out.write(BOM)
        writer.writerow(FRENCH_COLUMNS[name] for name in names)
    count = 0
    for resource in resources:
        writer.writerow([spreadsheet_cell(_cell(resource, name, vocabularies)) for name in names])
        count += 1
    return count
