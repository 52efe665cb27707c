"""The SQLite store: pragmas, migrations, transactions, upsert by URL, aliases."""

import pytest

from catalogue.errors import CatalogueError, NotFound, StoreError, UnknownField, VocabularyError
from catalogue.extractions import save_extraction
from catalogue.models import Resource
from catalogue.store import Store, connect, migrate, migrations
from catalogue.withdrawal import withdraw
from tests.rawdb import raw_database


def make(url="https://example.org/guide", **fields):
    return Resource(url=url, title=fields.pop("title", "Guide de l'évaluation"), **fields)


def test_new_store_is_at_the_newest_schema_version_with_wal_and_foreign_keys(store):
    newest = max(v for v, _, _ in migrations())
    with raw_database(store) as db:
        assert newest == db.execute("PRAGMA user_version").fetchone()[0]
        assert "wal" == db.execute("PRAGMA journal_mode").fetchone()[0]
    # The store's own connection enforces foreign keys: see the cascade in test_delete_removes_and_cascades_to_aliases.


def test_migrations_are_numbered_in_order_without_duplicates():
    # Numbers are assigned per area (CONTRIBUTING.md): one may land before a lower one, never twice.
    versions = [v for v, _, _ in migrations()]
    assert 1 == versions[0]
    assert sorted(set(versions)) == versions


def test_migrate_applies_only_newer_migrations_and_is_idempotent(tmp_path):
    conn = connect(tmp_path / "db.sqlite3")
    first = [(1, "0001_a.sql", "CREATE TABLE a (x);")]
    assert 1 == migrate(conn, first)
    both = first + [(2, "0002_b.sql", "CREATE TABLE b (y);")]
    assert 2 == migrate(conn, both)
    assert 2 == migrate(conn, both)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"a", "b"} == tables


def test_a_failing_migration_is_rolled_back_whole_and_names_the_file(tmp_path):
    conn = connect(tmp_path / "db.sqlite3")
    bad = [(1, "0001_ok.sql", "CREATE TABLE a (x);"), (2, "0002_bad.sql", "CREATE TABLE b (y); SELEC oops;")]
    with pytest.raises(StoreError, match="0002_bad.sql"):
        migrate(conn, bad)
    assert 1 == conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"a"} == tables


def test_a_database_newer_than_the_program_is_refused(tmp_path):
    conn = connect(tmp_path / "db.sqlite3")
    conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="plus récent que celui que ce programme"):
        migrate(conn)


def test_upsert_then_get_round_trips_every_field(store):
    resource = make(
        description="Un guide",
        type="guide",
        themes=["evaluation", "gouvernance"],
        level="regional",
        territory="Essonne",
        publisher="Observatoire",
        audience=["chefs de projet opérationnels"],
        date="2020-04",
        text="Texte intégral",
        notes="Note",
    )
    saved, created = store.upsert(resource)
    assert created
    assert saved.to_dict() == store.get(saved.id).to_dict()


def test_upsert_by_url_updates_in_place_and_keeps_added_at(store):
    first, _ = store.upsert(make(), now="2024-01-01T00:00:00+00:00")
    second, created = store.upsert(
        make(url="http://www.example.org/guide", title="Nouveau titre"), now="2024-02-01T00:00:00+00:00"
    )
    assert not created
    assert first.id == second.id
    stored = store.get(first.id)
    assert ("Nouveau titre", "2024-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00") == (
        stored.title,
        stored.added_at,
        stored.updated_at,
    )
    assert 1 == store.count()


def test_a_failed_write_inside_a_transaction_leaves_nothing(store):
    with pytest.raises(VocabularyError):
        store.upsert_many([make(url="https://a.example/1"), make(url="https://a.example/2", level="mondial")])
    assert 0 == store.count()


