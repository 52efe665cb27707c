"""Every setting of the product, declared once: name, default, one-line help, environment variable.

The CLI, `create_app` and the README read this one declaration. A value comes from,
in order: an explicit override (CLI option, test config), the environment variable
`CATALOGUE_<NAME>`, the default.
"""

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default and help."""

    name: str
    type: type
    default: object
    help: str

    @property
    def env(self) -> str:
        return "CATALOGUE_" + self.name.upper()


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "cites-catalogue")


DECLARED: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        str,
        None,
        "Folder of the database, the index and the archive (default: $XDG_DATA_HOME/cites-catalogue).",
    ),
    Setting(
        "user_agent",
        str,
        "cites-catalogue/0.1 (+mailto:{contact})",
        "User-Agent of the crawler and the link checker; {contact} is replaced.",
    ),
    Setting(
        "contact",
        str,
        "ressources@example.org",
        "Contact address of the catalogue's team: sent in the User-Agent, shown on the accessibility and "
        "resource pages (« Signaler un lien cassé »).",
    ),
    Setting("oai_page_size", int, 100, "Records per page of an OAI-PMH list (ListRecords, ListIdentifiers)."),
    Setting("connect_timeout", float, 5.0, "Seconds to wait for a connection."),
    Setting("read_timeout", float, 10.0, "Seconds to wait between two reads of an answer."),
    Setting(
        "deadline", float, 30.0, "Total seconds one fetch may take, however the server drips its answer."
    ),
    Setting("max_body_bytes", int, 50 * 1024 * 1024, "Largest body fetched, before and after decompression."),
    Setting("max_redirects", int, 10, "Redirects followed before a link is called a loop."),
    Setting("retries", int, 2, "Retries of a fetch after a timeout, a reset, 429 or 502/503/504."),
    Setting(
        "timeout_retries",
        int,
        1,
        "Retries of a fetch that timed out (at most `retries`): each costs a whole timeout.",
    ),
    Setting("retry_after_cap", float, 30.0, "Longest Retry-After honoured, in seconds."),
    Setting(
        "allow_private_networks",
        bool,
        False,
        "Allow fetching loopback, private and link-local addresses (tests only).",
    ),
    Setting("global_concurrency", int, 32, "Fetches running at once, all hosts together."),
    Setting("per_host_concurrency", int, 2, "Fetches running at once on one host."),
    Setting(
        "per_host_delay",
        float,
        0.0,
        "Seconds between two requests to one host (robots.txt Crawl-delay may raise it).",
    ),
    Setting("archive", bool, True, "Keep the last good copy of each document in the data directory."),
    Setting(
        "archive_max_bytes",
        int,
        2 * 1024 * 1024 * 1024,
        "Total size of the archive; the oldest copies go first.",
    ),
    Setting("confirm_nights", int, 2, "Failing nights before a link is called cassé."),
    Setting(
        "retry_backoff", float, 1.0, "First wait before a retry, in seconds; doubled each time, with jitter."
    ),
    Setting("max_crawl_delay", float, 30.0, "Longest robots.txt Crawl-delay honoured, in seconds."),
    Setting(
        "check_success_cache_hours",
        float,
        0.0,
        "Hours during which a link found ok is not checked again (failures never are cached).",
    ),
    Setting(
        "check_second_opinion_delay",
        float,
        2.0,
        "Seconds between a link's failing check (retries included) and its second opinion in the same run.",
    ),
    Setting(
        "secret_key",
        str,
        None,
        "Secret of the site's session cookies (default: generated once, stored in the data directory).",
    ),
    Setting(
        "base_url",
        str,
        None,
        "Public address of the site (https://catalogue.example.org): absolute URLs of feeds, JSON-LD and "
        "sitemaps use it, never the request's Host header; https also makes the session cookie Secure.",
    ),
    Setting(
        "secure_cookies",
        bool,
        False,
        "Send the staff session cookie over https only (set it when the site is served over https).",
    ),
    Setting(
        "login_max_failures",
        int,
        5,
        "Failed staff logins in a row for one name before each further attempt must wait.",
    ),
    Setting(
        "login_lockout_seconds",
        float,
        2.0,
        "First wait after the failures allowed, in seconds; doubled at each further failure.",
    ),
    Setting(
        "login_max_delay_seconds",
        float,
        300.0,
        "Longest wait between two login attempts for one name, however many failures (the cap).",
    ),
    Setting(
        "password_scrypt_n",
        int,
        2**17,
        "scrypt cost N of staff password hashes (128 x 8 x N bytes each); older hashes are redone at login.",
    ),
    Setting(
        "watch_max_articles",
        int,
        500,
        "Article pages of one source read in one watch run; the others wait for the next run.",
    ),
    Setting(
        "watch_failure_runs",
        int,
        3,
        "Watch runs in a row in which a source fails or yields nothing before it is flagged.",
    ),
    Setting(
        "vocabularies",
        str,
        None,
        "Vocabulary file (default: vocabularies.json of the data directory, else the one shipped in the package).",
    ),
    Setting(
        "mail_to",
        str,
        None,
        "Addresses (comma-separated) that receive the link checker's report after each run.",
    ),
    Setting("mail_from", str, None, "Sender of the report mail (default: the contact address)."),
    Setting("smtp_host", str, "localhost", "SMTP server that sends the report mail."),
    Setting("smtp_port", int, 25, "Port of the SMTP server."),
    Setting("smtp_starttls", bool, False, "Switch the SMTP connection to TLS (STARTTLS) before sending."),
    Setting("smtp_user", str, None, "SMTP user name, when the server asks for one."),
    Setting("smtp_password", str, None, "SMTP password, when the server asks for one."),
    Setting("smtp_timeout", float, 30.0, "Seconds to wait for the SMTP server."),
)

_BY_NAME = {s.name: s for s in DECLARED}


def _parse(setting: Setting, raw):
    if raw is None or setting.type is str:
        return raw
    if setting.type is bool:
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "yes", "on", "oui")
    return setting.type(raw)


class Settings:
    """The resolved settings of one run: attribute access, e.g. settings.deadline."""

    def __init__(self, overrides: dict | None = None, environ: dict | None = None):
        environ = os.environ if environ is None else environ
        overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        unknown = set(overrides) - set(_BY_NAME)
        if unknown:
            raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
        self._values = {}
        for s in DECLARED:
            if s.name in overrides:
                value = _parse(s, overrides[s.name])
            elif s.env in environ:
                value = _parse(s, environ[s.env])
            else:
                value = s.default
            self._values[s.name] = value
        if not self._values["data_dir"]:
            self._values["data_dir"] = _default_data_dir()

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict:
        """All values by name."""
        return dict(self._values)

    @property
    def data_path(self) -> Path:
        """The data directory as a Path."""
        return Path(self._values["data_dir"])

    @property
    def database_path(self) -> Path:
        """The SQLite database file."""
        return self.data_path / "catalogue.sqlite3"

    @property
    def index_path(self) -> Path:
        """The folder that holds the live Whoosh index (and its rebuilds)."""
        return self.data_path / "index"

    @property
    def archive_path(self) -> Path:
        """The folder of archived copies, named by content hash."""
        return self.data_path / "archive"

    @property
    def public_contact(self) -> str | None:
        """The contact address to show people, or None while it is still the placeholder default."""
        contact = (self._values["contact"] or "").strip()
        return None if not contact or contact == _BY_NAME["contact"].default else contact

    @property
    def effective_user_agent(self) -> str:
        """The User-Agent with the contact address filled in."""
        return self._values["user_agent"].replace("{contact}", self._values["contact"])
