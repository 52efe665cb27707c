"""The SSRF guard: which URLs and addresses the crawler may reach (http/https on public addresses only)."""

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


class GuardRefusal(Exception):
    """A URL or address that the guard refuses; `outcome` is "invalid", "dns" or "forbidden_address"."""

    def __init__(self, outcome: str, message: str):
        self.outcome = outcome
        super().__init__(message)


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard: its scheme, host, port and the addresses it resolved to."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]

    @property
    def host_key(self) -> str:
        """The key of per-host limits: host and port (two servers on one machine are two hosts)."""
        return f"{self.host}:{self.port}"


def forbidden_reason(address: str) -> str | None:
    """Why an IP address may not be reached without allow_private_networks (French), or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "adresse de bouclage (loopback)"
    if ip.is_link_local:
        return "adresse lien-local"
    if ip.is_multicast:
        return "adresse multicast"
    if ip.is_unspecified:
        return "adresse non spécifiée"
    if ip.is_private:
        return "adresse de réseau privé"
    if ip.is_reserved:
        return "adresse réservée"
    if not ip.is_global:
        return "adresse non publique"
    return None


def parse_target(url: str) -> tuple[str, str, int]:
    """The (scheme, host, port) of an http(s) URL; GuardRefusal("invalid") if it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise GuardRefusal("invalid", f"adresse mal formée : {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        what = f"« {scheme}: »" if scheme else "aucun"
        raise GuardRefusal("invalid", f"protocole {what} non pris en charge (seuls http et https le sont)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise GuardRefusal("invalid", "adresse sans nom d'hôte")
    return scheme, host, port or (443 if scheme == "https" else 80)


def _ip_literal(host: str) -> str | None:
    """The address itself when the host is written as an IP address in its canonical form, else None.

    Such a host needs no resolver (getaddrinfo would give it back unchanged); any other spelling
    (127.1, 0x7f.1, 017700000001…) goes through getaddrinfo, which reads it as the system does."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if str(address) == host else None


def resolve(host: str, port: int, timeout: float | None = None) -> tuple[str, ...]:
    """The IP addresses of a host name; GuardRefusal("dns") when it does not resolve within timeout seconds.

    getaddrinfo cannot be interrupted and a stalled resolver can hold it for many seconds, so
    it runs in a daemon thread that is abandoned when the timeout passes. An IP address in its
    canonical form is its own answer (no thread, no lookup).
    """
    literal = _ip_literal(host)
    if literal is not None:
        return (literal,)
    outcome: dict = {}

    def lookup():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, name=f"dns {host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise GuardRefusal("dns", f"le nom « {host} » ne s'est pas résolu en {timeout:g} s (DNS)")
    if "error" in outcome:
        exc = outcome["error"]
        raise GuardRefusal("dns", f"le nom « {host} » ne se résout pas (DNS) : {exc}") from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in outcome["infos"]))
    if not addresses:
        raise GuardRefusal("dns", f"le nom « {host} » n'a aucune adresse (DNS)")
    return addresses


def check_address(address: str, host: str, allow_private: bool) -> None:
    """Refuse (GuardRefusal "forbidden_address") a non-public address unless private networks are allowed."""
    if allow_private:
        return
    reason = forbidden_reason(address)
    if reason:
        raise GuardRefusal("forbidden_address", f"« {host} » mène à {address}, {reason} : accès refusé")


class ResolverCache:
    """`resolve` with the answers kept for `ttl` seconds, for a fetcher that asks the same hosts again and
    again (a night's check: thousands of links on a few hundred sites). Failures are not kept: each
    fetch asks again. Safe for DNS rebinding: each new connection's real peer is checked anyway
    (crawler.deadline), whatever the name resolved to here."""

    def __init__(self, ttl: float = 300.0, resolver: Callable[..., tuple[str, ...]] | None = None):
        self.ttl = ttl
        self.resolver = resolver  # None: this module's resolve, looked up at each call
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, int], tuple[float, tuple[str, ...]]] = {}

    def __call__(self, host: str, port: int, timeout: float | None = None) -> tuple[str, ...]:
        key, now = (host.lower(), port), time.monotonic()
        with self._lock:
            kept = self._answers.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        addresses = (self.resolver or resolve)(host, port, timeout)
        with self._lock:
            self._answers[key] = (now + self.ttl, addresses)
        return addresses


def check_url(
    url: str,
    allow_private: bool,
    dns_timeout: float | None = None,
    resolver: Callable[..., tuple[str, ...]] | None = None,
) -> Target:
    """Check a URL's scheme, resolve its host (with `resolver`) and check every address; return the Target or
    raise GuardRefusal."""
    scheme, host, port = parse_target(url)
    addresses = (resolver or resolve)(host, port, dns_timeout)
    for address in addresses:
        check_address(address, host, allow_private)
    return Target(scheme, host.lower(), port, addresses)
