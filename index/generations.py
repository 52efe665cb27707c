"""The index folder: numbered generations, the one that is live, how far each has applied the change log, locks.

Layout of an index folder:

    CURRENT          names the live generation (replaced atomically by os.replace)
    gen-000007/      a Whoosh index; its APPLIED file holds the last change number
                     (catalogue/store.py, the change log) that it contains
    gen-…/SCHEMA     the schema version (index/schema.py) the generation was written with:
                     a generation of another version is rebuilt, never updated
    rebuild.lock     flock'ed for the whole life of a rebuild: at most one at a time
    update.lock      flock'ed while a process applies changes to the live generation

Locks are OS locks (fcntl.flock) held on an open file: they vanish with the process that
held them, whatever killed it, so a lock file left on disk never blocks anyone.
"""

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from catalogue.errors import CatalogueError

CURRENT = "CURRENT"
PREFIX = "gen-"
APPLIED = "APPLIED"
SCHEMA = "SCHEMA"
REBUILD_LOCK = "rebuild.lock"
UPDATE_LOCK = "update.lock"
# Files of earlier versions (pid markers and a pending list); removed by the next rebuild.
LEGACY_FILES = ("REBUILDING", "PENDING", "build.lock")


class IndexMissing(CatalogueError):
    """There is no index yet: run `catalogue reindex`."""

    def __init__(self, index_path):
        self.index_path = str(index_path)
        super().__init__(
            f"aucun index de recherche dans {index_path} : lancez `catalogue reindex` pour le construire"
        )


class IndexOutdated(IndexMissing):
    """The live index was written by an earlier version (other fields or analysis): rebuild it."""

    def __init__(self, index_path):
        self.index_path = str(index_path)
        CatalogueError.__init__(
            self,
            f"l'index de recherche de {index_path} date d'une version précédente du programme : "
            "lancez `catalogue reindex` (ou `catalogue init`) pour le reconstruire",
        )


class IndexBuildError(CatalogueError):
    """The index could not be built or updated."""


class LockBusy(Exception):
    """Another process holds this lock (internal: callers turn it into their own answer)."""


def current_generation(index_path: str | Path) -> Path | None:
    """The folder of the live generation, or None if no index was built."""
    index_path = Path(index_path)
    try:
        name = (index_path / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = index_path / name
    return folder if name.startswith(PREFIX) and folder.is_dir() else None


def index_exists(index_path: str | Path) -> bool:
    """True if a live index exists in this folder."""
    return current_generation(index_path) is not None


def open_current(index_path: str | Path):
    """The live Whoosh index; IndexMissing if none."""
    folder = current_generation(index_path)
    if folder is None or not whoosh_index.exists_in(str(folder)):
        raise IndexMissing(index_path)
    return whoosh_index.open_dir(str(folder))


def generation_name(number: int) -> str:
    """The folder name of generation `number`."""
    return f"{PREFIX}{number:06d}"


def numbers(index_path: Path) -> list[int]:
    """The numbers of every generation folder present, ascending."""
    found = []
    for entry in Path(index_path).glob(PREFIX + "*"):
        suffix = entry.name[len(PREFIX) :]
        if suffix.isdigit() and entry.is_dir():
            found.append(int(suffix))
    return sorted(found)


def kept_numbers(index_path: Path) -> tuple[int | None, int | None]:
    """(live, previous): the live generation and the newest one below it, kept for open searchers."""
    folder = current_generation(index_path)
    if folder is None:
        return None, None
    live = int(folder.name[len(PREFIX) :])
    below = [n for n in numbers(index_path) if n < live]
    return live, (below[-1] if below else None)


def orphans(index_path: Path) -> list[str]:
    """Generation folders that are neither live nor the previous one: left by a killed rebuild, or old."""
    live, previous = kept_numbers(index_path)
    return [generation_name(n) for n in numbers(index_path) if n not in (live, previous)]


def point_to(index_path: Path, name: str) -> None:
    """Make generation `name` the live one, atomically and durably."""
    _write_durably(index_path / CURRENT, name + "\n")


def applied_change(folder: Path | None) -> int:
    """The last change number this generation holds (0 for a generation built before the change log)."""
    if folder is None:
        return 0
    try:
        return int((folder / APPLIED).read_text(encoding="utf-8").strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def schema_of(folder: Path | None) -> int:
    """The schema version a generation was written with (0: before versions were recorded)."""
    if folder is None:
        return 0
    try:
        return int((folder / SCHEMA).read_text(encoding="utf-8").strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def record_schema(folder: Path, version: int) -> None:
    """Note the schema version a new generation was written with."""
    _write_durably(folder / SCHEMA, f"{version}\n")


def record_applied(folder: Path, number: int) -> None:
    """Note that this generation holds every change up to `number` (written after the commit that did it)."""
    _write_durably(folder / APPLIED, f"{number}\n")


def _write_durably(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def held(path: Path, timeout: float = 0.0, poll: float = 0.05):
    """Hold an exclusive flock on `path` for the block; LockBusy if another process keeps it past `timeout`."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise LockBusy(str(path)) from None
                time.sleep(poll)
        yield
    finally:
        os.close(fd)  # releases the lock


def is_locked(path: Path) -> bool:
    """True if some process holds the flock on `path` now."""
    if not path.exists():
        return False
    try:
        with held(path):
            return False
    except LockBusy:
        return True
