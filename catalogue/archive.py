"""The content-addressed archive: the last good copy of each document, for when its link dies.

Files live under `settings.archive_path`, named by the SHA-256 of their bytes
(`ab/abcdef...`), so two resources with the same body share one file. The total size is
kept under `settings.archive_max_bytes` by removing the oldest copies first.
"""

import hashlib
import logging
import os
from pathlib import Path

from catalogue.store import connection_of

log = logging.getLogger(__name__)


def content_hash(body: bytes) -> str:
    """The SHA-256 of a body, in hex: its name in the archive."""
    return hashlib.sha256(body).hexdigest()


def blob_path(settings, digest: str) -> Path:
    """Where the archive keeps the file of this content hash."""
    return settings.archive_path / digest[:2] / digest


def _write_blob(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, path)  # atomic: a reader never sees half a copy


def _unreferenced(conn, digests) -> list[str]:
    return [
        d
        for d in digests
        if conn.execute("SELECT 1 FROM archive_copies WHERE content_hash = ? LIMIT 1", (d,)).fetchone()
        is None
    ]


def store_copy(
    store, settings, rid: str, body: bytes, content_type: str, url: str, fetched_at: str
) -> str | None:
    """Keep `body` as the last good copy of a resource; returns its hash, or None if not archived."""
    if not settings.archive or not body or len(body) > settings.archive_max_bytes:
        return None
    digest = content_hash(body)
    path = blob_path(settings, digest)
    if not path.exists():
        _write_blob(path, body)
    with store.transaction():
        conn = connection_of(store)
        old = conn.execute("SELECT content_hash FROM archive_copies WHERE resource_id = ?", (rid,)).fetchone()
        conn.execute(
            "INSERT INTO archive_blobs (content_hash, size, stored_at) VALUES (?, ?, ?) "
            "ON CONFLICT(content_hash) DO UPDATE SET stored_at = excluded.stored_at",
            (digest, len(body), fetched_at),
        )
        conn.execute(
            "INSERT OR REPLACE INTO archive_copies (resource_id, content_hash, content_type, url, fetched_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (rid, digest, content_type, url, fetched_at),
        )
        orphans = _unreferenced(conn, [old[0]] if old and old[0] != digest else [])
        for d in orphans:
            conn.execute("DELETE FROM archive_blobs WHERE content_hash = ?", (d,))
    _remove_files(settings, orphans)
    prune(store, settings)
    return digest


def prune(store, settings) -> int:
    """Remove the oldest copies until the archive fits its size limit; returns how many files went."""
    with store.transaction():
        conn = connection_of(store)
        total = conn.execute("SELECT coalesce(sum(size), 0) FROM archive_blobs").fetchone()[0]
        removed = []
        if total > settings.archive_max_bytes:
            for row in conn.execute("SELECT content_hash, size FROM archive_blobs ORDER BY stored_at, rowid"):
                if total <= settings.archive_max_bytes:
                    break
                removed.append(row[0])
                total -= row[1]
            for d in removed:
                conn.execute("DELETE FROM archive_blobs WHERE content_hash = ?", (d,))  # cascades to copies
    _remove_files(settings, removed)
    if removed:
        log.info("archive over its limit: removed %d oldest copies", len(removed))
    return len(removed)


def _remove_files(settings, digests) -> None:
    for d in digests:
        try:
            blob_path(settings, d).unlink()
        except FileNotFoundError:
            pass


def archived_copy(store, settings, rid: str) -> tuple[Path, str, str] | None:
    """The archived copy of a resource as (file path, content type, fetched_at), or None if there is none."""
    row = (
        connection_of(store)
        .execute(
            "SELECT content_hash, content_type, fetched_at FROM archive_copies WHERE resource_id = ?", (rid,)
        )
        .fetchone()
    )
    if row is None:
        return None
    path = blob_path(settings, row["content_hash"])
    if not path.is_file():
        log.warning("archived copy of %s is missing on disk: %s", rid, path)
        return None
    return path, row["content_type"], row["fetched_at"]


def archive_size(store) -> int:
    """The total size in bytes of the archived files."""
    return connection_of(store).execute("SELECT coalesce(sum(size), 0) FROM archive_blobs").fetchone()[0]
