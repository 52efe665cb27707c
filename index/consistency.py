"""Whether the index agrees with the store, and the repair: what `catalogue doctor [--fix]` reports and does."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from index.build import catch_up, discard_orphans
from index.generations import (
    LEGACY_FILES,
    REBUILD_LOCK,
    LockBusy,
    applied_change,
    current_generation,
    held,
    is_locked,
    open_current,
    orphans,
)

log = logging.getLogger(__name__)


@dataclass
class Agreement:
    """The store and the index side by side."""

    resources: int
    last_change: int
    generation: str | None = None
    documents: int = 0
    applied: int = 0
    missing: list[str] = field(default_factory=list)  # in the store, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, no longer in the store
    orphans: list[str] = field(default_factory=list)  # generations neither live nor previous
    legacy: list[str] = field(default_factory=list)  # marker files of earlier versions
    rebuilding: bool = False

    @property
    def pending(self) -> int:
        """How many numbered changes the index has not applied yet."""
        return max(0, self.last_change - self.applied)

    @property
    def agrees(self) -> bool:
        """True when the index holds exactly the store's resources, up to its latest change."""
        return self.generation is not None and not (self.missing or self.extra or self.pending)

    @property
    def healthy(self) -> bool:
        """Agreement, and nothing left over in the index folder."""
        return self.agrees and not self.orphans and not self.legacy


def indexed_ids(index_path: Path) -> set[str]:
    """The ids of the live index's documents (deleted ones excluded)."""
    ix = open_current(index_path)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            return {reader.stored_fields(n)["id"] for n in reader.all_doc_ids()}
    finally:
        ix.close()


def examine(store, index_path: str | Path) -> Agreement:
    """Compare the index with the store: counts, ids, change numbers, leftovers. Changes nothing."""
    index_path = Path(index_path)
    found = Agreement(resources=store.count(), last_change=store.last_change())
    found.rebuilding = is_locked(index_path / REBUILD_LOCK)
    if index_path.is_dir():
        found.legacy = [name for name in LEGACY_FILES if (index_path / name).exists()]
        found.orphans = [] if found.rebuilding else orphans(index_path)
    folder = current_generation(index_path)
    if folder is None:
        found.missing = store.ids()
        return found
    found.generation = folder.name
    found.applied = applied_change(folder)
    in_index = indexed_ids(index_path)
    in_store = set(store.ids())
    found.documents = len(in_index)
    found.missing = sorted(in_store - in_index)
    found.extra = sorted(in_index - in_store)
    return found


def repair(store, index_path: str | Path) -> Agreement:
    """Apply pending changes, reindex missing and extra resources, discard leftovers; returns what remains.

    The caller builds the index when there is none (a rebuild also recomputes suggested themes).
    """
    index_path = Path(index_path)
    before = examine(store, index_path)
    if before.generation is not None:
        catch_up(store, index_path, ids=[*before.missing, *before.extra])
    try:
        with held(index_path / REBUILD_LOCK):
            discard_orphans(index_path)
    except LockBusy:
        log.info("a rebuild is running: its generation is left alone")
    return examine(store, index_path)
