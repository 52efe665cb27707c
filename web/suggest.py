"""/api/suggest?q=: search-box completions in the OpenSearch suggestions format, for browsers and scripts."""

import threading

from flask import Blueprint, Response, current_app, json, request, url_for

from catalogue import completions
from index.synonyms import default_path as synonyms_path
from web.apiparams import ParameterError
from web.context import get_searcher, get_settings, get_store, get_vocabularies
from web.facets import MAX_QUERY_CHARS
from web.searchcache import index_version

bp = Blueprint("suggest", __name__, url_prefix="/api")
LIMIT = 10
MEDIA_TYPE = "application/x-suggestions+json; charset=utf-8"
_CACHE = "catalogue.completions"


def _terms() -> list[str]:
    """Vocabulary labels, then the thesaurus's words and phrases."""
    labels = []
    for kind in ("themes", "types", "levels"):
        vocabulary = get_vocabularies().of(kind)
        labels += [vocabulary.label(value) for value in vocabulary.values()]
    synonyms = getattr(get_searcher().searcher, "synonyms", None)
    thesaurus = [variant.text for group in (synonyms.groups if synonyms else []) for variant in group]
    return labels + thesaurus


def candidates() -> completions.Candidates:
    """The app's completion candidates, built again when the index changed (an edit reindexes)."""
    version = (index_version(get_settings().index_path), synonyms_path().stat().st_mtime_ns)
    cached = current_app.extensions.get(_CACHE)
    if cached is None or cached[0] != version:
        with current_app.extensions.setdefault(_CACHE + ".lock", threading.Lock()):
            cached = current_app.extensions.get(_CACHE)
            if cached is None or cached[0] != version:
                built = completions.Candidates(_terms() + completions.titles(get_store()))
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
