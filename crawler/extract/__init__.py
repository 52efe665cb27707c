"""Extraction: pure functions from a body's bytes (and its declared type) to metadata and text, never network.

`extract(body, content_type, url)` sniffs what the bytes really are (a PDF served as
text/html is still a PDF), dispatches to one extractor, and returns an Extraction, or
raises an ExtractionError that says what was wrong with the file.
"""

import codecs
import zlib

from crawler.extract.result import (
    Episode,
    Extraction,
    ExtractionError,
    MalformedDocument,
    UnsupportedContent,
)

__all__ = [
    "Episode",
    "Extraction",
    "ExtractionError",
    "MalformedDocument",
    "UnsupportedContent",
    "extract",
    "sniff",
]

_AUDIO_TYPES = ("audio/", "video/mp4", "video/mpeg", "video/ogg", "video/webm", "application/ogg")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<title",
    b"<meta",
    b"<div",
    b"<p>",
    b"<article",
)


def _is_mpeg_frame(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0


# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _text_after_mark(head: bytes) -> bytes | None:
    """The start of a text that opens with a byte order mark, as UTF-8; None without a mark."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return head[len(mark) :].decode(encoding, "ignore").encode("utf-8")
    return None


def sniff(body: bytes, content_type: str = "") -> str:
    """What the body is: pdf, docx, audio, feed, html, text, gzip or the declared media type if nothing else fits."""
    head = body[:1024]
    marked = _text_after_mark(head)  # a text, even if FF FE (UTF-16 LE) reads as an MPEG frame header
    if marked is not None:
        head = marked
    declared = (content_type or "").split(";")[0].strip().lower()
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return (
            "docx" if b"word/" in body[:200_000] or declared.endswith("wordprocessingml.document") else "zip"
        )
    if marked is None and (
        head.startswith((b"ID3", b"OggS", b"fLaC"))
        or _is_mpeg_frame(head)
        or (head.startswith(b"RIFF") and head[8:12] == b"WAVE")
        or head[4:8] == b"ftyp"
    ):
        return "audio"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        if b"<rss" in text or b"<feed" in text or b"<rdf:rdf" in text:
            return "feed"
        if b"<html" in text:
            return "html"
    if declared in _FEED_TYPES:
        return "feed"
    if any(marker in text for marker in _HTML_MARKERS) or declared in ("text/html", "application/xhtml+xml"):
        return "html"
    if declared.startswith(_AUDIO_TYPES):
        return "audio"
    if declared.startswith("text/") or declared in ("application/json", "application/xml"):
        return "text"
    if declared in ("", "application/octet-stream", "binary/octet-stream") and b"\x00" not in head:
        return "text"
    if declared == "application/pdf":
        return "pdf"  # says PDF, is not: the PDF extractor reports it as malformed
    if declared.endswith("wordprocessingml.document"):
        return "docx"
    return declared or "application/octet-stream"


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise MalformedDocument("gzip", f"données gzip corrompues : {exc}") from exc
    if len(out) > max_bytes:
        raise MalformedDocument("gzip", f"une fois décompressé, dépasse {max_bytes} octets")
    return out


def extract(
    body: bytes, content_type: str = "", url: str = "", max_bytes: int = 50 * 1024 * 1024
) -> Extraction:
    """Extract metadata and text from a body; raises ExtractionError (MalformedDocument, UnsupportedContent)."""
    if not body:
        raise MalformedDocument(sniff(body, content_type) or "empty", "corps de réponse vide")
    kind = sniff(body, content_type)
    if kind == "gzip":
        body = _gunzip(body, max_bytes)
        kind = sniff(body, "")
        if kind == "gzip":
            raise MalformedDocument("gzip", "gzip dans un gzip")
    if kind == "pdf":
        from crawler.extract.pdf import extract_pdf

        return extract_pdf(body[body.find(b"%PDF-") :])
    if kind == "docx":
        from crawler.extract.docx import extract_docx

        return extract_docx(body)
    if kind == "audio":
        from crawler.extract.audio import extract_audio

        return extract_audio(body)
    if kind == "feed":
        from crawler.extract.feed import extract_feed

        return extract_feed(body, content_type)
    if kind == "html":
        from crawler.extract.html import extract_html

        return extract_html(body, content_type, url)
    if kind == "text":
        from crawler.extract.encoding import decode

        text, encoding = decode(body, content_type)
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        return Extraction(kind="text", title=first[:200], text=text.strip(), metadata={"encoding": encoding})
    raise UnsupportedContent(kind, "ce type de contenu n'est pas extrait")
