"""The Flask site: `create_app` is the only place an app is built and its configuration read."""

import logging
import os
import secrets
from pathlib import Path

from flask import Flask

from catalogue.settings import Settings

log = logging.getLogger(__name__)


def _secret_key(settings: Settings) -> str:
    """The configured secret, else one generated once and kept in the data directory (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def create_app(test_config: dict | None = None, *, services=None) -> Flask:
    """Build the site. test_config may hold SETTINGS (a Settings object) and Flask keys.

    `services` is supplied by the composition root (catalogue/cli/serve.py): callables the
    staff pages use, such as `crawl_now(ids)` and `import_page(url, level, dry_run)`, so
    that the site never imports the crawler.
    """
    app = Flask(__name__)
    test_config = dict(test_config or {})
    settings = test_config.get("SETTINGS") or Settings()
    app.config.from_mapping(
        SETTINGS=settings,
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PER_PAGE=20,
    )
    app.config.update(test_config)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["catalogue.services"] = services

    from web import api, context, errors, feeds, home, resources, search, security
    from web.staff import bp as staff_bp
    from web.staff import init_app as staff_init_app

    context.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for module in (home, search, resources, api, feeds):
        app.register_blueprint(module.bp)
    app.register_blueprint(staff_bp)
    staff_init_app(app)
    log.debug("site built on %s", Path(settings.data_dir))
    return app
