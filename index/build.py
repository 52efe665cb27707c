"""Building the index: full rebuilds swapped in atomically, and catching up with the store's change log.

The index is derived from the store. Every change to what it shows is numbered in the
store's change log (migration 0006, written by triggers in the same transaction as the
change); each generation records the last number it holds (index/generations.py).
`catch_up()` applies whatever the log holds beyond that number, so a process killed
between its store commit and its index update loses nothing: the next process that opens
the index (a page of the site, a command, the nightly job) applies it.

A rebuild writes a new generation beside the live one while holding `rebuild.lock` (an OS
lock: a killed rebuild releases it), notes the change number it started from, swaps
`CURRENT` atomically, then catches the new generation up with everything changed while it
was written. A killed rebuild leaves the live generation untouched; its half-written
folder is discarded by the next rebuild (or `catalogue doctor --fix`).

The index never writes to the store: suggested themes are a follow-up of a change,
subscribed at the composition root before the index update (catalogue/changes.py).
"""

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from catalogue.documents import iter_documents
from index.analysis import clear_caches
from index.generations import (
    CURRENT,
    LEGACY_FILES,
    PREFIX,
    REBUILD_LOCK,
    UPDATE_LOCK,
    IndexBuildError,
    IndexMissing,
    IndexOutdated,
    LockBusy,
    applied_change,
    current_generation,
    generation_name,
    held,
    index_exists,
    numbers,
    open_current,
    orphans,
    point_to,
    record_applied,
    record_schema,
    schema_of,
)
from index.schema import SCHEMA_VERSION, build_schema, document_fields
from index.shards import BATCH, parts, prepare, shard_count, write_shards

__all__ = [
    "CURRENT",
    "PREFIX",
    "CatchUp",
    "IndexBuildError",
    "IndexMissing",
    "IndexOutdated",
    "index_current",
    "catch_up",
    "current_generation",
    "index_exists",
    "open_current",
    "rebuild",
    "update",
]

log = logging.getLogger(__name__)

# Memory of the writer's buffer: faster builds, bounded RSS (see docs/ARCHITECTURE.md).
WRITER_LIMIT_MB = 256
# Segments are written as separate files (compound=False): Whoosh reads a compound segment
# by copying each of its parts into memory (measured: 0.9 GB of a 100,000-resource index).
# How long a command waits for another process applying changes before leaving its own to it.
WRITER_TIMEOUT = 60.0


def index_current(index_path: str | Path) -> bool:
    """True if a live index exists and was written with this version's schema."""
    return schema_of(current_generation(index_path)) == SCHEMA_VERSION


def discard_orphans(index_path: Path) -> list[str]:
    """Remove generations neither live nor previous (a killed rebuild's half, old ones) and old marker files.

    Only while holding the rebuild lock: then no rebuild is writing any of them.
    """
    removed = orphans(index_path)
    for name in removed:
        shutil.rmtree(index_path / name, ignore_errors=True)
    for name in LEGACY_FILES:
        (index_path / name).unlink(missing_ok=True)
    if removed:
        log.info("discarded generations %s", ", ".join(removed))
    return removed


def rebuild(
    store,
    index_path: str | Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    procs: int | None = None,
) -> dict:
    """Rebuild the whole index from the store beside the live one and swap it in. Returns stats.

    `procs`: processes writing it, each the segment of a part of the catalogue (index.shards);
    by default one per core from SHARDS_FROM resources, one below.
    IndexBuildError if another rebuild of this index is running.
    """
    started = time.monotonic()
    index_path = Path(index_path)
    index_path.mkdir(parents=True, exist_ok=True)
    try:
        with held(index_path / REBUILD_LOCK):
            return _rebuild(store, index_path, progress, procs, started)
    except LockBusy:
        raise IndexBuildError(
            f"l'index de {index_path} est déjà en reconstruction : réessayez quand elle sera finie"
        ) from None


def _rebuild(store, index_path: Path, progress, procs, started: float) -> dict:
    discard_orphans(index_path)
    since = store.last_change()  # what the new generation will hold at least
    name = generation_name((numbers(index_path) or [0])[-1] + 1)
    folder = index_path / name
    try:
        folder.mkdir()
        count, segments, processes = _write_generation(store, folder, procs, progress)
        record_schema(folder, SCHEMA_VERSION)
        record_applied(folder, since)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        clear_caches()
    point_to(index_path, name)
    # Changes made while the generation was written went to the old one: apply them here too.
    caught = catch_up(store, index_path)
    discard_orphans(index_path)
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    stats = {
        "documents": count,
        "seconds": round(time.monotonic() - started, 3),
        "generation": name,
        "bytes": size,
        "segments": segments,
        "replayed": caught.resources,
        "processes": processes,
    }
    log.info("index rebuilt: %s", stats)
    return stats


