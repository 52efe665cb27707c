"""Link health in the store: check runs, every check, each resource's state (ok / à vérifier / cassé).

The link checker writes through `start_run` and `record_run`; the site and the index read
through `state_of`, `history`, `summary_by_verdict`, `nightly_counts`, `failing`, `moved`
and `status_map`; `apply_moved` accepts a moved link's new address.
"""

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from catalogue.errors import CatalogueError, NotFound
from catalogue.frenchdates import french_date
from catalogue.linkchecks import CHECK_COLUMNS, STATE_COLUMNS, Check, LinkState, ListedLink
from catalogue.links import FAILING, NEUTRAL, LinkStatus, Verdict
from catalogue.models import now_iso
from catalogue.store import connection_of
from catalogue.urls import canonical_url, resource_id


class MoveError(CatalogueError):
    """A moved link's new address cannot be accepted (no proposal, or another resource has it)."""


def next_state(prev: LinkState | None, check: Check, night: str, confirm_nights: int) -> LinkState:
    """The link state after one check (pure): counts failing nights, confirms 'casse', resets on success."""
    failures = prev.consecutive_failures if prev else 0
    failure_night = prev.last_failure_night if prev else None
    first_failure = prev.first_failure_at if prev else None
    last_success = prev.last_success_at if prev else None
    content_type, content_length = (prev.content_type, prev.content_length) if prev else ("", None)
    moved_to = None
    error = check.error
    if check.verdict in FAILING:
        if failure_night != night:
            failures, failure_night = failures + 1, night
        first_failure = first_failure or check.checked_at
        status = LinkStatus.BROKEN if failures >= confirm_nights else LinkStatus.TO_CHECK
    elif check.verdict in NEUTRAL or check.suspect:
        status = LinkStatus.TO_CHECK
    else:  # ok, moved
        first_failure, failures, failure_night = None, 0, None
        last_success = check.checked_at
        status = LinkStatus.OK
        if check.content_type:
            content_type, content_length = check.content_type, check.content_length
        if check.verdict == Verdict.MOVED:
            moved_to = check.moved_to
    changed = prev is None or prev.status != status
    return LinkState(
        resource_id=check.resource_id,
        url=check.url,
        verdict=check.verdict,
        status=status,
        checked_at=check.checked_at,
        http_status=check.http_status,
        error=error,
        first_failure_at=first_failure,
        consecutive_failures=failures,
        last_failure_night=failure_night,
        last_success_at=last_success,
        content_type=content_type,
        content_length=content_length,
        moved_to=moved_to,
        status_changed_at=check.checked_at if changed else prev.status_changed_at,
    )


# The key of a run's summary that holds its links by status (the others are verdicts).
STATUS_COUNTS = "statuses"


def _night(started_at: str) -> str:
    return started_at[:10]


def start_run(store, started_at: str | None = None) -> int:
    """Record the start of a check run; returns its id."""
    started_at = started_at or now_iso()
    with store.transaction():
        cur = connection_of(store).execute(
            "INSERT INTO check_runs(started_at, night) VALUES (?, ?)", (started_at, _night(started_at))
        )
    return cur.lastrowid


def previous_states(store, ids: Iterable[str] | None = None) -> dict[str, LinkState]:
    """The current link state of these resources (or all), by id."""
    rows = connection_of(store).execute("SELECT * FROM link_state").fetchall()
    wanted = None if ids is None else set(ids)
    return {
        r["resource_id"]: LinkState.from_row(r) for r in rows if wanted is None or r["resource_id"] in wanted
    }


def record_run(
    store,
    run_id: int,
    results: list[Check],
    *,
    outage: bool,
    confirm_nights: int,
    finished_at: str | None = None,
    reason: str = "",
) -> list[tuple[LinkState | None, LinkState | None]]:
    """Store a run's checks and, unless it was an outage, the new link states; one transaction.

    Each result is a resource's final Check, whose `requests` are stored (or itself, without any).
    Returns, per result, its (before, after) states: the same state twice after an outage.
    """
    db = connection_of(store)
    finished_at = finished_at or now_iso()
    run = db.execute("SELECT * FROM check_runs WHERE id = ?", (run_id,)).fetchone()
    night = run["night"]
    summary: dict = {}
    statuses: dict[str, int] = {}  # what people were told after the run, for the chart of the nights
    changes = []
    with store.transaction():
        before_all = previous_states(store, [r.resource_id for r in results])
        for result in results:
            summary[result.verdict] = summary.get(result.verdict, 0) + 1
            for check in result.requests or (result,):
                db.execute(
                    f"INSERT INTO link_checks(run_id, {', '.join(CHECK_COLUMNS)}) "
                    f"VALUES (:run_id, {', '.join(':' + n for n in CHECK_COLUMNS)})",
                    {"run_id": run_id, **check.stored()},
                )
            before = before_all.get(result.resource_id)
            if outage:
                changes.append((before, before))
                continue
            after = next_state(before, result, night, confirm_nights)
            db.execute(
                f"INSERT OR REPLACE INTO link_state({', '.join(STATE_COLUMNS)}) "
                f"VALUES ({', '.join(':' + n for n in STATE_COLUMNS)})",
                after.stored(),
            )
            changes.append((before, after))
            statuses[after.status] = statuses.get(after.status, 0) + 1
        if statuses:
            summary[STATUS_COUNTS] = statuses
        db.execute(
            "UPDATE check_runs SET finished_at = ?, status = ?, total = ?, summary = ?, reason = ? WHERE id = ?",
            (finished_at, "outage" if outage else "done", len(results), json.dumps(summary), reason, run_id),
        )
    return changes


