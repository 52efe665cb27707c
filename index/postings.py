"""Reading the postings of a term for a few documents: a block at a time, found by bisection.

Whoosh's `skip_to` steps through a block one posting at a time in Python (a block holds up
to 128 documents) and `value_as` decodes one value per call; for the 20 to 30 documents of
a page, reading each block once and bisecting its document numbers is several times faster.
"""

from bisect import bisect_left

from cachetools import LRUCache
from whoosh.matching.wrappers import FilterMatcher

# A small least-recently-used mapping bounded by its number of entries (not thread-safe).
LRU = LRUCache


def values_at(reader, fieldname: str, term: bytes, docnums, astype: str, cache: LRU | None = None) -> dict:
    """The decoded value (`astype`: "positions", "characters"…) of a term in each of these documents that has it.

    With `cache` (one per searcher), values already read, and their absence, are remembered.
    """
    found: dict = {}
    wanted = sorted(set(docnums))
    if cache is not None:
        missing = []
        for d in wanted:
            key = (fieldname, term, astype, d)
            if key in cache:
                value = cache.get(key)
                if value is not None:
                    found[d] = value
            else:
                missing.append(d)
        if missing:
            read = values_at(reader, fieldname, term, missing, astype)
            for d in missing:
                cache[(fieldname, term, astype, d)] = read.get(d)
            found.update(read)
        return found
    for leaf, offset in reader.leaf_readers():
        if (fieldname, term) not in leaf:
            continue
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in wanted if offset <= d < end]
        if local:
            for d, value in _leaf_values(leaf, fieldname, term, local, astype).items():
                found[d + offset] = value
    return found


def _leaf_values(leaf, fieldname: str, term: bytes, docnums: list[int], astype: str) -> dict:
    m = leaf.postings(fieldname, term)
    if isinstance(m, FilterMatcher):
        # Deleted documents are filtered out; those asked for here are live ones.
        m = m.child
    out: dict = {}
    if not all(hasattr(m, a) for a in ("_read_ids", "_read_values", "_next_block", "_maxid")):
        return _by_skipping(m, docnums, astype)
    decode = m.format.decoder(astype)
    i, count = 0, len(docnums)
    while i < count and m.is_active():
        if m._maxid < docnums[i]:
            m._next_block()
            continue
        m._read_ids()
        ids, values = m._ids, None
        size = len(ids)
        while i < count and docnums[i] <= m._maxid:
            d = docnums[i]
            j = bisect_left(ids, d)
            if j < size and ids[j] == d:
                if values is None:
                    m._read_values()
                    values = m._values
                out[d] = decode(values[j])
            i += 1
        m._next_block()
    return out


def _by_skipping(m, docnums: list[int], astype: str) -> dict:
    out: dict = {}
    for d in docnums:
        if not m.is_active():
            break
        if m.id() < d:
            m.skip_to(d)
            if not m.is_active():
                break
        if m.id() == d:
            out[d] = m.value_as(astype)
    return out
