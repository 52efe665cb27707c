"""A catalogued resource, its fields, and how a resource is validated."""

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime

from catalogue.errors import ValidationError
from catalogue.urls import resource_id
from catalogue.vocabularies import Vocabularies

PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
LIST_FIELDS = ("themes", "audience", "suggested_themes")


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class Resource:
    """A resource of the catalogue, as a documentalist describes it.

    `date` may be partial: "2022", "2022-04" or "2022-04-28". `themes` are set by a
    person; `suggested_themes` are computed from the text and never override them.
    """

    url: str
    title: str
    description: str = ""
    type: str | None = None
    themes: list[str] = field(default_factory=list)
    level: str | None = None
    territory: str = ""
    publisher: str = ""
    audience: list[str] = field(default_factory=list)
    date: str = ""
    language: str = "fr"
    source_url: str = ""
    text: str = ""
    notes: str = ""
    suggested_themes: list[str] = field(default_factory=list)
    id: str = ""
    added_at: str = ""
    updated_at: str = ""

    def __post_init__(self):
        if not self.id and self.url:
            self.id = resource_id(self.url)

    @property
    def year(self) -> int | None:
        """The year of the resource's date, if any."""
        return int(self.date[:4]) if self.date else None

    def to_dict(self) -> dict:
        """All fields as a plain dict (lists copied)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Resource":
        """Build a resource from a dict, ignoring unknown keys."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


FIELD_NAMES = tuple(f.name for f in fields(Resource))


def validate(resource: Resource, vocabularies: Vocabularies) -> Resource:
    """Check every field of a resource; raise ValidationError (or VocabularyError) on the first fault."""
    url = (resource.url or "").strip()
    if not url:
        raise ValidationError("url", "is required")
    if not re.match(r"^https?://[^\s/]+", url):
        raise ValidationError("url", f"must be an http(s) address, got {url!r}", url)
    resource.url = url
    if not (resource.title or "").strip():
        raise ValidationError("title", "is required")
    resource.title = resource.title.strip()
    expected_id = resource_id(url)
    if resource.id and resource.id != expected_id:
        raise ValidationError("id", f"{resource.id!r} does not match the url (expected {expected_id!r})")
    resource.id = expected_id
    for name in LIST_FIELDS:
        value = getattr(resource, name)
        if isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(name, "must be a list of strings", value)
        setattr(resource, name, list(dict.fromkeys(value)))
    for theme in resource.themes:
        vocabularies.themes.check(theme, "themes")
    for theme in resource.suggested_themes:
        vocabularies.themes.check(theme, "suggested_themes")
    if resource.level:
        vocabularies.levels.check(resource.level, "level")
    else:
        resource.level = None
    if resource.type:
        vocabularies.types.check(resource.type, "type")
    else:
        resource.type = None
    if resource.date and not PARTIAL_DATE.match(resource.date):
        raise ValidationError(
            "date", f"must be YYYY, YYYY-MM or YYYY-MM-DD, got {resource.date!r}", resource.date
        )
    if resource.source_url and not re.match(r"^https?://", resource.source_url):
        raise ValidationError("source_url", f"must be an http(s) address, got {resource.source_url!r}")
    for name in ("description", "territory", "publisher", "language", "text", "notes", "source_url", "date"):
        value = getattr(resource, name)
        if value is None:
            setattr(resource, name, "")
        elif not isinstance(value, str):
            raise ValidationError(name, "must be text", value)
    return resource
