"""Everything the resource page shows about one resource, gathered from the store as plain data.

Link health (catalogue.linkhealth), what the crawler extracted (catalogue.extractions) and
the archived copy (catalogue.archive) are read from the store: the site never imports the
crawler. A resource never checked reads "Lien non vérifié"; one never archived has no archive.
"""

import logging
from urllib.parse import quote

from flask import url_for

from catalogue import archive, crosswalk, extractions, linkhealth
from catalogue.models import Resource, http_link
from web.display import french_date, status_badge, theme_list
from web.themes import defined_term

log = logging.getLogger(__name__)

EXCERPT_CHARS = 1200
HISTORY = 10


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def link_health(store, rid: str) -> dict:
    """The link's state in words: badge, last check, since when it fails, and the recent checks."""
    state = linkhealth.state_of(store, rid)
    if state is None:
        return {
            "badge": status_badge(""),
            "checked_at": "",
            "failing_since": "",
            "verdict": "",
            "new_url": "",
            "history": [],
        }
    return {
        "badge": status_badge(state.status),
        "checked_at": french_date(state.checked_at),
        "failing_since": french_date(state.first_failure_at or ""),
        "verdict": state.verdict_text,
        "new_url": http_link(state.moved_to or ""),
        "history": [
            {"date": french_date(c.checked_at), "outcome": c.verdict_text}
            for c in linkhealth.history(store, rid, HISTORY)
        ],
    }


def extracted_fields(store, rid: str) -> tuple[dict | None, list[dict]]:
    """What the crawler extracted (title, description, author, text…) and the podcast episodes."""
    episodes = [
        dict(ep, date_fr=french_date(ep["date"]), enclosure_url=http_link(ep["enclosure_url"] or ""))
        for ep in extractions.get_episodes(store, rid)
    ]
    return extractions.get_extraction(store, rid), episodes


def archive_info(store, settings, rid: str) -> dict | None:
    """The archived copy of a resource (its date and the URLs that show it), or None."""
    found = archive.archived_copy(store, settings, rid)
    if found is None:
        return None
    _path, content_type, fetched_at = found
    return {
        "date": french_date(fetched_at),
        "content_type": content_type,
        "url": url_for("resources.archive", rid=rid),
        "raw_url": url_for("resources.archive_raw", rid=rid),
    }


def broken_link_mailto(contact: str | None, resource: Resource, page_url: str) -> str | None:
    """A mailto: link that reports this resource's link as broken, subject and body written; None without contact."""
    if not contact:
        return None
    subject = f"Lien cassé : {resource.title[:120]}"
    body = f"Bonjour,\n\nLe lien de la ressource « {resource.title} » ne fonctionne pas :\n{resource.url}\n\nFiche : {page_url}\n"
    return f"mailto:{quote(contact, safe='@')}?subject={quote(subject)}&body={quote(body)}"


def json_ld(resource: Resource, vocabularies, page_url: str) -> dict:
    """The schema.org description of a resource (JSON-LD): a LearningResource, plus its specific type."""
    specific = crosswalk.schema_type(resource)
    data = {
        "@context": "https://schema.org",
        "@type": ["LearningResource", specific] if specific else "LearningResource",
        "@id": page_url,
        "name": resource.title,
        "url": resource.url,
        "mainEntityOfPage": page_url,
        "inLanguage": resource.language or "fr",
        "learningResourceType": crosswalk.mapping(resource).learning,
    }
    if resource.description:
        data["description"] = resource.description
    if resource.date:
        data["datePublished"] = resource.date
    if resource.publisher:
        data["publisher"] = {"@type": "Organization", "name": resource.publisher}
    if resource.themes:
        data["keywords"] = [vocabularies.themes.label(t) for t in resource.themes]
        data["about"] = [defined_term(t, vocabularies) for t in resource.themes]
    if resource.territory:
        data["spatialCoverage"] = {"@type": "Place", "name": resource.territory}
    if resource.audience:
        data["audience"] = [{"@type": "Audience", "audienceType": a} for a in resource.audience]
    if resource.type:
        data["genre"] = vocabularies.types.label(resource.type)
    if crosswalk.media_type(resource) != "text/html":
        data["encodingFormat"] = crosswalk.media_type(resource)
    return data


def dublin_core(resource: Resource, vocabularies, page_url: str) -> list[tuple[str, str]]:
    """The Dublin Core meta tags of a resource as (name, content) pairs (the mapping of the README)."""
    return [("DC." + name, value) for name, value in crosswalk.dublin_core(resource, vocabularies, page_url)]


def resource_fields(resource: Resource, vocabularies) -> list[dict]:
    """The curated fields as (label, value) rows, empty ones left out; values are plain text."""
    rows = [
        ("Type", vocabularies.types.label(resource.type) if resource.type else ""),
        ("Niveau", vocabularies.levels.label(resource.level) if resource.level else ""),
        ("Éditeur", resource.publisher),
        ("Date", french_date(resource.date)),
        ("Territoire", resource.territory),
        ("Public", ", ".join(resource.audience)),
        ("Langue", {"fr": "français", "en": "anglais"}.get(resource.language, resource.language)),
        ("Ajoutée au catalogue le", french_date(resource.added_at)),
        ("Mise à jour le", french_date(resource.updated_at)),
    ]
    return [{"label": label, "value": value} for label, value in rows if value]


def extracted_rows(extraction: dict | None) -> list[dict]:
    """The extracted metadata as (label, value) rows."""
    if not extraction:
        return []
    duration = extraction.get("duration")
    rows = [
        ("Titre extrait", extraction.get("title")),
        ("Description extraite", extraction.get("description")),
        ("Auteur", extraction.get("author")),
        ("Date extraite", french_date(extraction.get("date") or "")),
        ("Langue détectée", extraction.get("language")),
        ("Nombre de pages", extraction.get("page_count")),
        ("Durée", f"{int(duration) // 60} min {int(duration) % 60:02d} s" if duration else ""),
        ("Extrait le", french_date(extraction.get("extracted_at") or "")),
    ]
    return [{"label": label, "value": value} for label, value in rows if value]


def themes_of(resource: Resource, vocabularies) -> list[dict]:
    """Curated then suggested themes, with labels and search links."""
    return theme_list(resource.themes, resource.suggested_themes, vocabularies)
