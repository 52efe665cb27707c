"""The search page: query box, facet form, chosen filters, sorted and paginated results."""

import dataclasses

from flask import Blueprint, current_app, render_template, request

from web.context import get_searcher, get_vocabularies
from web.display import hit_view
from web.facets import (
    chosen_filters,
    facet_panels,
    format_links,
    pagination,
    query_from_args,
    sort_options,
    state_url,
)

bp = Blueprint("search", __name__)


def result_count_message(total: int, query) -> str:
    """The French sentence announcing how many resources match."""
    if total == 0:
        return "Aucune ressource ne correspond à votre recherche."
    noun = "ressource trouvée" if total == 1 else "ressources trouvées"
    count = f"{total:,}".replace(",", "\u202f")
    return f"{count} {noun}" + (f" pour « {query.q} »" if query.q else "") + "."


@bp.get("/recherche")
def search():
    """Render one search state (everything is in the query string)."""
    query = query_from_args(request.args, current_app.config["PER_PAGE"])
    vocabularies = get_vocabularies()
    results = get_searcher().search(query)
    page_note = None
    last_page = max(1, -(-results.total // query.per_page))
    if query.page > last_page:  # « Page 2 sur 2 » and no result said nothing true: show the last page
        page_note = f"La page {query.page} n'existe pas : voici la dernière, la page {last_page}."
        query = dataclasses.replace(query, page=last_page)
        results = get_searcher().search(query)
    suggestion_url = None
    if results.suggestion:
        # The corrected words were searched: the link searches the words as typed instead.
        wanted = results.as_typed or results.suggestion
        suggestion_url = state_url(type(query)(q=wanted, filters=query.filters, sort=query.sort))
    return render_template(
        "search.html",
        query=query,
        results=results,
        hits=[hit_view(h, vocabularies) for h in results.hits],
        facets=facet_panels(results, query, vocabularies),
        chosen=chosen_filters(query, results, vocabularies),
        pages=pagination(query, results.total),
        sorts=sort_options(query),
        formats=format_links(query),
        count_message=result_count_message(results.total, query),
        page_note=page_note,
        suggestion_url=suggestion_url,
        clear_filters_url=state_url(query, filters={}, page=1),
        first=(query.page - 1) * query.per_page + 1,
    )
