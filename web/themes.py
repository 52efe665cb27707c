"""The pages of the vocabularies: /themes (the set of themes), /themes/VALUE, /niveaux/VALUE.

Stable, indexable landing pages (the filtered searches are `noindex`): each says what the
term means, how many resources it has, shows the latest ones and links to the full search.
A theme page is the schema.org `DefinedTerm` that resources' `about` points to; /themes is
their `DefinedTermSet`.
"""

from flask import Blueprint, abort, render_template, url_for

from index.query import SearchQuery
from web.context import get_searcher, get_vocabularies
from web.display import hit_view

bp = Blueprint("themes", __name__)
LATEST = 10
KINDS = {"theme": ("themes", "Thème"), "level": ("levels", "Niveau")}


def term_set_url() -> str:
    """The stable URL of the set of themes (a schema.org DefinedTermSet)."""
    return url_for("themes.theme_set", _external=True)


def term_url(value: str) -> str:
    """The stable URL of one theme (a schema.org DefinedTerm)."""
    return url_for("themes.theme", theme=value, _external=True)


def defined_term(value: str, vocabularies) -> dict:
    """One theme as a schema.org DefinedTerm of the catalogue's DefinedTermSet."""
    term = vocabularies.themes.get(value)
    data = {
        "@type": "DefinedTerm",
        "@id": term_url(value),
        "name": vocabularies.themes.label(value),
        "termCode": value,
        "url": term_url(value),
        "inDefinedTermSet": term_set_url(),
    }
    if term is not None and term.definition:
        data["description"] = term.definition
    return data


def _term_page(kind: str, value: str):
    vocabularies = get_vocabularies()
    vocabulary = vocabularies.of(KINDS[kind][0])
    term = vocabulary.get(value)
    if term is None:
        abort(404)
    results = get_searcher().search(SearchQuery(filters={kind: [value]}, sort="date", per_page=LATEST))
    jsonld = defined_term(value, vocabularies) if kind == "theme" else None
    if jsonld:
        jsonld = {"@context": "https://schema.org", **jsonld}
    return render_template(
        "term.html",
        kind_label=KINDS[kind][1],
        term=term,
        label=vocabulary.label(value),
        total=results.total,
        hits=[hit_view(h, vocabularies) for h in results.hits],
        search_url=url_for("search.search", **{kind: value}),
        canonical=url_for(f"themes.{kind}", **{kind: value}, _external=True),
        jsonld=jsonld,
    )


@bp.get("/themes")
def theme_set():
    """Every theme with its definition: the catalogue's DefinedTermSet."""
    vocabularies = get_vocabularies()
    themes = [
        {
            "label": vocabularies.themes.label(v),
            "definition": vocabularies.themes.get(v).definition,
            "url": url_for("themes.theme", theme=v),
        }
        for v in vocabularies.themes.values()
    ]
    jsonld = {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "@id": term_set_url(),
        "name": "Thèmes du catalogue des Cités éducatives",
        "url": term_set_url(),
        "hasDefinedTerm": [defined_term(v, vocabularies) for v in vocabularies.themes.values()],
    }
    return render_template("themes.html", themes=themes, jsonld=jsonld, canonical=term_set_url())


@bp.get("/themes/<theme>")
def theme(theme: str):
    """One theme: its definition, its latest resources, the link to all of them."""
    return _term_page("theme", theme)


@bp.get("/niveaux/<level>")
def level(level: str):
    """One level (national, régional, local): its definition and latest resources."""
    return _term_page("level", level)
