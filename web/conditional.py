"""Cacheable, shareable answers of the read-only API, exports and feeds: CORS, ETag, Last-Modified, 304.

One after-request hook for the endpoints in SHARED: any site may call them from a browser
(`Access-Control-Allow-Origin: *`), and a client that sends back `If-None-Match` or
`If-Modified-Since` gets a 304 while nothing changed. The ETag of an answer built in memory
is the hash of its body; a streamed export's is the hash of what it depends on (the index
version, the catalogue's last change, the URL). Last-Modified is the later of the index's
last write and the catalogue's last change.
"""

import hashlib
from datetime import UTC, datetime

from flask import Flask, request

from catalogue import harvest
from web.context import get_settings, get_store
from web.searchcache import index_version

SHARED = {
    "api.search",
    "api.resource",
    "api.openapi",
    "suggest.suggest",
    "citations.resource_format",
    "feeds.search_format",
    "feeds.opensearch",
    "oai.endpoint",
}
CONDITIONAL = SHARED - {"oai.endpoint"}  # an OAI-PMH answer carries its responseDate
EXPOSED = "ETag, Last-Modified, Link"


def last_modified() -> datetime:
    """When the catalogue or its index last changed (to the second)."""
    stamp = datetime.strptime(harvest.last_change(get_store()), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    index_path = get_settings().index_path
    version = index_version(index_path)
    if version:
        folder = index_path / version[0]
        for name in version[1:]:
            written = datetime.fromtimestamp(int((folder / name).stat().st_mtime), UTC)
            stamp = max(stamp, written)
    return stamp


def _etag_of_stream() -> str:
    version = index_version(get_settings().index_path)
    key = repr((version, harvest.last_change(get_store()), request.full_path))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def share(response):
    """CORS on the shared endpoints; ETag, Last-Modified and 304 on their successful GETs."""
    if request.endpoint not in SHARED:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    if request.endpoint not in CONDITIONAL or request.method not in ("GET", "HEAD"):
        return response
    if response.status_code != 200:
        return response
    if response.is_streamed:
        response.set_etag(_etag_of_stream())
    else:
        response.add_etag()
    response.last_modified = last_modified()
    response.headers["Cache-Control"] = "no-cache"  # cached, but asked again each time (304 is cheap)
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Register the hook."""
    app.after_request(share)
