"""What the crawler stores per resource: fetch state, extracted metadata and text, episodes, crawl runs.

Kept in their own tables (migration 0002), never in the curated `resources` row. Every
function takes an open Store; writers run inside `store.transaction()` so a caller can
group one resource's writes into a single commit.
"""

import json
import math
from datetime import UTC, datetime, timedelta

from catalogue.models import http_link, now_iso
from catalogue.store import connection_of

FETCH_FIELDS = (
    "outcome",
    "http_status",
    "final_url",
    "content_type",
    "size",
    "content_hash",
    "etag",
    "last_modified",
    "fetched_at",
    "last_ok_at",
    "error",
    "redirects",
)
EXTRACTION_FIELDS = (
    "kind",
    "title",
    "description",
    "language",
    "date",
    "author",
    "page_count",
    "duration",
    "metadata",
    "text",
    "content_hash",
    "extracted_at",
)
EPISODE_FIELDS = ("title", "date", "description", "duration", "enclosure_url", "enclosure_type")


# -- fetch state ---------------------------------------------------------------


def get_fetch_state(store, rid: str) -> dict | None:
    """The last fetch of a resource as a dict (redirects decoded), or None if never fetched."""
    row = connection_of(store).execute("SELECT * FROM fetch_state WHERE resource_id = ?", (rid,)).fetchone()
    if row is None:
        return None
    data = dict(row)
    data["redirects"] = json.loads(data["redirects"] or "[]")
    return data


def record_fetch(store, rid: str, **state) -> None:
    """Replace the fetch state of a resource; unknown keys are refused, missing ones get defaults."""
    unknown = set(state) - set(FETCH_FIELDS)
    if unknown:
        raise KeyError(f"unknown fetch state fields: {', '.join(sorted(unknown))}")
    row = {name: state.get(name) for name in FETCH_FIELDS}
    for name in ("final_url", "content_type", "content_hash", "etag", "last_modified", "error"):
        row[name] = row[name] or ""
    row["fetched_at"] = row["fetched_at"] or now_iso()
    row["redirects"] = json.dumps(list(row["redirects"] or []), ensure_ascii=False)
    row["resource_id"] = rid
    names = ("resource_id",) + FETCH_FIELDS
    with store.transaction():
        connection_of(store).execute(
            f"INSERT OR REPLACE INTO fetch_state ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
            row,
        )


def stale_ids(store, days: float, now: datetime | None = None) -> list[str]:
    """Ids of the resources never fetched, or last fetched more than `days` days ago."""
    now = now or datetime.now(UTC)
    # With infinite days, only the resources never fetched (nothing sorts before "").
    cutoff = "" if math.isinf(days) else (now - timedelta(days=days)).replace(microsecond=0).isoformat()
    rows = connection_of(store).execute(
        "SELECT r.id FROM resources r LEFT JOIN fetch_state f ON f.resource_id = r.id "
        "WHERE f.fetched_at IS NULL OR f.fetched_at < ? ORDER BY r.added_at, r.id",
        (cutoff,),
    )
    return [r[0] for r in rows]


# -- extractions and episodes --------------------------------------------------


def get_extraction(store, rid: str) -> dict | None:
    """The extracted metadata and text of a resource (metadata decoded), or None."""
    row = connection_of(store).execute("SELECT * FROM extractions WHERE resource_id = ?", (rid,)).fetchone()
    if row is None:
        return None
    data = dict(row)
    data["metadata"] = json.loads(data["metadata"] or "{}")
    return data


def get_episodes(store, rid: str) -> list[dict]:
    """The episodes of a podcast resource, in feed order."""
    rows = connection_of(store).execute(
        f"SELECT {', '.join(EPISODE_FIELDS)} FROM episodes WHERE resource_id = ? ORDER BY position", (rid,)
    )
    return [dict(r) for r in rows]


def latest_enclosures(store) -> dict[str, str]:
    """The audio file of each podcast resource's latest episode: {resource id: enclosure URL}."""
    rows = connection_of(store).execute(
        "SELECT resource_id, enclosure_url FROM episodes WHERE enclosure_url != '' ORDER BY date, position"
    )
    return {rid: url for rid, url in rows}  # ordered by date: the latest wins


