"""The home page (entry points by theme and level, latest additions) and the accessibility statement."""

from flask import Blueprint, render_template, url_for

from index.query import SearchQuery
from web.context import get_searcher, get_store, get_vocabularies
from web.display import french_date

bp = Blueprint("home", __name__)
LATEST = 8


def latest_additions(store, limit: int = LATEST) -> list[dict]:
    """The most recently added resources: id, title, type, date added."""
    rows = store.conn.execute(
        "SELECT id, title, type, added_at FROM resources ORDER BY added_at DESC, id LIMIT ?", (limit,)
    ).fetchall()
    return [dict(row) for row in rows]


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
        item["added"] = french_date(item["added_at"])
    return render_template(
        "home.html",
        total=results.total,
        themes=entry_points(results.facets.get("theme"), "theme"),
        levels=entry_points(results.facets.get("level"), "level"),
        types=entry_points(results.facets.get("type"), "type"),
        latest=latest,
    )


@bp.get("/accessibilite")
def accessibility():
    """The accessibility statement (RGAA)."""
    return render_template("accessibility.html")
