"""Turning a network exception into a fetch outcome and an explanation in plain French."""

import socket
import ssl
from http.client import HTTPException, RemoteDisconnected

import requests
import urllib3.exceptions as u3


def _chain(exc: BaseException):
    """The exception, its causes and wrapped reasons (urllib3's MaxRetryError.reason, args)."""
    seen = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        todo.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))


def tls_words(text: str) -> str:
    """What went wrong in a TLS handshake, in French."""
    lowered = text.lower()
    if "expired" in lowered:
        return "le certificat du site a expiré"
    if "hostname mismatch" in lowered or "doesn't match" in lowered or "not valid for" in lowered:
        return "le certificat ne correspond pas au nom du site"
    if "self-signed" in lowered or "self signed" in lowered:
        return "le certificat est auto-signé (non reconnu)"
    if "unable to get local issuer" in lowered or "unknown ca" in lowered or "verify failed" in lowered:
        return "le certificat n'est pas reconnu (autorité inconnue)"
    if "not yet valid" in lowered:
        return "le certificat n'est pas encore valide"
    return f"échec de la connexion sécurisée (TLS) : {text}"


def classify_exception(exc: BaseException, settings, deadline_fired: bool) -> tuple[str, str]:
    """The (outcome, French error) of an exception raised while fetching."""
    if deadline_fired:
        return "timeout", f"délai total de {settings.deadline:g} s dépassé (serveur trop lent)"
    chain = list(_chain(exc))
    for e in chain:
        if isinstance(e, (requests.exceptions.SSLError, ssl.SSLError, u3.SSLError)):
            return "tls", tls_words(str(e))
    for e in chain:
        if isinstance(e, (u3.NameResolutionError, socket.gaierror)):
            return "dns", "le nom du site ne se résout pas (DNS)"
        if isinstance(e, ConnectionRefusedError):
            return "refused", "le serveur refuse la connexion"
    for e in chain:
        if isinstance(e, (requests.exceptions.ConnectTimeout, u3.ConnectTimeoutError)):
            return "timeout", f"pas de connexion au serveur en {settings.connect_timeout:g} s"
    for e in chain:
        if isinstance(
            e, (requests.exceptions.ReadTimeout, u3.ReadTimeoutError, socket.timeout, TimeoutError)
        ):
            return "timeout", f"le serveur ne répond plus (plus de {settings.read_timeout:g} s sans réponse)"
    for e in chain:
        if isinstance(e, (ConnectionResetError, RemoteDisconnected, BrokenPipeError, u3.ProtocolError)):
            return "reset", "le serveur a coupé la connexion"
    for e in chain:
        if isinstance(
            e,
            (
                requests.exceptions.InvalidURL,
                requests.exceptions.InvalidSchema,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidHeader,
                u3.LocationParseError,
                UnicodeError,
            ),
        ):
            return "invalid", f"adresse invalide : {e}"
    for e in chain:
        if isinstance(e, ValueError) and "compressé" in str(e):
            return "error", str(e)
        if isinstance(e, (HTTPException, requests.exceptions.ChunkedEncodingError)):
            return "reset", f"réponse interrompue ou mal formée : {e}"
    return "error", f"{type(exc).__name__}: {exc}"
