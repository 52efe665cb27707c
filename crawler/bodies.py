"""Reading an answer's body within a size limit, on the wire and after decompression (no gzip bomb)."""

import io
import zlib

CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    """The body is over the limit; the message says which limit, in French."""


class _Decoder:
    """Incremental gzip/deflate decoding that never produces more than asked at once."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        else:  # deflate: zlib-wrapped as the RFC says, or raw as some servers send it
            self._obj = zlib.decompressobj(zlib.MAX_WBITS | 32)
        self._first = True

    def decode(self, data: bytes, room: int) -> bytes:
        """Decode `data`, producing at most `room` bytes (the rest waits in unconsumed_tail)."""
        try:
            out = self._obj.decompress(data, room)
        except zlib.error:
            if not (self._first and self.encoding == "deflate"):
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, room)
        self._first = False
        return out

    @property
    def pending(self) -> bytes:
        return self._obj.unconsumed_tail


def read_body(response, limit: int, prefix: int | None = None) -> tuple[bytes, bool]:
    """Read a streamed requests response: (body, truncated). Raises BodyTooLarge over `limit`.

    With `prefix`, only that many decoded bytes are read and truncated says if more followed.
    """
    declared = response.headers.get("Content-Length", "")
    if prefix is None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(
            f"le document annonce {int(declared)} octets, au-delà de la limite de {limit} octets"
        )
    encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
    decoder = _Decoder(encoding) if encoding in ("gzip", "x-gzip", "deflate") else None
    want = limit if prefix is None else min(prefix, limit)
    # BytesIO hands its buffer over in getvalue() when nothing else holds it: a body at the
    # size limit is not held twice, as bytes(bytearray) would.
    out = io.BytesIO()
    wire = 0
    try:
        for chunk in response.raw.stream(CHUNK, decode_content=False):
            wire += len(chunk)
            if wire > limit and prefix is None:
                raise BodyTooLarge(f"le document dépasse la limite de {limit} octets")
            if decoder is None:
                out.write(chunk)
            else:
                out.write(decoder.decode(chunk, want + 1 - out.tell()))
                while decoder.pending and out.tell() <= want:
                    out.write(decoder.decode(decoder.pending, want + 1 - out.tell()))
            if out.tell() > want:
                break
    except zlib.error as exc:
        raise ValueError(f"contenu compressé ({encoding}) illisible : {exc}") from exc
    if out.tell() > want:
        if prefix is not None:
            return out.getbuffer()[:want].tobytes(), True
        raise BodyTooLarge(
            f"le document décompressé dépasse la limite de {limit} octets ({wire} octets reçus)"
            if decoder
            else f"le document dépasse la limite de {limit} octets"
        )
    return out.getvalue(), False
