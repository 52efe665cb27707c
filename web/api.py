"""The JSON API: /api/search (the same JSON as `catalogue search --json`), /api/resources/<id>, OpenAPI.

Parameters are read strictly (web.apiparams): a value we do not know is a 400 in French.
"""

from flask import Blueprint, current_app, jsonify, request, url_for

from catalogue import harvest
from index.query import SearchQuery, SearchResults, results_to_json
from web.apiparams import MAX_PAGE, ParameterError, strict_query, updated_since
from web.context import get_searcher, get_store, get_vocabularies
from web.openapi import openapi_document
from web.resources import load_resource

bp = Blueprint("api", __name__, url_prefix="/api")
BATCH = 100


def _changed_results(query: SearchQuery, since: str) -> SearchResults:
    """The search restricted to resources changed since a date (facets are not counted then)."""
    changed = harvest.changed_ids(get_store(), since)
    hits, page, results = [], 1, None
    while changed:
        batch = SearchQuery(q=query.q, filters=query.filters, sort=query.sort, page=page, per_page=BATCH)
        results = get_searcher().search(batch, cache=False)
        hits.extend(h for h in results.hits if h.id in changed)
        if not results.hits or page * BATCH >= results.total:
            break
        page += 1
    start = (query.page - 1) * query.per_page
    return SearchResults(
        query=query,
        total=len(hits),
        hits=hits[start : start + query.per_page],
        fallback=results.fallback if results else None,
    )


def _next_link(query: SearchQuery, total: int) -> str | None:
    if query.page * query.per_page >= total or query.page >= MAX_PAGE:
        return None
    args = {name: request.args.getlist(name) for name in request.args}
    args["page"] = str(query.page + 1)
    return url_for("api.search", _external=True, **args)


@bp.get("/search")
def search():
    """A search as JSON: query, filters, total, results, facets, suggestion."""
    query = strict_query(request.args, get_vocabularies(), current_app.config["PER_PAGE"])
    since = updated_since(request.args)
    results = _changed_results(query, since) if since else get_searcher().search(query)
    data = results_to_json(results)
    if since:
        data["updated_since"] = since
    response = jsonify(data)
    following = _next_link(query, results.total)
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


def public_record(rid: str) -> dict:
    """Every public field of one resource, plus the address of its page."""
    data = load_resource(rid).public_dict()
    data["page_url"] = url_for("resources.show", rid=rid, _external=True)
    return data


@bp.get("/resources/<rid>")
def resource(rid: str):
    """Every public field of one resource, plus the address of its page."""
    return jsonify(public_record(rid))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    base_url = url_for("api.search", _external=True).rsplit("/search", 1)[0]
    return jsonify(openapi_document(base_url, get_vocabularies()))


@bp.app_errorhandler(ParameterError)
def parameter_error(error: ParameterError):
    """A 400 whose JSON body says which parameter is wrong and what it allows."""
    return jsonify(error.to_json()), 400