def fail_run(store, run_id: int, reason: str, finished_at: str | None = None) -> None:
    """Record that a run stopped before its end (reason in French words); no link state changed."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE check_runs SET finished_at = ?, status = 'failed', reason = ? WHERE id = ?",
            (finished_at or now_iso(), reason, run_id),
        )


# What a night that changed nothing says on the staff pages, by run status.
LOST_NIGHT_WORDS = {"outage": "réseau indisponible", "failed": "vérification interrompue"}


def lost_night_sentence(night: str, status: str) -> str:
    """« nuit du 5 décembre : réseau indisponible, aucun état modifié »."""
    day = french_date(night).rsplit(" ", 1)[0]
    return f"nuit du {day} : {LOST_NIGHT_WORDS.get(status, status)}, aucun état modifié"


def lost_nights(store, nights: int = 60, today: str | None = None) -> list[dict]:
    """The nights, newest first, whose last run changed nothing (outage or failure): {night, status, reason, text}."""
    today_d = date.fromisoformat(today[:10]) if today else datetime.now(UTC).date()
    first = (today_d - timedelta(days=nights - 1)).isoformat()
    rows = (
        connection_of(store)
        .execute(
            "SELECT night, status, reason FROM check_runs WHERE night >= ? AND finished_at IS NOT NULL "
            "ORDER BY night, id",
            (first,),
        )
        .fetchall()
    )
    last = {row["night"]: row for row in rows}  # the last finished run of a night decides
    return [
        {
            "night": night,
            "status": row["status"],
            "reason": row["reason"],
            "text": lost_night_sentence(night, row["status"]),
        }
        for night, row in sorted(last.items(), reverse=True)
        if row["status"] in LOST_NIGHT_WORDS
    ]


def state_of(store, rid: str) -> LinkState | None:
    """A resource's link state, or None if never checked."""
    row = connection_of(store).execute("SELECT * FROM link_state WHERE resource_id = ?", (rid,)).fetchone()
    return LinkState.from_row(row) if row else None


def history(store, rid: str, limit: int = 20) -> list[Check]:
    """A resource's last checks, newest first."""
    rows = (
        connection_of(store)
        .execute(
            "SELECT * FROM link_checks WHERE resource_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?",
            (rid, limit),
        )
        .fetchall()
    )
    return [Check.from_row(row) for row in rows]


def summary_by_verdict(store) -> dict[str, int]:
    """How many resources have each current verdict."""
    rows = connection_of(store).execute(
        "SELECT verdict, count(*) FROM link_state GROUP BY verdict ORDER BY count(*) DESC"
    )
    return {verdict: count for verdict, count in rows}


