"""DOCX documents: core properties (title, author, subject, dates) and text, with python-docx."""

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from crawler.extract.result import Extraction, MalformedDocument


def _iso(value) -> str:
    return value.date().isoformat() if value is not None and hasattr(value, "date") else ""


def extract_docx(body: bytes) -> Extraction:
    """Extract a DOCX; raises MalformedDocument for a file that is not a readable Word package."""
    try:
        document = docx.Document(io.BytesIO(body))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
        EOFError,
    ) as exc:
        raise MalformedDocument("docx", f"DOCX illisible : {type(exc).__name__}: {exc}") from exc
    parts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                parts.append(" | ".join(dict.fromkeys(cells)))
    props = document.core_properties
    return Extraction(
        kind="docx",
        title=(props.title or "").strip(),
        description=(props.subject or props.comments or "").strip(),
        text="\n".join(parts),
        language=(props.language or "").split("-")[0].lower(),
        date=_iso(props.created),
        author=(props.author or "").strip(),
        metadata={
            "keywords": props.keywords or "",
            "modified": _iso(props.modified),
            "category": props.category or "",
        },
    )
