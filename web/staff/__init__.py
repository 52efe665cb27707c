"""The staff pages under /equipe: login, link health, add and edit resources, import a page, audit log."""

from datetime import timedelta

from flask import Blueprint, Flask, render_template, session, url_for

bp = Blueprint("staff", __name__, url_prefix="/equipe")

# The views attach their routes to bp; imported after bp exists.
from web.staff import (  # noqa: E402,F401
    account,
    auth,
    csrf,
    health,
    importing,
    journal,
    merging,
    proposals,
    resources,
    sources,
    withdrawing,
)


@bp.before_request
def _guard():
    auth.load_user()
    csrf.protect()


def init_app(app: Flask) -> None:
    """Session cookie flags, the CSRF token in templates; call after registering bp."""
    settings = app.config["SETTINGS"]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(
        app.config.get("SESSION_COOKIE_SECURE") or settings.secure_cookies
    )
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=8)
    app.add_template_global(csrf.csrf_token, "csrf_token")
    app.context_processor(_staff_link)


def _staff_link() -> dict:
    """The "Espace équipe" link of the main menu, for logged-in staff only."""
    return {"staff_home_url": url_for("staff.home") if session.get(auth.SESSION_TOKEN) else None}


@bp.errorhandler(400)
def _bad_request(error):
    """A refused form (missing or stale CSRF token) explained in French, with a way back."""
    return render_template("staff/bad_request.html", message=error.description), 400


@bp.after_request
def _no_store(response):
    # Staff pages show private data and forms with a CSRF token: never cached.
    response.headers["Cache-Control"] = "no-store"
    return response
