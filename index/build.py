"""Building the index: full rebuilds swapped in atomically, and in-place updates of some resources.

Layout of `index_path`: numbered generations `gen-000001/`, `gen-000002/`… (each a Whoosh
index) and a `CURRENT` file naming the live one. A rebuild writes a new generation beside
the live one, then replaces `CURRENT` with os.replace (atomic): readers see the old index
or the new one, never a half-written one; a crash leaves the old one live. The previous
generation is kept (searchers opened on it keep working); older ones are removed.

Theme suggestion runs first (`catalogue.suggest.apply`), so the index carries the
suggested themes of resources that no person gave themes to.

An `update()` that runs while a rebuild is writing goes to the live generation (readers
see it at once) and is noted in `PENDING`; the rebuild replays the noted resources on the
new generation right after swapping it in, so no change made during a rebuild is lost. The
`REBUILDING` marker (the rebuilding process's id) tells update() a rebuild is running; a
marker left by a process that died is ignored. A lock file orders the two. A second rebuild
while one runs is refused (IndexBuildError) rather than racing it for the next generation.
"""

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import LockError
from whoosh.util.numeric import byte_to_length

from catalogue import suggest
from catalogue.documents import iter_documents
from catalogue.errors import CatalogueError, NotFound
from index.analysis import clear_caches
from index.schema import build_schema, document_fields

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
PREFIX = "gen-"
REBUILDING = "REBUILDING"  # a rebuild is writing a new generation: the id of its process
PENDING = "PENDING"  # resources updated meanwhile, one id per line, replayed after the swap
BUILD_LOCK = "build.lock"
# Memory of the writer's buffer: faster builds, bounded RSS (see WHOOSH-NOTES).
WRITER_LIMIT_MB = 256
# Segments are written as separate files (compound=False): Whoosh reads a compound segment
# by copying each of its parts into memory (measured: 0.9 GB of a 100,000-resource index).
# How long an update waits for another writer (a rebuild never locks the live generation).
WRITER_TIMEOUT = 60.0


class IndexMissing(CatalogueError):
    """There is no index yet: run `catalogue reindex`."""

    def __init__(self, index_path):
        self.index_path = str(index_path)
        super().__init__(f"no search index in {index_path}: run `catalogue reindex` to build it")


class IndexBuildError(CatalogueError):
    """The index could not be built or updated."""


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


def _generations(index_path: Path) -> list[int]:
    numbers = []
    for entry in index_path.glob(PREFIX + "*"):
        suffix = entry.name[len(PREFIX) :]
        if suffix.isdigit():
            numbers.append(int(suffix))
    return sorted(numbers)


