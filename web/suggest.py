"""/api/suggest?q=: search-box completions in the OpenSearch suggestions format, for browsers and scripts."""

import threading

from flask import Blueprint, Response, current_app, json, request, url_for

from catalogue import completions
from web.apiparams import ParameterError
from web.context import get_searcher, get_settings, get_store, get_vocabularies
from web.facets import MAX_QUERY_CHARS
from web.searchcache import index_version

bp = Blueprint("suggest", __name__, url_prefix="/api")
LIMIT = 10
MEDIA_TYPE = "application/x-suggestions+json; charset=utf-8"
_CACHE = "catalogue.completions"


def _labels() -> list[str]:
    """The vocabularies' labels: themes, types, levels."""
    labels = []
    for kind in ("themes", "types", "levels"):
        vocabulary = get_vocabularies().of(kind)
        labels += [vocabulary.label(value) for value in vocabulary.values()]
    return labels


def candidates() -> completions.Candidates:
    """The app's completion candidates, built again when the index changed (an edit reindexes)."""
    thesaurus = get_searcher().thesaurus()
    version = (index_version(get_settings().index_path), tuple(thesaurus))
    cached = current_app.extensions.get(_CACHE)
    if cached is None or cached[0] != version:
        with current_app.extensions.setdefault(_CACHE + ".lock", threading.Lock()):
            cached = current_app.extensions.get(_CACHE)
            if cached is None or cached[0] != version:
                built = completions.Candidates(_labels() + thesaurus + completions.titles(get_store()))
                cached = current_app.extensions[_CACHE] = (version, built)
    return cached[1]


@bp.get("/suggest")
def suggest():
    """["typed", [completions], [descriptions], [search URLs]] (OpenSearch suggestions 1.0)."""
    typed = request.args.get("q", "")
    if len(typed) > MAX_QUERY_CHARS:
        raise ParameterError(
            "q", f"Recherche trop longue : {len(typed)} caractères.", f"au plus {MAX_QUERY_CHARS} caractères"
        )
    found = candidates().complete(typed, LIMIT)
    urls = [url_for("search.search", q=text, _external=True) for text in found]
    body = json.dumps([typed, found, [""] * len(found), urls], ensure_ascii=False)
    return Response(body, content_type=MEDIA_TYPE)
