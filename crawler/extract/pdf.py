"""PDF documents: metadata (title, author, dates), page count and text, with pypdf."""

import io
import logging
import re

from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from crawler.extract.result import MAX_TEXT_CHARS, Extraction, MalformedDocument

log = logging.getLogger(__name__)

# pypdf logs a warning for every small defect of a file; a crawl of many PDFs would drown in them.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _pdf_date(value) -> str:
    """ISO date (YYYY-MM-DD, or shorter) from a PDF date string like "D:20220428121500+02'00'"."""
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?", str(value or "").strip())
    if not match:
        return ""
    return "-".join(p for p in match.groups() if p)


def extract_pdf(body: bytes) -> Extraction:
    """Extract a PDF; raises MalformedDocument for a truncated, corrupt or encrypted file."""
    if not body.lstrip()[:5].startswith(b"%PDF-"):
        raise MalformedDocument("pdf", "ce n'est pas un fichier PDF (pas d'en-tête %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except (PyPdfError, DependencyError, NotImplementedError) as exc:
                raise MalformedDocument("pdf", f"PDF chiffré : {exc}") from exc
        info = reader.metadata or {}
        pages = reader.pages
        page_count = len(pages)
        parts, size = [], 0
        for page in pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
    except MalformedDocument:
        raise
    except (
        PyPdfError,
        DependencyError,
        NotImplementedError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ) as exc:
        raise MalformedDocument("pdf", f"PDF illisible : {type(exc).__name__}: {exc}") from exc
    if page_count == 0:
        raise MalformedDocument("pdf", "PDF sans aucune page")
    return Extraction(
        kind="pdf",
        title=str(info.get("/Title") or "").strip(),
        description=str(info.get("/Subject") or "").strip(),
        text="\n".join(parts).strip(),
        date=_pdf_date(info.get("/CreationDate")),
        author=str(info.get("/Author") or "").strip(),
        page_count=page_count,
        metadata={
            "creator": str(info.get("/Creator") or ""),
            "producer": str(info.get("/Producer") or ""),
            "keywords": str(info.get("/Keywords") or ""),
            "modified": _pdf_date(info.get("/ModDate")),
        },
    )
