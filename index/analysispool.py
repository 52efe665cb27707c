"""A rebuild's French text analysis done in worker processes that feed the one writer.

Analysing the text fields is most of a rebuild's work in the writer's process (tokens,
stems, terms and their encoded positions, in Python). Workers started for the rebuild
compute them with the same one-pass functions (index.fastfields) on the values the writer
will add; the writer takes each document's pre-analysed, pre-encoded terms instead of
analysing, and does the rest as before (the other fields, the posting pool, the commit).
So the segment is the one a single process writes (tests/index/test_analysispool.py), and
the writer and the workers run on different cores: less time, not less CPU.

Documents go to the workers in chunks, a few chunks ahead of the writer: memory does not
grow with the catalogue. Workers are forked (a spawned worker would re-run the caller's main
script), touch neither the store nor the index, and are killed by the kernel when the
writer's process ends (PR_SET_PDEATHSIG): a killed rebuild's workers end with it, releasing
the lock they inherited. A worker that dies fails the rebuild (BrokenProcessPool).
"""

import ctypes
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from index import fastfields
from index.schema import build_schema

# Documents sent to a worker at once, and chunks in flight per worker: enough to keep them busy.
CHUNK = 32
AHEAD = 3

PR_SET_PDEATHSIG = 1  # prctl(2)

_terms: dict = {}  # in a worker: field name -> (one-pass terms function, field format)


def _start_worker(writer_pid: int) -> None:
    _end_with_the_writer(writer_pid)
    _terms.update(fastfields.terms_functions(build_schema()))


def _end_with_the_writer(writer_pid: int) -> None:
    """Ask Linux to kill this worker when the writer's process ends, however it ends: a forked
    worker holds copies of the writer's files, the rebuild's lock among them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the worker ends when its queue's pipe closes
    if os.getppid() != writer_pid:  # the writer ended before the request
        os._exit(1)


def _analyse(chunk: list[dict]) -> list[dict]:
    return [terms_of(values, _terms) for values in chunk]


def terms_of(fields: dict, functions: dict) -> dict:
    """{field name: terms} of the fields with a one-pass terms function (index.fastfields)."""
    terms = {}
    for name, (compute, fmt) in functions.items():
        value = fields.get(name)
        if isinstance(value, str):
            terms[name] = compute(value, fmt)
    return terms


def analysed_here(documents: Iterable[dict], schema) -> Iterator[tuple[dict, dict]]:
    """AnalysisPool.analysed() in this process."""
    functions = fastfields.terms_functions(schema)
    for fields in documents:
        yield fields, terms_of(fields, functions)


class AnalysisPool:
    """Worker processes analysing the text fields of documents for one writer."""

    def __init__(self, processes: int, schema):
        self.names = frozenset(fastfields.terms_functions(schema))
        self.processes = processes
        # A worker that dies (killed, out of memory) makes the next result raise BrokenProcessPool:
        # the rebuild fails and leaves the live index as it was, instead of waiting for ever.
        self._pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    def analysed(self, documents: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
        """Each document's fields with the terms of its analysed fields ({field: terms}), in order."""
        names = self.names
        pending: deque = deque()
        documents = iter(documents)
        while chunk := list(islice(documents, CHUNK)):
            values = [
                {k: v for k, v in fields.items() if k in names and isinstance(v, str)} for fields in chunk
            ]
            pending.append((chunk, self._pool.submit(_analyse, values)))
            if len(pending) >= AHEAD * self.processes:
                yield from _results(pending.popleft())
        while pending:
            yield from _results(pending.popleft())

    def close(self) -> None:
        """Stop the workers and wait for them (their CPU time then counts in RUSAGE_CHILDREN)."""
        self._pool.shutdown(wait=True)

    def terminate(self) -> None:
        """Drop the chunks not started and wait for the workers (each finishes at most one chunk)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _results(item) -> Iterator[tuple[dict, dict]]:
    chunk, future = item
    return zip(chunk, future.result(), strict=True)
