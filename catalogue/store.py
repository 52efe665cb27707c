"""The SQLite store of resources: WAL, foreign keys, forward migrations, one transaction per write."""

import functools
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources as importlib_resources
from pathlib import Path

from catalogue.errors import NotFound, StoreError, UnknownField
from catalogue.models import LIST_FIELDS, Resource, now_iso, validate
from catalogue.text import fold
from catalogue.urls import canonical_url, resource_id
from catalogue.vocabularies import Vocabularies, load_vocabularies, vocabularies_of

log = logging.getLogger(__name__)

COLUMNS = (
    "id",
    "url",
    "title",
    "description",
    "type",
    "themes",
    "level",
    "territory",
    "publisher",
    "audience",
    "date",
    "language",
    "source_url",
    "text",
    "notes",
    "suggested_themes",
    "added_at",
    "updated_at",
)


@functools.cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """The packaged migrations as (version, name, sql), in order; read once per process."""
    folder = importlib_resources.files("catalogue") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return tuple(sorted(found))


def title_key(text: str) -> tuple[str, str]:
    """How a person orders titles: accents, case and punctuation aside (« Évaluation » before « Vidéo »)."""
    plain = fold(text or "")
    return "".join(c for c in plain if c.isalnum() or c.isspace()).strip(), text or ""


def _french_order(a: str, b: str) -> int:
    left, right = title_key(a), title_key(b)
    return (left > right) - (left < right)


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a SQLite connection with the catalogue's pragmas (WAL, foreign keys, busy timeout) and the
    FRANCAIS collation (ORDER BY title COLLATE FRANCAIS sorts as title_key does)."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.create_collation("FRANCAIS", _french_order)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(conn: sqlite3.Connection, available: list[tuple[int, str, str]] | None = None) -> int:
    """Apply every migration newer than the database's user_version, each in its own transaction."""
    available = migrations() if available is None else available
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    newest = max((v for v, _, _ in available), default=0)
    if current > newest:
        raise StoreError(
            f"la base est au schéma {current}, plus récent que celui que ce programme connaît ({newest}) : "
            "mettez le programme à jour"
        )
    for version, name, sql in available:
        if version <= current:
            continue
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"la migration {name} a échoué : {exc}") from exc
        log.info("applied migration %s", name)
        current = version
    return current


def _row_to_resource(row: sqlite3.Row) -> Resource:
    data = dict(row)
    for name in LIST_FIELDS:
        data[name] = json.loads(data[name])
    return Resource.from_dict(data)


def _resource_to_row(resource: Resource) -> dict:
    data = {name: getattr(resource, name) for name in COLUMNS}
    for name in LIST_FIELDS:
        data[name] = json.dumps(data[name], ensure_ascii=False)
    return data


# Resources that the public sees (search, exports, feeds) and the checker checks: not withdrawn.
LISTED = "id NOT IN (SELECT resource_id FROM withdrawals)"


def connection_of(store: "Store") -> sqlite3.Connection:
    """The store's connection, for the catalogue's own table modules (catalogue/*.py: users,
    linkhealth, extractions…) and for them only.

    This is the one way in: each table module keeps its SQL behind named functions that take
    the store, and every other package (the CLI, crawler, index, web, tests) calls those. The
    connection itself stays private to the Store (`_conn`); tests/test_architecture.py refuses
    any other use of it.
    """
    return store._conn


