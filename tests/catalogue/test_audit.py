"""The audit log: entries written in the caller's transaction, read newest first, filtered."""

import pytest

from catalogue import audit


def test_record_and_read_back_newest_first(store):
    audit.record(
        store,
        "alice",
        "resource.edit",
        "r1",
        before={"title": "A"},
        after={"title": "B"},
        at="2026-01-01T10:00:00+00:00",
    )
    audit.record(
        store, "bob", "page.import", None, detail="https://exemple.fr/", at="2026-01-02T10:00:00+00:00"
    )
    entries = audit.entries(store)
    assert [
        ("bob", "page.import", None, None, None, "https://exemple.fr/"),
        ("alice", "resource.edit", "r1", {"title": "A"}, {"title": "B"}, ""),
    ] == [(e.actor, e.action, e.resource_id, e.before, e.after, e.detail) for e in entries]
    assert [("title", "A", "B")] == entries[1].changed_fields()


def test_filter_by_resource_and_actor_with_counts(store):
    for i, (actor, rid) in enumerate([("alice", "r1"), ("bob", "r1"), ("alice", "r2")]):
        audit.record(store, actor, "resource.edit", rid, at=f"2026-01-0{i + 1}T00:00:00+00:00")
    assert (2, 2, 1) == (
        audit.count(store, resource_id="r1"),
        audit.count(store, actor="alice"),
        audit.count(store, resource_id="r1", actor="alice"),
    )
    assert ["r2", "r1"] == [e.resource_id for e in audit.entries(store, actor="alice")]
    assert ["r1"] == [e.resource_id for e in audit.entries(store, actor="alice", limit=1, offset=1)]


def test_an_entry_rolls_back_with_the_change_it_describes(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            audit.record(store, "alice", "resource.edit", "r1")
            raise RuntimeError("the change failed")
    assert audit.count(store) == 0


def test_diff_keeps_only_changed_fields():
    before = {"title": "A", "themes": ["evaluation"], "level": None}
    after = {"title": "A", "themes": ["evaluation", "gouvernance"], "level": "local"}
    assert (
        {"themes": ["evaluation"], "level": None},
        {"themes": ["evaluation", "gouvernance"], "level": "local"},
    ) == audit.diff(before, after)
