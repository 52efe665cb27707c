"""Staff login and logout, the logged-in user on `g`, and the login_required guard.

The session cookie carries only a token; the session itself is a row on the server
(catalogue.sessions), checked on every staff request, so that logging out, a password
change, removing the account or `catalogue user logout` ends it for good.
"""

import functools
import logging
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for

from catalogue import sessions, users
from web.context import get_settings, get_store
from web.staff import bp, csrf

log = logging.getLogger(__name__)
SESSION_TOKEN = "staff_session"
# A local path: no control character, space or backslash (browsers read "/\\host" as "//host").
UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def load_user() -> None:
    """Put the logged-in user's name on g.staff_user (None when anonymous or the session was ended)."""
    token = session.get(SESSION_TOKEN)
    name = sessions.session_user(get_store(), token) if token else None
    if token and name is None:
        session.pop(SESSION_TOKEN, None)
    g.staff_user = name


def login_required(view):
    """Send anonymous visitors to the login page, then back to where they were going."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("staff_user") is None:
            return redirect(url_for("staff.login", suivant=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (another site, a line break…) gives the staff home."""
    if target and len(target) <= 2000 and not UNSAFE_IN_PATH.search(target):
        try:
            parts = urlsplit(target)
        except ValueError:
            parts = None
        if parts and not parts.scheme and not parts.netloc and target.startswith("/") and target[1:2] != "/":
            return target
    return url_for("staff.home")


def _wait_in_words(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _delayed_message(exc: users.LoginDelayed, now) -> str:
    return (
        "Trop de tentatives de connexion échouées pour ce nom : réessayez dans "
        f"{_wait_in_words((exc.until - now).total_seconds())}. Si vous avez oublié votre mot de passe, "
        "demandez à un administrateur (catalogue user passwd)."
    )


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """The login form; on success, a fresh session and back to the page asked for."""
    next_url = request.values.get("suivant", "")
    if request.method == "GET" and g.get("staff_user"):
        return redirect(safe_next(next_url))
    error = None
    name = ""
    status = 200
    if request.method == "POST":
        name = request.form.get("nom", "").strip()
        password = request.form.get("mot_de_passe", "")
        policy = users.LoginPolicy.from_settings(get_settings())
        try:
            user = users.authenticate(get_store(), name, password, policy=policy)
        except users.LoginDelayed as exc:
            error, status = _delayed_message(exc, datetime.now(UTC)), 429
        except users.LoginFailed:
            error, status = "Nom d'utilisateur ou mot de passe incorrect.", 401
        else:
            token = sessions.open_session(
                get_store(), user.name, lifetime=current_app.permanent_session_lifetime
            )
            session.clear()
            session[SESSION_TOKEN] = token
            session.permanent = True
            csrf.rotate()
            log.info("staff login: %s", user.name)
            return redirect(safe_next(next_url))
    return render_template("staff/login.html", error=error, name=name, next_url=next_url), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    """End the session, on the server too (a copy of the cookie is worth nothing afterwards)."""
    sessions.end_session(get_store(), session.get(SESSION_TOKEN))
    session.clear()
    return redirect(url_for("staff.login"))
