"""Canonical URLs and the stable resource ids derived from them."""

import hashlib
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only track clicks: they never change what a link points to.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "yclid", "_hsenc", "_hsmi"})


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL: the one two links must share to be the same resource."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")
    ]
    return urlunsplit(
        ("https" if scheme in ("http", "https") else scheme, netloc, path, urlencode(query), "")
    )


def resource_id(url: str) -> str:
    """Return the stable id of the resource at this URL (12 hex digits of the canonical URL's SHA-1)."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:12]
