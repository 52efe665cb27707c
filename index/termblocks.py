"""A rebuild's postings written to the segment term by term, a block at a time.

At commit Whoosh's writer hands its codec every posting on its own: for each one the
field writer checks the order, looks up the document's field length and calls the
postings writer, which appends the posting to three buffers and updates four statistics;
every 128 postings it writes a block. That is a quarter of a rebuild's CPU time (profiled
on 5,000 resources). The term pool (index/postingpool.py) already holds each term's
postings together and in order, so this fills each block's buffers at once, with the
statistics Whoosh's `add_posting` would have computed, and lets Whoosh's own postings
writer encode and write the block and the term's info. The segment files are byte for byte
those of Whoosh's path (tests/index/test_postingpool.py).
"""

from array import array


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
    lastfield = lastterm = None
    writer = pending = length_of = None  # pending: the postings of the current term not written yet
    for fieldname, tbytes, postings in terms:
        if tbytes != lastterm or fieldname != lastfield:
            if lastterm is not None:
                _finish_term(fieldwriter, writer, pending, length_of)
            if fieldname != lastfield:
                if lastfield is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                lastfield, length_of = fieldname, _length_lookup(lengths, fieldname)
            fieldwriter.start_term(tbytes)
            writer, pending, lastterm = fieldwriter._postwriter, postings, tbytes
        else:
            pending = pending + postings
        pending = _write_full_blocks(writer, pending, length_of)
    if lastterm is not None:
        _finish_term(fieldwriter, writer, pending, length_of)
    if lastfield is not None:
        fieldwriter.finish_field()


def _length_lookup(lengths, fieldname):
    """docnum -> the length of this field in that document (None or 0 for none)."""
    if lengths is None:
        return lambda docnum: 0
    field_lengths = getattr(lengths, "field_lengths", None)  # index.build.PreloadedLengths
    if field_lengths is None:
        return lambda docnum: lengths.doc_field_length(docnum, fieldname)
    table = field_lengths(fieldname)
    return table.__getitem__ if table else (lambda docnum: 0)


def _write_full_blocks(writer, pending: list, length_of) -> list:
    """Write blocks while more than a block is pending (add_posting writes a full block when the
    next posting comes); the postings left, at most one block."""
    size, start = writer._blocklimit, 0
    while len(pending) - start > size:
        _fill_block(writer, pending[start : start + size], length_of)
        writer._write_block()
        start += size
    return pending[start:] if start else pending


def _finish_term(fieldwriter, writer, pending: list, length_of) -> None:
    _fill_block(writer, pending, length_of)
    fieldwriter.finish_term()  # writes the last block, or inlines the term's postings


def _fill_block(writer, postings, length_of) -> None:
    """The buffers and statistics W3PostingsWriter.add_posting leaves after adding these postings to an empty block."""
    docnums = [p[0] for p in postings]
    weights = [p[1] for p in postings]
    writer._ids = array("I", docnums)
    writer._weights = array("f", weights)
    writer._values = [p[2] for p in postings if p[2]]
    top = max(weights)
    writer._maxweight = top if top > 0 else 0  # starts at 0, replaced by a larger weight only
    found = [n for n in map(length_of, docnums) if n]
    writer._minlength = min(found) if found else None
    writer._maxlength = max(found) if found else 0
