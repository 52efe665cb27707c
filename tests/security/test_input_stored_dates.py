"""Impossible dates stored before validation existed are repaired by migration 0012 (and only those rows
are handed to the index)."""

from catalogue.store import Store, connect, migrate, migrations
from tests.rawdb import raw_database


def test_migration_0012_repairs_the_impossible_dates_older_versions_stored(tmp_path):
    path = tmp_path / "catalogue.sqlite3"
    conn = connect(path)
    migrate(conn, [m for m in migrations() if m[0] < 12])
    rows = [
        ("a" * 12, "https://ex.example/a", "A", "9999", "zzzz", "9999-12-31T00:00:00+00:00"),
        ("b" * 12, "https://ex.example/b", "B", "avril 2022", "1970-01-01", "2024-01-03T00:00:00+00:00"),
        ("c" * 12, "https://ex.example/c", "C", "2022-04", "2024-01-02T03:04:05+00:00", ""),
    ]
    conn.executemany(
        "INSERT INTO resources (id, url, title, date, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", rows
    )
    before = conn.execute("SELECT max(seq) FROM changes").fetchone()[0]
    conn.close()
    with Store(path) as store, raw_database(store) as db:
        a, b, c = (store.get(letter * 12) for letter in "abc")
        changed = {r[0] for r in db.execute("SELECT resource_id FROM changes WHERE seq > ?", (before,))}
    assert ("", "") == (a.date, b.date)
    assert a.added_at.startswith("20") and a.updated_at.startswith("20") and b.added_at.startswith("20")
    assert a.added_at[:4] != "9999" and a.updated_at[:4] != "9999"
    assert ("2022-04", "2024-01-02T03:04:05+00:00", "2024-01-03T00:00:00+00:00") == (
        c.date,
        c.added_at,
        b.updated_at,
    )
    assert {"a" * 12, "b" * 12} == changed  # the index catches up on the repaired resources only
