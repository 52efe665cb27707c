"""A rebuild written by several processes at once, each the segment of one part of the catalogue.

One writer process analyses, pools and encodes every posting of a rebuild, on one core.
From SHARDS_FROM resources the catalogue's ids are cut into as many consecutive parts as
there are cores: the rebuild's process writes the first part's segment with its own writer
(it holds the index's lock), and a forked process per other part reads its resources from
the store, and writes their segment with a writer of its own, as Whoosh's multi-process
writer does (`_lk=False`: the parent holds the lock). The parent then lists the segments in
the order of the parts in one table of contents: document numbers, and so result order,
are those of one segment written alone. The scores too: the searcher computes its
statistics (document frequencies, average field lengths) over every segment
(tests/index/test_shards.py compares whole result pages).

Each part is written as a one-process rebuild writes its segment (index.postingpool,
index.termblocks, index.fastfields): nothing is pickled between processes but the finished
segment's description. The processes do not share memory: the writer's buffer is divided
between them.

A child process that dies (killed, out of memory) fails the rebuild at once, with the live
index untouched; the children are killed when the rebuild fails or its process ends,
however it ends (PR_SET_PDEATHSIG): they hold copies of the rebuild's lock.
"""

import gc
import logging
import multiprocessing
import os
import time
from bisect import bisect_left
from collections.abc import Callable
from contextlib import contextmanager
from itertools import accumulate, pairwise
from multiprocessing.connection import wait

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from catalogue.documents import iter_documents
from catalogue.forkpool import cores, end_with_parent
from catalogue.store import Store
from index.fastfields import analysed
from index.generations import IndexBuildError
from index.postingpool import add_document, use_term_pool
from index.schema import document_fields
from index.termblocks import use_term_blocks

log = logging.getLogger(__name__)

# From this many resources a rebuild is written by one process per core (starting one costs
# well under a second; below, one process is as fast).
SHARDS_FROM = 2_000
# Resources read from the store at a time (a rebuild's part, a catch-up): never the whole catalogue.
BATCH = 500
# What a resource costs besides its text, in characters of text (reading it, its stored fields
# and columns: about 0.3 ms, the analysis of some 2,000 characters).
DOCUMENT_WEIGHT = 2_000
# How often the rebuild's process reports progress while it waits for the others (seconds).
POLL = 0.5


class ShardFailed(IndexBuildError):
    """A process writing a part of the rebuild ended without its segment."""


