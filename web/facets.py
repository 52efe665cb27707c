"""Search state <-> URL: parse the query string, and build every URL the search page shows.

Templates only loop and print: facet panels, chosen filters, sort choices, pages and
format links are plain data built here (as Datasette does), each carrying its URL.
"""

from functools import lru_cache
from urllib.parse import quote_plus

from flask import g, url_for

from catalogue.links import status_label
from index.query import FACETS, SORTS, SearchQuery, SearchResults
from web.errors import Refused

SORT_LABELS = {"relevance": "Pertinence", "date": "Date (récentes d'abord)", "title": "Titre (A à Z)"}
FORMATS = (
    ("csv", "Tableur (CSV)"),
    ("import.csv", "CSV exact (pour catalogue import)"),
    ("jsonl", "JSON Lines"),
    ("json", "JSON"),
    ("atom", "Flux Atom"),
    ("ris", "RIS (Zotero)"),
    ("bib", "BibTeX"),
)
MAX_PAGE = 500
# Every chosen value's toggle and remove links carry all the others: a page grows with the
# square of the values chosen (3,000 values built a 283 MB page), so a search is bounded.
MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 200
MAX_QUERY_CHARS = 500


def _facet_values(args, name: str) -> list[str]:
    """The distinct values chosen for one facet; Refused beyond the limits."""
    values = list(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    if len(values) > MAX_VALUES_PER_FACET:
        raise Refused(
            f"Trop de valeurs pour le filtre « {FACETS[name]} » : {len(values)} "
            f"(au plus {MAX_VALUES_PER_FACET})."
        )
    if any(len(v) > MAX_VALUE_CHARS for v in values):
        raise Refused(
            f"Une valeur du filtre « {FACETS[name]} » est trop longue (au plus {MAX_VALUE_CHARS} caractères)."
        )
    return values


def query_from_args(args, per_page: int = 20) -> SearchQuery:
    """The SearchQuery of a request's query string; bad sort or page values fall back to defaults.

    Refused (400, with a French reason) beyond MAX_VALUES_PER_FACET values in one facet,
    MAX_VALUE_CHARS characters in one value or MAX_QUERY_CHARS in the words searched.
    """
    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise Refused(f"La recherche est trop longue : {len(q)} caractères (au plus {MAX_QUERY_CHARS}).")
    filters = {}
    for name in FACETS:
        values = _facet_values(args, name)
        if values:
            filters[name] = values
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    try:
        page = min(MAX_PAGE, max(1, int(args.get("page", "1"))))
    except ValueError:
        page = 1
    return SearchQuery(q=q, filters=filters, sort=sort, page=page, per_page=per_page)


def state_params(
    query: SearchQuery, *, page: int | None = None, sort: str | None = None, filters=None
) -> list:
    """The query string pairs of a search state (defaults left out, so URLs stay short)."""
    pairs = []
    if query.q:
        pairs.append(("q", query.q))
    filters = query.filters if filters is None else filters
    for name in FACETS:
        for value in filters.get(name, []):
            pairs.append((name, value))
    sort = query.sort if sort is None else sort
    if sort != "relevance":
        pairs.append(("sort", sort))
    page = query.page if page is None else page
    if page > 1:
        pairs.append(("page", str(page)))
    return pairs


@lru_cache(maxsize=4096)
def _encoded(name: str, value: str) -> str:
    """One query string pair, as urlencode writes it (a page repeats the same pairs in every URL)."""
    return f"{quote_plus(name)}={quote_plus(value)}"


def query_string(params: list) -> str:
    """urlencode(params), from cached pairs."""
    return "&".join(_encoded(name, value) for name, value in params)


def state_url(query: SearchQuery, endpoint: str = "search.search", **changes) -> str:
    """The URL of the search state `query`, with some parts changed (page, sort, filters)."""
    params = state_params(query, **changes)
    bases = g.setdefault("endpoint_urls", {})  # a page builds hundreds of these: resolve each endpoint once
    base = bases.get(endpoint) or bases.setdefault(endpoint, url_for(endpoint))
    return base + ("?" + query_string(params) if params else "")


def _without(filters: dict, name: str, value: str) -> dict:
    return {k: [v for v in vs if not (k == name and v == value)] for k, vs in filters.items()}


def _with(filters: dict, name: str, value: str) -> dict:
    changed = {k: list(vs) for k, vs in filters.items()}
    changed.setdefault(name, []).append(value)
    return changed


def value_label(name: str, value: str, results: SearchResults | None, vocabularies) -> str:
    """The French label of a facet value: from the results, else the vocabularies, else the value."""
    if results is not None and name in results.facets:
        for v in results.facets[name].values:
            if v.value == value:
                return v.label
    if name == "status":
        return status_label(value)
    kind = {"theme": "themes", "level": "levels", "type": "types"}.get(name)
    return vocabularies.of(kind).label(value) if kind else value


def facet_panels(results: SearchResults, query: SearchQuery, vocabularies) -> list[dict]:
    """The facets as panels of checkboxes: name, label, truncated, values with count and toggle URL."""
    panels = []
    for name, label in FACETS.items():
        facet = results.facets.get(name)
        if facet is None or not facet.values:
            continue
        values = []
        for i, v in enumerate(facet.values):
            chosen = v.value in query.filters.get(name, []) or v.selected
            toggled = (
                _without(query.filters, name, v.value) if chosen else _with(query.filters, name, v.value)
            )
            values.append(
                {
                    "value": v.value,
                    "label": v.label,
                    "count": v.count,
                    "selected": chosen,
                    "input_id": f"f-{name}-{i}",
                    "toggle_url": state_url(query, filters=toggled, page=1),
                }
            )
        # A chosen value absent from the counts stays visible, so it can be unticked.
        shown = {v["value"] for v in values}
        for value in query.filters.get(name, []):
            if value not in shown:
                values.append(
                    {
                        "value": value,
                        "label": value_label(name, value, results, vocabularies),
                        "count": 0,
                        "selected": True,
                        "input_id": f"f-{name}-{len(values)}",
                        "toggle_url": state_url(query, filters=_without(query.filters, name, value), page=1),
                    }
                )
        panels.append({"name": name, "label": label, "options": values, "truncated": facet.truncated})
    return panels


def chosen_filters(query: SearchQuery, results: SearchResults | None, vocabularies) -> list[dict]:
    """The filters in force, each with its labels and the URL of the search without it."""
    chosen = []
    for name in FACETS:
        for value in query.filters.get(name, []):
            chosen.append(
                {
                    "name": name,
                    "facet_label": FACETS[name],
                    "value": value,
                    "label": value_label(name, value, results, vocabularies),
                    "remove_url": state_url(query, filters=_without(query.filters, name, value), page=1),
                }
            )
    return chosen


def pagination(query: SearchQuery, total: int) -> dict | None:
    """Links to the previous, next and nearby pages, or None when one page holds everything."""
    last = min(MAX_PAGE, max(1, -(-total // query.per_page)))
    if last <= 1:
        return None
    current = min(query.page, last)
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    pages, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            pages.append({"gap": True})
        pages.append({"number": n, "url": state_url(query, page=n), "current": n == current, "gap": False})
        previous = n
    return {
        "current": current,
        "last": last,
        "pages": pages,
        "prev_url": state_url(query, page=current - 1) if current > 1 else None,
        "next_url": state_url(query, page=current + 1) if current < last else None,
    }


def sort_options(query: SearchQuery) -> list[dict]:
    """The sort choices of the form, the current one selected."""
    return [{"value": s, "label": SORT_LABELS[s], "selected": s == query.sort} for s in SORTS]


def format_links(query: SearchQuery) -> list[dict]:
    """Links to the same search as CSV, JSON Lines, JSON and Atom (whole result set, first page dropped)."""
    links = []
    for fmt, label in FORMATS:
        params = state_params(query, page=1)
        base = url_for("api.search") if fmt == "json" else url_for("feeds.search_format", fmt=fmt)
        links.append(
            {"format": fmt, "label": label, "url": base + ("?" + query_string(params) if params else "")}
        )
    return links
