"""A rebuild's postings written to the segment term by term, a block at a time, without a call per posting.

At commit Whoosh's writer hands its codec every posting on its own: for each one the
field writer checks the order, looks up the document's field length and calls the
postings writer, which appends the posting to three buffers and updates four statistics;
every 128 postings it writes a block, delta-encoding the ids, comparing the weights and
updating the term's statistics posting by posting again. That was a third of a rebuild's
CPU time. The term pool (index/postingpool.py) already holds each term's postings together
and in order, so this encodes each block at once, with C-level helpers (zip, map, array,
filter, pickle, zlib), into the bytes W3PostingsWriter._write_block writes, and each term's
info into the bytes W3FieldWriter.finish_term adds to the terms table. The segment files
are byte for byte those of Whoosh's path (tests/index/test_termblocks.py,
tests/index/test_postingpool.py).
"""

import zlib
from array import array
from itertools import chain
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3PostingsWriter, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

NO_ID = 0xFFFFFFFF  # W3TermInfo.to_bytes's stand-in for a missing id


def use_term_blocks(writer) -> None:
    """Make this single-process writer, whose pool is a TermPool, write its postings term by term."""

    def flush_segment():
        writer.perdocwriter.close()
        lengths = writer.per_document_reader() if writer.codec.length_stats else None
        try:
            write_terms(writer.fieldwriter, writer.schema, lengths, writer.pool.iter_terms())
            writer.fieldwriter.close()
        finally:
            if lengths is not None:
                lengths.close()

    writer._flush_segment = flush_segment


def write_terms(fieldwriter, schema, lengths, terms) -> None:
    """Write (field name, term bytes, [docnum, weight, value, docnum, weight, value, …]) records in
    sorted order, as Whoosh's add_postings (the postings flat, as the term pool holds them).

    A term may come in several records in a row (one per run of the pool): they are one posting list.
    """
    if not _encodes_like_whoosh(fieldwriter):
        _write_through_whoosh(fieldwriter, schema, lengths, terms)
        return
    postfile = fieldwriter._postfile
    out = TermWriter(postfile, fieldwriter._tindex.add, postfile.tell())
    lastfield = lastterm = None
    for fieldname, tbytes, postings in terms:
        if tbytes != lastterm or fieldname != lastfield:
            if lastterm is not None:
                out.finish_term()
            if fieldname != lastfield:
                if lastfield is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                out.start_field(fieldwriter, _length_lookup(lengths, fieldname))
                lastfield = fieldname
            out.start_term(tbytes)
            lastterm = tbytes
        out.add(postings)
    if lastterm is not None:
        out.finish_term()
    if lastfield is not None:
        fieldwriter.finish_field()


def _encodes_like_whoosh(fieldwriter) -> bool:
    """True for the codec TermWriter reproduces: Whoosh 3's, numeric ids, no inlined postings.

    Whoosh inlines a term of fewer than `inlinelimit` postings; its default of 1 never does
    (and in whoosh-reloaded 2.7.5 inlining raises AttributeError: it calls a missing set_inline).
    """
    postwriter = fieldwriter._codec.postings_writer(fieldwriter._postfile)
    return type(postwriter) is W3PostingsWriter and postwriter._inlinelimit <= 1 and not postwriter._byteids


def _write_through_whoosh(fieldwriter, schema, lengths, terms) -> None:
    items = (
        (f, t, docnum, weight, value)
        for f, t, flat in terms
        for docnum, weight, value in zip(flat[0::3], flat[1::3], flat[2::3], strict=True)
    )
    fieldwriter.add_postings(schema, lengths, items)


def _length_lookup(lengths, fieldname):
    """docnum -> the length of this field in that document (None or 0 for none)."""
    if lengths is None:
        return lambda docnum: 0
    field_lengths = getattr(lengths, "field_lengths", None)  # index.shards.PreloadedLengths
    if field_lengths is None:
        return lambda docnum: lengths.doc_field_length(docnum, fieldname)
    table = field_lengths(fieldname)
    return table.__getitem__ if table else (lambda docnum: 0)


