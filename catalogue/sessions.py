"""Staff sessions kept on the server (migration 0008): a session is valid while its row exists.

The site's signed cookie carries a random token; the database holds only its SHA-256. Logging
out deletes the row; a password change, removing the account or `catalogue user logout`
deletes all of a user's rows; `catalogue user logout --all` deletes every row. A row also
ends at `expires_at`, whatever the cookie says.
"""

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from catalogue.store import connection_of

log = logging.getLogger(__name__)

LIFETIME = timedelta(hours=8)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).replace(microsecond=0)


def open_session(store, name: str, *, lifetime: timedelta = LIFETIME, now: datetime | None = None) -> str:
    """Start a session for the account `name`; returns the token the cookie carries."""
    db = connection_of(store)
    token = secrets.token_urlsafe(32)
    moment = _now(now)
    with store.transaction():
        db.execute("DELETE FROM staff_sessions WHERE expires_at < ?", (moment.isoformat(),))
        db.execute(
            "INSERT INTO staff_sessions(token_hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (_hash(token), name, moment.isoformat(), (moment + lifetime).isoformat()),
        )
    return token


def session_user(store, token: str | None, *, now: datetime | None = None) -> str | None:
    """The account name of a live session, or None (no token, ended, expired, account removed)."""
    if not token or not isinstance(token, str):
        return None
    row = (
        connection_of(store)
        .execute("SELECT user_name, expires_at FROM staff_sessions WHERE token_hash = ?", (_hash(token),))
        .fetchone()
    )
    if row is None or row["expires_at"] <= _now(now).isoformat():
        return None
    return row["user_name"]


def end_session(store, token: str | None) -> None:
    """End one session (logging out)."""
    if token and isinstance(token, str):
        with store.transaction():
            connection_of(store).execute("DELETE FROM staff_sessions WHERE token_hash = ?", (_hash(token),))


def end_user_sessions(store, name: str) -> int:
    """End every session of one account; returns how many were open."""
    with store.transaction():
        count = (
            connection_of(store).execute("DELETE FROM staff_sessions WHERE user_name = ?", (name,)).rowcount
        )
    log.info("ended %d session(s) of %s", count, name)
    return count


def end_all_sessions(store) -> int:
    """End every staff session of every account; returns how many were open."""
    with store.transaction():
        count = connection_of(store).execute("DELETE FROM staff_sessions").rowcount
    log.info("ended every staff session (%d)", count)
    return count


def open_sessions(store, *, now: datetime | None = None) -> dict[str, int]:
    """How many live sessions each account has."""
    rows = connection_of(store).execute(
        "SELECT user_name, COUNT(*) FROM staff_sessions WHERE expires_at > ? GROUP BY user_name",
        (_now(now).isoformat(),),
    )
    return {name: count for name, count in rows}
