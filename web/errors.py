"""Error pages in French (404, 405, 500), as JSON under /api/; a trace never reaches the visitor."""

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from index.search import IndexMissing

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête invalide", "La requête n'a pas pu être comprise."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou a été déplacée."),
    405: ("Méthode non autorisée", "Cette page ne peut pas être appelée de cette façon."),
    503: (
        "Catalogue indisponible",
        "Le catalogue est en cours de préparation (l'index de recherche n'est pas encore construit). Veuillez réessayer dans quelques minutes.",
    ),
    429: ("Trop de requêtes", "Veuillez patienter un instant avant de réessayer."),
    500: (
        "Erreur du serveur",
        "Une erreur inattendue s'est produite. Elle a été enregistrée ; veuillez réessayer plus tard.",
    ),
}


class Refused(BadRequest):
    """A request refused (400) with a French reason the visitor reads: `Refused("Trop de valeurs…")`."""


def _render(code: int, reason: str | None = None):
    title, message = MESSAGES.get(code, (f"Erreur {code}", "La demande n'a pas abouti."))
    message = reason or message
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": code, "title": title, "message": message}}), code
    return render_template("error.html", code=code, title=title, message=message), code


def handle_http(exc: HTTPException):
    """A French page (or JSON) for an HTTP error."""
    if exc.code is None or exc.code < 400:
        return exc
    response = make_response(_render(exc.code, exc.description if isinstance(exc, Refused) else None))
    for name, value in exc.get_headers():  # a 405 keeps its Allow header
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_index_missing(exc: IndexMissing):
    """No index yet: a French 503 page rather than a trace."""
    log.warning("search index missing: %s", exc)
    return _render(503)


def handle_unexpected(exc: Exception):
    """Log the trace, show the visitor a French 500 page without it."""
    original = getattr(exc, "original_exception", exc)
    log.error("error on %s %s", request.method, request.path, exc_info=original)
    return _render(500)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(IndexMissing, handle_index_missing)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
