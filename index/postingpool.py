"""The postings of a rebuild, gathered term by term instead of sorted one by one.

Whoosh's writer puts every posting, a (field, term, document, weight, value) tuple, in a
pool that sorts them all; when its memory is full it pickles them one posting at a time
to a run file, and at commit reads them back one at a time and merges the runs with a
heap of postings: 40 % of a build's time (profiled on 5,000 resources). A rebuild adds
documents in order, so each term's postings already arrive in document order: this pool
keeps, per term, the list of its postings, sorts only the terms, writes a run as pickled
blocks of terms, and merges the runs term by term. It hands the writer the same postings
in the same order, so the index is byte for byte the one Whoosh's pool gives
(tests/index/test_postingpool.py).
"""

import heapq
import pickle
from itertools import islice

from whoosh.writing import PostingPool

# Terms pickled together in a run file: one pickle call per block, not per posting.
BLOCK_TERMS = 2_000


class TermPool(PostingPool):
    """A PostingPool for writers that add documents in increasing order (a fresh segment)."""

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[tuple[str, bytes], list] = {}
        self.last_docnum = -1

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum < self.last_docnum:
            # A posting of an earlier document (a merged segment): order no longer holds by design.
            raise ValueError("TermPool takes postings in document order only")
        self.last_docnum = docnum
        key = (fieldname, tbytes)
        postings = self.terms.get(key)
        if postings is None:
            self.terms[key] = postings = []
            self.fieldnames.add(fieldname)
            self.currentsize += 100 + len(fieldname) + len(tbytes)
        postings.append((docnum, weight, vbytes))
        # Scaled so that a full pool takes the memory PostingPool's takes when it counts `limit`
        # (measured in objects: its estimate is 3/4 of its real size, a posting here half of it).
        self.currentsize += 120 + (len(vbytes) if vbytes else 0)
        if self.currentsize > self.limit:
            self.save()

    def save(self):
        if not self.terms:
            return
        path, f = self._new_run()
        try:
            records = iter(self._sorted_records())
            while block := list(islice(records, BLOCK_TERMS)):
                pickle.dump(block, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()
        self.runs.append(path)
        self.terms = {}
        self.currentsize = 0

    def _sorted_records(self):
        terms = self.terms
        return [(key[0], key[1], terms[key]) for key in sorted(terms)]

    def _read_run(self, path, number):
        f = self._open_run(path)
        try:
            while True:
                try:
                    block = pickle.load(f)
                except EOFError:
                    break
                for fieldname, tbytes, postings in block:
                    yield fieldname, tbytes, number, postings
        finally:
            f.close()
            self._remove_run(path)

    def items(self, maxfiles=128):
        """Every posting, sorted by field, term, then document (the order Whoosh's pool gives)."""
        if not self.runs:
            records = self._sorted_records()
            self.terms = {}
            return (
                (fieldname, tbytes, docnum, weight, vbytes)
                for fieldname, tbytes, postings in records
                for docnum, weight, vbytes in postings
            )
        self.save()
        runs, self.runs = self.runs, []
        # Equal terms come out of the runs in run order, that is in document order.
        merged = heapq.merge(*(self._read_run(path, n) for n, path in enumerate(runs)))
        return (
            (fieldname, tbytes, docnum, weight, vbytes)
            for fieldname, tbytes, _run, postings in merged
            for docnum, weight, vbytes in postings
        )

    def cleanup(self):
        self.terms = {}
        super().cleanup()


def use_term_pool(writer) -> None:
    """Give this fresh single-process writer a TermPool (before any document is added)."""
    old = writer.pool
    writer.pool = TermPool(old.tempstore, old.segment, limitmb=old.limit // (1024 * 1024))
