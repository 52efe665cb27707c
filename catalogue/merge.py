"""Merge two resources catalogued twice: one is kept, the other's address becomes its alternate address.

The kept resource's fields win (a person's work is never overwritten); the other fills the
fields it leaves empty, and lists (themes, audience) are joined. The other resource's page
answers 301 to the kept one (`resource_redirects`), its address finds the kept one
(`aliases`), its proposals and alternate addresses follow. The caller audits and announces.
"""

from catalogue import proposals
from catalogue.errors import CatalogueError
from catalogue.models import now_iso
from catalogue.store import connection_of
from catalogue.urls import canonical_url

FILLED = ("title", "description", "type", "level", "territory", "publisher", "date", "source_url", "notes")
JOINED = ("themes", "audience")


class MergeError(CatalogueError):
    """Two resources cannot be merged; the message says why, in French."""


def merged_values(keep, drop) -> dict:
    """The fields of the kept resource that change: empty ones filled, lists joined."""
    changes = {}
    for name in FILLED:
        if not getattr(keep, name) and getattr(drop, name):
            changes[name] = getattr(drop, name)
    for name in JOINED:
        joined = list(dict.fromkeys([*getattr(keep, name), *getattr(drop, name)]))
        if joined != getattr(keep, name):
            changes[name] = joined
    return changes


def merge_resources(store, keep_id: str, drop_id: str) -> tuple[dict, dict]:
    """Merge resource drop_id into keep_id (in the caller's transaction); returns (drop's fields, keep's changes)."""
    if keep_id == drop_id:
        raise MergeError("une ressource ne peut pas être fusionnée avec elle-même")
    keep, drop = store.get(keep_id), store.get(drop_id)
    changes = merged_values(keep, drop)
    now = now_iso()
    with store.transaction():
        conn = connection_of(store)
        conn.execute("UPDATE alternate_urls SET resource_id = ? WHERE resource_id = ?", (keep_id, drop_id))
        conn.execute("UPDATE proposals SET resource_id = ? WHERE resource_id = ?", (keep_id, drop_id))
        conn.execute("UPDATE resource_redirects SET new_id = ? WHERE new_id = ?", (keep_id, drop_id))
        conn.execute("UPDATE aliases SET resource_id = ? WHERE resource_id = ?", (keep_id, drop_id))
        store.delete(drop_id)
        proposals.add_alternate(store, drop.url, resource_id=keep_id, reason="fiche fusionnée (doublon)")
        conn.execute(
            "INSERT INTO aliases (url, resource_id, added_at, reason) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET resource_id = excluded.resource_id",
            (canonical_url(drop.url), keep_id, now, "fiche fusionnée"),
        )
        conn.execute(
            "INSERT INTO resource_redirects (old_id, new_id, merged_at) VALUES (?, ?, ?) "
            "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id",
            (drop_id, keep_id, now),
        )
        if changes:
            store.update_fields(keep_id, **changes)
    return drop.to_dict(), changes


def merged_into(store, rid: str) -> str | None:
    """The resource a merged resource's id now points to, or None."""
    row = (
        connection_of(store)
        .execute("SELECT new_id FROM resource_redirects WHERE old_id = ?", (rid,))
        .fetchone()
    )
    return row[0] if row else None