def save_extraction(store, rid: str, extraction: dict, episodes: list[dict] | None = None) -> None:
    """Replace what was extracted from a resource, and its episodes."""
    db = connection_of(store)
    row = {name: extraction.get(name) for name in EXTRACTION_FIELDS}
    if not row["kind"]:
        raise ValueError("an extraction needs a kind")
    for name in ("title", "description", "language", "date", "author", "text", "content_hash"):
        row[name] = row[name] or ""
    row["metadata"] = json.dumps(row["metadata"] or {}, ensure_ascii=False, default=str)
    row["extracted_at"] = row["extracted_at"] or now_iso()
    row["resource_id"] = rid
    names = ("resource_id",) + EXTRACTION_FIELDS
    with store.transaction():
        db.execute(
            f"INSERT OR REPLACE INTO extractions ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
            row,
        )
        db.execute("DELETE FROM episodes WHERE resource_id = ?", (rid,))
        for position, episode in enumerate(episodes or []):
            values = {name: episode.get(name) for name in EPISODE_FIELDS}
            for name in ("title", "date", "description", "enclosure_url", "enclosure_type"):
                values[name] = values[name] or ""
            values["enclosure_url"] = http_link(values["enclosure_url"])  # never javascript: or data:
            db.execute(
                "INSERT INTO episodes (resource_id, position, title, date, description, duration, "
                "enclosure_url, enclosure_type) VALUES (:rid, :pos, :title, :date, :description, "
                ":duration, :enclosure_url, :enclosure_type)",
                {"rid": rid, "pos": position, **values},
            )


def delete_extraction(store, rid: str) -> None:
    """Forget what was extracted from a resource (and its episodes)."""
    db = connection_of(store)
    with store.transaction():
        db.execute("DELETE FROM extractions WHERE resource_id = ?", (rid,))
        db.execute("DELETE FROM episodes WHERE resource_id = ?", (rid,))


# -- crawl runs and their queue ------------------------------------------------


def unfinished_run(store) -> tuple[int, dict] | None:
    """The latest crawl run that did not finish, as (run id, selection), or None."""
    row = (
        connection_of(store)
        .execute("SELECT id, selection FROM crawl_runs WHERE status != 'done' ORDER BY id DESC LIMIT 1")
        .fetchone()
    )
    return (row["id"], json.loads(row["selection"])) if row else None


def open_run(store, selection: dict, ids: list[str]) -> tuple[int, bool]:
    """Resume the unfinished run with this selection, or start one over these ids. Returns (run id, resumed)."""
    db = connection_of(store)
    found = unfinished_run(store)
    if found and found[1] == selection:
        return found[0], True
    with store.transaction():
        cur = db.execute(
            "INSERT INTO crawl_runs (selection, started_at) VALUES (?, ?)",
            (json.dumps(selection, sort_keys=True), now_iso()),
        )
        run_id = cur.lastrowid
        db.executemany(
            "INSERT OR IGNORE INTO crawl_queue (run_id, resource_id) VALUES (?, ?)",
            [(run_id, rid) for rid in ids],
        )
    return run_id, False


def run_pending(store, run_id: int) -> list[str]:
    """The resources of a run not yet done, in queue order."""
    rows = connection_of(store).execute(
        "SELECT resource_id FROM crawl_queue WHERE run_id = ? AND done = 0 ORDER BY rowid", (run_id,)
    )
    return [r[0] for r in rows]


def run_size(store, run_id: int) -> int:
    """How many resources a run covers."""
    return (
        connection_of(store)
        .execute("SELECT count(*) FROM crawl_queue WHERE run_id = ?", (run_id,))
        .fetchone()[0]
    )


def mark_done(store, run_id: int, rid: str, outcome: str, changed: bool) -> None:
    """Record that a resource of a run is done, with its outcome."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE crawl_queue SET done = 1, outcome = ?, changed = ? WHERE run_id = ? AND resource_id = ?",
            (outcome, int(changed), run_id, rid),
        )


def finish_run(store, run_id: int) -> None:
    """Mark a run as done."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE crawl_runs SET status = 'done', finished_at = ? WHERE id = ?", (now_iso(), run_id)
        )


def run_outcomes(store, run_id: int) -> dict[str, int]:
    """How many resources of a run ended with each outcome (done ones only)."""
    rows = connection_of(store).execute(
        "SELECT outcome, count(*) FROM crawl_queue WHERE run_id = ? AND done = 1 GROUP BY outcome ORDER BY outcome",
        (run_id,),
    )
    return {r[0]: r[1] for r in rows}


def run_results(store, run_id: int) -> list[dict]:
    """Every done resource of a run: id, address, outcome, HTTP status and error in words (in run order)."""
    rows = connection_of(store).execute(
        "SELECT q.resource_id, r.url, q.outcome, f.http_status, COALESCE(f.error, '') FROM crawl_queue q "
        "JOIN resources r ON r.id = q.resource_id LEFT JOIN fetch_state f ON f.resource_id = q.resource_id "
        "WHERE q.run_id = ? AND q.done = 1 ORDER BY q.rowid",
        (run_id,),
    )
    keys = ("resource_id", "url", "outcome", "http_status", "error")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def run_changed_ids(store, run_id: int) -> list[str]:
    """The resources of a run whose indexable content changed (to reindex)."""
    rows = connection_of(store).execute(
        "SELECT resource_id FROM crawl_queue WHERE run_id = ? AND changed = 1 ORDER BY rowid", (run_id,)
    )
    return [r[0] for r in rows]


def text_bytes(store) -> int:
    """How many bytes of extracted text the store holds (UTF-8), over every resource."""
    row = connection_of(store).execute("SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM extractions")
    return row.fetchone()[0]