def shard_count(total: int, requested: int | None = None) -> int:
    """How many processes write a rebuild of `total` resources: `requested`, else one per core from SHARDS_FROM."""
    if requested is None:
        requested = cores() if total >= SHARDS_FROM else 1
    return max(1, min(requested, total // 2 or 1))


def parts(ids: list[str], count: int, sizes: list[int] | None = None) -> list[list[str]]:
    """`ids` cut into `count` consecutive parts of about equal work, in order.

    A resource's work is the text it gives to analyse (`sizes`, in characters) and
    DOCUMENT_WEIGHT for the rest; without sizes, parts of equal length. A catalogue is listed
    in the order resources were added, and the long PDFs of one crawl come together: parts of
    equal length could leave one process with most of the text while the others wait."""
    weights = [DOCUMENT_WEIGHT + size for size in sizes] if sizes is not None else [1] * len(ids)
    ends = list(accumulate(weights))
    total = ends[-1] if ends else 0
    cuts = [min(len(ids), bisect_left(ends, total * n / count) + 1) for n in range(1, count)]
    bounds = [0, *cuts, len(ids)]
    return [ids[start:end] for start, end in pairwise(bounds)]


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
        table = self.field_lengths(fieldname)
        return table[docnum] if table else default

    def field_lengths(self, fieldname) -> list:
        """The lengths of this field by document number (None for none), or [] if no document has it."""
        table = self._tables.get(fieldname)
        if table is None:
            table = self._tables[fieldname] = self._load(fieldname)
        return table

    def _load(self, fieldname) -> list:
        column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return []
        decoded = self._DECODED
        return [decoded[b] for b in column.load()]

    def close(self):
        self._reader.close()


def _preload_lengths(writer) -> None:
    """Make this writer flush with PreloadedLengths (see there)."""
    per_document_reader = writer.per_document_reader
    writer.per_document_reader = lambda: PreloadedLengths(per_document_reader())


def prepare(writer) -> None:
    """Make a fresh single-process writer write as a rebuild does: term pool, term-by-term flush,
    lengths read once per field at the flush."""
    _preload_lengths(writer)
    use_term_pool(writer)
    use_term_blocks(writer)


def fill(writer, store, ids: list[str], tick: Callable[[], None] | None = None) -> int:
    """Add the resources `ids` of the store to a prepared writer, in order; how many were added.

    `tick` is called after each document."""
    vocabularies = store.vocabularies
    documents = (
        document_fields(doc, vocabularies)
        for start in range(0, len(ids), BATCH)
        for doc in iter_documents(store, ids[start : start + BATCH])
    )
    count = 0
    for fields, terms in analysed(documents, writer.schema):
        add_document(writer, fields, terms)
        count += 1
        if tick:
            tick()
    return count


@contextmanager
def without_cycle_collector():
    """Pause Python's cyclic garbage collector for the block, as it was before after it.

    A rebuild makes millions of long-lived objects (the term pool's lists, the analysis
    caches) and no reference cycles (tests/index/test_shards.py counts them): the collector
    would only walk them again and again, about a tenth of a rebuild's CPU time (measured on
    a part of 5,000 resources: 12.4 -> 11.4 s). Memory is freed by reference counting as before.
    Forked children inherit the pause.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def write_shards(
    writer, store, folder, parts_ids: list[list[str]], progress: Callable[[int], None] | None = None
) -> list:
    """Write each part's segment: the first with `writer` (which holds the lock), the others in
    child processes; commit them all, in order, in one table of contents. The segments."""
    with without_cycle_collector():
        return _write_shards(writer, store, folder, parts_ids, progress)


def _write_shards(writer, store, folder, parts_ids, progress) -> list:
    context = multiprocessing.get_context("fork")
    # Documents added by each child, for progress: a slot each (no lock needed).
    done = context.RawArray("q", max(1, len(parts_ids) - 1))
    limitmb = max(16, writer.pool.limit // (1024 * 1024))
    children = [
        _Child(context, store, folder, ids, limitmb, (done, n)) for n, ids in enumerate(parts_ids[1:])
    ]
    own = 0
    try:
        for child in children:
            child.start()

        def tick():
            nonlocal own
            own += 1
            if progress and own % 100 == 0:
                progress(own + sum(done))

        started = time.monotonic()
        fill(writer, store, parts_ids[0], tick)
        segments = [writer._finalize_segment()] if writer._added else [writer._close_segment()]
        log.info(
            "part 1 of %d written in %.1f s (%d resources)", len(parts_ids), time.monotonic() - started, own
        )
        pending = list(children)
        while pending:
            ready = wait([c.connection for c in pending] + [c.process.sentinel for c in pending], POLL)
            for child in list(pending):
                if child.connection in ready or child.process.sentinel in ready:
                    child.receive()
                    pending.remove(child)
                    log.info(
                        "part %d of %d written after %.1f s",
                        child.number,
                        len(parts_ids),
                        time.monotonic() - started,
                    )
            if progress:
                progress(own + sum(done))
    except BaseException:
        for child in children:
            child.kill()
        raise
    segments += [child.segment for child in children]
    segments = [s for s in segments if s is not None]
    writer._commit_toc(segments)
    writer._finish()
    return segments


class _Child:
    """A forked process writing the segment of one part of a rebuild."""

    def __init__(self, context, store, folder, ids, limitmb, done):
        self.connection, theirs = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_write_part,
            args=(theirs, os.getpid(), store.path, store.vocabularies, str(folder), ids, limitmb, done),
            daemon=True,
        )
        self._theirs = theirs
        self.number = done[1] + 2  # the part's number, from 1 (the rebuild's own part)
        self.segment = None

    def start(self) -> None:
        self.process.start()
        self._theirs.close()  # the child's end: closed here so that its death reads as end of file

    def receive(self) -> None:
        """Take the child's segment, or raise what it raised; ShardFailed if it died without a word."""
        try:
            outcome, value = self.connection.recv()
        except (EOFError, OSError):
            self.process.join()
            raise ShardFailed(
                "la reconstruction de l'index a échoué : un processus d'indexation s'est arrêté "
                f"sans finir sa part (code {self.process.exitcode})"
            ) from None
        self.process.join()
        if outcome == "error":
            raise value
        self.segment = value

    def kill(self) -> None:
        if self.process.pid is not None and self.process.exitcode is None:
            self.process.kill()
            self.process.join()


def _write_part(connection, parent_pid, store_path, vocabularies, folder, ids, limitmb, done) -> None:
    """In the child: write the segment of `ids`, send it (or the exception) to the parent, and end."""
    end_with_parent(parent_pid)  # it holds copies of the rebuild's files, its lock among them
    try:
        store = Store(store_path, vocabularies)  # its own connection: never use a forked one
        try:
            ix = whoosh_index.open_dir(folder)
            writer = SegmentWriter(ix, _lk=False, limitmb=limitmb, compound=False)
            prepare(writer)

            counts, slot = done

            def tick():
                counts[slot] += 1

            added = fill(writer, store, ids, tick)
            segment = writer._finalize_segment() if added else writer._close_segment()
        finally:
            store.close()
        connection.send(("segment", segment))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            connection.send(("error", exc))
        except Exception:  # an exception that does not pickle
            connection.send(("error", ShardFailed(f"{type(exc).__name__}: {exc}")))
    finally:
        connection.close()
        os._exit(0)