def status_map(store, ids: Iterable[str] | None = None) -> dict[str, str]:
    """The user-facing status ('ok', 'a-verifier', 'casse') of checked resources, by id."""
    db = connection_of(store)
    if ids is None:
        return dict(db.execute("SELECT resource_id, status FROM link_state").fetchall())
    # Only these resources' rows (an index build asks 500 at a time: reading the whole table for
    # each batch grew with the square of the catalogue).
    wanted = list(dict.fromkeys(ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT resource_id, status FROM link_state WHERE resource_id IN ({marks})"
        found.update(db.execute(query, chunk).fetchall())
    return found


def nightly_counts(store, nights: int = 60, today: str | None = None) -> list[dict]:
    """For each of the last nights (oldest first): {"night", "counts": {verdict: n}} of its last finished run."""
    today_d = date.fromisoformat(today[:10]) if today else datetime.now(UTC).date()
    first = (today_d - timedelta(days=nights - 1)).isoformat()
    rows = (
        connection_of(store)
        .execute(
            "SELECT night, summary FROM check_runs WHERE night >= ? AND status = 'done' ORDER BY night, id",
            (first,),
        )
        .fetchall()
    )
    by_night = {night: json.loads(summary) for night, summary in rows}  # the last run of a night wins
    out = []
    for offset in range(nights):
        night = (today_d - timedelta(days=nights - 1 - offset)).isoformat()
        out.append({"night": night, "counts": by_night.get(night, {})})
    return out


def _listing(store, where: str) -> list[ListedLink]:
    rows = (
        connection_of(store)
        .execute(
            "SELECT s.*, r.title, r.publisher FROM link_state s JOIN resources r ON r.id = s.resource_id "
            f"WHERE {where} ORDER BY s.status DESC, s.consecutive_failures DESC, r.title COLLATE FRANCAIS"
        )
        .fetchall()
    )
    return [ListedLink(LinkState.from_row(r), r["title"], r["publisher"]) for r in rows]


def failing(store) -> list[ListedLink]:
    """Resources whose link is not ok (cassé first), with their title and publisher."""
    return _listing(store, "s.status != 'ok'")


def moved(store) -> list[ListedLink]:
    """Resources whose link moved permanently, with the proposed address (`state.moved_to`)."""
    return _listing(store, "s.moved_to IS NOT NULL AND s.verdict = 'moved'")


def accept_document(store, rid: str, *, now: str | None = None) -> dict:
    """Take a suspect link's document as it is now (its new type and size become the reference).

    Returns {"before": {content_type, content_length}, "after": {...}}; MoveError if the link
    is not suspect. The caller records the audit entry.
    """
    db = connection_of(store)
    now = now or now_iso()
    with store.transaction():
        state = db.execute("SELECT * FROM link_state WHERE resource_id = ?", (rid,)).fetchone()
        if state is None:
            raise NotFound(rid)
        if not LinkState.from_row(state).suspect:
            raise MoveError(f"le lien de la ressource {rid!r} n'attend aucun document à accepter")
        last = db.execute(
            "SELECT content_type, content_length FROM link_checks WHERE resource_id = ? AND verdict = 'ok' "
            "ORDER BY checked_at DESC, id DESC LIMIT 1",
            (rid,),
        ).fetchone()
        after = {"content_type": last["content_type"], "content_length": last["content_length"]}
        db.execute(
            "UPDATE link_state SET content_type = ?, content_length = ?, status = 'ok', error = '', "
            "last_success_at = ?, status_changed_at = ? WHERE resource_id = ?",
            (after["content_type"], after["content_length"], now, now, rid),
        )
    before = {"content_type": state["content_type"], "content_length": state["content_length"]}
    return {"before": before, "after": after}


def last_run(store) -> dict | None:
    """The last finished check run, or None."""
    row = (
        connection_of(store)
        .execute("SELECT * FROM check_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1")
        .fetchone()
    )
    return dict(row) if row else None


def _referencing_columns(conn) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to resources(id), so a change of id moves them all."""
    found = []
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
            if fk["table"] == "resources" and (fk["to"] in (None, "id")):
                found.append((table, fk["from"]))
    return found


def apply_moved(store, rid: str, actor: str = "", *, now: str | None = None) -> dict:
    """Accept a moved link's new address in one transaction: the resource takes the new URL (hence a new
    id), everything that hangs off it follows, and the old address stays as an alias.

    Returns {"id", "old_id", "url", "old_url", "actor"}. The caller records the audit entry.
    """
    db = connection_of(store)
    now = now or now_iso()
    with store.transaction():
        row = db.execute("SELECT * FROM resources WHERE id = ?", (rid,)).fetchone()
        if row is None:
            raise NotFound(rid)
        state = db.execute("SELECT * FROM link_state WHERE resource_id = ?", (rid,)).fetchone()
        if state is None or not state["moved_to"]:
            raise MoveError(f"la ressource {rid!r} n'a aucune nouvelle adresse proposée")
        new_url = state["moved_to"]
        new_id = resource_id(new_url)
        if new_id == rid:
            db.execute("UPDATE resources SET url = ?, updated_at = ? WHERE id = ?", (new_url, now, rid))
            db.execute(
                "UPDATE link_state SET url = ?, moved_to = NULL, verdict = 'ok' WHERE resource_id = ?",
                (new_url, rid),
            )
            return {"id": rid, "old_id": rid, "url": new_url, "old_url": row["url"], "actor": actor}
        if db.execute("SELECT 1 FROM resources WHERE id = ?", (new_id,)).fetchone():
            raise MoveError(
                f"ressource {rid!r} : la nouvelle adresse {new_url} est déjà la ressource {new_id!r}"
            )
        data = dict(row)
        data.update(id=new_id, url=new_url, updated_at=now)
        columns = list(data)
        db.execute(
            f"INSERT INTO resources({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
            data,
        )
        for table, column in _referencing_columns(db):
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new_id, rid))
        db.execute(
            "INSERT OR REPLACE INTO aliases(url, resource_id, added_at, reason) VALUES (?, ?, ?, ?)",
            (
                canonical_url(row["url"]),
                new_id,
                now,
                f"adresse déplacée, acceptée par {actor or 'la vérification des liens'}",
            ),
        )
        db.execute("DELETE FROM aliases WHERE url = ?", (canonical_url(new_url),))
        db.execute("DELETE FROM resources WHERE id = ?", (rid,))
        db.execute(
            "UPDATE link_state SET url = ?, moved_to = NULL, verdict = 'ok' WHERE resource_id = ?",
            (new_url, new_id),
        )
    return {"id": new_id, "old_id": rid, "url": new_url, "old_url": row["url"], "actor": actor}
