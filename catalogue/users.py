"""Staff accounts: scrypt password hashes (rehashed at login when the cost changes), login checks,
and a delay that grows after repeated failures for one name, whether an account has it or not.

CatalogueError
 └── UserError            a staff account cannot be created, found or used
      ├── LoginFailed     wrong name or password (never says which)
      └── LoginDelayed    too many failures for this name: no attempt is checked before `until`

An unknown name is answered exactly as a known one with a wrong password: same message,
same hash computed (same time), same failure count and delays. The delay is short and
capped (a success, `catalogue user unlock` or `catalogue user passwd` clears it), so an
attacker slows themselves down without keeping a staff member out for long; limits per
client address belong to the reverse proxy, which sees the addresses.
"""

import base64
import functools
import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from catalogue import sessions
from catalogue.errors import CatalogueError
from catalogue.store import connection_of

log = logging.getLogger(__name__)

# scrypt cost (OWASP: N=2^17, r=8, p=1): 128 MiB and a few tenths of a second per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MIN_SCRYPT_N = 2**14
MIN_PASSWORD_LENGTH = 10
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
FORGET_FAILURES_AFTER = timedelta(days=1)
# Each hash holds 128 x r x N bytes: a flood of logins waits here instead of exhausting memory.
_HASHING = threading.BoundedSemaphore(2)


class UserError(CatalogueError):
    """A staff account cannot be created, found or used."""


class LoginFailed(UserError):
    """The name or the password is wrong."""


class LoginDelayed(UserError):
    """Too many failed logins for this name: no attempt is checked before `until`."""

    def __init__(self, name: str, until: datetime):
        self.name = name
        self.until = until
        super().__init__(
            f"trop d'échecs de connexion pour {name!r} : prochain essai possible à {until.isoformat()}"
        )


@dataclass(frozen=True)
class LoginPolicy:
    """How logins are slowed down and how passwords are hashed (from the settings)."""

    max_failures: int = 5  # failures in a row before each attempt must wait
    first_delay: float = 2.0  # seconds; doubled at each further failure
    max_delay: float = 300.0  # the longest wait, however many failures
    scrypt_n: int = SCRYPT_N

    @classmethod
    def from_settings(cls, settings) -> "LoginPolicy":
        """The policy of these settings (login_max_failures, login_lockout_seconds, …)."""
        return cls(
            settings.login_max_failures,
            settings.login_lockout_seconds,
            settings.login_max_delay_seconds,
            settings.password_scrypt_n,
        )


@dataclass(frozen=True)
class User:
    """A staff account as listed (never its hash)."""

    name: str
    created_at: str
    last_login_at: str | None
    failed_logins: int = 0
    retry_at: str | None = None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    # OpenSSL needs 128 x r x (N + p + 2) bytes; a little more is left for its bookkeeping.
    maxmem = 128 * r * (n + p + 2) + 2**20
    with _HASHING:
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)


def check_cost(n: int) -> int:
    """N if it is a valid scrypt cost for passwords (a power of two, at least 2^14), else UserError."""
    if n < MIN_SCRYPT_N or n & (n - 1):
        raise UserError(f"coût scrypt non valable : {n} (une puissance de deux, au moins {MIN_SCRYPT_N})")
    return n


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """The salted scrypt hash of a password, as `scrypt$n$r$p$salt$hash`."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, check_cost(n), r, p, 32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def hash_cost(encoded: str) -> tuple[int, int, int] | None:
    """The (n, r, p) an encoded hash was made with, or None if it cannot be read."""
    try:
        scheme, n, r, p, _salt, _digest = encoded.split("$")
        return (int(n), int(r), int(p)) if scheme == "scrypt" else None
    except ValueError:
        return None


def check_password(password: str, encoded: str) -> bool:
    """True when the password matches the encoded hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        salt_bytes, expected_bytes = base64.b64decode(salt), base64.b64decode(expected)
        digest = _scrypt(password, salt_bytes, int(n), int(r), int(p), len(expected_bytes))
    except (ValueError, TypeError, MemoryError):
        log.warning("unreadable password hash")
        return False
    return hmac.compare_digest(digest, expected_bytes)


@functools.cache
def _dummy_hash(n: int) -> str:
    """A hash checked for unknown names, so a wrong name takes as long as a wrong password."""
    return hash_password(secrets.token_hex(8), n=n)


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).replace(microsecond=0)


def check_name(name: str) -> str:
    """The name if it is a valid account name (lower case letters, digits, . _ -), else UserError."""
    if not NAME_PATTERN.match(name or ""):
        raise UserError(
            f"nom de compte invalide {name!r} : de 2 à 40 caractères, lettres minuscules, "
            "chiffres, « . », « _ » ou « - »"
        )
    return name


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"le mot de passe doit avoir au moins {MIN_PASSWORD_LENGTH} caractères")


def _no_such_user(name: str) -> UserError:
    return UserError(f"aucun compte nommé {name!r}")


def create_user(store, name: str, password: str, *, n: int = SCRYPT_N, now: datetime | None = None) -> User:
    """Create a staff account; UserError if the name is taken or invalid, or the password too short."""
    db = connection_of(store)
    check_name(name)
    _check_length(password)
    encoded = hash_password(password, n=n)
    created = _now(now).isoformat()
    try:
        with store.transaction():
            db.execute(
                "INSERT INTO users(name, password_hash, created_at) VALUES (?, ?, ?)",
                (name, encoded, created),
            )
            db.execute("DELETE FROM login_failures WHERE name = ?", (name,))
    except sqlite3.IntegrityError:
        raise UserError(f"un compte nommé {name!r} existe déjà") from None
    log.info("created user %s", name)
    return get_user(store, name)


