"""From a fetch's outcome to a link verdict: broken, moved, soft 404 (French and English), blocked...

Pure functions over FetchResult: no network, no store.
"""

import html
import re
from urllib.parse import urlsplit

from catalogue.urls import canonical_url

BLOCKED_STATUSES = (401, 403, 999)
SOFT404_MAX_BYTES = 32 * 1024  # only small HTML answers are read for error phrases
SOFT404_PHRASES = (
    "page introuvable",
    "page non trouvée",
    "page non trouvee",
    "page inexistante",
    "cette page n'existe pas",
    "cette page n’existe pas",
    "la page demandée n'existe pas",
    "la page demandée n’existe pas",
    "la page que vous recherchez n'existe pas",
    "la page que vous recherchez n’existe pas",
    "la page que vous cherchez",
    "n'existe plus",
    "n’existe plus",
    "erreur 404",
    "document introuvable",
    "contenu introuvable",
    "ressource introuvable",
    "page not found",
    "404 not found",
    "not found",
    "page cannot be found",
    "page could not be found",
    "the page you requested",
    "page you are looking for",
    "page does not exist",
    "no longer available",
    "error 404",
    "oops! that page",
)
HOME_PATHS = ("", "/", "/index.html", "/index.php", "/accueil", "/home", "/fr", "/fr/", "/en", "/en/")
BOT_WALL_MARKS = (
    "cf-chl",
    "challenge-platform",
    "captcha",
    "are you a robot",
    "êtes-vous un robot",
    "access denied",
    "accès refusé",
    "verify you are human",
    "ddos protection",
)
_TAGS = re.compile(r"<(title|h1|h2)[^>]*>(.*?)</\1>", re.I | re.S)
_ANY_TAG = re.compile(r"<[^>]+>")
_SCRIPTS = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.I | re.S)


def _words(fragment: str) -> str:
    text = html.unescape(_ANY_TAG.sub(" ", fragment)).lower().replace("\u2019", "'")
    return " ".join(text.split())


def soft404_phrase(body: bytes | None, content_type: str) -> str | None:
    """The error phrase found in a small HTML answer's title or headings, or None."""
    if not body or "html" not in content_type or len(body) > SOFT404_MAX_BYTES:
        return None
    text = body.decode("utf-8", errors="replace")
    headings = " | ".join(_words(m.group(2)) for m in _TAGS.finditer(text))
    for phrase in SOFT404_PHRASES:
        if phrase.replace("\u2019", "'") in headings:
            return phrase
    body_text = _words(_SCRIPTS.sub(" ", text))
    if len(body_text) < 600:  # a tiny page: its whole text is its message
        for phrase in SOFT404_PHRASES:
            if phrase != "not found" and phrase.replace("\u2019", "'") in body_text:
                return phrase
    return None


def is_bot_wall(body: bytes | None) -> bool:
    """True if an error page looks like a bot wall or a captcha."""
    if not body:
        return False
    text = body[:65536].decode("utf-8", errors="replace").lower()
    return any(mark in text for mark in BOT_WALL_MARKS)


def redirected_home(url: str, final_url: str) -> bool:
    """True if a deep address was redirected to the site's home page."""
    start, end = urlsplit(url), urlsplit(final_url)
    if not end.path.rstrip("/") and not end.query and start.path.rstrip("/"):
        return True
    return end.path.lower() in HOME_PATHS and start.path.lower() not in HOME_PATHS


def moved_target(url: str, redirects: list[tuple[int, str]]) -> str | None:
    """The address reached through the leading permanent redirects, if it really differs from `url`."""
    target = None
    for status, location in redirects:
        if status not in (301, 308):
            break
        target = location
    if target is None or canonical_url(target) == canonical_url(url):
        return None  # http -> https or www. only: the same resource
    return target


def verdict_of(result) -> tuple[str, str]:
    """The (verdict, French explanation) of a FetchResult for the link checker."""
    outcome = result.outcome
    if outcome in ("ok", "not_modified", "too_large"):
        if result.redirects and redirected_home(result.url, result.final_url):
            return "soft404", f"l'adresse renvoie vers la page d'accueil du site ({result.final_url})"
        phrase = soft404_phrase(result.body, result.content_type) if result.method == "GET" else None
        if phrase:
            return "soft404", f"la page répond 200 mais affiche « {phrase} »"
        target = moved_target(result.url, result.redirects)
        if target:
            return "moved", f"l'adresse a changé définitivement : {target}"
        return "ok", ""
    if outcome == "http":
        status = result.status or 0
        if status in (404, 410):
            return "broken", result.error
        if status == 429:
            return "rate_limited", "le serveur limite le nombre de requêtes (429)"
        if status in BLOCKED_STATUSES:
            return "blocked", f"le serveur refuse l'accès aux robots ({status})"
        if status >= 500:
            if status == 503 and is_bot_wall(result.body):
                return "blocked", "le site oppose une vérification anti-robots"
            return "error", result.error
        if 300 <= status < 400:
            return "error", result.error
        return "broken", result.error
    if outcome in ("timeout", "dns", "refused", "tls", "loop", "robots", "invalid"):
        return outcome, result.error
    if outcome == "forbidden_address":
        return "invalid", result.error
    return "error", result.error
