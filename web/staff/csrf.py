"""CSRF protection of the staff forms: a random token kept in the session, checked on every POST."""

import hmac
import secrets

from flask import abort, request, session

SESSION_KEY = "csrf_token"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """The session's CSRF token, created on first use (templates put it in a hidden field)."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate() -> str:
    """A fresh token, e.g. after logging in, so a token seen before login is worth nothing."""
    session.pop(SESSION_KEY, None)
    return csrf_token()


def protect() -> None:
    """Abort with 400 when a state-changing request does not carry the session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FORM_FIELD) or request.headers.get(HEADER) or ""
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        abort(400, description="Jeton de sécurité absent ou périmé : rechargez la page et recommencez.")
