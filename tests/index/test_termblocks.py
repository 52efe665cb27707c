"""The block encoder of a rebuild's commit writes the postings and terms files Whoosh's own path writes, byte for byte."""

import random

import pytest
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from index.termblocks import write_terms

SCHEMA = Schema(
    body=TEXT(),  # Positions: a pickled positions list per posting
    chars=TEXT(chars=True),  # Characters: positions and offsets
    ident=ID(),  # Existence: no value (b"" from the analyser, None allowed by add_postings)
    tags=KEYWORD(),  # Frequency: a 4-byte value, stored joined
    year=NUMERIC(int),  # Existence, with binary terms
)


class TableLengths:
    """Field lengths as index.build.PreloadedLengths gives them: a table per field, None for no length."""

    def __init__(self, tables: dict[str, list]):
        self.tables = tables

    def field_lengths(self, fieldname) -> list:
        return self.tables.get(fieldname, [])

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self.field_lengths(fieldname)
        return table[docnum] if table else default


class ReaderLengths(TableLengths):
    """Field lengths as Whoosh's per-document reader gives them: one call per document, 0 for none."""

    field_lengths = property()  # no table: the encoder must ask document by document

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self.tables.get(fieldname, [])
        return (table[docnum] or 0) if table else default


def value_of(fieldname, rng, docnum):
    if fieldname in ("ident", "year"):
        return rng.choice([b"", None])
    if fieldname == "tags":
        return rng.randint(1, 3).to_bytes(4, "big")
    if rng.random() < 0.05:
        return rng.choice([b"", None])  # no value: Whoosh leaves it out of the block's values
    # Bytes above 0x7F: protocol 2 pickles a bytes value as a Latin-1 string, two UTF-8 bytes each.
    positions = sorted(rng.sample(range(500), rng.randint(1, 4)))
    return (
        bytes([0x80, 2, 0x5D]) + b"".join(p.to_bytes(2, "big") for p in positions) + docnum.to_bytes(3, "big")
    )


def postings(rng, count: int, weights: str, fieldname: str, docs: int) -> list:
    docnums = sorted(rng.sample(range(docs), count))
    if weights == "ones":
        ws = [1.0] * count
    elif weights == "equal":
        ws = [0.1] * count  # not a 32-bit float: Whoosh stores its rounding
    elif weights == "ints":
        ws = [rng.choice([1, 2, 2.0, 3]) for _ in docnums]  # the first largest counts as given
    elif weights == "nonpositive":
        ws = [rng.choice([0.0, -1.5]) for _ in docnums]
    else:
        ws = [rng.choice([1.0, 2.0, 0.5, 3.7, 12.25]) for _ in docnums]
    return [(d, w, value_of(fieldname, rng, d)) for d, w in zip(docnums, ws, strict=True)]


# (field, term, posting count, weights): the shapes that change what a block or a term info holds.
TERMS = [
    ("body", b"alone", 1, "mixed"),
    ("body", b"block", 128, "ones"),
    ("body", b"blockplus", 129, "equal"),
    ("body", b"long", 2_000, "mixed"),
    ("body", b"ones", 40, "ones"),
    ("body", b"twoblocks", 256, "ints"),
    ("body", b"zero", 7, "nonpositive"),
    ("chars", b"alone", 1, "ones"),
    ("chars", b"some", 300, "mixed"),
    ("ident", b"https://a", 1, "ones"),
    ("ident", b"https://b", 200, "ones"),
    ("tags", b"evaluation", 130, "mixed"),
    ("tags", b"mentorat", 3, "equal"),
    ("year", b"\x00\x80\x07\xe4", 129, "ones"),
]


def records(seed: int, docs: int, split: bool) -> list:
    """Sorted (field, term, postings) records; with `split`, some terms come in several records, as from several runs."""
    rng = random.Random(seed)
    out = []
    for fieldname, tbytes, count, weights in TERMS:
        plist = postings(rng, min(count, docs), weights, fieldname, docs)
        cuts = sorted(rng.sample(range(1, len(plist)), min(3, len(plist) - 1))) if split else []
        if split and len(plist) > 256:
            cuts = sorted(set(cuts) | {128, 256})  # a record ending exactly on a block
        for start, end in zip([0, *cuts], [*cuts, len(plist)], strict=True):
            out.append((fieldname, tbytes, plist[start:end]))
    return out


def lengths_table(seed: int, docs: int) -> dict[str, list]:
    """Some documents have no length in a field; some are longer than the largest length byte.

    Not so many that a whole block has none after a block with some: Whoosh's W3TermInfo.add_block
    then fails (min of a number and None), and a real index never has it, a posting's document
    having the field. The ID fields have no lengths at all.
    """
    rng = random.Random(seed)
    return {
        name: [None if n % 3 == 0 else rng.choice([1, 3, 17, 250, 4_000, 200_000]) for n in range(docs)]
        for name in ("body", "chars", "tags")
    }


def segment_files(folder, codec, write) -> dict[str, bytes]:
    storage = FileStorage(str(folder))
    storage.create()
    fieldwriter = codec.field_writer(storage, W3Segment(codec, "T", segid="fixedsegment"))
    write(fieldwriter)
    fieldwriter.close()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def both_ways(tmp_path, codec, recs, lengths) -> tuple[dict, dict]:
    def whoosh(fieldwriter):  # Whoosh's own path: a call per posting
        items = ((f, t, d, w, v) for f, t, plist in recs for d, w, v in plist)
        fieldwriter.add_postings(SCHEMA, lengths, items)

    expected = segment_files(tmp_path / "whoosh", codec, whoosh)
    flat = [
        (f, t, [x for posting in plist for x in posting]) for f, t, plist in recs
    ]  # as the pool holds them
    actual = segment_files(tmp_path / "ours", codec, lambda fw: write_terms(fw, SCHEMA, lengths, iter(flat)))
    return expected, actual


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("lengths_kind", ["table", "reader", "none"])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_encoder_writes_whooshs_bytes(tmp_path, seed, lengths_kind, split):
    docs = 3_000
    recs = records(seed, docs, split)
    table = lengths_table(seed, docs)
    lengths = {"table": TableLengths(table), "reader": ReaderLengths(table), "none": None}[lengths_kind]
    expected, actual = both_ways(tmp_path, W3Codec(), recs, lengths)
    assert {"T_fixedsegment.pst", "T_fixedsegment.trm"} == set(expected)
    assert len(expected["T_fixedsegment.pst"]) > 10_000
    assert expected == actual


@pytest.mark.parametrize(
    "codec",
    [W3Codec(blocklimit=5, compression=0), W3Codec(blocklimit=1_000, compression=9)],
    ids=["small-uncompressed", "large-best"],
)
def test_the_encoder_follows_the_codecs_block_size_and_compression(tmp_path, codec):
    recs = records(3, 1_500, split=True)
    lengths = TableLengths(lengths_table(3, 1_500))
    expected, actual = both_ways(tmp_path, codec, recs, lengths)
    assert expected == actual


def test_a_codec_that_inlines_short_lists_is_left_to_whoosh(tmp_path):
    recs = [r for r in records(4, 500, split=True) if r[1] not in {b"alone", b"https://a"}]
    lengths = TableLengths(lengths_table(4, 500))
    expected, actual = both_ways(tmp_path, W3Codec(inlinelimit=2), recs, lengths)
    assert expected == actual
