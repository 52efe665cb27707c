"""Citing and collecting: /ressources/ID.ris and .bib, the unAPI endpoint, COinS and Highwire tags.

The search's own RIS and BibTeX (/recherche.ris, /recherche.bib) are streamed by web.feeds
with `citation_text`; the texts themselves are written by catalogue.citations.
"""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from catalogue import citations
from web.api import public_record
from web.context import get_vocabularies
from web.resources import RESOURCE_ID, load_resource

bp = Blueprint("citations", __name__)
FORMATS = {
    "ris": (citations.RIS_MEDIA_TYPE, "RIS (Zotero, EndNote, Mendeley)"),
    "bib": (citations.BIBTEX_MEDIA_TYPE, "BibTeX"),
}
UNAPI_FORMATS = {
    "ris": ("application/x-research-info-systems", "ris"),
    "bibtex": ("application/x-bibtex", "bib"),
}


def page_prefix() -> str:
    """The absolute URL of a resource page, less the id (built once, usable outside the request)."""
    return url_for("resources.show", rid="0", _external=True)[:-1]


def citation_text(fmt: str, resources, vocabularies, prefix: str) -> str:
    """Resources as RIS or BibTeX records, one after the other."""
    if fmt == "ris":
        return "".join(citations.ris_record(r, vocabularies, prefix + r.id) for r in resources)
    return "".join(citations.bibtex_entry(r, vocabularies, prefix + r.id) + "\n" for r in resources)


@bp.get("/ressources/<rid>.<resource_format>")
def resource_format(rid: str, resource_format: str):
    """One resource as RIS or BibTeX, to import into a reference manager, or as JSON (the API's record)."""
    fmt = resource_format
    if fmt == "json":
        return jsonify(public_record(rid))
    if fmt not in FORMATS:
        abort(404)
    resource = load_resource(rid)
    body = citation_text(fmt, [resource], get_vocabularies(), page_prefix())
    response = Response(body, content_type=FORMATS[fmt][0])
    response.headers["Content-Disposition"] = f'attachment; filename="ressource-{rid}.{fmt}"'
    return response


@bp.get("/unapi")
def unapi():
    """unAPI: the formats offered (for all, or one id), or one id in one format (a redirect)."""
    rid, fmt = request.args.get("id", ""), request.args.get("format", "")
    if rid and not RESOURCE_ID.match(rid):
        abort(404)
    if rid:
        load_resource(rid)
    if rid and fmt:
        if fmt not in UNAPI_FORMATS:
            abort(406)
        return redirect(
            url_for("citations.resource_format", rid=rid, resource_format=UNAPI_FORMATS[fmt][1]), 302
        )
    body = render_template("unapi.xml", rid=rid, formats=UNAPI_FORMATS)
    return Response(body, status=300 if rid else 200, content_type="application/xml; charset=utf-8")
