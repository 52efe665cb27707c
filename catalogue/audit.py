"""The audit log: who changed what and when, with the changed fields before and after."""

import json
from dataclasses import dataclass

from catalogue.models import now_iso
from catalogue.store import connection_of


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change."""

    id: int
    at: str
    actor: str
    action: str
    resource_id: str | None
    before: dict | None
    after: dict | None
    detail: str

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field named in before or after, in a stable order."""
        before, after = self.before or {}, self.after or {}
        names = list(dict.fromkeys([*before, *after]))
        return [(n, before.get(n), after.get(n)) for n in names]


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields whose values differ, as (their values before, their values after)."""
    names = [n for n in dict.fromkeys([*before, *after]) if before.get(n) != after.get(n)]
    return {n: before.get(n) for n in names}, {n: after.get(n) for n in names}


def _dump(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def record(
    store,
    actor: str,
    action: str,
    resource_id: str | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    detail: str = "",
    at: str | None = None,
) -> int:
    """Write one audit entry (inside the caller's transaction if there is one); returns its id."""
    with store.transaction():
        cur = connection_of(store).execute(
            "INSERT INTO audit_log(at, actor, action, resource_id, before, after, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at or now_iso(), actor, action, resource_id, _dump(before), _dump(after), detail),
        )
    return cur.lastrowid


def _where(resource_id: str | None, actor: str | None) -> tuple[str, list]:
    clauses, params = [], []
    if resource_id:
        clauses.append("resource_id = ?")
        params.append(resource_id)
    if actor:
        clauses.append("actor = ?")
        params.append(actor)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def entries(
    store, *, limit: int = 50, offset: int = 0, resource_id: str | None = None, actor: str | None = None
) -> list[AuditEntry]:
    """Audit entries, newest first, optionally of one resource or one actor."""
    where, params = _where(resource_id, actor)
    rows = (
        connection_of(store)
        .execute(
            f"SELECT * FROM audit_log{where} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        .fetchall()
    )
    return [
        AuditEntry(
            r["id"],
            r["at"],
            r["actor"],
            r["action"],
            r["resource_id"],
            json.loads(r["before"]) if r["before"] else None,
            json.loads(r["after"]) if r["after"] else None,
            r["detail"],
        )
        for r in rows
    ]


def count(store, *, resource_id: str | None = None, actor: str | None = None) -> int:
    """How many audit entries match."""
    where, params = _where(resource_id, actor)
    return connection_of(store).execute(f"SELECT count(*) FROM audit_log{where}", params).fetchone()[0]