def set_password(store, name: str, password: str, *, n: int = SCRYPT_N) -> int:
    """Replace a user's password, clear its failed logins and end its sessions; returns the sessions ended."""
    db = connection_of(store)
    _check_length(password)
    encoded = hash_password(password, n=n)
    with store.transaction():
        cur = db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (encoded, name))
        if cur.rowcount == 0:
            raise _no_such_user(name)
        db.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        ended = sessions.end_user_sessions(store, name)
    return ended


def unlock(store, name: str) -> int:
    """Forget the failed logins of an account (its wait ends now); returns how many there were."""
    db = connection_of(store)
    get_user(store, name)
    with store.transaction():
        row = db.execute("SELECT failures FROM login_failures WHERE name = ?", (name,)).fetchone()
        db.execute("DELETE FROM login_failures WHERE name = ?", (name,))
    return row[0] if row else 0


_SELECT = (
    "SELECT u.name, u.created_at, u.last_login_at, COALESCE(f.failures, 0) AS failures, f.retry_at "
    "FROM users u LEFT JOIN login_failures f ON f.name = u.name"
)


def _row_to_user(row: sqlite3.Row) -> User:
    return User(row["name"], row["created_at"], row["last_login_at"], row["failures"], row["retry_at"])


def get_user(store, name: str) -> User:
    """The account with this name; UserError if none."""
    row = connection_of(store).execute(f"{_SELECT} WHERE u.name = ?", (name,)).fetchone()
    if row is None:
        raise _no_such_user(name)
    return _row_to_user(row)


def user_exists(store, name: str) -> bool:
    """True when an account has this name."""
    return connection_of(store).execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None


def list_users(store) -> list[User]:
    """Every staff account, by name."""
    return [_row_to_user(r) for r in connection_of(store).execute(f"{_SELECT} ORDER BY u.name")]


def remove_user(store, name: str) -> None:
    """Delete a staff account and end its sessions (the audit log keeps its name); UserError if none."""
    db = connection_of(store)
    with store.transaction():
        cur = db.execute("DELETE FROM users WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise _no_such_user(name)
        db.execute("DELETE FROM staff_sessions WHERE user_name = ?", (name,))
        db.execute("DELETE FROM login_failures WHERE name = ?", (name,))
    log.info("removed user %s", name)


def failure_delay(failures: int, policy: LoginPolicy) -> timedelta:
    """How long the next attempt must wait after this many failures in a row (doubling, capped)."""
    if failures < policy.max_failures:
        return timedelta(0)
    seconds = policy.first_delay * 2 ** min(failures - policy.max_failures, 40)
    return timedelta(seconds=min(seconds, policy.max_delay))


def _count_attempt(store, name: str, policy: LoginPolicy, moment: datetime) -> None:
    """Count an attempt as a failure before checking it (parallel guesses all count); LoginDelayed
    if the name must still wait. Old failures of names nobody tries any more are forgotten."""
    db = connection_of(store)
    with store.transaction():
        db.execute(
            "DELETE FROM login_failures WHERE last_failed_at < ? AND (retry_at IS NULL OR retry_at < ?)",
            ((moment - FORGET_FAILURES_AFTER).isoformat(), moment.isoformat()),
        )
        row = db.execute("SELECT failures, retry_at FROM login_failures WHERE name = ?", (name,)).fetchone()
        if row and row["retry_at"] and moment < datetime.fromisoformat(row["retry_at"]):
            raise LoginDelayed(name, datetime.fromisoformat(row["retry_at"]))
        failures = (row["failures"] if row else 0) + 1
        delay = failure_delay(failures, policy)
        db.execute(
            "INSERT INTO login_failures(name, failures, last_failed_at, retry_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET failures = excluded.failures, "
            "last_failed_at = excluded.last_failed_at, retry_at = excluded.retry_at",
            (name, failures, moment.isoformat(), (moment + delay).isoformat() if delay else None),
        )


def authenticate(store, name: str, password: str, *, policy: LoginPolicy | None = None, now=None) -> User:
    """The account if name and password match; LoginFailed or LoginDelayed otherwise.

    Every attempt counts as a failure until the password is found right. After
    `policy.max_failures` failures in a row for one name, the next attempt must wait
    `first_delay` seconds, doubled at each further failure up to `max_delay`; attempts
    during the wait are refused unchecked. A success clears the count and, when the
    stored hash was made with another cost than the policy's, replaces it.
    """
    db = connection_of(store)
    policy = policy or LoginPolicy()
    moment = _now(now)
    if not NAME_PATTERN.match(name or ""):  # no account can have it: nothing to count
        check_password(password, _dummy_hash(policy.scrypt_n))
        raise LoginFailed("nom de compte ou mot de passe incorrect")
    _count_attempt(store, name, policy, moment)
    row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
    encoded = row["password_hash"] if row else _dummy_hash(policy.scrypt_n)
    if not check_password(password, encoded) or row is None:
        log.warning("failed login for %s", name)
        raise LoginFailed("nom de compte ou mot de passe incorrect")
    wanted = (policy.scrypt_n, SCRYPT_R, SCRYPT_P)
    new_hash = hash_password(password, n=policy.scrypt_n) if hash_cost(encoded) != wanted else None
    with store.transaction():
        db.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        db.execute("UPDATE users SET last_login_at = ? WHERE name = ?", (moment.isoformat(), name))
        if new_hash:
            db.execute(
                "UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?",
                (new_hash, name, encoded),
            )
            log.info("password hash of %s rehashed with scrypt N=%d", name, policy.scrypt_n)
    return get_user(store, name)
