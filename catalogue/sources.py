"""Sources the nightly watch follows (news listings, single pages, feeds, sitemaps), their pages and health.

A source keeps defaults (level, themes, publisher, territory) given to what it yields.
Its pages (`source_pages`) are its index pages, with their validators for conditional
requests, and the article pages found on them: an article is `pending` until the
resource links it carries have been read, so an interrupted watch continues with it.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from catalogue.errors import CatalogueError, ValidationError
from catalogue.models import check_url, now_iso
from catalogue.store import connection_of
from catalogue.urls import canonical_url


class Kind(StrEnum):
    """What a source is."""

    LISTING = "listing"
    PAGE = "page"
    FEED = "feed"
    SITEMAP = "sitemap"


KIND_LABELS = {
    Kind.LISTING: "liste d'actualités",
    Kind.PAGE: "page unique",
    Kind.FEED: "flux RSS/Atom",
    Kind.SITEMAP: "plan du site (sitemap)",
}


class Health(StrEnum):
    """What staff see of a source."""

    OK = "ok"
    FLAGGED = "flagged"


class SourceError(CatalogueError):
    """A source cannot be added, found or changed; the message says why, in French."""


@dataclass
class Source:
    """A watched source and its defaults."""

    url: str
    kind: str
    name: str = ""
    level: str | None = None
    themes: list[str] = field(default_factory=list)
    publisher: str = ""
    territory: str = ""
    url_pattern: str = ""
    every_days: float = 1.0
    id: int | None = None
    added_at: str = ""
    last_run_at: str | None = None
    last_ok_at: str | None = None
    health: str = Health.OK
    health_reason: str = ""
    failed_runs: int = 0
    article_links: int | None = None

    @property
    def label(self) -> str:
        return self.name or self.url

    def is_due(self, now: datetime) -> bool:
        """True when the source was never watched, or not for its `every_days`."""
        if not self.last_run_at:
            return True
        last = datetime.fromisoformat(self.last_run_at)
        # A little slack: a nightly cron that starts a minute earlier than yesterday still runs it.
        return now - last >= timedelta(days=self.every_days) - timedelta(hours=1)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _row(row) -> Source:
    data = dict(row)
    data["themes"] = json.loads(data["themes"])
    return Source(**data)


def validate_source(source: Source, vocabularies) -> Source:
    """Check a source's address, kind, defaults and pattern; SourceError in French on the first fault."""
    try:
        source.url = check_url(source.url or "")  # the model's rules: http(s) in any case, port, brackets
    except ValidationError as exc:
        raise SourceError(
            f"adresse de source invalide : {source.url!r} (http:// ou https:// attendu : {exc.message})"
        ) from None
    if source.kind not in set(Kind):
        raise SourceError(
            f"type de source inconnu : {source.kind!r} ; valeurs possibles : {', '.join(k.value for k in Kind)}"
        )
    if source.level and source.level not in vocabularies.levels:
        raise SourceError(
            f"niveau inconnu : {source.level!r} ; valeurs possibles : {', '.join(vocabularies.levels.values())}"
        )
    for theme in source.themes:
        if theme not in vocabularies.themes:
            raise SourceError(
                f"thème inconnu : {theme!r} ; voir `catalogue vocab themes` pour les valeurs possibles"
            )
    if not source.every_days or source.every_days <= 0:
        raise SourceError(f"fréquence invalide : {source.every_days!r} (un nombre de jours positif)")
    if source.url_pattern:
        try:
            re.compile(source.url_pattern)
        except re.error as exc:
            raise SourceError(f"motif d'adresses invalide {source.url_pattern!r} : {exc}") from None
    source.level = source.level or None
    source.themes = list(dict.fromkeys(source.themes))
    return source


FIELDS = ("url", "name", "kind", "level", "themes", "publisher", "territory", "url_pattern", "every_days")


def add(store, source: Source) -> Source:
    """Add a source (validated); SourceError if its address is already watched."""
    validate_source(source, store.vocabularies)
    if find(store, source.url) is not None:
        raise SourceError(f"cette source est déjà suivie : {source.url}")
    source.added_at = now_iso()
    values = {name: getattr(source, name) for name in FIELDS}
    values["themes"] = json.dumps(source.themes, ensure_ascii=False)
    with store.transaction():
        cur = connection_of(store).execute(
            f"INSERT INTO sources ({', '.join(FIELDS)}, added_at) VALUES "
            f"({', '.join(':' + n for n in FIELDS)}, :added_at)",
            {**values, "added_at": source.added_at},
        )
    source.id = cur.lastrowid
    return source


def get(store, source_id: int) -> Source:
    """The source with this id; SourceError if none."""
    row = connection_of(store).execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
    if row is None:
        raise SourceError(f"aucune source n'a l'identifiant {source_id}")
    return _row(row)


def find(store, url: str) -> Source | None:
    """The source at this address (compared in canonical form), or None."""
    try:
        wanted = canonical_url(url)
    except ValueError:  # not an address at all: no source has it
        return None
    for source in all_sources(store):
        if canonical_url(source.url) == wanted:
            return source
    return None


def resolve(store, ref: str) -> Source:
    """A source by id or by address, as given on the command line."""
    ref = str(ref).strip()
    if ref.isdigit():
        return get(store, int(ref))
    found = find(store, ref)
    if found is None:
        raise SourceError(f"aucune source ne correspond à {ref!r}")
    return found


