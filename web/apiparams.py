"""The API's parameters, read strictly: a value we do not know is a 400 that says what is allowed.

The site's pages stay lenient (a bad `sort` in a shared link falls back to relevance); an
integrator calling /api/search or an export wants to know at once. The error body, in French:
`{"error": {"code", "message", "parameter", "allowed"}}`.
"""

import re
from datetime import UTC, datetime

from catalogue.links import STATUSES
from index.query import FACETS, SORTS, SearchQuery
from web.facets import MAX_PAGE, MAX_QUERY_CHARS, MAX_VALUE_CHARS, MAX_VALUES_PER_FACET

MAX_PER_PAGE = 100
# Free-text filters (publisher, territory) are bounded tighter than the site's, so that the
# longest call the OpenAPI document allows fits in the site's 16 KiB query string.
MAX_FREE_VALUES = 5
MAX_FREE_CHARS = 60
YEAR = re.compile(r"^\d{4}$")
# RFC 3339: a full date, or a date-time with its offset (fractions of a second allowed).
SINCE = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$")
SINCE_HELP = "date ou date-heure RFC 3339 : AAAA-MM-JJ, AAAA-MM-JJThh:mm:ssZ ou AAAA-MM-JJThh:mm:ss+hh:mm"


class ParameterError(Exception):
    """A parameter of an API call has a value we cannot use."""

    def __init__(self, parameter: str, message: str, allowed, code: str = "parametre_invalide"):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.allowed = allowed
        self.code = code

    def to_json(self) -> dict:
        """The French error body."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "parameter": self.parameter,
                "allowed": self.allowed,
            }
        }


def allowed_values(vocabularies) -> dict[str, list[str] | None]:
    """The closed facets' values (None for a free facet such as publisher)."""
    return {
        "theme": vocabularies.themes.values(),
        "level": vocabularies.levels.values(),
        "type": vocabularies.types.values(),
        "status": [str(s) for s in STATUSES],
        "publisher": None,
        "year": None,
        "territory": None,
    }


def _integer(args, name: str, default: int, highest: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    allowed = f"entier de 1 à {highest}"
    if not re.fullmatch(r"\d{1,9}", raw):
        raise ParameterError(name, f"« {raw} » n'est pas un nombre entier ({allowed}).", allowed)
    value = int(raw)
    if not 1 <= value <= highest:
        raise ParameterError(name, f"{value} est hors des bornes ({allowed}).", allowed)
    return value


def updated_since(args) -> str:
    """The `updated_since` parameter as a UTC datestamp (`2025-01-31T00:00:00Z`), or ''."""
    raw = args.get("updated_since")
    if raw is None:
        return ""
    if SINCE.match(raw):
        try:
            moment = datetime.fromisoformat(raw.upper())
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            try:
                moment = moment.astimezone(UTC)
            except OverflowError:  # before year 1 once in UTC: everything is newer
                return "0001-01-01T00:00:00Z"
            return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"
    raise ParameterError(
        "updated_since", f"« {raw} » n'est pas une date reconnue ({SINCE_HELP}).", SINCE_HELP
    )


def strict_query(args, vocabularies, default_per_page: int) -> SearchQuery:
    """The SearchQuery of an API call; ParameterError on the first value we cannot use."""
    closed = allowed_values(vocabularies)
    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ParameterError(
            "q",
            f"La recherche est trop longue : {len(q)} caractères (au plus {MAX_QUERY_CHARS}).",
            f"au plus {MAX_QUERY_CHARS} caractères",
        )
    filters = {}
    for name in FACETS:
        values = args.getlist(name)
        free = closed[name] is None and name != "year"
        most, longest = (MAX_FREE_VALUES, MAX_FREE_CHARS) if free else (MAX_VALUES_PER_FACET, MAX_VALUE_CHARS)
        label = FACETS[name]
        if len(values) > most:
            raise ParameterError(
                name,
                f"Trop de valeurs pour le filtre « {label} » : {len(values)} (au plus {most}).",
                f"au plus {most} valeurs",
            )
        for value in values:
            if len(value) > longest:
                raise ParameterError(
                    name,
                    f"Une valeur du filtre « {label} » est trop longue (au plus {longest} caractères).",
                    f"au plus {longest} caractères",
                )
            allowed = closed[name]
            if allowed is not None and value not in allowed:
                raise ParameterError(
                    name, f"Valeur inconnue pour le filtre « {FACETS[name]} » : « {value} ».", allowed
                )
            if name == "year" and not YEAR.match(value):
                raise ParameterError(name, f"« {value} » n'est pas une année (AAAA).", "année sur 4 chiffres")
        values = [v.strip() for v in values if v.strip()]  # a blank free-text filter filters nothing
        if values:
            filters[name] = list(dict.fromkeys(values))
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        raise ParameterError("sort", f"Tri inconnu : « {sort} ».", list(SORTS))
    page = _integer(args, "page", 1, MAX_PAGE)
    per_page = _integer(args, "per_page", default_per_page, MAX_PER_PAGE)
    updated_since(args)
    return SearchQuery(q=q, filters=filters, sort=sort, page=page, per_page=per_page)
