"""The postings of a rebuild, gathered term by term instead of sorted one by one.

Whoosh's writer puts every posting, a (field, term, document, weight, value) tuple, in a
pool that sorts them all; when its memory is full it pickles them one posting at a time
to a run file, and at commit reads them back one at a time and merges the runs with a
heap of postings: 40 % of a build's time (profiled on 5,000 resources). A rebuild adds
documents in order, so each term's postings already arrive in document order: this pool
keeps, per term, the list of its postings, sorts only the terms, writes a run as marshalled
blocks of terms, and merges the runs term by term. It hands the writer the same postings
in the same order, so the index is byte for byte the one Whoosh's pool gives
(tests/index/test_postingpool.py).

Memory is bounded the way Whoosh bounds its pool, by `limitmb`, but counted in the bytes the
postings really take (the sizes of their Python objects, `sys.getsizeof`): a run is written
as soon as the pool holds that much. At commit the runs are merged a block at a time, and a
block holds at most BLOCK_POSTINGS postings, so the merge holds about one block per run
whatever the size of the catalogue.
"""

import heapq
import marshal
import sys
from collections import defaultdict
from operator import itemgetter
from struct import Struct

from whoosh.writing import PostingPool

# Postings written together in a run file (whole terms; a term alone may hold more, at most one
# per document of the run): one marshal call per block, not per posting, and about 1 MB in memory.
BLOCK_POSTINGS = 8_192

# Bytes of one posting held: its three slots (document number, weight, value) in its term's flat
# list, with the list's spare room. The document number is the document's and the weight one of
# a few shared floats (index.fastfields), counted once. A value of n bytes adds BYTES_OBJECT + n,
# except the empty one (a shared object).
POSTING_BYTES = 3 * 8 + 3
BYTES_OBJECT = sys.getsizeof(b"")
# Bytes of a new term: its term bytes, its list, its entry in its field's dict (a dict of n
# entries takes about 48 n bytes between two resizes), and TERM_TEXT bytes of text on average
# (where the text is not counted one term at a time).
TERM_BYTES = BYTES_OBJECT + sys.getsizeof([]) + 48
TERM_TEXT = 9
DOCUMENT_BYTES = sys.getsizeof(2**29)

_second, _fourth = itemgetter(1), itemgetter(3)
_SIZE = Struct("<Q")  # the length of a block in a run file