def _write_generation(store, folder: Path, procs: int | None, progress) -> tuple[int, int, int]:
    """Write every resource of the store into a new Whoosh index in `folder`; (documents, segments, processes)."""
    sizes = store.text_sizes()
    ids = [rid for rid, _ in sizes]
    total = len(ids)
    processes = shard_count(total, procs)
    ix = whoosh_index.create_in(str(folder), build_schema())
    # The buffer is shared out: each process writing a part holds at most its share.
    writer = ix.writer(limitmb=max(16, WRITER_LIMIT_MB // processes), compound=False)
    reported = None

    def report(done):
        nonlocal reported
        if progress and done != reported:
            reported = done
            progress(done, total)

    try:
        prepare(writer)
        segments = write_shards(
            writer, store, folder, parts(ids, processes, [size for _, size in sizes]), report
        )
    except BaseException:
        writer.cancel()
        raise
    report(total)  # resources deleted meanwhile are not written: the bar still ends full
    ix.close()
    return sum(s.doc_count_all() for s in segments), len(segments), processes


@dataclass
class CatchUp:
    """What a catch-up did: resources reindexed, the change number the live index now holds, and
    whether it left the rest to another process that was writing (`waiting`)."""

    resources: int = 0
    applied: int = 0
    waiting: bool = False


def catch_up(
    store, index_path: str | Path, *, timeout: float = WRITER_TIMEOUT, ids: Iterable[str] = ()
) -> CatchUp:
    """Apply to the live index every change of the store's change log it does not hold yet.

    IndexMissing if there is no index. When another process is applying changes for more
    than `timeout` seconds, return with `waiting` set: that process applies ours after its
    own (it looks at the change log again once it has let go of the lock).
    `ids` are reindexed as well, changed or not (a repair).
    """
    index_path = Path(index_path)
    forced = list(dict.fromkeys(ids))
    done = CatchUp(applied=applied_change(current_generation(index_path)))
    if not forced and store.last_change() <= done.applied and index_exists(index_path):
        return done  # the usual case, without taking the lock
    while True:
        live = current_generation(index_path)
        if live is None:
            raise IndexMissing(index_path)
        if schema_of(live) != SCHEMA_VERSION:
            raise IndexOutdated(index_path)
        try:
            with held(index_path / UPDATE_LOCK, timeout=timeout):
                _apply_pending(store, index_path, forced, done)
                forced = []
        except LockBusy:
            done.waiting = True
            log.info("index busy in another process: it will apply changes up to %d", store.last_change())
            return done
        # Changes committed while we held the lock, by a process that then found it taken, are ours.
        done.applied = applied_change(current_generation(index_path))
        if store.last_change() <= done.applied:
            return done


def _apply_pending(store, index_path: Path, forced: list[str], done: CatchUp) -> None:
    """Under the update lock: bring the live generation up to the store's latest change."""
    while True:
        folder = current_generation(index_path)
        if folder is None:
            raise IndexMissing(index_path)
        applied = applied_change(folder)
        last = store.last_change()
        ids = list(dict.fromkeys([*forced, *store.changed_ids(applied, last)])) if last > applied else forced
        if not ids and last <= applied:
            return
        _write_resources(store, folder, ids)
        record_applied(folder, max(last, applied))
        done.resources += len(ids)
        done.applied = max(last, applied)
        forced = []
        log.info("index caught up to change %d: %d resources", last, len(ids))


def _write_resources(store, folder: Path, ids: list[str]) -> None:
    """Reindex these resources in one generation (deleting those no longer in the store); one commit."""
    if not ids:
        return
    ix = whoosh_index.open_dir(str(folder))
    try:
        try:
            writer = ix.writer(timeout=WRITER_TIMEOUT, delay=0.1, compound=False)
        except LockError as exc:
            raise IndexBuildError(f"l'index de {folder} est resté verrouillé par un autre écrivain") from exc
        try:
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                present = store.present_ids(chunk)
                for rid in chunk:
                    if rid not in present:
                        writer.delete_by_term("id", rid)
                for doc in iter_documents(store, [rid for rid in chunk if rid in present]):
                    writer.update_document(**document_fields(doc, store.vocabularies))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    finally:
        ix.close()


def update(
    store, index_path: str | Path, ids: Iterable[str] = (), *, timeout: float = WRITER_TIMEOUT
) -> CatchUp:
    """Reindex these resources and catch up with the change log (see catch_up)."""
    return catch_up(store, index_path, timeout=timeout, ids=ids)