def test_exception_inside_transaction_rolls_back(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert(make())
            raise RuntimeError("boom")
    assert 0 == store.count()


def test_data_survives_closing_and_reopening(settings):
    with Store.open(settings) as s:
        s.upsert(make())
    with Store.open(settings) as s:
        assert ["Guide de l'évaluation"] == [r.title for r in s]


def test_get_unknown_id_raises_not_found_with_the_id(store):
    with pytest.raises(NotFound) as info:
        store.get("000000000000")
    assert "000000000000" == info.value.resource_id


def test_find_by_url_follows_aliases(store):
    saved, _ = store.upsert(make())
    with raw_database(store) as db:
        db.execute(
            "INSERT INTO aliases(url, resource_id, added_at) VALUES (?, ?, ?)",
            ("https://old.example/guide", saved.id, "2024-01-01"),
        )
    assert saved.id == store.find_by_url("http://old.example/guide").id
    assert store.find_by_url("https://nowhere.example/") is None


def test_update_fields_validates_and_stamps_updated_at(store):
    saved, _ = store.upsert(make(), now="2024-01-01T00:00:00+00:00")
    changed = store.update_fields(saved.id, level="local")
    assert "local" == store.get(saved.id).level
    assert changed.updated_at > "2024-01-01T00:00:00+00:00"
    with pytest.raises(VocabularyError):
        store.update_fields(saved.id, type="roman")
    assert store.get(saved.id).type is None


def test_delete_removes_and_cascades_to_aliases(store):
    saved, _ = store.upsert(make())
    with raw_database(store) as db:
        db.execute(
            "INSERT INTO aliases(url, resource_id, added_at) VALUES ('https://old.example/x', ?, 'now')",
            (saved.id,),
        )
        store.delete(saved.id)  # through the store's connection: its foreign keys cascade
        assert 0 == store.count()
        assert 0 == db.execute("SELECT count(*) FROM aliases").fetchone()[0]


def test_unwritable_database_path_gives_a_store_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="impossible d'ouvrir"):
        Store(tmp_path / "file" / "db.sqlite3")


def test_two_connections_see_each_others_commits(settings):
    with Store.open(settings) as a, Store.open(settings) as b:
        a.upsert(make())
        assert 1 == b.count()


def test_update_fields_refuses_an_address_that_would_change_the_id(store):
    saved, _ = store.upsert(make())
    with pytest.raises(StoreError, match="une nouvelle adresse change l'identifiant de la ressource"):
        store.update_fields(saved.id, url="https://example.org/autre-guide")
    store.update_fields(saved.id, url="http://www.example.org/guide")
    assert "http://www.example.org/guide" == store.get(saved.id).url


@pytest.mark.parametrize("field", ["colour", "id", "added_at"])
def test_update_fields_refuses_an_unknown_or_fixed_field_with_a_catalogue_error(store, field):
    resource, _ = store.upsert(Resource(url="https://ex.fr/a", title="A"))
    with pytest.raises(UnknownField, match=repr(field)) as caught:
        store.update_fields(resource.id, **{field: "x"})
    assert isinstance(caught.value, CatalogueError) and caught.value.field == field
    assert f"le champ {field!r} n'existe pas ou ne peut pas être modifié" == str(caught.value)
    assert store.get(resource.id).title == "A"


def test_the_migration_files_are_read_once_per_process(settings):
    first = migrations()
    Store.open(settings).close()
    Store.open(settings).close()
    assert migrations() is first


def test_text_sizes_count_the_text_to_analyse_of_each_listed_resource_in_listing_order(store):
    a, _ = store.upsert(make("https://ex.org/a", title="Abc", description="de", text="fghij"))
    b, _ = store.upsert(make("https://ex.org/b", title="Klm"))
    gone, _ = store.upsert(make("https://ex.org/c", title="Retiré"))
    save_extraction(store, b.id, {"kind": "pdf", "text": "x" * 1_000})
    withdraw(store, gone.id, "doublon", "test")
    assert store.text_sizes() == [(rid, {a.id: 3 + 2 + 5, b.id: 3 + 1_000}[rid]) for rid in store.ids()]
    assert [rid for rid, _ in store.text_sizes()] == store.ids() == [a.id, b.id]
