"""Worker processes forked from this one, ended by the kernel when it ends, fed a few chunks ahead.

For CPU-bound work on a large catalogue (theme suggestion; the index's analysis could use it
too): the parent keeps the store and does every write, the workers only compute. Workers are
forked, not spawned (a spawned worker would re-run the caller's main script, and forking
hands them the parent's prepared objects without pickling). A worker that dies (killed, out
of memory) makes the next result raise BrokenProcessPool instead of waiting for ever; a
parent that dies takes its workers with it (PR_SET_PDEATHSIG), so none is left holding
copies of its files.
"""

import ctypes
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PR_SET_PDEATHSIG = 1  # prctl(2)


def cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def end_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when its parent ends, however the parent ends (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: a pool's worker then ends when its queue's pipe closes
    if os.getppid() != parent_pid:  # the parent ended before the request
        os._exit(1)


def _start_worker(parent_pid: int, initializer: Callable | None, initargs: tuple) -> None:
    end_with_parent(parent_pid)
    if initializer is not None:
        initializer(*initargs)


def forked_pool(
    processes: int, initializer: Callable | None = None, initargs: tuple = ()
) -> ProcessPoolExecutor:
    """A pool of `processes` forked workers that end with this process; `initializer(*initargs)` runs in
    each (forked: the arguments are the parent's objects, not pickled copies)."""
    return ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


def ordered_results(
    pool: ProcessPoolExecutor, function: Callable, jobs: Iterable[tuple[Any, Any]], ahead: int
) -> Iterator[tuple[Any, Any]]:
    """(tag, function(argument)) for each (tag, argument) of `jobs`, in the order of `jobs`, computed
    by the pool with at most `ahead` arguments in flight: memory does not grow with the jobs.

    The tag stays in this process (what the caller needs beside the result); only the argument
    and the result cross to the workers.
    """
    pending: deque = deque()
    for tag, argument in jobs:
        pending.append((tag, pool.submit(function, argument)))
        if len(pending) >= ahead:
            tag, future = pending.popleft()
            yield tag, future.result()
    while pending:
        tag, future = pending.popleft()
        yield tag, future.result()
