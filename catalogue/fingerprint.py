"""Recognise the same document under two addresses: exact fingerprints and near-identical texts.

A fingerprint is the SHA-256 of a file's bytes, the SHA-256 of its normalised text (case,
accents, spacing and punctuation folded), and a MinHash sketch of its word 5-shingles made
with one-permutation hashing (one hash per shingle, the minimum kept in each of 64 bins,
empty bins filled from their neighbour). Sketches are cut into 16 bands of 4 values: two
texts sharing a band are compared, and called near-identical when at least
NEAR_THRESHOLD of their values agree (an estimate of the Jaccard similarity of their shingles).
The store's `fingerprints` and `fingerprint_bands` tables (migration 0009) hold them.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from catalogue.store import connection_of

BINS = 64
BAND_ROWS = 4
SHINGLE = 5
NEAR_THRESHOLD = 0.8
# Texts shorter than this many words are only compared exactly: a sketch of ten words says little.
MIN_WORDS = 40
# Words read per text: the start of a long report identifies it, and the cost stays bounded.
MAX_WORDS = 20_000
_MASK = (1 << 64) - 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """The fingerprints of one document; empty strings where there is nothing to compare."""

    bytes_hash: str = ""
    text_hash: str = ""
    sketch: tuple[int, ...] = ()

    @property
    def sketch_hex(self) -> str:
        return "".join(f"{v:016x}" for v in self.sketch)

    def bands(self) -> list[int]:
        """The band keys of the sketch (signed 63-bit integers, as SQLite stores them)."""
        keys = []
        for start in range(0, len(self.sketch), BAND_ROWS):
            piece = b"".join(v.to_bytes(8, "big") for v in self.sketch[start : start + BAND_ROWS])
            digest = hashlib.blake2b(piece + bytes([start]), digest_size=8).digest()
            keys.append(int.from_bytes(digest, "big", signed=True))
        return keys


def normalise(text: str) -> list[str]:
    """The words of a text, lower case and without accents."""
    folded = unicodedata.normalize("NFKD", (text or "").lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)[:MAX_WORDS]


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def sketch(words: list[str]) -> tuple[int, ...]:
    """The one-permutation MinHash of a text's word shingles (empty for a short text)."""
    if len(words) < MIN_WORDS:
        return ()
    mins = [_MASK] * BINS
    for i in range(len(words) - SHINGLE + 1):
        h = _hash64(" ".join(words[i : i + SHINGLE]).encode("utf-8"))
        slot, value = h % BINS, h // BINS
        if value < mins[slot]:
            mins[slot] = value
    # Densification: an empty bin borrows the next filled bin's value (rotating), so bins stay comparable.
    filled = [i for i, v in enumerate(mins) if v != _MASK]
    for i in range(BINS):
        if mins[i] == _MASK:
            nxt = next((j for j in filled if j > i), filled[0])
            mins[i] = mins[nxt]
    return tuple(mins)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two sketches (0 when either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def fingerprint(body: bytes | None, text: str = "") -> Fingerprint:
    """The fingerprint of a fetched document: its bytes and its extracted text."""
    words = normalise(text)
    return Fingerprint(
        bytes_hash=hashlib.sha256(body).hexdigest() if body else "",
        text_hash=hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest() if len(words) >= 5 else "",
        sketch=sketch(words),
    )


def parse_sketch(value: str) -> tuple[int, ...]:
    """A sketch back from its stored hex form."""
    return tuple(int(value[i : i + 16], 16) for i in range(0, len(value), 16)) if value else ()


# -- storage -------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """An earlier document with the same content: a resource or a proposal, and how it matched."""

    resource_id: str | None
    proposal_id: int | None
    how: str  # bytes, text, near
    score: float = 1.0

    @property
    def reason(self) -> str:
        """Why the two addresses are one document, in French."""
        if self.how == "bytes":
            return "fichier identique (mêmes octets)"
        if self.how == "text":
            return "texte identique"
        return f"texte presque identique ({round(self.score * 100)} % de passages communs)"


def find_match(store, fp: Fingerprint) -> Match | None:
    """The earliest stored document with the same bytes, the same text, or a near-identical text."""
    conn = connection_of(store)
    for how, column, value in (("bytes", "bytes_hash", fp.bytes_hash), ("text", "text_hash", fp.text_hash)):
        if not value:
            continue
        row = conn.execute(
            f"SELECT resource_id, proposal_id FROM fingerprints WHERE {column} = ? ORDER BY id LIMIT 1",
            (value,),
        ).fetchone()
        if row is not None:
            return Match(row["resource_id"], row["proposal_id"], how)
    if not fp.sketch:
        return None
    bands = fp.bands()
    rows = conn.execute(
        "SELECT DISTINCT f.id, f.resource_id, f.proposal_id, f.sketch FROM fingerprint_bands b "
        f"JOIN fingerprints f ON f.id = b.fingerprint_id WHERE b.band IN ({', '.join('?' * len(bands))}) "
        "ORDER BY f.id",
        bands,
    ).fetchall()
    best = None
    for row in rows:
        score = similarity(fp.sketch, parse_sketch(row["sketch"]))
        if score >= NEAR_THRESHOLD and (best is None or score > best.score):
            best = Match(row["resource_id"], row["proposal_id"], "near", score)
    return best


def save(store, fp: Fingerprint, *, resource_id: str | None = None, proposal_id: int | None = None) -> None:
    """Store the fingerprint of a resource or a proposal (replacing its previous one)."""
    db = connection_of(store)
    if (resource_id is None) == (proposal_id is None):
        raise ValueError("a fingerprint belongs to one resource or one proposal")
    column, owner = ("resource_id", resource_id) if resource_id is not None else ("proposal_id", proposal_id)
    with store.transaction():
        db.execute(f"DELETE FROM fingerprints WHERE {column} = ?", (owner,))
        cur = db.execute(
            f"INSERT INTO fingerprints ({column}, bytes_hash, text_hash, sketch) VALUES (?, ?, ?, ?)",
            (owner, fp.bytes_hash, fp.text_hash, fp.sketch_hex),
        )
        db.executemany(
            "INSERT INTO fingerprint_bands (fingerprint_id, band) VALUES (?, ?)",
            [(cur.lastrowid, band) for band in fp.bands()],
        )


def hand_over(store, proposal_id: int, resource_id: str) -> None:
    """An accepted proposal's fingerprint becomes its resource's."""
    db = connection_of(store)
    with store.transaction():
        db.execute("DELETE FROM fingerprints WHERE resource_id = ?", (resource_id,))
        db.execute(
            "UPDATE fingerprints SET resource_id = ?, proposal_id = NULL WHERE proposal_id = ?",
            (resource_id, proposal_id),
        )


def missing_resource_ids(store) -> list[str]:
    """Resources with an extraction but no fingerprint yet (crawled before the watch existed)."""
    return [
        r[0]
        for r in connection_of(store).execute(
            "SELECT e.resource_id FROM extractions e LEFT JOIN fingerprints f ON f.resource_id = e.resource_id "
            "WHERE f.id IS NULL ORDER BY e.resource_id"
        )
    ]


def backfill(store) -> int:
    """Fingerprint the resources crawled before (text and stored content hash); returns how many."""
    ids = missing_resource_ids(store)
    with store.transaction():
        for rid in ids:
            row = (
                connection_of(store)
                .execute("SELECT text, content_hash FROM extractions WHERE resource_id = ?", (rid,))
                .fetchone()
            )
            fp = fingerprint(None, row["text"])
            save(store, Fingerprint(row["content_hash"], fp.text_hash, fp.sketch), resource_id=rid)
    return len(ids)
