"""Formats of any search: CSV and JSON Lines of the whole result set, an Atom feed, OpenSearch."""

import io
from datetime import UTC, datetime
from functools import partial

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from catalogue import harvest
from catalogue.errors import NotFound
from catalogue.io import write_csv, write_jsonl
from catalogue.models import PUBLIC_FIELDS
from catalogue.spreadsheet import write_spreadsheet
from catalogue.store import Store
from index.query import SearchQuery
from web.apiparams import updated_since
from web.citations import FORMATS as CITATION_FORMATS
from web.citations import citation_text, page_prefix
from web.context import get_searcher, get_settings, get_store, get_vocabularies
from web.display import french_date
from web.facets import query_from_args, state_params

bp = Blueprint("feeds", __name__)
BATCH = 100
FEED_ENTRIES = 50
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",  # for a spreadsheet: ; BOM, French column names, labels
    "import.csv": "text/csv; charset=utf-8",  # the exact form, for `catalogue import`
    "jsonl": "application/jsonl; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    **{fmt: media_type for fmt, (media_type, _label) in CITATION_FORMATS.items()},
}


def result_ids(query: SearchQuery) -> list[str]:
    """The ids of every result of a search (all pages), in the search's order, without its pages."""
    return get_searcher().ids(query)


def resources_of(store, ids):
    """The public copies of the resources with these ids, in order; ids the store no longer has are skipped."""
    for rid in ids:
        try:
            yield store.get(rid).public_copy()
        except NotFound:
            continue


def _own_store_resources(settings, ids):
    """The resources with these ids, read through a store of the stream's own (it outlives the request)."""
    store = Store.open(settings)
    try:
        yield from resources_of(store, ids)
    finally:
        store.close()


def _stream(fmt: str, resources, render):
    """The export in chunks of BATCH resources (one CSV header)."""
    chunk, first = [], True
    for resource in resources:
        chunk.append(resource)
        if len(chunk) == BATCH:
            yield render(fmt, chunk, first)
            chunk, first = [], False
    if chunk or first:
        yield render(fmt, chunk, first)


def _render(fmt: str, chunk, first: bool, vocabularies) -> str:
    buffer = io.StringIO()
    if fmt == "jsonl":
        write_jsonl(chunk, buffer, fields=PUBLIC_FIELDS)
        return buffer.getvalue()
    if fmt == "csv":
        write_spreadsheet(chunk, buffer, vocabularies, header=first, fields=PUBLIC_FIELDS)
        return buffer.getvalue()
    # Opened in a spreadsheet too, maybe: no formula runs.
    write_csv(chunk, buffer, spreadsheet=True, fields=PUBLIC_FIELDS)
    text = buffer.getvalue()
    return text if first else text.split("\n", 1)[1]  # the header line has no embedded newline


def _render_citations(vocabularies, prefix: str, fmt: str, chunk, first: bool) -> str:
    return citation_text(fmt, chunk, vocabularies, prefix)


def export_name(query: SearchQuery, fmt: str) -> str:
    """A file name for the download of a search."""
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    kind = "-import" if fmt == "import.csv" else ""
    return f"catalogue-recherche-{stamp}{kind}.{fmt.rsplit('.', 1)[-1]}"


@bp.get("/recherche.<fmt>")
def search_format(fmt: str):
    """The whole result set of a search as CSV or JSON Lines, or its Atom feed."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    query = query_from_args(request.args, current_app.config["PER_PAGE"])
    since = updated_since(request.args)
    ids = result_ids(query)
    if since:
        changed = harvest.changed_ids(get_store(), since)
        ids = [rid for rid in ids if rid in changed]
    if fmt == "atom":
        return atom(query, ids)
    render = partial(_render, vocabularies=get_vocabularies())
    if fmt in CITATION_FORMATS:  # page URLs built now: the stream outlives the request
        render = partial(_render_citations, get_vocabularies(), page_prefix())
    response = Response(
        _stream(fmt, _own_store_resources(get_settings(), ids), render),
        content_type=MEDIA_TYPES[fmt],
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{export_name(query, fmt)}"'
    return response


def atom(query: SearchQuery, ids: list[str]) -> Response:
    """The Atom feed of a search: its newest additions first, for watching a theme; pages of FEED_ENTRIES."""
    store = get_store()
    newest = sorted(((added, rid) for rid, added in store.added_at_of(ids).items()), reverse=True)
    offset = (query.page - 1) * FEED_ENTRIES
    resources = list(resources_of(store, [rid for _, rid in newest[offset : offset + FEED_ENTRIES]]))
    next_url = None
    if offset + FEED_ENTRIES < len(newest):
        following = _multi(state_params(query, page=query.page + 1))
        next_url = url_for("feeds.search_format", fmt="atom", _external=True, **following)
    params = state_params(query, page=1)
    vocabularies = get_vocabularies()
    body = render_template(
        "feed.atom.xml",
        query=query,
        resources=resources,
        vocabularies=vocabularies,
        updated=max((r.added_at for r in resources), default="1970-01-01T00:00:00+00:00"),
        html_url=url_for("search.search", _external=True, **_multi(params)),
        self_url=request.url,
        french_date=french_date,
        next_url=next_url,
        total=len(newest),
        start_index=offset + 1,
        per_page=FEED_ENTRIES,
    )
    return Response(body, content_type=MEDIA_TYPES["atom"])


def _multi(pairs):
    grouped = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


@bp.get("/opensearch.xml")
def opensearch():
    """The OpenSearch description, so browsers can search the catalogue from their address bar."""
    body = render_template("opensearch.xml")
    return Response(body, content_type="application/opensearchdescription+xml; charset=utf-8")