def _point_to(index_path: Path, name: str) -> None:
    tmp = index_path / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_path / CURRENT)
    fd = os.open(index_path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PreloadedLengths:
    """A segment's field lengths held in memory, for the writer's final flush.

    When it writes the postings, Whoosh looks up the length of the posting's field in its
    document once per posting, each time reading the length column on disk through three
    layers of calls: 15 % of a build's time (measured on 3,000 resources). This reads each
    field's column once. The lengths only feed the blocks' length bounds: an index built
    with it is byte for byte the one built without (tests/index/test_build.py).
    """

    _DECODED = [None] + [byte_to_length(b) for b in range(1, 256)]  # 0 = no length, as Whoosh

    def __init__(self, reader):
        self._reader = reader
        self._tables: dict[str, list] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self._tables.get(fieldname)
        if table is None:
            table = self._tables[fieldname] = self._load(fieldname)
        return table[docnum] if table else default

    def _load(self, fieldname) -> list:
        column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return []
        decoded = self._DECODED
        return [decoded[b] for b in column.load()]

    def close(self):
        self._reader.close()


def _preload_lengths(writer) -> None:
    """Make this single-process writer flush with PreloadedLengths (see there)."""
    per_document_reader = writer.per_document_reader
    writer.per_document_reader = lambda: PreloadedLengths(per_document_reader())


@contextmanager
def _build_lock(index_path: Path):
    """Hold the folder's build lock (orders the marker, the pending list and the swap)."""
    fd = os.open(index_path / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _rebuild_running(index_path: Path) -> bool:
    """True if a live process is rebuilding this index (call with the build lock held)."""
    try:
        pid = int((index_path / REBUILDING).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False  # left by a rebuild that died
    except PermissionError:
        pass  # alive, under another user
    return True


def _note_pending(index_path: Path, ids: list[str]) -> None:
    """Note these resources for the rebuild in progress, if any (see the module docstring)."""
    if not index_path.is_dir():
        return
    with _build_lock(index_path):
        if _rebuild_running(index_path):
            with open(index_path / PENDING, "a", encoding="utf-8") as f:
                f.write("".join(rid + "\n" for rid in ids))


def _take_pending(index_path: Path) -> list[str]:
    """The resources noted during the rebuild, forgotten once read (call with the build lock held)."""
    try:
        text = (index_path / PENDING).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    (index_path / PENDING).unlink()
    return list(dict.fromkeys(line for line in text.splitlines() if line))


# Resources read from the store at a time: the whole catalogue never sits in memory.
BATCH = 500


def _all_documents(store):
    ids = store.ids()
    for start in range(0, len(ids), BATCH):
        yield from iter_documents(store, ids[start : start + BATCH])


def rebuild(
    store,
    index_path: str | Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    suggest_themes: bool = True,
    procs: int = 1,
    merge: bool = True,
) -> dict:
    """Rebuild the whole index from the store beside the live one and swap it in. Returns stats.

    IndexBuildError if another rebuild of this index is running.
    """
    started = time.monotonic()
    index_path = Path(index_path)
    index_path.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_path):
        if _rebuild_running(index_path):
            other = (index_path / REBUILDING).read_text().strip()
            raise IndexBuildError(
                f"the index in {index_path} is already being rebuilt (process {other}): "
                "try again when that rebuild has ended"
            )
        (index_path / REBUILDING).write_text(str(os.getpid()), encoding="utf-8")
        (index_path / PENDING).unlink(missing_ok=True)
    folder = None
    try:
        suggested = suggest.apply(store) if suggest_themes else 0
        number = (_generations(index_path) or [0])[-1] + 1
        name = f"{PREFIX}{number:06d}"
        folder = index_path / name
        folder.mkdir()
        count, segments = _write_generation(store, folder, procs, merge, progress)
    except BaseException:
        clear_caches()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        with _build_lock(index_path):
            # The live generation kept every update: nothing to replay.
            (index_path / REBUILDING).unlink(missing_ok=True)
            _take_pending(index_path)
        raise
    clear_caches()
    with _build_lock(index_path):
        _point_to(index_path, name)
        (index_path / REBUILDING).unlink(missing_ok=True)
        pending = _take_pending(index_path)
    if pending:
        # Changed while the new generation was written: they may be in it as they were before.
        update(store, index_path, pending)
    for old in _generations(index_path)[:-2]:
        shutil.rmtree(index_path / f"{PREFIX}{old:06d}", ignore_errors=True)
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    stats = {
        "documents": count,
        "seconds": round(time.monotonic() - started, 3),
        "generation": name,
        "bytes": size,
        "suggested": suggested,
        "segments": segments,
        "replayed": len(pending),
    }
    log.info("index rebuilt: %s", stats)
    return stats


def _write_generation(store, folder: Path, procs: int, merge: bool, progress) -> tuple[int, int]:
    """Write every resource of the store into a new Whoosh index in `folder`; (documents, segments)."""
    total = store.count()
    vocabularies = store.vocabularies
    count = 0
    ix = whoosh_index.create_in(str(folder), build_schema())
    options = {"limitmb": WRITER_LIMIT_MB, "compound": False}
    if procs > 1:
        options.update(procs=procs, multisegment=True)
    writer = ix.writer(**options)
    if procs == 1:
        _preload_lengths(writer)
    try:
        for doc in _all_documents(store):
            writer.add_document(**document_fields(doc, vocabularies))
            count += 1
            if progress and (count % 100 == 0 or count == total):
                progress(count, total)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    if procs > 1 and merge:
        # Two segments make queries ~1.35x slower; a huge catalogue may merge off-hours instead.
        ix.writer(compound=False).commit(optimize=True)
    segments = len(ix._segments())
    ix.close()
    return count, segments


def update(store, index_path: str | Path, ids: Iterable[str]) -> None:
    """Update these resources in the live index, or delete those no longer in the store."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    present = []
    for rid in ids:
        try:
            store.get(rid)
        except NotFound:
            continue
        present.append(rid)
    if present:
        suggest.apply(store, present)
    _note_pending(Path(index_path), ids)
    ix = open_current(index_path)
    try:
        try:
            writer = ix.writer(timeout=WRITER_TIMEOUT, delay=0.1, compound=False)
        except LockError as exc:
            raise IndexBuildError(
                f"the index in {index_path} stayed locked by another writer for {WRITER_TIMEOUT:.0f} s; "
                f"resources not reindexed: {', '.join(ids)}"
            ) from exc
        try:
            for rid in set(ids) - set(present):
                writer.delete_by_term("id", rid)
            for doc in iter_documents(store, present):
                writer.update_document(**document_fields(doc, store.vocabularies))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    finally:
        ix.close()
    log.info("index updated: %d resources, %d removed", len(present), len(ids) - len(present))