class Store:
    """The catalogue's database. Open with Store(path) or Store.open(data_dir); close when done."""

    def __init__(self, path: str | Path, vocabularies: Vocabularies | None = None):
        self.path = Path(path) if str(path) != ":memory:" else path
        self.vocabularies = vocabularies or load_vocabularies()
        try:
            if isinstance(self.path, Path):
                # Private: the database holds password hashes, sessions and staff notes.
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.close(
                    os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
                )  # SQLite's -wal/-shm copy its mode
            self._conn = connect(self.path)
            migrate(self._conn)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"impossible d'ouvrir la base {self.path} : {exc}") from exc

    @classmethod
    def open(cls, settings) -> "Store":
        """Open the store of a Settings' data directory, with its vocabularies."""
        return cls(settings.database_path, vocabularies_of(settings))

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self):
        """A write transaction: everything inside commits together or not at all. Nests."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    # -- reading -------------------------------------------------------------

    def get(self, rid: str) -> Resource:
        """The resource with this id; NotFound if none."""
        row = self._conn.execute("SELECT * FROM resources WHERE id = ?", (rid,)).fetchone()
        if row is None:
            raise NotFound(rid)
        return _row_to_resource(row)

    def find_by_url(self, url: str) -> Resource | None:
        """The resource at this URL (by canonical form, or a former address), or None."""
        try:
            return self.get(resource_id(url))
        except NotFound:
            pass
        except ValueError:  # not an address at all (a port out of range, a lone bracket)
            return None
        row = self._conn.execute(
            "SELECT resource_id FROM aliases WHERE url = ?", (canonical_url(url),)
        ).fetchone()
        return self.get(row[0]) if row else None

    def __iter__(self) -> Iterator[Resource]:
        return self.iter_resources()

    def iter_resources(self, ids: Iterable[str] | None = None) -> Iterator[Resource]:
        """Every listed resource (withdrawn ones left out), or those with these ids, in order of addition."""
        if ids is None:
            rows = self._conn.execute(
                f"SELECT * FROM resources WHERE {LISTED} ORDER BY added_at, id"
            ).fetchall()
        else:
            ids = list(ids)
            rows = []
            for rid in ids:
                rows.append(self._conn.execute("SELECT * FROM resources WHERE id = ?", (rid,)).fetchone())
                if rows[-1] is None:
                    raise NotFound(rid)
        for row in rows:
            yield _row_to_resource(row)

    def present_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of these ids that are listed resources of the store (a withdrawn one is not: it leaves the index)."""
        ids = list(ids)
        found = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self._conn.execute(
                    f"SELECT id FROM resources WHERE id IN ({marks}) AND {LISTED}", chunk
                )
            )
        return found

    def added_at_of(self, ids: Iterable[str]) -> dict[str, str]:
        """When each of these resources was added: {id: added_at} (unknown ids left out)."""
        return dict(self._in("SELECT id, added_at FROM resources WHERE id IN ({})", ids))

    def titles(self, ids: Iterable[str]) -> dict[str, str]:
        """The titles of these resources: {id: title} (unknown ids left out)."""
        return dict(self._in("SELECT id, title FROM resources WHERE id IN ({})", ids))

    def find(self, words: str, limit: int) -> list[dict]:
        """Resources whose title or address contains these words (or with this id): {id, title, url,
        updated_at}, by title. `%` and `_` in the words are taken literally."""
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        rows = self._conn.execute(
            "SELECT id, title, url, updated_at FROM resources "
            "WHERE title LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\' OR id = ? "
            "ORDER BY title COLLATE FRANCAIS LIMIT ?",
            (like, like, words, limit),
        )
        return [dict(row) for row in rows]

    def _in(self, sql: str, ids: Iterable[str]) -> list[tuple]:
        """Rows of `sql` (with one `IN ({})`) for these ids, 500 at a time."""
        ids, rows = list(dict.fromkeys(ids)), []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows.extend(tuple(r) for r in self._conn.execute(sql.format(", ".join("?" * len(chunk))), chunk))
        return rows

    def count(self) -> int:
        """The number of resources."""
        return self._conn.execute("SELECT count(*) FROM resources").fetchone()[0]

    def ids(self) -> list[str]:
        """The ids of every listed resource (withdrawn ones left out): what is searched, exported, checked."""
        return [
            r[0] for r in self._conn.execute(f"SELECT id FROM resources WHERE {LISTED} ORDER BY added_at, id")
        ]

    def text_sizes(self) -> list[tuple[str, int]]:
        """(id, characters of its title, description, text and extracted text) of every listed
        resource, in the order of ids(): how much text each one gives to analyse."""
        rows = self._conn.execute(
            "SELECT r.id, length(r.title) + length(r.description) + length(r.text)"
            " + coalesce(length(e.text), 0) FROM resources AS r"
            " LEFT JOIN extractions AS e ON e.resource_id = r.id"
            f" WHERE r.{LISTED} ORDER BY r.added_at, r.id"
        )
        return [(rid, size) for rid, size in rows]

    def latest_additions(self, limit: int) -> list[Resource]:
        """The last resources added to the public catalogue, newest first."""
        rows = self._conn.execute(
            f"SELECT * FROM resources WHERE {LISTED} ORDER BY added_at DESC, id LIMIT ?", (limit,)
        ).fetchall()
        return [_row_to_resource(row) for row in rows]

    def withdrawal(self, rid: str) -> dict | None:
        """How a withdrawn resource was withdrawn ({reason, withdrawn_at, actor}), or None if it is listed."""
        row = self._conn.execute(
            "SELECT reason, withdrawn_at, actor FROM withdrawals WHERE resource_id = ?", (rid,)
        ).fetchone()
        return dict(row) if row else None

    # -- writing -------------------------------------------------------------

    def upsert(self, resource: Resource, *, now: str | None = None) -> tuple[Resource, bool]:
        """Validate and insert a resource, or replace the one at the same URL. Returns (resource, created)."""
        validate(resource, self.vocabularies)
        now = now or now_iso()
        with self.transaction():
            existing = self._conn.execute(
                "SELECT added_at FROM resources WHERE id = ?", (resource.id,)
            ).fetchone()
            resource.added_at = resource.added_at or (existing["added_at"] if existing else now)
            resource.updated_at = resource.updated_at or now
            row = _resource_to_row(resource)
            placeholders = ", ".join(f":{c}" for c in COLUMNS)
            updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "id")
            self._conn.execute(
                f"INSERT INTO resources ({', '.join(COLUMNS)}) VALUES ({placeholders}) "
                f"ON CONFLICT(id) DO UPDATE SET {updates}",
                row,
            )
        return resource, existing is None

    def upsert_many(self, resources: Iterable[Resource]) -> tuple[int, int]:
        """Upsert resources in one transaction. Returns (created, updated)."""
        created = updated = 0
        with self.transaction():
            for resource in resources:
                _, was_created = self.upsert(resource)
                created += was_created
                updated += not was_created
        return created, updated

    def update_fields(self, rid: str, **changes) -> Resource:
        """Change some fields of a resource (validated) and stamp updated_at."""
        with self.transaction():
            resource = self.get(rid)
            for name, value in changes.items():
                if not hasattr(resource, name) or name in ("id", "added_at"):
                    raise UnknownField(name)
                setattr(resource, name, value)
            if "url" in changes and resource_id(resource.url) != rid:
                raise StoreError(
                    "une nouvelle adresse change l'identifiant de la ressource : acceptez-la comme adresse "
                    "déplacée (catalogue check --apply-moved, linkhealth.apply_moved), l'ancienne reste un alias"
                )
            resource.updated_at = now_iso()
            self.upsert(resource, now=resource.updated_at)
        return resource

    def delete(self, rid: str) -> None:
        """Remove a resource (and, by cascade, what hangs off it)."""
        with self.transaction():
            cur = self._conn.execute("DELETE FROM resources WHERE id = ?", (rid,))
            if cur.rowcount == 0:
                raise NotFound(rid)

    # -- the change log (migration 0006) -------------------------------------

    def last_change(self) -> int:
        """The number of the latest change to what the index shows (0 when none yet)."""
        row = self._conn.execute("SELECT seq FROM changes ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else 0

    def changed_ids(self, after: int, upto: int | None = None) -> list[str]:
        """The resources changed after change number `after` (up to `upto` included), oldest first."""
        upto = self.last_change() if upto is None else upto
        rows = self._conn.execute(
            "SELECT resource_id, max(seq) AS last FROM changes WHERE seq > ? AND seq <= ? "
            "GROUP BY resource_id ORDER BY last",
            (after, upto),
        )
        return [row[0] for row in rows]

    def changes_since(self, after: int, limit: int = 1000) -> list[dict]:
        """The change log after number `after`: {seq, at, resource_id, kind}, oldest first."""
        rows = self._conn.execute(
            "SELECT seq, at, resource_id, kind FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        )
        return [dict(row) for row in rows]

    # -- meta ----------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value of the meta table."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
