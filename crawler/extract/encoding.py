"""Turn bytes into text with the right encoding: declared charset if it decodes, else detected."""

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)["']""")


WESTERN = ("cp1252", "latin_1", "iso8859_15", "mac_roman")


def charset_of(content_type: str) -> str:
    """The charset parameter of a Content-Type header, lower case, or ''."""
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    return match.group(1).lower() if match else ""


def _known(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def decode(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a body; returns (text, encoding used). Tries BOM, header, in-document declaration, then detection."""
    if body.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        return body.decode("utf-32", "replace"), "utf-32"
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    try:
        # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the header says (servers often claim Latin-1).
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    head = body[:4096]
    candidates = [charset_of(content_type)]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match:
            candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _known(name) if name else ""
        if not codec:
            continue
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue  # a declaration that lies: detect instead
    matches = from_bytes(body[:200_000])
    plausible = [m.encoding for m in matches]
    # Short French texts are ambiguous between Western and Central European code pages; the
    # catalogue's sources are French, so the Western one wins when the detector finds it plausible.
    western = next((e for e in plausible if e in WESTERN), None)
    best = matches.best()
    codec = western or (best.encoding if best is not None else "cp1252")
    return body.decode(codec, "replace"), codec
