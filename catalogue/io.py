"""Import and export of resources as JSON Lines or CSV.

Both formats carry every field of a Resource (see FIELD_NAMES). In CSV, list fields
(themes, audience, suggested_themes) are joined with " ; ". An import is all or nothing:
every line is parsed and validated first, then written in one transaction; the first
bad line raises ImportFileError naming the line and the field.

An export with withdrawn resources (`withdrawn=True`) adds the columns of withdrawal.FIELDS
(date, reason, who), filled on the withdrawn resources' lines; an import reads them back, so a
withdrawn resource stays withdrawn.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import IO

from catalogue import spreadsheet, withdrawal
from catalogue.errors import ImportFileError, ValidationError
from catalogue.models import FIELD_NAMES, LIST_FIELDS, Resource, validate
from catalogue.vocabularies import Vocabularies

FORMATS = ("jsonl", "csv")
LIST_SEPARATOR = " ; "
REQUIRED = ("url", "title")
COLUMNS = FIELD_NAMES + withdrawal.FIELDS  # what an import file may name


def detect_format(name: str, first_chars: str) -> str:
    """Guess jsonl or csv from a file name, else from its first characters."""
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith(".csv"):
        return "csv"
    return "jsonl" if first_chars.lstrip().startswith("{") else "csv"


def _check_keys(keys: Iterable[str], source: str, line: int) -> None:
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ImportFileError(
            source,
            line,
            f"colonne(s) inconnue(s) {', '.join(map(repr, unknown))} ; colonnes connues : {', '.join(FIELD_NAMES)} "
            "(ou leurs noms français : titre, adresse, niveau, thèmes, type, éditeur, territoire, public, date, "
            "description, notes)",
        )


def _csv_header(raw: list[str], source: str) -> list[str]:
    """The field of each column (French names allowed); ImportFileError naming the unknown ones."""
    header = [spreadsheet.field_name(h, COLUMNS) or h.strip().lstrip(spreadsheet.BOM) for h in raw]
    _check_keys(header, source, 1)
    doubles = [h for h in dict.fromkeys(header) if header.count(h) > 1]
    if doubles:
        raise ImportFileError(source, 1, f"la colonne {doubles[0]!r} apparaît deux fois dans l'en-tête")
    return header


Record = tuple[int, Resource, dict | None]  # line, resource, its withdrawal (None when listed)


def _to_record(data: dict, vocabularies: Vocabularies, source: str, line: int) -> Record:
    for name in REQUIRED:
        if not str(data.get(name) or "").strip():
            raise ImportFileError(source, line, "est obligatoire et vide", field=name)
    try:
        withdrawn = withdrawal.from_record(data)
        return line, validate(Resource.from_dict(data), vocabularies), withdrawn
    except ValidationError as exc:
        raise ImportFileError(source, line, exc.message, field=exc.field) from exc


def read_jsonl(stream: IO[str], vocabularies: Vocabularies, source: str = "<stdin>") -> Iterator[Record]:
    """Parse JSON Lines into validated resources, with their line numbers; blank lines are skipped."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ImportFileError(source, number, f"JSON invalide : {exc.msg}, colonne {exc.colno}") from exc
        except RecursionError as exc:  # "[[[[…" nested thousands deep
            raise ImportFileError(source, number, "JSON imbriqué trop profondément") from exc
        if not isinstance(data, dict):
            raise ImportFileError(source, number, "chaque ligne doit être un objet JSON")
        _check_keys(data, source, number)
        yield _to_record(data, vocabularies, source, number)


def read_csv(stream: IO[str], vocabularies: Vocabularies, source: str = "<stdin>") -> Iterator[Record]:
    """Parse CSV (a header line of field names, or their French names) into validated resources, with the
    line each record starts on. The separator (, ; or tab) is the header's; an unclosed quote or a line
    with more or fewer cells than the header is refused with its line number."""
    csv.field_size_limit(1 << 30)
    text = stream.read()
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=spreadsheet.separator(first_line), strict=True)
    rows = _rows(reader, source)
    try:
        _, raw_header = next(rows)
    except StopIteration:
        return
    header = _csv_header(raw_header, source)
    if "url" not in header or "title" not in header:
        raise ImportFileError(
            source, 1, "l'en-tête doit nommer au moins les colonnes url (ou adresse) et title (ou titre)"
        )
    for start, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportFileError(source, start, f"a {len(row)} colonnes, l'en-tête en a {len(header)}")
        data = dict(zip(header, row, strict=True))
        for name in LIST_FIELDS:
            if name in data:
                data[name] = spreadsheet.split_list(data[name], name)
        for name in ("type", "level"):
            if name in data and not data[name].strip():
                data[name] = None
        yield _to_record(data, vocabularies, source, start)


