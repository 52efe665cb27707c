"""Import and export of resources as JSON Lines or CSV.

Both formats carry every field of a Resource (see FIELD_NAMES). In CSV, list fields
(themes, audience, suggested_themes) are joined with " ; ". An import is all or nothing:
every line is parsed and validated first, then written in one transaction; the first
bad line raises ImportFileError naming the line and the field.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import IO

from catalogue.errors import ImportFileError, ValidationError
from catalogue.models import FIELD_NAMES, LIST_FIELDS, Resource, validate
from catalogue.vocabularies import Vocabularies

FORMATS = ("jsonl", "csv")
LIST_SEPARATOR = " ; "
REQUIRED = ("url", "title")


def detect_format(name: str, first_chars: str) -> str:
    """Guess jsonl or csv from a file name, else from its first characters."""
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith(".csv"):
        return "csv"
    return "jsonl" if first_chars.lstrip().startswith("{") else "csv"


def _check_keys(keys: Iterable[str], source: str, line: int) -> None:
    unknown = [k for k in keys if k not in FIELD_NAMES]
    if unknown:
        raise ImportFileError(
            source,
            line,
            f"unknown field(s) {', '.join(map(repr, unknown))}; known fields: {', '.join(FIELD_NAMES)}",
        )


def _to_resource(data: dict, vocabularies: Vocabularies, source: str, line: int) -> Resource:
    for name in REQUIRED:
        if not str(data.get(name) or "").strip():
            raise ImportFileError(source, line, "is required and empty", field=name)
    try:
        return validate(Resource.from_dict(data), vocabularies)
    except ValidationError as exc:
        raise ImportFileError(source, line, exc.message, field=exc.field) from exc


def read_jsonl(
    stream: IO[str], vocabularies: Vocabularies, source: str = "<stdin>"
) -> Iterator[tuple[int, Resource]]:
    """Parse JSON Lines into validated resources, with their line numbers; blank lines are skipped."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ImportFileError(source, number, f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
        except RecursionError as exc:  # "[[[[…" nested thousands deep
            raise ImportFileError(source, number, "JSON imbriqué trop profondément") from exc
        if not isinstance(data, dict):
            raise ImportFileError(source, number, "each line must be a JSON object")
        _check_keys(data, source, number)
        yield number, _to_resource(data, vocabularies, source, number)


def read_csv(
    stream: IO[str], vocabularies: Vocabularies, source: str = "<stdin>"
) -> Iterator[tuple[int, Resource]]:
    """Parse CSV (header line of field names) into validated resources, with the line each record starts on."""
    csv.field_size_limit(1 << 30)
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    _check_keys(header, source, 1)
    if "url" not in header or "title" not in header:
        raise ImportFileError(source, 1, "the header must name at least the columns url and title")
    previous_end = reader.line_num
    for row in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportFileError(source, start, f"has {len(row)} columns, the header has {len(header)}")
        data = dict(zip(header, row, strict=True))
        for name in LIST_FIELDS:
            if name in data:
                data[name] = [v.strip() for v in data[name].split(";") if v.strip()]
        for name in ("type", "level"):
            if name in data and not data[name].strip():
                data[name] = None
        yield start, _to_resource(data, vocabularies, source, start)


def read_resources(stream: IO[str], fmt: str, vocabularies: Vocabularies, source: str) -> list[Resource]:
    """Read and validate a whole file; raise ImportFileError on the first bad line (nothing is returned then)."""
    reader = read_jsonl if fmt == "jsonl" else read_csv
    seen: dict[str, int] = {}
    resources = []
    for line, resource in reader(stream, vocabularies, source):
        if resource.id in seen:
            raise ImportFileError(
                source, line, f"same resource as line {seen[resource.id]} ({resource.url})", field="url"
            )
        seen[resource.id] = line
        resources.append(resource)
    return resources


def import_resources(store, stream: IO[str], fmt: str, source: str) -> tuple[int, int, list[str]]:
    """Import a file into the store, all or nothing; upsert by URL. Returns (created, updated, ids)."""
    resources = read_resources(stream, fmt, store.vocabularies, source)
    for resource in resources:
        existing = store.find_by_url(resource.url)
        if existing is not None:
            resource.added_at = resource.added_at or existing.added_at
    created, updated = store.upsert_many(resources)
    return created, updated, [r.id for r in resources]


def write_jsonl(resources: Iterable[Resource], out: IO[str], fields: tuple[str, ...] = FIELD_NAMES) -> int:
    """Write resources as JSON Lines (these fields, default every one, stable key order). Returns the count.

    Public downloads pass models.PUBLIC_FIELDS; `catalogue export` (the backup) keeps every field.
    """
    count = 0
    for resource in resources:
        data = {name: getattr(resource, name) for name in fields}
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
) -> int:
    """Write resources as CSV with a header of these fields (default every one). Returns the count.

    spreadsheet=True (downloads meant for people): cells that would start a formula get a
    leading ' (see spreadsheet_cell). Left off for `catalogue export`, whose files are read
    back by `catalogue import` exactly as written.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    count = 0
    for resource in resources:
        row = []
        for name in fields:
            value = getattr(resource, name)
            if name in LIST_FIELDS:
                value = LIST_SEPARATOR.join(value)
            value = "" if value is None else value
            row.append(spreadsheet_cell(value) if spreadsheet else value)
        writer.writerow(row)
        count += 1
    return count


def export_resources(store, out: IO[str], fmt: str = "jsonl") -> int:
    """Export every resource of the store, ordered by id (so two exports of equal catalogues are equal)."""
    resources = sorted(store.iter_resources(), key=lambda r: r.id)
    return (write_jsonl if fmt == "jsonl" else write_csv)(resources, out)


def export_string(store, fmt: str = "jsonl") -> str:
    """The export as a string."""
    buffer = io.StringIO()
    export_resources(store, buffer, fmt)
    return buffer.getvalue()
