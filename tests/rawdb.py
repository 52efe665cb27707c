"""A test's own connection to a catalogue database, for what no named function of the catalogue does:
plant rows as an older version or someone holding the file would have written them, or read a
column the catalogue never shows (a password hash, a token hash).

The store's connection stays private to the Store (tests/test_architecture.py); this is a second,
separate connection to the same file, opened as the catalogue opens its own (pragmas, collation).
"""

from contextlib import contextmanager
from pathlib import Path

from catalogue.store import connect


@contextmanager
def raw_database(where):
    """A connection to the database of a Store, or at a path; each statement commits on its own."""
    conn = connect(Path(getattr(where, "path", where)))
    try:
        yield conn
    finally:
        conn.close()
