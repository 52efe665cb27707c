"""Staff login and logout, the logged-in user on `g`, and the login_required guard."""

import functools
import logging
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for

from catalogue import users
from web.context import get_settings, get_store
from web.staff import bp, csrf

log = logging.getLogger(__name__)
SESSION_USER = "staff_user"


def load_user() -> None:
    """Put the logged-in user's name on g.staff_user (None when anonymous or the account was removed)."""
    name = session.get(SESSION_USER)
    if name and not users.user_exists(get_store(), name):
        session.pop(SESSION_USER, None)
        name = None
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
    """A local path to go to after login; anything pointing to another site falls back to the staff home."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("staff.home")


def _locked_message(exc: users.AccountLocked) -> str:
    until = exc.until.astimezone().strftime("%H:%M")
    return (
        "Trop de tentatives de connexion échouées : ce compte est verrouillé jusqu'à "
        f"{until}. Réessayez plus tard ou demandez à un administrateur."
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
        settings = get_settings()
        try:
            user = users.authenticate(
                get_store(),
                name,
                password,
                max_failures=settings.login_max_failures,
                lockout_seconds=settings.login_lockout_seconds,
            )
        except users.AccountLocked as exc:
            error, status = _locked_message(exc), 429
        except users.LoginFailed:
            error, status = "Nom d'utilisateur ou mot de passe incorrect.", 401
        else:
            session.clear()
            session[SESSION_USER] = user.name
            session.permanent = True
            csrf.rotate()
            log.info("staff login: %s", user.name)
            return redirect(safe_next(next_url))
    return render_template("staff/login.html", error=error, name=name, next_url=next_url), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    """End the session."""
    session.clear()
    return redirect(url_for("staff.login"))
