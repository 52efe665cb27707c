"""What an extractor returns (Extraction, Episode) and how it fails (ExtractionError and subclasses).

CatalogueError
 └── ExtractionError        the bytes could not be turned into metadata and text
      ├── MalformedDocument   a truncated or corrupt file (bad PDF, DOCX that is not a zip, ...)
      └── UnsupportedContent  a content type we do not extract (images, archives, ...)
"""

from dataclasses import asdict, dataclass, field

from catalogue.errors import CatalogueError

# Text beyond this many characters is dropped: enough for a long report, bounded for the index.
MAX_TEXT_CHARS = 5_000_000


class ExtractionError(CatalogueError):
    """The body of a resource could not be extracted."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(f"{kind}: {message}")


class MalformedDocument(ExtractionError):
    """The file is truncated or corrupt."""


class UnsupportedContent(ExtractionError):
    """The content type is not one we extract."""


@dataclass
class Episode:
    """One episode of a podcast feed."""

    title: str = ""
    date: str = ""
    description: str = ""
    duration: float | None = None  # seconds
    enclosure_url: str = ""
    enclosure_type: str = ""


@dataclass
class Extraction:
    """Metadata and text extracted from one body; `kind` says which extractor made it."""

    kind: str  # html, video, pdf, docx, feed, audio, text
    title: str = ""
    description: str = ""
    text: str = ""
    language: str = ""
    date: str = ""  # ISO 8601, possibly partial
    author: str = ""
    page_count: int | None = None
    duration: float | None = None  # seconds
    metadata: dict = field(default_factory=dict)
    episodes: list[Episode] = field(default_factory=list)

    def __post_init__(self):
        if len(self.text) > MAX_TEXT_CHARS:
            self.text = self.text[:MAX_TEXT_CHARS]

    def to_dict(self) -> dict:
        """Plain data, episodes included."""
        return asdict(self)