def _rows(reader, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells); a malformed record (an unclosed quote) is refused with its line."""
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(
                source, start, f"CSV mal formé ({exc}) : un guillemet ouvert n'est peut-être jamais fermé"
            ) from exc
        previous_end = reader.line_num
        yield start, row


def read_resources(stream: IO[str], fmt: str, vocabularies: Vocabularies, source: str) -> list[Resource]:
    """Read and validate a whole file; raise ImportFileError on the first bad line (nothing is returned then)."""
    return read_import(stream, fmt, vocabularies, source)[0]


def read_import(
    stream: IO[str], fmt: str, vocabularies: Vocabularies, source: str
) -> tuple[list[Resource], dict[str, dict]]:
    """Read and validate a whole file: its resources, and the withdrawals its lines state (by resource id);
    raise ImportFileError on the first bad line (nothing is returned then)."""
    reader = read_jsonl if fmt == "jsonl" else read_csv
    seen: dict[str, int] = {}
    resources = []
    withdrawals = {}
    for line, resource, withdrawn in reader(stream, vocabularies, source):
        if resource.id in seen:
            raise ImportFileError(
                source,
                line,
                f"même ressource qu'à la ligne {seen[resource.id]} ({resource.url})",
                field="url",
            )
        seen[resource.id] = line
        resources.append(resource)
        if withdrawn is not None:
            withdrawals[resource.id] = withdrawn
    return resources, withdrawals


def import_resources(store, stream: IO[str], fmt: str, source: str) -> tuple[int, int, list[str]]:
    """Import a file into the store, all or nothing; upsert by URL. Returns (created, updated, changed ids).

    A line that says nothing new about its resource is left alone: re-importing unchanged
    data reports 0 updates and touches no date.
    """
    resources = read_resources(stream, fmt, store.vocabularies, source)
    changed = []
    for resource in resources:
        existing = store.find_by_url(resource.url)
        if existing is not None:
            if same_content(existing, resource):
                continue
            resource.added_at = resource.added_at or existing.added_at
        changed.append(resource)
    created, updated = store.upsert_many(changed)
    return created, updated, [r.id for r in changed]


# What the store computes or stamps: an import line that differs only there changes nothing.
COMPUTED = ("id", "added_at", "updated_at", "suggested_themes")


def same_content(existing: Resource, incoming: Resource) -> bool:
    """True when an import line says nothing that the stored resource does not already say."""
    return all(getattr(existing, n) == getattr(incoming, n) for n in FIELD_NAMES if n not in COMPUTED)


def write_jsonl(
    resources: Iterable[Resource],
    out: IO[str],
    fields: tuple[str, ...] = FIELD_NAMES,
    withdrawals: dict[str, dict] | None = None,
) -> int:
    """Write resources as JSON Lines (these fields, default every one, stable key order). Returns the count.

    Public downloads pass models.PUBLIC_FIELDS; `catalogue export` (the backup) keeps every field.
    A resource in `withdrawals` gets the withdrawal.FIELDS keys after its fields.
    """
    count = 0
    for resource in resources:
        data = {name: getattr(resource, name) for name in fields}
        data.update((withdrawals or {}).get(resource.id, {}))
        out.write(json.dumps(data, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """A CSV cell that a spreadsheet shows as text: a leading ' before what would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(
    resources: Iterable[Resource],
    out: IO[str],
    *,
    spreadsheet: bool = False,
    fields: tuple[str, ...] = FIELD_NAMES,
    withdrawals: dict[str, dict] | None = None,
) -> int:
    """Write resources as CSV with a header of these fields (default every one). Returns the count.

    spreadsheet=True (downloads meant for people): cells that would start a formula get a
    leading ' (see spreadsheet_cell). Left off for `catalogue export`, whose files are read
    back by `catalogue import` exactly as written. With `withdrawals` (by resource id), the
    withdrawal.FIELDS columns follow, empty for a listed resource.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields + (withdrawal.FIELDS if withdrawals is not None else ()))
    count = 0
    for resource in resources:
        row = []
        for name in fields:
            value = getattr(resource, name)
            if name in LIST_FIELDS:
                value = LIST_SEPARATOR.join(value)
            value = "" if value is None else value
            row.append(spreadsheet_cell(value) if spreadsheet else value)
        if withdrawals is not None:
            withdrawn = withdrawals.get(resource.id, {})
            row.extend(withdrawn.get(name, "") for name in withdrawal.FIELDS)
        writer.writerow(row)
        count += 1
    return count


def export_resources(store, out: IO[str], fmt: str = "jsonl", *, withdrawn: bool = False) -> int:
    """Export every resource of the store, ordered by id (so two exports of equal catalogues are equal);
    with `withdrawn`, the withdrawn ones too, marked with their withdrawal (date, reason, who)."""
    resources = list(store.iter_resources())
    withdrawals = None
    if withdrawn:
        withdrawals = withdrawal.all_withdrawn(store)
        resources.extend(store.iter_resources(sorted(withdrawals)))
    resources.sort(key=lambda r: r.id)
    if fmt == "jsonl":
        return write_jsonl(resources, out, withdrawals=withdrawals)
    return write_csv(resources, out, withdrawals=withdrawals)


def export_string(store, fmt: str = "jsonl") -> str:
    """The export as a string."""
    buffer = io.StringIO()
    export_resources(store, buffer, fmt)
    return buffer.getvalue()
