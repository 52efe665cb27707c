"""The link statuses an index build reads: those of the resources asked for, a batch at a time."""

from catalogue import linkhealth
from catalogue.documents import iter_documents
from catalogue.models import Resource
from tests.rawdb import raw_database

STATUSES = ["ok", "a-verifier", "casse"]


def test_statuses_of_the_resources_asked_for_only_in_batches_of_any_size(store):
    store.upsert_many(Resource(url=f"https://ex.example/r/{n}", title=f"Ressource {n}") for n in range(1200))
    ids = store.ids()
    checked = {rid: STATUSES[n % 3] for n, rid in enumerate(ids) if n % 12}  # one in twelve never checked
    with raw_database(store) as db:
        db.executemany(
            "INSERT INTO link_state (resource_id, url, verdict, status, checked_at) VALUES (?, '', 'ok', ?, '2026-12-01')",
            checked.items(),
        )
    assert linkhealth.status_map(store) == checked
    asked = ids[100:900] + ids[:3] + ids[:3]  # more than one batch of 500, repeats, some never checked
    expected = {rid: checked[rid] for rid in asked if rid in checked}
    assert linkhealth.status_map(store, asked) == expected
    assert linkhealth.status_map(store, iter(asked)) == expected
    assert linkhealth.status_map(store, []) == {}
    documents = {d.id: d.link_status for d in iter_documents(store, (rid for rid in ids[:700]))}
    assert documents == {rid: checked.get(rid, "") for rid in ids[:700]}
