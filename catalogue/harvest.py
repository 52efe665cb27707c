"""What harvesters read: the resources changed in a time window, in a stable order, page by page.

A datestamp is the resource's last change (`updated_at`, else `added_at`) in UTC, to the
second, as OAI-PMH writes it (`2025-01-31T10:00:00Z`). Pages are ordered by id, the one key
that never changes: paging by "the ids after the last one seen" never skips nor repeats a
resource, even when resources are edited between two pages (an edited resource keeps its
place and shows its new datestamp; one already delivered reappears in the next incremental
harvest, which asks from the first page's date).

Sets are `theme`, `level`, `type` and their values (`theme:evaluation`, `level:regional`,
`type:guide`); a resource's curated themes count, not the suggested ones.
"""

import json
from dataclasses import dataclass

from catalogue.models import Resource
from catalogue.store import _row_to_resource, connection_of

SET_KINDS = ("theme", "level", "type")
EPOCH = "1970-01-01T00:00:00Z"
_DATESTAMP = (
    "COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', updated_at), strftime('%Y-%m-%dT%H:%M:%SZ', added_at), "
    f"'{EPOCH}')"
)
# Listed resources, and the ones that left: withdrawn (catalogue/migrations/0007) or deleted
# (0010), one list for harvesters. A restored resource is dated by its restoration (the change
# log, 0006), so harvesters who saw it deleted see it come back.
_RESTORED = "(SELECT max(c.at) FROM changes c WHERE c.resource_id = resources.id AND c.kind = 'restored')"
_SOURCE = (
    f"(SELECT id, max({_DATESTAMP}, COALESCE({_RESTORED}, '')) AS datestamp, 0 AS deleted, level, type, "
    "themes FROM resources WHERE id NOT IN (SELECT resource_id FROM withdrawals) "
    "UNION ALL SELECT r.id, strftime('%Y-%m-%dT%H:%M:%SZ', w.withdrawn_at), 1, r.level, r.type, r.themes "
    "FROM withdrawals w JOIN resources r ON r.id = w.resource_id "
    "UNION ALL SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', deleted_at), 1, level, type, themes "
    "FROM deleted_resources)"
)


@dataclass(frozen=True)
class Window:
    """Which records a harvest asks for: datestamps in [since, until] (inclusive), one set or all."""

    since: str = ""
    until: str = ""
    set_spec: str = ""


@dataclass
class Record:
    """One harvested record: the resource (None once deleted), its datestamp and its sets."""

    id: str
    datestamp: str
    resource: Resource | None
    sets: list[str]

    @property
    def deleted(self) -> bool:
        return self.resource is None


def sets_of(level: str | None, type_: str | None, themes: list[str]) -> list[str]:
    """The setSpecs a record belongs to (the most specific ones)."""
    specs = [f"theme:{t}" for t in themes]
    if level:
        specs.append(f"level:{level}")
    if type_:
        specs.append(f"type:{type_}")
    return specs


def _set_condition(set_spec: str) -> tuple[str, list]:
    if not set_spec:
        return "", []
    kind, _, value = set_spec.partition(":")
    if kind == "theme":
        if not value:
            return " AND themes <> '[]'", []
        return " AND EXISTS (SELECT 1 FROM json_each(themes) WHERE json_each.value = ?)", [value]
    column = {"level": "level", "type": "type"}[kind]
    if not value:
        return f" AND {column} IS NOT NULL", []
    return f" AND {column} = ?", [value]


def _where(window: Window, after_id: str) -> tuple[str, list]:
    sql, params = " WHERE id > ?", [after_id]
    if window.since:
        sql += " AND datestamp >= ?"
        params.append(window.since)
    if window.until:
        sql += " AND datestamp <= ?"
        params.append(window.until)
    condition, extra = _set_condition(window.set_spec)
    return sql + condition, params + extra


def _records(store, rows) -> list[Record]:
    """The records of rows of _SOURCE: live resources read whole, deleted ones as headers only."""
    live = [row["id"] for row in rows if not row["deleted"]]
    resources = {}
    for start in range(0, len(live), 500):
        part = live[start : start + 500]
        marks = ", ".join("?" * len(part))
        for row in connection_of(store).execute(f"SELECT * FROM resources WHERE id IN ({marks})", part):
            resources[row["id"]] = _row_to_resource(row)
    records = []
    for row in rows:
        resource = None if row["deleted"] else resources.get(row["id"])
        if resource is None and not row["deleted"]:
            continue  # deleted between the two reads: its tombstone comes in a later harvest
        themes = json.loads(row["themes"] or "[]")
        records.append(
            Record(row["id"], row["datestamp"], resource, sets_of(row["level"], row["type"], themes))
        )
    return records


def _source() -> str:
    return _SOURCE


def page(store, window: Window, after_id: str, limit: int) -> tuple[list[Record], bool]:
    """Up to `limit` records of the window with an id after `after_id`, and whether more follow."""
    where, params = _where(window, after_id)
    rows = (
        connection_of(store)
        .execute(f"SELECT * FROM {_source()}{where} ORDER BY id LIMIT ?", [*params, limit + 1])
        .fetchall()
    )
    return _records(store, rows[:limit]), len(rows) > limit


def count(store, window: Window) -> int:
    """How many records the window holds."""
    where, params = _where(window, "")
    return connection_of(store).execute(f"SELECT count(*) FROM {_source()}{where}", params).fetchone()[0]


def record(store, rid: str) -> Record | None:
    """The record of one resource id (a deleted one too), or None if the catalogue never had it."""
    rows = connection_of(store).execute(f"SELECT * FROM {_source()} WHERE id = ?", (rid,)).fetchall()
    found = _records(store, rows)
    return found[0] if found else None


def earliest_datestamp(store) -> str:
    """The oldest datestamp of the catalogue (the epoch when it is empty)."""
    row = connection_of(store).execute(f"SELECT min(datestamp) FROM {_source()}").fetchone()
    return row[0] or EPOCH


def datestamps(store, offset: int, limit: int) -> list[tuple[str, str]]:
    """(id, datestamp) of `limit` resources from `offset`, by id: what a sitemap lists."""
    rows = (
        connection_of(store)
        .execute(
            f"SELECT id, datestamp FROM {_source()} WHERE NOT deleted ORDER BY id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        .fetchall()
    )
    return [(row[0], row[1]) for row in rows]


def changed_ids(store, since: str) -> set[str]:
    """The ids of the resources whose datestamp is `since` or later (a UTC datestamp)."""
    rows = connection_of(store).execute(f"SELECT id FROM {_source()} WHERE datestamp >= ?", (since,))
    return {row[0] for row in rows}


def last_change(store) -> str:
    """The catalogue's last change, as a datestamp (the epoch when it is empty).

    Read from the newest stamps as stored (cheap: no conversion per row); stamps are UTC as
    the store writes them, and the site pairs this with the index's own write time.
    """
    row = (
        connection_of(store)
        .execute(
            "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', (SELECT max(updated_at) FROM resources)), "
            "strftime('%Y-%m-%dT%H:%M:%SZ', (SELECT max(added_at) FROM resources)), "
            "strftime('%Y-%m-%dT%H:%M:%SZ', (SELECT max(deleted_at) FROM deleted_resources))"
        )
        .fetchone()
    )
    return max((stamp for stamp in row if stamp), default=EPOCH)


def listed_count(store) -> int:
    """How many resources the public sees (neither withdrawn nor deleted)."""
    return connection_of(store).execute(f"SELECT count(*) FROM {_source()} WHERE NOT deleted").fetchone()[0]
