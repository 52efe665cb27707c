"""The withdrawal storage (migration 0007): taking a resource out of the public catalogue, putting it back.

A withdrawn resource stays in the database with its history, but leaves the search, the
exports and the feeds (Store.ids, Store.present_ids and Store.iter_resources leave it out),
its page answers 410 with the reason, and the link checker skips it. Only a withdrawn resource
can be deleted: deletion is for mistakes. The actions, with their audit entries and the
announcement of the changed ids, are in catalogue/changes.py.
"""

from catalogue.errors import CatalogueError, ValidationError
from catalogue.models import check_stamp, clean_text, now_iso
from catalogue.store import connection_of

# The columns of `catalogue export --withdrawn` that mark a withdrawn resource (read back by the import).
FIELDS = ("withdrawn_at", "withdrawn_reason", "withdrawn_by")


class WithdrawalError(CatalogueError):
    """The resource is not in the state this action needs (already withdrawn, not withdrawn)."""


def find(store, ref: str):
    """The resource with this id or address (a former address too); NotFound if none."""
    resource = store.find_by_url(ref) if "://" in ref else None
    return resource or store.get(ref)


def withdraw(store, rid: str, reason: str, actor: str, *, now: str | None = None) -> dict:
    """Record the withdrawal of a listed resource (inside the caller's transaction); returns it."""
    resource = store.get(rid)
    if store.withdrawal(rid) is not None:
        raise WithdrawalError(f"« {resource.title} » ({rid}) est déjà retirée du catalogue")
    row = {"reason": reason.strip(), "withdrawn_at": now or now_iso(), "actor": actor}
    connection_of(store).execute(
        "INSERT INTO withdrawals(resource_id, reason, withdrawn_at, actor) VALUES (?, ?, ?, ?)",
        (rid, row["reason"], row["withdrawn_at"], actor),
    )
    return row


def restore(store, rid: str) -> dict:
    """Remove the withdrawal of a resource (inside the caller's transaction); returns what it was."""
    resource = store.get(rid)
    withdrawn = store.withdrawal(rid)
    if withdrawn is None:
        raise WithdrawalError(f"« {resource.title} » ({rid}) n'est pas retirée du catalogue")
    connection_of(store).execute("DELETE FROM withdrawals WHERE resource_id = ?", (rid,))
    return withdrawn


def delete(store, rid: str):
    """Delete a withdrawn resource and what hangs off it (inside the caller's transaction); returns it."""
    resource = store.get(rid)
    if store.withdrawal(rid) is None:
        raise WithdrawalError(
            f"« {resource.title} » ({rid}) est encore au catalogue : retirez-la d'abord "
            "(catalogue withdraw), la suppression sert à réparer une erreur"
        )
    store.delete(rid)
    return resource


def all_withdrawn(store) -> dict[str, dict]:
    """Every withdrawn resource's withdrawal, by resource id: {withdrawn_at, withdrawn_reason, withdrawn_by}."""
    rows = connection_of(store).execute("SELECT resource_id, reason, withdrawn_at, actor FROM withdrawals")
    return {
        row[0]: {"withdrawn_at": row[2], "withdrawn_reason": row[1], "withdrawn_by": row[3]} for row in rows
    }


def from_record(data: dict) -> dict | None:
    """Take the withdrawal columns out of an import record: the withdrawal they state (checked and cleaned),
    or None when the resource is not withdrawn. ValidationError names the faulty column."""
    values = {name: data.pop(name, None) for name in FIELDS}
    for name, value in values.items():
        if value is not None and not isinstance(value, str):
            raise ValidationError(name, "doit être un texte", value)
    if not (values["withdrawn_at"] or "").strip():
        stray = next((name for name in FIELDS if (values[name] or "").strip()), None)
        if stray:
            raise ValidationError(
                "withdrawn_at", f"est obligatoire quand {stray} est donné (date du retrait)"
            )
        return None
    return {
        "withdrawn_at": check_stamp("withdrawn_at", values["withdrawn_at"].strip()),
        "withdrawn_reason": clean_text(values["withdrawn_reason"] or "").strip(),
        "withdrawn_by": clean_text(values["withdrawn_by"] or "", one_line=True).strip(),
    }
