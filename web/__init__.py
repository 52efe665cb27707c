"""The Flask site: `create_app` is the only place an app is built and its configuration read."""

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from catalogue.settings import Settings

log = logging.getLogger(__name__)


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _secret_key(settings: Settings) -> str:
    """The configured secret, else the one kept in the data directory (mode 0600), made on first need.

    The file is written whole to a temporary file then renamed, so a full disk or a crash
    never leaves a partial key; an empty file (left by an older version on a full disk) is
    replaced. Two processes starting together both end up with the key that is on disk.
    """
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_path / "secret_key"
    key = _read_key(path)
    if key:
        return key
    settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # only if no key appeared meanwhile (another process starting)
        except FileExistsError:
            if not _read_key(path):
                os.replace(tmp, path)  # the empty file left by a full disk
    finally:
        tmp.unlink(missing_ok=True)
    log.info("secret key written to %s", path)
    return _read_key(path)


class FixedOrigin:
    """WSGI middleware: every request is seen as addressed to `base_url` (scheme and host), so the
    absolute URLs of feeds, JSON-LD and sitemaps never follow a Host header sent by the client."""

    def __init__(self, wsgi_app, base_url: str):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(
                f"CATALOGUE_BASE_URL doit être une origine comme https://catalogue.example.org, pas {base_url!r}"
            )
        self.wsgi_app, self.scheme, self.host = wsgi_app, parts.scheme, parts.netloc

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


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
        SESSION_COOKIE_SECURE=settings.secure_cookies or (settings.base_url or "").startswith("https://"),
        PER_PAGE=20,
    )
    app.config.update(test_config)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["catalogue.services"] = services

    from web import (
        api,
        citations,
        conditional,
        context,
        display,
        errors,
        feeds,
        home,
        oai,
        resources,
        search,
        security,
        sitemap,
        suggest,
        themes,
    )
    from web.staff import bp as staff_bp
    from web.staff import init_app as staff_init_app

    context.init_app(app)
    display.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    conditional.init_app(app)
    for module in (home, search, resources, api, suggest, feeds, oai, citations, sitemap, themes):
        app.register_blueprint(module.bp)
    app.register_blueprint(staff_bp)
    staff_init_app(app)
    if settings.base_url:
        app.wsgi_app = FixedOrigin(app.wsgi_app, settings.base_url)
    log.debug("site built on %s", Path(settings.data_dir))
    return app