class TermPool(PostingPool):
    """A PostingPool for writers that add documents in increasing order (a fresh segment)."""

    def __init__(self, tempstore, segment, limitmb=128, block_postings=BLOCK_POSTINGS, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.block_postings = block_postings
        # field name -> term -> its postings, flat: [docnum, weight, value, docnum, weight, value, …]
        # (three slots a posting instead of a tuple each: less memory, so fewer runs to write)
        self.terms: dict[str, defaultdict[bytes, list]] = {}
        self.last_docnum = -1

    def _field_terms(self, fieldname) -> defaultdict:
        terms = self.terms.get(fieldname)
        if terms is None:
            terms = self.terms[fieldname] = defaultdict(list)
            self.fieldnames.add(fieldname)
        return terms

    def _next_document(self, docnum) -> None:
        if docnum != self.last_docnum:
            if docnum < self.last_docnum:
                # A posting of an earlier document (a merged segment): order no longer holds by design.
                raise ValueError("TermPool takes postings in document order only")
            self.last_docnum = docnum
            self.currentsize += DOCUMENT_BYTES

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        self._next_document(docnum)
        terms = self._field_terms(fieldname)
        if tbytes not in terms:
            self.currentsize += TERM_BYTES + len(tbytes)
        terms[tbytes].extend((docnum, weight, vbytes))
        self.currentsize += (
            POSTING_BYTES + sys.getsizeof(weight) + (BYTES_OBJECT + len(vbytes) if vbytes else 0)
        )
        if self.currentsize > self.limit:
            self.save()

    def add_field(self, fieldname, docnum, items, boost) -> int:
        """add() for each of a field's (term bytes, frequency, weight, value) in one document; returns
        the sum of their frequencies. The postings and their order are add()'s.

        One dictionary lookup and one append per posting: the sizes are summed by C loops, a new
        term's text counted as TERM_TEXT bytes."""
        if not items:
            return 0
        self._next_document(docnum)
        terms = self._field_terms(fieldname)
        known = len(terms)
        if boost == 1:  # the weights are floats (add_document): their shared objects are kept
            for tbytes, _freq, weight, vbytes in items:
                terms[tbytes].extend((docnum, weight, vbytes))
        else:
            for tbytes, _freq, weight, vbytes in items:
                terms[tbytes].extend((docnum, weight * boost, vbytes))
        values = list(map(len, map(_fourth, items)))
        self.currentsize += (
            (len(terms) - known) * (TERM_BYTES + TERM_TEXT)
            + len(items) * POSTING_BYTES
            + sum(values)
            + BYTES_OBJECT * (len(values) - values.count(0))
        )
        if self.currentsize > self.limit:
            self.save()
        return sum(map(_second, items))

    def save(self):
        if not self.terms:
            return
        path, f = self._new_run()
        try:
            for block in self._blocks():
                # marshal: twice as fast as pickle for ints, floats and bytes; read back whole
                # (marshal.load reads a file a few bytes at a time).
                data = marshal.dumps(block)
                f.write(_SIZE.pack(len(data)))
                f.write(data)
        finally:
            f.close()
        self.runs.append(path)
        self.terms = {}
        self.currentsize = 0

    def _sorted_records(self):
        return [
            (fieldname, tbytes, terms[tbytes])
            for fieldname, terms in sorted(self.terms.items())
            for tbytes in sorted(terms)
        ]

    def _blocks(self):
        """The sorted terms in blocks of about `block_postings` postings."""
        block, held = [], 0
        for record in self._sorted_records():
            block.append(record)
            held += len(record[2]) // 3
            if held >= self.block_postings:
                yield block
                block, held = [], 0
        if block:
            yield block

    def _read_run(self, path, number):
        f = self._open_run(path)
        try:
            while head := f.read(_SIZE.size):
                block = marshal.loads(f.read(_SIZE.unpack(head)[0]))
                for fieldname, tbytes, postings in block:
                    yield fieldname, tbytes, number, postings
        finally:
            f.close()
            self._remove_run(path)

    def iter_terms(self):
        """(field name, term bytes, flat postings in document order), sorted by field and term.

        A term held by several runs comes as several records in a row, one per run, in document order.
        """
        if not self.runs:
            records = self._sorted_records()
            self.terms = {}
            return iter(records)
        self.save()
        runs, self.runs = self.runs, []
        # Equal terms come out of the runs in run order, that is in document order.
        merged = heapq.merge(*(self._read_run(path, n) for n, path in enumerate(runs)))
        return ((fieldname, tbytes, flat) for fieldname, tbytes, _run, flat in merged)

    def items(self, maxfiles=128):
        """Every posting, sorted by field, term, then document (the order Whoosh's pool gives)."""
        return (
            (fieldname, tbytes, docnum, weight, vbytes)
            for fieldname, tbytes, flat in self.iter_terms()
            for docnum, weight, vbytes in zip(flat[0::3], flat[1::3], flat[2::3], strict=True)
        )

    def cleanup(self):
        self.terms = {}
        super().cleanup()


def add_document(writer, fields: dict, terms: dict) -> None:
    """Whoosh's SegmentWriter.add_document for a writer with a TermPool, taking the terms of the
    fields in `terms` ({field name: [(term bytes, frequency, weight, value), …]}) as given and
    adding each field's postings in one call (TermPool.add_field) instead of one call each.

    Same checks, same postings, lengths, stored values and columns (tests/index/test_postingpool.py);
    term vectors and separate spelling fields, which the catalogue's schema has none of, are refused.
    """
    writer._check_state()
    perdocwriter, schema, docnum, pool = writer.perdocwriter, writer.schema, writer.docnum, writer.pool
    docboost = writer._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {fieldname!r}: term vectors and separate spelling are not supported")
            length = 0
            if field.indexed:
                items = terms.get(fieldname)
                if items is None:
                    # Whoosh multiplies each weight by the boost: an int weight becomes a float.
                    items = [(t, f, float(w), v) for t, f, w, v in field.index(value)]
                added = pool.add_field(
                    fieldname, docnum, items, writer._field_boost(fields, fieldname, docboost)
                )
                if field.scorable:
                    length = added
            stored = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


def use_term_pool(writer, **options) -> None:
    """Give this fresh single-process writer a TermPool (before any document is added)."""
    old = writer.pool
    writer.pool = TermPool(old.tempstore, old.segment, limitmb=old.limit // (1024 * 1024), **options)