def all_sources(store) -> list[Source]:
    """Every source, in order of addition."""
    return [_row(r) for r in connection_of(store).execute("SELECT * FROM sources ORDER BY id")]


def remove(store, source_id: int) -> Source:
    """Stop watching a source (its proposals stay in the review queue)."""
    source = get(store, source_id)
    with store.transaction():
        connection_of(store).execute("DELETE FROM sources WHERE id = ?", (source_id,))
    return source


def due(store, now: datetime) -> list[Source]:
    """The sources whose turn has come."""
    return [s for s in all_sources(store) if s.is_due(now)]


# -- pages of a source -----------------------------------------------------------


def page_state(store, source_id: int, url: str) -> dict | None:
    """What the watch knows of one page of a source (validators, status), or None."""
    row = (
        connection_of(store)
        .execute(
            "SELECT * FROM source_pages WHERE source_id = ? AND url = ?", (source_id, canonical_url(url))
        )
        .fetchone()
    )
    return dict(row) if row else None


def save_index_page(store, source_id: int, url: str, etag: str, last_modified: str, now: str) -> None:
    """Remember an index page's validators, for the next conditional request."""
    with store.transaction():
        connection_of(store).execute(
            "INSERT INTO source_pages (source_id, url, address, role, status, etag, last_modified, "
            "first_seen_at, last_seen_at) VALUES (?, ?, ?, 'index', 'done', ?, ?, ?, ?) "
            "ON CONFLICT(source_id, url) DO UPDATE SET "
            "etag = excluded.etag, last_modified = excluded.last_modified, last_seen_at = excluded.last_seen_at",
            (source_id, canonical_url(url), url, etag or "", last_modified or "", now, now),
        )


def add_articles(store, source_id: int, urls: list[str], now: str) -> list[str]:
    """Record article pages found on a source; returns those never seen before (in order)."""
    new = []
    with store.transaction():
        for url in urls:
            key = canonical_url(url)
            cur = connection_of(store).execute(
                "INSERT INTO source_pages (source_id, url, address, role, status, first_seen_at, last_seen_at) "
                "VALUES (?, ?, ?, 'article', 'pending', ?, ?) ON CONFLICT(source_id, url) DO NOTHING",
                (source_id, key, url, now, now),
            )
            if cur.rowcount:
                new.append(url)
    return new


def known_urls(store, source_id: int) -> set[str]:
    """The canonical addresses of every page of a source (index and articles)."""
    return {
        r[0]
        for r in connection_of(store).execute(
            "SELECT url FROM source_pages WHERE source_id = ?", (source_id,)
        )
    }


def page_urls(store) -> set[str]:
    """The canonical addresses of every page of every source."""
    return {r[0] for r in connection_of(store).execute("SELECT url FROM source_pages")}


def pending_articles(store, source_id: int) -> list[str]:
    """Articles whose resource links were not read yet (found by an interrupted run, or now)."""
    return [
        r[0]
        for r in connection_of(store).execute(
            "SELECT address FROM source_pages WHERE source_id = ? AND role = 'article' AND status = 'pending' "
            "ORDER BY first_seen_at, rowid",
            (source_id,),
        )
    ]


def finish_article(store, source_id: int, url: str, status: str, error: str = "") -> None:
    """Mark an article read (done) or unreadable (failed, with the error)."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE source_pages SET status = ?, error = ? WHERE source_id = ? AND url = ?",
            (status, error, source_id, canonical_url(url)),
        )


def record_health(
    store, source: Source, *, ok: bool, found: int | None, flag_reason: str, now: str, failed_runs: int
) -> None:
    """Store the outcome of a source's run: when, whether it answered, and its health."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE sources SET last_run_at = ?, last_ok_at = CASE WHEN ? THEN ? ELSE last_ok_at END, "
            "health = ?, health_reason = ?, failed_runs = ?, article_links = COALESCE(?, article_links) "
            "WHERE id = ?",
            (
                now,
                ok,
                now,
                Health.FLAGGED if flag_reason else Health.OK,
                flag_reason,
                failed_runs,
                found,
                source.id,
            ),
        )


def forget_run(store, source: Source) -> None:
    """Put back a source's run state as `source` holds it (read before the run): when it was last read
    and its health. For a night without network, which says nothing of the source: it stays due
    and no failed run is counted."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE sources SET last_run_at = ?, last_ok_at = ?, health = ?, health_reason = ?, "
            "failed_runs = ? WHERE id = ?",
            (
                source.last_run_at,
                source.last_ok_at,
                source.health,
                source.health_reason,
                source.failed_runs,
                source.id,
            ),
        )


def counts(store) -> dict[int, dict[str, int]]:
    """Per source: articles seen and proposals by status."""
    db = connection_of(store)
    result: dict[int, dict[str, int]] = {}
    for row in db.execute(
        "SELECT source_id, count(*) FROM source_pages WHERE role = 'article' GROUP BY source_id"
    ):
        result.setdefault(row[0], {})["articles"] = row[1]
    for row in db.execute(
        "SELECT source_id, status, count(*) FROM proposals WHERE source_id IS NOT NULL GROUP BY source_id, status"
    ):
        result.setdefault(row[0], {})[row[1]] = row[2]
    return result
