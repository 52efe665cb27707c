"""The JSON API: /api/search (the same JSON as `catalogue search --json`), /api/resources/<id>, OpenAPI."""

from flask import Blueprint, current_app, jsonify, request, url_for

from index.query import results_to_json
from web.context import get_searcher
from web.facets import query_from_args
from web.openapi import openapi_document
from web.resources import load_resource

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_PER_PAGE = 100


@bp.get("/search")
def search():
    """A search as JSON: query, filters, total, results, facets, suggestion."""
    try:
        per_page = min(
            MAX_PER_PAGE, max(1, int(request.args.get("per_page", current_app.config["PER_PAGE"])))
        )
    except ValueError:
        per_page = current_app.config["PER_PAGE"]
    query = query_from_args(request.args, per_page)
    return jsonify(results_to_json(get_searcher().search(query)))


@bp.get("/resources/<rid>")
def resource(rid: str):
    """Every public field of one resource, plus the address of its page."""
    data = load_resource(rid).public_dict()
    data["page_url"] = url_for("resources.show", rid=rid, _external=True)
    return jsonify(data)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(url_for("api.search", _external=True).rsplit("/search", 1)[0]))
