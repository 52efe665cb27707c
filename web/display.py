"""How catalogue values read in French on the site: dates, vocabulary labels, link-health badges, hits."""

import threading

from cachetools import LRUCache
from flask import current_app, g, url_for

from catalogue.citations import coins
from catalogue.frenchdates import french_date
from catalogue.links import status_colour, status_label


def status_badge(status: str | None) -> dict:
    """The link-health badge of a status: its French label and CSS class."""
    status = status or ""
    return {
        "label": status_label(status),
        "css": status_colour(status),
    }


def theme_list(themes, suggested, vocabularies) -> list[dict]:
    """Curated themes then suggested ones (marked), with labels and a link to their search."""
    items = []
    for value in themes:
        items.append({"value": value, "label": vocabularies.themes.label(value), "suggested": False})
    for value in suggested:
        if value not in themes:
            items.append({"value": value, "label": vocabularies.themes.label(value), "suggested": True})
    urls = g.setdefault("theme_urls", {})  # twenty hits share a dozen themes: each URL built once
    for item in items:
        value = item["value"]
        item["url"] = urls.get(value) or urls.setdefault(value, url_for("search.search", theme=value))
    return items


def resource_url(rid: str) -> str:
    """The URL of a resource page (built from one url_for per request: ids need no quoting)."""
    prefix = g.get("resource_url_prefix")
    if prefix is None:
        prefix = g.resource_url_prefix = url_for("resources.show", rid="0")[:-1]
    return prefix + rid


# Results pages repeat the same hits (a search's other pages and sorts, theme pages, a popular query).
COINS_CACHED = 4096
_COINS = "catalogue.coins"
_COINS_LOCK = "catalogue.coins_lock"


def init_app(app) -> None:
    """Register the app's cache of encoded COinS (vocabularies are read once per app, like it)."""
    app.extensions[_COINS] = LRUCache(maxsize=COINS_CACHED)
    app.extensions[_COINS_LOCK] = threading.Lock()


def hit_coins(hit, vocabularies) -> str:
    """The COinS of a hit (about 50 µs of URL encoding each), kept by the hit's content: what
    `coins` reads, so a resource edited and reindexed gets a new entry."""
    content = (hit.title, hit.publisher, hit.date, hit.type, hit.description, hit.url)
    key = (*content, tuple(hit.themes), getattr(hit, "language", ""))
    kept, lock = current_app.extensions[_COINS], current_app.extensions[_COINS_LOCK]
    with lock:
        found = kept.get(key)
    if found is None:
        found = coins(hit, vocabularies)
        with lock:
            kept[key] = found
    return found


def hit_view(hit, vocabularies) -> dict:
    """A search hit as the result list prints it."""
    return {
        "id": hit.id,
        "title": hit.title,
        "url": hit.url,
        "page_url": resource_url(hit.id),
        "type": vocabularies.types.label(hit.type) if hit.type else "",
        "level": vocabularies.levels.label(hit.level) if hit.level else "",
        "themes": theme_list(hit.themes, hit.suggested_themes, vocabularies),
        "publisher": hit.publisher,
        "date": french_date(hit.date),
        "date_iso": hit.date,
        "territory": hit.territory,
        "description": hit.description,
        "snippet": hit.snippet,
        "status": status_badge(hit.status),
        "coins": hit_coins(hit, vocabularies),
    }
