"""Plain search queries and results: what the CLI, the API and the site exchange with the index.

Nothing Whoosh-specific appears here. The JSON form (`results_to_json`) is the documented,
stable shape of `catalogue search --json` and `GET /api/search`.
"""

from dataclasses import asdict, dataclass, field

# Facets, in display order: name -> French label.
FACETS = {
    "theme": "Thème",
    "level": "Niveau",
    "type": "Type de ressource",
    "publisher": "Éditeur",
    "year": "Année",
    "territory": "Territoire",
    "status": "État du lien",
}
SORTS = ("relevance", "date", "title")


@dataclass
class SearchQuery:
    """What a user asked: words, filters by facet (OR inside a facet, AND across), sort and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    def __post_init__(self):
        unknown = set(self.filters) - set(FACETS)
        if unknown:
            raise ValueError(f"unknown facets: {', '.join(sorted(unknown))}; known: {', '.join(FACETS)}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; known: {', '.join(SORTS)}")
        self.filters = {k: list(dict.fromkeys(v)) for k, v in self.filters.items() if v}
        self.page = max(1, int(self.page))
        self.per_page = min(100, max(1, int(self.per_page)))


@dataclass
class FacetValue:
    """One value of a facet: how many results it would give, and whether it is chosen."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    """A facet's values, ordered by count; truncated says whether more values exist."""

    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    truncated: bool = False


@dataclass
class Hit:
    """One result. snippet is HTML: escaped text with the query's words in <mark>."""

    id: str
    url: str
    title: str
    description: str = ""
    type: str | None = None
    themes: list[str] = field(default_factory=list)
    suggested_themes: list[str] = field(default_factory=list)
    level: str | None = None
    publisher: str = ""
    date: str = ""
    territory: str = ""
    status: str = ""
    score: float = 0.0
    snippet: str = ""


@dataclass
class SearchResults:
    """A page of results, the total over all pages, facet counts and the spelling correction searched."""

    query: SearchQuery
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, Facet] = field(default_factory=dict)
    suggestion: str | None = None  # the query with unknown words corrected: what was searched
    fallback: str | None = None  # set when the results do not contain every word: says how
    as_typed: str | None = None  # with a suggestion: the query that searches the words as typed


def results_to_json(results: SearchResults) -> dict:
    """The stable JSON form of a search (documented in the README)."""
    q = results.query
    return {
        "query": q.q,
        "filters": q.filters,
        "sort": q.sort,
        "page": q.page,
        "per_page": q.per_page,
        "total": results.total,
        "results": [
            {
                "id": h.id,
                "url": h.url,
                "title": h.title,
                "description": h.description,
                "type": h.type,
                "themes": h.themes,
                "suggested_themes": h.suggested_themes,
                "level": h.level,
                "publisher": h.publisher,
                "date": h.date,
                "territory": h.territory,
                "status": h.status,
                "score": round(h.score, 4),
                "snippet": h.snippet,
            }
            for h in results.hits
        ],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ]
            for name, facet in results.facets.items()
        },
        "facets_truncated": {name: f.truncated for name, f in results.facets.items()},
        "suggestion": results.suggestion,
        "as_typed": results.as_typed,
        "fallback": results.fallback,
    }


def facet_to_dict(facet: Facet) -> dict:
    """A facet as a plain dict."""
    return asdict(facet)
