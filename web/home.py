"""The home page (entry points by theme and level, latest additions) and the accessibility statement."""

from flask import Blueprint, render_template, url_for

from index.query import SearchQuery
from web import sharing
from web.context import get_searcher, get_store, get_vocabularies
from web.display import french_date

bp = Blueprint("home", __name__)
LATEST = 8


def latest_additions(store, limit: int = LATEST) -> list[dict]:
    """The most recently added resources still in the catalogue: id, title, type, their own date, date added."""
    return [
        {"id": r.id, "title": r.title, "type": r.type, "date": r.date, "added_at": r.added_at}
        for r in store.latest_additions(limit)
    ]


def _published(date: str) -> str:
    words = french_date(date)
    return f"publiée le {words}" if len(date) == 10 else f"publiée en {words}"


def entry_points(facet, name: str) -> list[dict]:
    """The values of a facet as links to their search, with counts."""
    if facet is None:
        return []
    return [
        {"label": v.label, "count": v.count, "url": url_for("search.search", **{name: v.value})}
        for v in facet.values
        if v.count
    ]


@bp.get("/")
def index():
    """Entry points by theme and level with counts, and the latest additions."""
    vocabularies = get_vocabularies()
    results = get_searcher().search(SearchQuery(per_page=1))
    latest = latest_additions(get_store())
    for item in latest:
        item["url"] = url_for("resources.show", rid=item["id"])
        item["type_label"] = vocabularies.types.label(item["type"]) if item["type"] else ""
        # The resource's own date when known (« publiée en avril 2022 »): the load date says nothing.
        item["when"] = (
            _published(item["date"]) if item["date"] else f"ajoutée le {french_date(item['added_at'])}"
        )
    return render_template(
        "home.html",
        total=results.total,
        themes=entry_points(results.facets.get("theme"), "theme"),
        levels=entry_points(results.facets.get("level"), "level"),
        types=entry_points(results.facets.get("type"), "type"),
        latest=latest,
        card=sharing.card(
            sharing.SITE_NAME,
            "Guides, rapports, vidéos, podcasts et retours d'expérience pour les équipes des Cités éducatives.",
            url_for("home.index", _external=True),
            kind="website",
        ),
    )


@bp.get("/accessibilite")
def accessibility():
    """The accessibility statement (RGAA)."""
    return render_template("accessibility.html")