class TermWriter:
    """Writes each term's blocks to the postings file and its info to the terms table, as W3FieldWriter would."""

    def __init__(self, postfile, add_info, offset: int):
        self._postfile = postfile
        self._add_info = add_info  # the terms table's OrderedHashWriter.add
        self._offset = offset  # where the next term's postings start (tracked: tell() is a system call)

    def start_field(self, fieldwriter, length_of) -> None:
        """After fieldwriter.start_field: the field's number, format and codec settings."""
        postwriter = fieldwriter._postwriter
        self._fieldkey = pack_ushort(fieldwriter._fieldid)
        self._blocklimit = postwriter._blocklimit
        self._compression = postwriter._compression
        self._length_of = length_of
        fixedsize = fieldwriter._format.fixed_value_size()
        # W3PostingsWriter._mini_values: a tuple of the non-empty values, nothing, or their concatenation.
        if fixedsize is None or fixedsize < 0:
            self._mini_values = lambda values: tuple(filter(None, values))
        elif fixedsize == 0:
            self._mini_values = lambda values: None
        else:
            self._mini_values = lambda values: b"".join(filter(None, values))

    def start_term(self, tbytes: bytes) -> None:
        self._key = self._fieldkey + tbytes
        self._start = self._offset
        self._pending = []  # at most a block of postings not written yet (flat)
        # W3TermInfo's statistics, updated block by block as its add_block does.
        self._weight = self._df = self._maxlength = self._maxweight = 0
        self._minlength = self._minid = self._maxid = None

    def add(self, postings: list) -> None:
        """Add flat postings to the term's list, writing every block that is full and followed by another posting."""
        pending = self._pending + postings if self._pending else postings
        size, start = 3 * self._blocklimit, 0
        while len(pending) - start > size:  # add_posting writes a full block when the next posting comes
            self._write_block(pending[start : start + size], last=False)
            start += size
        self._pending = pending[start:] if start else pending

    def finish_term(self) -> None:
        """Write the term's last block, then its info (statistics and extent) to the terms table."""
        self._write_block(self._pending, last=True)
        info = W3TermInfo._struct.pack(
            0,  # not inlined
            self._weight,
            self._df,
            0 if self._minlength is None else length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
            self._maxweight,
            NO_ID if self._minid is None else self._minid,
            NO_ID if self._maxid is None else self._maxid,
        )
        self._add_info(self._key, info + pack_long(self._start) + pack_int(self._offset - self._start))

    def _write_block(self, block: list, last: bool) -> None:
        """Write a block as W3PostingsWriter._write_block, and add its statistics to the term's as W3TermInfo.add_block."""
        ids, blockweight, minlength, maxlength, maxweight, data = self._encode_block(block)
        self._weight += blockweight
        self._df += len(ids)
        self._minlength = minlength if self._minlength is None else min(self._minlength, minlength)
        self._maxlength = max(self._maxlength, maxlength)
        self._maxweight = max(self._maxweight, maxweight)
        if self._minid is None:
            self._minid = ids[0]
        self._maxid = ids[-1]
        info = dumps(
            (
                len(ids),
                ids[-1],
                maxweight,
                self._compression,
                length_to_byte(minlength),
                length_to_byte(maxlength),
            ),
            2,
        )
        length = len(info) + len(data)
        header = pack_int(-length if last else length)
        if self._offset == self._start:  # the term's first block
            header = WHOOSH3_HEADER_MAGIC + header
        self._postfile.write(b"".join((header, info, data)))
        self._offset += len(header) + length

    def _encode_block(self, block: list):
        """(ids, sum of weights, min length, max length, max weight, data bytes) of a block of postings,
        as W3PostingsWriter.add_posting and _write_block compute them."""
        ids, weights, values = block[0::3], block[1::3], block[2::3]
        stored = array("f", weights)  # Whoosh keeps the weights as 32-bit floats
        count = len(ids)
        if stored.count(1.0) == count:
            mini_weights = None
        elif stored.count(stored[0]) == count:
            mini_weights = stored[0]
        else:
            mini_weights = tuple(stored)
        deltas = tuple(map(sub, ids, chain((0,), ids)))
        data = dumps((deltas, mini_weights, self._mini_values(values)), 2)
        if self._compression:
            data = zlib.compress(data, self._compression)
        found = list(filter(None, map(self._length_of, ids)))  # documents with no length count for nothing
        top = max(weights)  # add_posting keeps the first largest of the weights as given, from 0
        return (
            ids,
            sum(stored),
            min(found) if found else None,
            max(found) if found else 0,
            top if top > 0 else 0,
            data,
        )
