"""Security headers on every answer (CSP without inline script, nosniff, no framing), static caching,
and a bound on the query string of every request."""

from flask import Flask, request

from web.errors import Refused

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
STATIC_MAX_AGE = 7 * 24 * 3600
# Longest query string served (bytes, as sent): a search with 20 values in each of the 7 facets
# and 500 accented characters searched fits; beyond, the request is refused before any work.
MAX_QUERY_STRING = 16384


def bound_query_string() -> None:
    """Refuse (400) a request whose query string is longer than MAX_QUERY_STRING."""
    size = len(request.query_string)
    if size > MAX_QUERY_STRING:
        raise Refused(
            f"L'adresse demandée est trop longue : {size} octets de paramètres (au plus {MAX_QUERY_STRING})."
        )


def add_headers(response):
    """Set the security headers (a route may set its own stricter CSP first) and static caching."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint == "static":
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    """Register the headers hook and the static files' lifetime."""
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    app.before_request(bound_query_string)
    app.after_request(add_headers)
