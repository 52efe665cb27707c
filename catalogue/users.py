"""Staff accounts: scrypt password hashes, login checks, and a growing lockout after repeated failures.

CatalogueError
 └── UserError            a staff account cannot be created, found or used
      ├── LoginFailed     wrong name or password (never says which)
      └── AccountLocked   too many failures: no login before `until`
"""

import base64
import functools
import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from catalogue.errors import CatalogueError

log = logging.getLogger(__name__)

# scrypt cost: about 16 MiB and a few tens of milliseconds per hash on this machine.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MAX_LOCKOUT = timedelta(hours=24)


class UserError(CatalogueError):
    """A staff account cannot be created, found or used."""


class LoginFailed(UserError):
    """The name or the password is wrong."""


class AccountLocked(UserError):
    """Too many failed logins: the account is locked until a given time."""

    def __init__(self, name: str, until: datetime):
        self.name = name
        self.until = until
        super().__init__(f"account {name!r} is locked until {until.isoformat()} after repeated failed logins")


@dataclass(frozen=True)
class User:
    """A staff account as listed (never its hash)."""

    name: str
    created_at: str
    last_login_at: str | None
    failed_logins: int
    locked_until: str | None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """The salted scrypt hash of a password, as `scrypt$n$r$p$salt$hash`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, encoded: str) -> bool:
    """True when the password matches the encoded hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        salt_bytes, expected_bytes = base64.b64decode(salt), base64.b64decode(expected)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt_bytes,
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=2**26,
            dklen=len(expected_bytes),
        )
    except (ValueError, TypeError):
        log.warning("unreadable password hash")
        return False
    return hmac.compare_digest(digest, expected_bytes)


@functools.cache
def _dummy_hash() -> str:
    """A hash checked for unknown names, so a wrong name takes as long as a wrong password."""
    return hash_password(secrets.token_hex(8))


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).replace(microsecond=0)


def _row_to_user(row: sqlite3.Row) -> User:
    return User(
        row["name"], row["created_at"], row["last_login_at"], row["failed_logins"], row["locked_until"]
    )


def check_name(name: str) -> str:
    """The name if it is a valid account name (lower case letters, digits, . _ -), else UserError."""
    if not NAME_PATTERN.match(name or ""):
        raise UserError(
            f"nom de compte invalide {name!r} : de 2 à 40 caractères, lettres minuscules, chiffres, « . », « _ » ou « - »"
        )
    return name


def create_user(store, name: str, password: str, *, now: datetime | None = None) -> User:
    """Create a staff account; UserError if the name is taken or invalid, or the password too short."""
    check_name(name)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"le mot de passe doit avoir au moins {MIN_PASSWORD_LENGTH} caractères")
    encoded = hash_password(password)
    created = _now(now).isoformat()
    try:
        with store.transaction():
            store.conn.execute(
                "INSERT INTO users(name, password_hash, created_at) VALUES (?, ?, ?)",
                (name, encoded, created),
            )
    except sqlite3.IntegrityError:
        raise UserError(f"un compte nommé {name!r} existe déjà") from None
    log.info("created user %s", name)
    return get_user(store, name)


def set_password(store, name: str, password: str) -> None:
    """Replace a user's password and clear the lockout."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"le mot de passe doit avoir au moins {MIN_PASSWORD_LENGTH} caractères")
    with store.transaction():
        cur = store.conn.execute(
            "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE name = ?",
            (hash_password(password), name),
        )
        if cur.rowcount == 0:
            raise UserError(f"aucun compte nommé {name!r}")


def get_user(store, name: str) -> User:
    """The account with this name; UserError if none."""
    row = store.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise UserError(f"aucun compte nommé {name!r}")
    return _row_to_user(row)


def user_exists(store, name: str) -> bool:
    """True when an account has this name."""
    return store.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None


def list_users(store) -> list[User]:
    """Every staff account, by name."""
    return [_row_to_user(r) for r in store.conn.execute("SELECT * FROM users ORDER BY name")]


def remove_user(store, name: str) -> None:
    """Delete a staff account (the audit log keeps its name); UserError if none."""
    with store.transaction():
        cur = store.conn.execute("DELETE FROM users WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise UserError(f"aucun compte nommé {name!r}")
    log.info("removed user %s", name)


def lockout_delay(failures: int, max_failures: int, base_seconds: float) -> timedelta:
    """How long an account stays locked after this many consecutive failures (doubling, capped at 24 h)."""
    if failures < max_failures:
        return timedelta(0)
    return min(timedelta(seconds=base_seconds * 2 ** (failures - max_failures)), MAX_LOCKOUT)


def authenticate(
    store,
    name: str,
    password: str,
    *,
    max_failures: int = 5,
    lockout_seconds: float = 900,
    now: datetime | None = None,
) -> User:
    """The account if name and password match; LoginFailed or AccountLocked otherwise.

    After `max_failures` consecutive failures the account is locked for `lockout_seconds`,
    doubled at each further failure. Attempts while locked are refused unchecked.
    """
    moment = _now(now)
    row = store.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        check_password(password, _dummy_hash())
        raise LoginFailed("nom de compte ou mot de passe incorrect")
    if row["locked_until"]:
        until = datetime.fromisoformat(row["locked_until"])
        if moment < until:
            raise AccountLocked(name, until)
    if not check_password(password, row["password_hash"]):
        with store.transaction():  # read and count under the write lock: parallel failures all count
            current = store.conn.execute("SELECT failed_logins FROM users WHERE name = ?", (name,)).fetchone()
            if current is None:  # removed meanwhile
                raise LoginFailed("nom de compte ou mot de passe incorrect")
            failures = current[0] + 1
            delay = lockout_delay(failures, max_failures, lockout_seconds)
            locked_until = (moment + delay).isoformat() if delay else None
            store.conn.execute(
                "UPDATE users SET failed_logins = ?, last_failed_at = ?, locked_until = ? WHERE name = ?",
                (failures, moment.isoformat(), locked_until, name),
            )
        log.warning("failed login for %s (%d in a row)", name, failures)
        if locked_until:
            raise AccountLocked(name, moment + delay)
        raise LoginFailed("nom de compte ou mot de passe incorrect")
    with store.transaction():
        store.conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE name = ?",
            (moment.isoformat(), name),
        )
    return get_user(store, name)
