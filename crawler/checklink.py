"""Checking one resource's link: the first request (HEAD or GET), a GET when a HEAD cannot be
trusted, the podcast's latest episode, and whether a working document changed; one final Check.

crawler/check.py runs these for a whole catalogue (workers, second opinions, the outage guard).
"""

import logging
from urllib.parse import urlsplit

from catalogue.linkchecks import Check, LinkState
from catalogue.links import Verdict
from catalogue.linkwords import french_size
from catalogue.models import now_iso
from crawler.fetch import Fetcher, FetchResult
from crawler.verdicts import SOFT404_MAX_BYTES, moved_target, verdict_of

log = logging.getLogger(__name__)

PREFIX_BYTES = SOFT404_MAX_BYTES + 1  # a GET reads this much: enough to recognise an error page
NO_GET_AFTER_HEAD = frozenset({"dns", "refused", "invalid", "forbidden_address", "robots", "loop", "tls"})
# Addresses of files, checked with a HEAD first (their size and type are in the headers). Any
# other address is taken for a page, unless its last answer said otherwise (see first_method).
DOCUMENT_EXTENSIONS = frozenset(
    """
    pdf doc docx odt rtf txt xls xlsx ods csv ppt pptx odp epub zip rar 7z gz
    mp3 m4a ogg oga opus wav flac aac mp4 m4v webm mov avi mkv
    jpg jpeg png gif svg webp tif tiff xml rss atom json
    """.split()
)


def _check_of(result: FetchResult, resource_id: str, checked_at: str) -> Check:
    """The one way a request's answer becomes a Check."""
    verdict, error = verdict_of(result)
    length = result.headers.get("Content-Length") if result.headers else None
    if length is not None and str(length).isdigit():
        length = int(length)
    elif result.body is not None and not result.truncated:
        length = len(result.body)
    else:
        length = None
    return Check(
        resource_id=resource_id,
        url=result.url,
        checked_at=checked_at,
        verdict=verdict,
        method=result.method,
        http_status=result.status,
        final_url=result.final_url,
        redirects=result.redirects,
        duration=round(result.elapsed, 3),
        error=error or result.error,
        content_type=result.content_type if result.ok else "",
        content_length=length if result.ok else None,
        attempts=result.attempts,
        moved_to=moved_target(result.url, result.redirects) if verdict == Verdict.MOVED else None,
    )


def first_method(url: str, previous: LinkState | None = None) -> str:
    """The first request of a check: "HEAD", or "GET" for a page.

    A small HTML answer to a HEAD is always followed by a GET (only its text tells a soft 404),
    and a page's HEAD rarely says its size (dynamic pages are sent in chunks): for a page the
    GET is made at once, one request instead of two. A page is an address last seen answering
    a small HTML page or, never seen yet, an address without a file's extension. Documents,
    media and feeds get a HEAD first.
    """
    kind = previous.content_type if previous else ""
    if kind:
        length = previous.content_length
        small = length is None or length < SOFT404_MAX_BYTES
        return "GET" if "html" in kind and small else "HEAD"
    try:
        path = urlsplit(url).path
    except ValueError:
        return "HEAD"
    name = path.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return "HEAD" if extension in DOCUMENT_EXTENSIONS else "GET"


def check_url(
    fetcher: Fetcher,
    url: str,
    resource_id: str,
    checked_at: str | None = None,
    retries: int | None = None,
    head: bool = True,
    defer_get: bool = False,
) -> tuple[list[Check], bool]:
    """Check one address: HEAD, then a GET of a small prefix when HEAD fails or cannot be trusted.

    Returns the checks made and whether a GET is still owed. With head=False (a page, see
    first_method, or a second opinion on a failing link), only the GET is made. With defer_get,
    a HEAD that worked but needs a GET to rule out a soft 404 ends the call, owing that GET: the
    caller makes it later (head=False, retries=None).
    """
    if not head:
        get = fetcher.fetch(url, method="GET", prefix_bytes=PREFIX_BYTES, retries=retries)
        return [_check_of(get, resource_id, checked_at or now_iso())], False
    answer = fetcher.fetch(url, method="HEAD", retries=0)
    checks = [_check_of(answer, resource_id, checked_at or now_iso())]
    if checks[0].working:
        length = checks[0].content_length
        small_html = "html" in answer.content_type and (length is None or length < SOFT404_MAX_BYTES)
        if not small_html:
            return checks, False
        if defer_get:
            return checks, True
    elif answer.outcome in NO_GET_AFTER_HEAD:
        return checks, False
    if answer.outcome == "timeout" and retries is None:
        # The HEAD that timed out was the first try.
        retries = max(0, min(fetcher.settings.retries, fetcher.settings.timeout_retries) - 1)
    get = fetcher.fetch(url, method="GET", prefix_bytes=PREFIX_BYTES, retries=retries)
    checks.append(_check_of(get, resource_id, checked_at or now_iso()))
    return checks, False


# A document (not a page) that shrank below a tenth of its last size, from at least this size,
# is suspect: an error message or an empty file served in its place.
SHRUNK_FROM_BYTES = 20 * 1024
SHRUNK_RATIO = 10


def _suspect(final: Check, previous: LinkState | None) -> str:
    """Why a working answer is suspect (a document that became an HTML page, or much smaller), or ''."""
    before = previous.content_type if previous else ""
    now = final.content_type
    if before and now and before != now and "html" in now and "html" not in before:
        return f"le document était de type {before}, c'est maintenant une page HTML"
    old_size, new_size = (previous.content_length if previous else None), final.content_length
    if (
        before
        and before == now
        and "html" not in now
        and old_size
        and new_size is not None
        and old_size >= SHRUNK_FROM_BYTES
        and new_size * SHRUNK_RATIO < old_size
    ):
        return f"le document pesait {french_size(old_size)}, il ne pèse plus que {french_size(new_size)}"
    return ""


def check_resource(
    fetcher,
    resource,
    previous: LinkState | None,
    enclosure: str | None,
    checked_at: str | None,
    retries: int | None = None,
    head: bool | None = True,
    defer_get: bool = False,
) -> tuple[Check, bool]:
    """Check a resource's address (and its podcast's latest episode): the final check, whose `requests`
    are every request made, and whether a GET is still owed.

    head=None: the first request is chosen by first_method (the episode gets a HEAD first).
    defer_get (no podcast episode only): see check_url.
    """
    first_head = first_method(resource.url, previous) == "HEAD" if head is None else head
    head = True if head is None else head
    try:
        checks, get_owed = check_url(
            fetcher, resource.url, resource.id, checked_at, retries, first_head, defer_get and not enclosure
        )
        final = checks[-1]
        if get_owed:
            return final.but(requests=tuple(checks)), True
        if enclosure and final.working:
            episode, _ = check_url(fetcher, enclosure, resource.id, checked_at, retries, head)
            checks.extend(episode)
            if not episode[-1].working:
                final = episode[-1].but(
                    url=resource.url, error=f"épisode le plus récent ({enclosure}) : {episode[-1].error}"
                )
        reason = _suspect(final, previous) if final.verdict == Verdict.OK else ""
        if reason:
            final = final.but(suspect=True, error=reason)
    except Exception as exc:  # the one broad except: one resource's fault must not stop the run
        log.exception("check of %s failed", resource.url)
        final = Check(
            resource_id=resource.id,
            url=resource.url,
            checked_at=checked_at or now_iso(),
            verdict=Verdict.ERROR,
            error=f"erreur interne du vérificateur : {exc}",
        )
        checks = [final]
    return final.but(requests=tuple(checks)), False
