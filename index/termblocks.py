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
    """Write (field name, term bytes, [(docnum, weight, value), …]) records in sorted order, as Whoosh's add_postings.

    A term may come in several records in a row (one per run of the pool): they are one posting list.
    """
    if not _encodes_like_whoosh(fieldwriter):
        _write_through_whoosh(fieldwriter, schema, lengths, terms)
        return
    postfile = fieldwriter._postfile
    out = TermWriter(postfile, fieldwriter._tindex.add, postfile.tell())
    lastfield = lastterm = None
    records = []  # the postings lists of the current term
    for fieldname, tbytes, postings in terms:
        if tbytes == lastterm and fieldname == lastfield:
            records.append(postings)
            continue
        if records:
            out.write_term(lastterm, records)
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            out.start_field(fieldwriter, _length_lookup(lengths, fieldname))
            lastfield = fieldname
        lastterm, records = tbytes, [postings]
    if records:
        out.write_term(lastterm, records)
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
    items = ((f, t, docnum, weight, value) for f, t, postings in terms for docnum, weight, value in postings)
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

    def write_term(self, tbytes: bytes, records: list) -> None:
        postings = records[0] if len(records) == 1 else list(chain.from_iterable(records))
        size, count = self._blocklimit, len(postings)
        # W3TermInfo's statistics, updated block by block as its add_block does.
        weight = df = maxlength = maxweight = 0
        minlength = minid = maxid = None
        chunks = [WHOOSH3_HEADER_MAGIC]
        for start in range(0, count, size):
            block = postings[start : start + size] if count > size else postings
            ids, blockweight, blockmin, blockmax, topweight, data = self._encode_block(block)
            weight += blockweight
            df += len(ids)
            minlength = blockmin if minlength is None else min(minlength, blockmin)
            maxlength = max(maxlength, blockmax)
            maxweight = max(maxweight, topweight)
            if minid is None:
                minid = ids[0]
            maxid = ids[-1]
            last = start + size >= count
            info = dumps(
                (
                    len(ids),
                    maxid,
                    topweight,
                    self._compression,
                    length_to_byte(blockmin),
                    length_to_byte(blockmax),
                ),
                2,
            )
            chunks += (pack_int(-(len(info) + len(data)) if last else len(info) + len(data)), info, data)
        written = b"".join(chunks)
        self._postfile.write(written)
        info = W3TermInfo._struct.pack(
            0,
            weight,
            df,
            0 if minlength is None else length_to_byte(minlength),
            length_to_byte(maxlength),
            maxweight,
            NO_ID if minid is None else minid,
            NO_ID if maxid is None else maxid,
        )
        self._add_info(self._fieldkey + tbytes, info + pack_long(self._offset) + pack_int(len(written)))
        self._offset += len(written)

    def _encode_block(self, block: list):
        """(ids, sum of weights, min length, max length, max weight, data bytes) of a block of postings,
        as W3PostingsWriter.add_posting and _write_block compute them."""
        ids, weights, values = zip(*block, strict=True)
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
