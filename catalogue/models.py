"""A catalogued resource, its fields, and how a resource is validated."""

import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

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
        for name in CLEANED_FIELDS:  # text read back from a database written before validation
            value = getattr(self, name)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                setattr(self, name, CONTROL_CHARACTERS.sub("", value))
        if not self.id and self.url and isinstance(self.url, str):
            try:
                self.id = resource_id(self.url)
            except ValueError:  # a malformed address: validate() says why, with the field
                self.id = ""

    @property
    def year(self) -> int | None:
        """The year of the resource's date, if any."""
        return int(self.date[:4]) if self.date else None

    def to_dict(self) -> dict:
        """All fields as a plain dict (lists copied), staff-only ones included: for the backup and staff."""
        return asdict(self)

    def public_dict(self) -> dict:
        """The fields anyone may read (PUBLIC_FIELDS), as a plain dict: for every public output."""
        data = asdict(self)
        return {name: data[name] for name in PUBLIC_FIELDS}

    def public_copy(self) -> "Resource":
        """The same resource with its staff-only fields emptied: what public pages and feeds are given."""
        return replace(self, **{name: type(getattr(self, name))() for name in STAFF_FIELDS})

    @classmethod
    def from_dict(cls, data: dict) -> "Resource":
        """Build a resource from a dict, ignoring unknown keys."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


FIELD_NAMES = tuple(f.name for f in fields(Resource))


class Visibility(StrEnum):
    """Who may read a field: anyone (site, API, feeds, search exports, OAI, sitemaps) or staff only."""

    PUBLIC = "public"
    STAFF = "staff"


# Every field of a Resource, classified (a test checks none is missing). Staff-only fields appear
# on the staff pages, in `catalogue show` and in `catalogue export` (the backup), nowhere public.
FIELD_VISIBILITY: dict[str, Visibility] = {
    "url": Visibility.PUBLIC,
    "title": Visibility.PUBLIC,
    "description": Visibility.PUBLIC,
    "type": Visibility.PUBLIC,
    "themes": Visibility.PUBLIC,
    "level": Visibility.PUBLIC,
    "territory": Visibility.PUBLIC,
    "publisher": Visibility.PUBLIC,
    "audience": Visibility.PUBLIC,
    "date": Visibility.PUBLIC,
    "language": Visibility.PUBLIC,
    "source_url": Visibility.PUBLIC,
    "text": Visibility.PUBLIC,
    "notes": Visibility.STAFF,  # « Notes internes : visibles par l'équipe seulement »
    "suggested_themes": Visibility.PUBLIC,
    "id": Visibility.PUBLIC,
    "added_at": Visibility.PUBLIC,
    "updated_at": Visibility.PUBLIC,
}
PUBLIC_FIELDS = tuple(n for n in FIELD_NAMES if FIELD_VISIBILITY[n] is Visibility.PUBLIC)
STAFF_FIELDS = tuple(n for n in FIELD_NAMES if FIELD_VISIBILITY[n] is Visibility.STAFF)


# Characters no output may carry: C0 controls but tab, newline and carriage return, DEL, C1
# controls, lone surrogates, U+FFFE and U+FFFF (none is allowed in XML 1.0, so in Atom).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Fields of one line: a tab or a line break in them becomes a space.
ONE_LINE_FIELDS = ("title", "territory", "publisher", "date", "language", "added_at", "updated_at")
ADDRESS_FIELDS = ("url", "source_url", "id")
TEXT_FIELDS = (*ONE_LINE_FIELDS, *ADDRESS_FIELDS, "description", "text", "notes")
CLEANED_FIELDS = (*ONE_LINE_FIELDS, "description", "text", "notes")
DATE_YEARS = (1800, 2100)
STAMP_FIELDS = ("added_at", "updated_at")
EARLIEST_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
STAMP_SLACK = timedelta(days=1)  # a clock a little ahead is not an error


def clean_text(value: str, one_line: bool = False) -> str:
    """The text without the characters no output may carry (see CONTROL_CHARACTERS); one line if asked."""
    value = CONTROL_CHARACTERS.sub("", value)
    return " ".join(value.split()) if one_line else value


def _kind(value) -> str:
    return {
        bool: "un booléen",
        int: "un nombre",
        float: "un nombre",
        list: "une liste",
        dict: "un objet",
    }.get(type(value), type(value).__name__)


def _text(name: str, value, one_line: bool = False, clean: bool = True) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(name, f"doit être du texte, pas {_kind(value)} ({value!r:.60})", value)
    return clean_text(value, one_line) if clean else value


def url_problem(exc: ValueError) -> str:
    """What urllib.parse found wrong with an address, in French."""
    text = str(exc)
    if "Port" in text:
        return "port hors des limites, de 1 à 65535"
    if "IPv6" in text:
        return "crochets d'adresse IPv6 mal fermés"
    return text


def check_url(value, name: str = "url") -> str:
    """The http(s) address, stripped and with its scheme in lower case; ValidationError (French) if it is not one."""
    url = _text(name, value, clean=False).strip()
    if not url:
        raise ValidationError(name, "est obligatoire")
    shown = f"{url[:200]!r}"
    if CONTROL_CHARACTERS.search(url) or any(c.isspace() for c in url):
        raise ValidationError(
            name, f"une adresse ne contient ni espace ni caractère de contrôle : {shown}", url
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Port out of range", "Invalid IPv6 URL"
        raise ValidationError(name, f"adresse mal formée ({url_problem(exc)}) : {shown}", url) from exc
    if parts.scheme not in ("http", "https") or not url[len(parts.scheme) :].startswith("://"):
        raise ValidationError(name, f"doit être une adresse http(s), pas {shown}", url)
    host = parts.hostname or ""
    if not host:
        raise ValidationError(name, f"l'adresse n'a pas de nom d'hôte : {shown}", url)
    if port == 0:
        raise ValidationError(name, f"port 0 impossible : {shown}", url)
    if not parts.netloc.endswith("]") and ":" not in host:
        try:
            host.rstrip(".").encode("idna")
        except UnicodeError as exc:
            raise ValidationError(name, f"nom d'hôte non valable ({host[:80]!r}) : {shown}", url) from exc
    return parts.scheme + url[len(parts.scheme) :]


def http_link(value, base: str = "") -> str:
    """The address (joined to `base` when given) if it may become a link: a valid http(s) URL, else "".

    As a browser reads an href: tabs and line breaks dropped, spaces encoded. Never raises,
    so one malformed link (javascript:, data:, a port out of range, a lone bracket) is skipped
    and the rest of a page is read.
    """
    if not isinstance(value, str):
        return ""
    try:
        return check_url(joined_address(value, base))
    except (ValidationError, ValueError):
        return ""


def joined_address(href: str, base: str = "") -> str:
    """The address a browser follows for this href: tabs and line breaks dropped, spaces encoded,
    joined to `base`. May raise ValueError (urllib.parse) on a malformed one."""
    href = href.strip().replace("\t", "").replace("\r", "").replace("\n", "").replace(" ", "%20")
    return urljoin(base, href) if base else href


def _check_date(value: str) -> str:
    if not value:
        return ""
    if not PARTIAL_DATE.match(value):
        raise ValidationError("date", f"doit être AAAA, AAAA-MM ou AAAA-MM-JJ, pas {value[:40]!r}", value)
    low, high = DATE_YEARS
    if not low <= int(value[:4]) <= high:
        raise ValidationError("date", f"l'année doit être entre {low} et {high}, pas {value[:4]}", value)
    if len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError("date", f"ce jour n'existe pas : {value}", value) from exc
    return value


def check_stamp(name: str, value: str) -> str:
    """An ISO date or date and time, not before 2000 nor in the future; as YYYY-MM-DDTHH:MM:SS+00:00."""
    if not value:
        return ""
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            name,
            f"doit être une date ISO (2024-05-31 ou 2024-05-31T08:00:00+00:00), pas {value[:40]!r}",
            value,
        ) from exc
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    if not EARLIEST_STAMP <= stamp <= datetime.now(UTC) + STAMP_SLACK:
        raise ValidationError(
            name, f"date hors des limites (entre 2000 et aujourd'hui) : {value[:40]}", value
        )
    return stamp.astimezone(UTC).replace(microsecond=0).isoformat()


def validate(resource: Resource, vocabularies: Vocabularies) -> Resource:
    """Check every field of a resource and clean its text; raise ValidationError (or VocabularyError) on the first fault.

    Types are checked (text, list of text), control characters removed from every text,
    addresses parsed (http(s), port, brackets, host), dates within sane limits.
    """
    for name in TEXT_FIELDS:  # addresses are refused, not cleaned, when they hold a control character
        value = _text(name, getattr(resource, name), name in ONE_LINE_FIELDS, name not in ADDRESS_FIELDS)
        setattr(resource, name, value)
    resource.url = check_url(resource.url)
    resource.title = resource.title.strip()
    if not resource.title:
        raise ValidationError("title", "est obligatoire")
    expected_id = resource_id(resource.url)
    if resource.id and resource.id != expected_id:
        raise ValidationError(
            "id", f"{resource.id!r} ne correspond pas à l'adresse (attendu {expected_id!r})"
        )
    resource.id = expected_id
    for name in LIST_FIELDS:
        value = getattr(resource, name)
        if isinstance(value, str):
            value = value.split(";")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(name, f"doit être une liste de textes, pas {value!r:.60}", value)
        value = [clean_text(v, one_line=True) for v in value]
        setattr(resource, name, list(dict.fromkeys(v for v in value if v)))
    for name in ("type", "level"):
        value = getattr(resource, name)
        if value is not None and not isinstance(value, str):
            raise ValidationError(name, f"doit être du texte, pas {_kind(value)}", value)
        setattr(resource, name, clean_text(value, one_line=True) if value else None)
    # A French label is as good as its value (« Régional », « Évaluation »): the value is stored.
    for name in ("themes", "suggested_themes"):
        values = [vocabularies.themes.check(theme, name) for theme in getattr(resource, name)]
        setattr(resource, name, list(dict.fromkeys(values)))
    if resource.level:
        resource.level = vocabularies.levels.check(resource.level, "level")
    if resource.type:
        resource.type = vocabularies.types.check(resource.type, "type")
    resource.date = _check_date(resource.date)
    if resource.source_url:
        resource.source_url = check_url(resource.source_url, "source_url")
    for name in STAMP_FIELDS:
        setattr(resource, name, check_stamp(name, getattr(resource, name)))
    return resource
