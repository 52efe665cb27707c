"""For search engines: /robots.txt and /sitemap.xml (a sitemap index past SITEMAP_LIMIT addresses).

The sitemap lists the home page, the theme and level pages and every resource page with the
date of its last change. robots.txt keeps crawlers out of the staff pages, the result-format
variants (CSV, RIS, Atom…), the API and the archived copies, and announces the sitemap.
"""

from flask import Blueprint, Response, abort, render_template, url_for

from catalogue import harvest
from web.context import get_store, get_vocabularies

bp = Blueprint("sitemap", __name__)
SITEMAP_LIMIT = 50_000  # addresses per sitemap file, the protocol's maximum
XML = "application/xml; charset=utf-8"
DISALLOWED = (
    "/equipe",
    "/recherche.",
    "/ressources/*.",
    "/ressources/*/archive",
    "/api/",
    "/oai",
    "/unapi",
)


@bp.get("/robots.txt")
def robots():
    """What crawlers may visit, and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {url_for('sitemap.sitemap', _external=True)}")
    return Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _fixed_pages() -> list[tuple[str, str]]:
    """The home, theme and level pages as (URL, lastmod: '' for none)."""
    vocabularies = get_vocabularies()
    pages = [(url_for("home.index", _external=True), ""), (url_for("themes.theme_set", _external=True), "")]
    pages += [(url_for("themes.theme", theme=v, _external=True), "") for v in vocabularies.themes.values()]
    pages += [(url_for("themes.level", level=v, _external=True), "") for v in vocabularies.levels.values()]
    return pages


def _resource_pages(offset: int, limit: int) -> list[tuple[str, str]]:
    prefix = url_for("resources.show", rid="0", _external=True)[:-1]
    return [(prefix + rid, stamp) for rid, stamp in harvest.datestamps(get_store(), offset, limit)]


def _file_count(fixed: int) -> int:
    total = fixed + harvest.listed_count(get_store())
    return max(1, -(-total // SITEMAP_LIMIT))


@bp.get("/sitemap.xml")
def sitemap():
    """The sitemap, or the sitemap index when the catalogue has more addresses than one file holds."""
    fixed = _fixed_pages()
    files = _file_count(len(fixed))
    if files == 1:
        urls = fixed + _resource_pages(0, SITEMAP_LIMIT)
        return Response(render_template("sitemap.xml", urls=urls), content_type=XML)
    parts = [url_for("sitemap.sitemap_part", number=n, _external=True) for n in range(1, files + 1)]
    return Response(render_template("sitemapindex.xml", parts=parts), content_type=XML)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    """One file of a sitemap index: the fixed pages first, then resources by id."""
    fixed = _fixed_pages()
    if not 1 <= number <= _file_count(len(fixed)):  # with one file, /sitemap-1.xml is /sitemap.xml
        abort(404)
    start = (number - 1) * SITEMAP_LIMIT
    urls = fixed[start : start + SITEMAP_LIMIT]
    offset = max(0, start - len(fixed))
    urls += _resource_pages(offset, SITEMAP_LIMIT - len(urls))
    return Response(render_template("sitemap.xml", urls=urls), content_type=XML)
