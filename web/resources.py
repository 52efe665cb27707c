"""The resource page (every field, link health, related resources, metadata) and its archived copy."""

import re

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file, url_for
from markupsafe import escape

from catalogue import citations, merge, proposals
from catalogue.archive import archived_copy
from catalogue.errors import NotFound
from catalogue.models import http_link
from web import resourceview as view
from web import sharing
from web.archivepage import safe_archive_html
from web.context import get_searcher, get_settings, get_store, get_vocabularies
from web.display import french_date, resource_url

bp = Blueprint("resources", __name__)
RESOURCE_ID = re.compile(r"^[0-9a-f]{12}$")
RELATED = 5
# The archived page is someone else's HTML: served sandboxed (no script, unique origin).
ARCHIVE_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def load_resource(rid: str):
    """The public copy of the resource with this id (staff-only fields emptied), or a 404; a withdrawn
    one answers 410 with the reason."""
    if not RESOURCE_ID.match(rid):
        abort(404)
    store = get_store()
    try:
        resource = store.get(rid).public_copy()
    except NotFound:
        abort(404)
    withdrawn = store.withdrawal(rid)
    if withdrawn is not None:
        abort(_gone(resource, withdrawn))
    return resource


def _gone(resource, withdrawn: dict):
    """The 410 answer of a withdrawn resource: what it was, why it left, where to search."""
    reason = withdrawn["reason"] or "Aucune raison n'a été donnée."
    if request.path.startswith("/api/"):
        message = f"Cette ressource a été retirée du catalogue le {french_date(withdrawn['withdrawn_at'])}."
        body = {"error": {"status": 410, "title": "Ressource retirée", "message": message, "reason": reason}}
        answer = jsonify(body)
        answer.status_code = 410
        return answer
    page = render_template(
        "withdrawn.html",
        resource=resource,
        reason=reason,
        when=french_date(withdrawn["withdrawn_at"]),
        search_url=url_for("search.search", q=resource.title),
    )
    return Response(page, status=410)


def related(resource, vocabularies) -> tuple[list[dict], str | None]:
    """A few resources sharing the resource's themes (else its type), and the URL of that search.

    Each is what the « see also » list prints (link, title, type): not a whole hit view, whose
    COinS and theme links the list never shows."""
    if resource.themes:
        filters = {"theme": list(resource.themes)}
    elif resource.type:
        filters = {"type": [resource.type]}
    else:
        return [], None
    found = get_searcher().related(filters, RELATED + 1)
    hits = [
        {
            "page_url": resource_url(h.id),
            "title": h.title,
            "type": vocabularies.types.label(h.type) if h.type else "",
        }
        for h in found
        if h.id != resource.id
    ]
    return hits[:RELATED], url_for("search.search", **filters)


@bp.get("/ressources/<rid>")
def show(rid: str):
    """Every field of a resource, its link health, archive, episodes and related resources."""
    kept = merge.merged_into(get_store(), rid) if RESOURCE_ID.match(rid) else None
    if kept is not None:  # catalogued twice, merged: the kept resource's page
        return redirect(url_for("resources.show", rid=kept), 301)
    resource = load_resource(rid)
    store, settings, vocabularies = get_store(), get_settings(), get_vocabularies()
    extraction, episodes = view.extracted_fields(store, rid)
    page_url = url_for("resources.show", rid=rid, _external=True)
    see_also, see_also_url = related(resource, vocabularies)
    text = resource.text or (extraction or {}).get("text", "")
    return render_template(
        "resource.html",
        resource=resource,
        fields=view.resource_fields(resource, vocabularies),
        themes=view.themes_of(resource, vocabularies),
        extracted=view.extracted_rows(extraction),
        excerpt=view.excerpt(text),
        episodes=episodes,
        health=view.link_health(store, rid),
        contact=settings.public_contact,
        report_link=view.broken_link_mailto(settings.public_contact, resource, page_url),
        archive=view.archive_info(store, settings, rid),
        alternates=[a for a in proposals.alternates(store, rid) if http_link(a["url"])],
        related=see_also,
        related_url=see_also_url,
        jsonld=view.json_ld(resource, vocabularies, page_url),
        dublin_core=view.dublin_core(resource, vocabularies, page_url),
        highwire=citations.highwire(resource, vocabularies, page_url),
        page_url=page_url,
        card=sharing.card(resource.title, resource.description, page_url),
        coins=citations.coins(resource, vocabularies),
        cite_links=[
            {
                "label": "RIS (Zotero, EndNote, Mendeley)",
                "url": url_for("citations.resource_format", rid=rid, resource_format="ris"),
            },
            {"label": "BibTeX", "url": url_for("citations.resource_format", rid=rid, resource_format="bib")},
        ],
        back_url=request.referrer if (request.referrer or "").startswith(request.host_url) else None,
    )


def _archived(rid: str):
    resource = load_resource(rid)
    found = archived_copy(get_store(), get_settings(), rid)
    if found is None:
        abort(404)
    return resource, found


@bp.get("/ressources/<rid>/archive")
def archive(rid: str):
    """The page that announces the archived copy of a resource, with its date, and opens it."""
    resource, (_path, content_type, fetched_at) = _archived(rid)
    return render_template(
        "archive.html",
        resource=resource,
        archive=view.archive_info(get_store(), get_settings(), rid),
        content_type=content_type,
    )


@bp.get("/ressources/<rid>/archive/document")
def archive_raw(rid: str):
    """The archived file itself, served from the data directory, sandboxed; HTML gets a banner."""
    resource, (path, content_type, fetched_at) = _archived(rid)
    content_type = content_type or "application/octet-stream"
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        response = Response(
            _with_banner(path.read_bytes(), resource, fetched_at), content_type="text/html; charset=utf-8"
        )
    else:
        response = send_file(path, mimetype=content_type.split(";")[0].strip(), max_age=0, conditional=True)
    response.headers["Content-Security-Policy"] = ARCHIVE_CSP
    return response


def _with_banner(body: bytes, resource, fetched_at: str) -> str:
    """The archived HTML, cleaned (no script, refresh or event handler), with a banner saying it is an archive of date D."""
    banner = (
        '<div role="note" style="background:#fff3cd;color:#1a1a1a;border-bottom:3px solid #8a5a00;'
        'padding:12px;font:16px/1.4 sans-serif">'
        f"<strong>Copie archivée du {escape(french_date(fetched_at))}</strong> de "
        f"{escape(resource.url)} : le lien d'origine ne répond plus. "
        f'<a href="{escape(url_for("resources.show", rid=resource.id))}" target="_top">Revenir à la fiche</a>'
        "</div>"
    )
    return safe_archive_html(_decode(body), banner)


def _decode(body: bytes) -> str:
    match = re.search(rb'charset=["\']?([A-Za-z0-9_\-]+)', body[:2048])
    for encoding in ([match.group(1).decode("ascii")] if match else []) + ["utf-8", "cp1252"]:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")
