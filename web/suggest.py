"""/api/suggest?q=: search-box completions in the OpenSearch suggestions format, for browsers and scripts."""

from flask import Blueprint, Response, json, request, url_for

from catalogue import completions
from web.apiparams import ParameterError
from web.context import get_searcher, get_store, get_vocabularies
from web.facets import MAX_QUERY_CHARS

bp = Blueprint("suggest", __name__, url_prefix="/api")
LIMIT = 10
MEDIA_TYPE = "application/x-suggestions+json; charset=utf-8"


def _terms() -> list[str]:
    """Vocabulary labels, then the thesaurus's words and phrases."""
    labels = []
    for kind in ("themes", "types", "levels"):
        vocabulary = get_vocabularies().of(kind)
        labels += [vocabulary.label(value) for value in vocabulary.values()]
    synonyms = getattr(get_searcher().searcher, "synonyms", None)
    thesaurus = [variant.text for group in (synonyms.groups if synonyms else []) for variant in group]
    return labels + thesaurus


@bp.get("/suggest")
def suggest():
    """["typed", [completions], [descriptions], [search URLs]] (OpenSearch suggestions 1.0)."""
    if "q" not in request.args:
        raise ParameterError("q", "Le paramètre q (début de recherche) est obligatoire.", "texte")
    typed = request.args["q"]
    if len(typed) > MAX_QUERY_CHARS:
        raise ParameterError(
            "q", f"Recherche trop longue : {len(typed)} caractères.", f"au plus {MAX_QUERY_CHARS} caractères"
        )
    found = completions.complete(typed, _terms(), completions.titles(get_store()), LIMIT)
    urls = [url_for("search.search", q=text, _external=True) for text in found]
    body = json.dumps([typed, found, [""] * len(found), urls], ensure_ascii=False)
    return Response(body, content_type=MEDIA_TYPE)
