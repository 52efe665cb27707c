"""The link checker: HEAD or GET (first_method), retries, a second opinion, the outage guard, then the store.

`run_check(store, settings, ids)` checks resources with a pool of workers (the shared
Fetcher enforces per-host and global limits), stores every check and the new link states
through catalogue.linkhealth, and returns a CheckRun for the reports.
"""

import logging
import sqlite3
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from catalogue import extractions, linkhealth
from catalogue.links import LinkStatus
from catalogue.linkwords import french_size
from catalogue.models import now_iso
from crawler.alternates import fall_back_to_alternates
from crawler.fetch import Fetcher, FetchResult
from crawler.politeness import HostQueue
from crawler.verdicts import FAILING, NETWORK, SOFT404_MAX_BYTES, moved_target, verdict_of

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
OUTAGE_MIN_HOSTS = 3


@dataclass
class CheckRun:
    """What one run did: its id and times, whether the network was down, and one result per resource."""

    run_id: int
    started_at: str
    finished_at: str = ""
    outage: bool = False
    reason: str = ""  # why nothing changed (an outage), in French
    results: list[dict] = field(default_factory=list)  # final check + title, publisher, before, after

    @property
    def summary(self) -> dict[str, int]:
        """How many resources got each verdict."""
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
        return counts

    @property
    def confirmed_broken(self) -> list[dict]:
        """Results whose link is now 'casse'."""
        return [r for r in self.results if (r.get("after") or {}).get("status") == LinkStatus.BROKEN]

    @property
    def changed_ids(self) -> list[str]:
        """Resources whose user-facing status changed (to reindex)."""
        return [
            r["resource_id"]
            for r in self.results
            if (r.get("before") or {}).get("status") != (r.get("after") or {}).get("status")
        ]

    @property
    def exit_code(self) -> int:
        """0 nothing confirmed broken, 1 confirmed broken links, 2 network down."""
        if self.outage:
            return 2
        return 1 if self.confirmed_broken else 0


def _check_dict(result: FetchResult, resource_id: str, checked_at: str) -> dict:
    verdict, error = verdict_of(result)
    length = result.headers.get("Content-Length") if result.headers else None
    if length is not None and str(length).isdigit():
        length = int(length)
    elif result.body is not None and not result.truncated:
        length = len(result.body)
    else:
        length = None
    return {
        "resource_id": resource_id,
        "url": result.url,
        "checked_at": checked_at,
        "method": result.method,
        "verdict": verdict,
        "http_status": result.status,
        "final_url": result.final_url,
        "redirects": [list(r) for r in result.redirects],
        "duration": round(result.elapsed, 3),
        "error": error or result.error,
        "content_type": result.content_type if result.ok else "",
        "content_length": length if result.ok else None,
        "attempts": result.attempts,
        "moved_to": moved_target(result.url, result.redirects) if verdict == "moved" else None,
        "suspect": False,
    }


def first_method(url: str, previous: dict | None = None) -> str:
    """The first request of a check: "HEAD", or "GET" for a page.

    A small HTML answer to a HEAD is always followed by a GET (only its text tells a soft 404),
    and a page's HEAD rarely says its size (dynamic pages are sent in chunks): for a page the
    GET is made at once, one request instead of two. A page is an address last seen answering
    a small HTML page or, never seen yet, an address without a file's extension. Documents,
    media and feeds get a HEAD first.
    """
    kind = (previous or {}).get("content_type") or ""
    if kind:
        length = (previous or {}).get("content_length")
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
) -> list[dict]:
    """Check one address: HEAD, then a GET of a small prefix when HEAD fails or cannot be trusted.

    With head=False (a page, see first_method, or a second opinion on a failing link), only the
    GET is made. With defer_get, a HEAD that worked but needs a GET to rule out a soft 404 ends
    the call: the last check then has "get_pending" set, and the caller makes the GET later
    (head=False, retries=None).
    """
    if not head:
        get = fetcher.fetch(url, method="GET", prefix_bytes=PREFIX_BYTES, retries=retries)
        return [_check_dict(get, resource_id, checked_at or now_iso())]
    answer = fetcher.fetch(url, method="HEAD", retries=0)
    checks = [_check_dict(answer, resource_id, checked_at or now_iso())]
    verdict = checks[0]["verdict"]
    if verdict in ("ok", "moved"):
        length = checks[0]["content_length"]
        small_html = "html" in answer.content_type and (length is None or length < SOFT404_MAX_BYTES)
        if not small_html:
            return checks
        if defer_get:
            checks[0]["get_pending"] = True
            return checks
    elif answer.outcome in NO_GET_AFTER_HEAD:
        return checks
    if answer.outcome == "timeout" and retries is None:
        # The HEAD that timed out was the first try.
        retries = max(0, min(fetcher.settings.retries, fetcher.settings.timeout_retries) - 1)
    get = fetcher.fetch(url, method="GET", prefix_bytes=PREFIX_BYTES, retries=retries)
    checks.append(_check_dict(get, resource_id, checked_at or now_iso()))
    return checks


# A document (not a page) that shrank below a tenth of its last size, from at least this size,
# is suspect: an error message or an empty file served in its place.
SHRUNK_FROM_BYTES = 20 * 1024
SHRUNK_RATIO = 10


def _suspect(final: dict, previous: dict | None) -> str:
    """Why a working answer is suspect (a document that became an HTML page, or much smaller), or ''."""
    before = (previous or {}).get("content_type") or ""
    now = final.get("content_type") or ""
    if before and now and before != now and "html" in now and "html" not in before:
        return f"le document était de type {before}, c'est maintenant une page HTML"
    old_size, new_size = (previous or {}).get("content_length"), final.get("content_length")
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
    previous: dict | None,
    enclosure: str | None,
    checked_at: str | None,
    retries: int | None = None,
    head: bool | None = True,
    defer_get: bool = False,
) -> dict:
    """Check a resource's address (and its podcast's latest episode); the final check with every request made.

    head=None: the first request is chosen by first_method (the episode gets a HEAD first).
    defer_get (no podcast episode only): see check_url; the final check then has "get_pending".
    """
    first_head = first_method(resource.url, previous) == "HEAD" if head is None else head
    head = True if head is None else head
    try:
        checks = check_url(
            fetcher, resource.url, resource.id, checked_at, retries, first_head, defer_get and not enclosure
        )
        final = dict(checks[-1])
        if checks[-1].pop("get_pending", False):
            final["checks"] = checks
            return final
        if enclosure and final["verdict"] in ("ok", "moved"):
            episode = check_url(fetcher, enclosure, resource.id, checked_at, retries, head)
            checks.extend(episode)
            if episode[-1]["verdict"] not in ("ok", "moved"):
                final = dict(episode[-1], url=resource.url)
                final["error"] = f"épisode le plus récent ({enclosure}) : {final['error']}"
        reason = _suspect(final, previous) if final["verdict"] == "ok" else ""
        if reason:
            final.update(suspect=True, error=reason)
    except Exception as exc:  # the one broad except: one resource's fault must not stop the run
        log.exception("check of %s failed", resource.url)
        final = {
            "resource_id": resource.id,
            "url": resource.url,
            "checked_at": checked_at or now_iso(),
            "method": "GET",
            "verdict": "error",
            "http_status": None,
            "final_url": "",
            "redirects": [],
            "duration": 0.0,
            "error": f"erreur interne du vérificateur : {exc}",
            "content_type": "",
            "content_length": None,
            "attempts": 0,
            "moved_to": None,
            "suspect": False,
        }
        checks = [final]
    final["checks"] = checks
    return final


def host_of(url: str) -> str:
    """The host:port part of a URL (per-host grouping), lowercased."""
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def is_outage(results: list[dict]) -> bool:
    """True when most hosts failed at the network level only (dns, refused, timeout): the machine is offline."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for result in results:
        by_host[host_of(result["url"])].append(result["verdict"])
    dead = [h for h, verdicts in by_host.items() if all(v in NETWORK for v in verdicts)]
    network_checks = sum(1 for r in results if r["verdict"] in NETWORK)
    return (
        len(dead) >= OUTAGE_MIN_HOSTS and len(dead) > len(by_host) / 2 and network_checks > len(results) / 2
    )


def outage_reason(results: list[dict]) -> str:
    """Why a run was called an outage, in French: how many links and sites could not be reached."""
    hosts = {host_of(r["url"]) for r in results}
    dead_hosts = {host_of(r["url"]) for r in results if r["verdict"] in NETWORK}
    unreachable = sum(1 for r in results if r["verdict"] in NETWORK)
    return (
        f"réseau indisponible : {unreachable} liens sur {len(results)} injoignables "
        f"(nom introuvable, connexion refusée ou délai dépassé) sur {len(dead_hosts)} sites sur {len(hosts)}"
    )


def _cached(previous: dict | None, started_at: str, hours: float) -> bool:
    if hours <= 0 or not previous or previous.get("status") != "ok" or not previous.get("last_success_at"):
        return False
    last = datetime.fromisoformat(previous["last_success_at"])
    return datetime.fromisoformat(started_at) - last < timedelta(hours=hours)


def run_check(
    store, settings, ids=None, *, fetcher: Fetcher | None = None, now: str | None = None, progress=None
):
    """Check these resources (or all), store the checks and states, and return the CheckRun.

    `now` (ISO time) stamps the run and its checks, for tests that simulate nights;
    `progress(done, total, host, failures)` is called after each resource.
    """
    started_at = now or now_iso()
    resources = list(store.iter_resources(ids))
    previous = linkhealth.previous_states(store)
    if ids is None:
        resources = [
            r
            for r in resources
            if not _cached(previous.get(r.id), started_at, settings.check_success_cache_hours)
        ]
    enclosures = extractions.latest_enclosures(store)
    run = CheckRun(run_id=linkhealth.start_run(store, started_at), started_at=started_at)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        finals = _check_all(fetcher, settings, resources, previous, enclosures, now, progress)
        fall_back_to_alternates(fetcher, store, finals)
        ordered = [finals[r.id] for r in resources]
        run.outage = is_outage(ordered)
        run.reason = outage_reason(ordered) if run.outage else ""
        run.finished_at = now_iso() if now is None else now
        changes = linkhealth.record_run(
            store,
            run.run_id,
            ordered,
            outage=run.outage,
            confirm_nights=settings.confirm_nights,
            finished_at=run.finished_at,
            reason=run.reason,
        )
    except BaseException as exc:
        # Ctrl-C, a full disk, a bug: the night is recorded as lost, then the error goes on up.
        try:
            linkhealth.fail_run(store, run.run_id, failure_reason(exc), now)
        except sqlite3.Error:
            log.warning("could not record the failed run %s", run.run_id, exc_info=True)
        raise
    finally:
        if own_fetcher:
            fetcher.close()
    by_id = {r.id: r for r in resources}
    for final, change in zip(ordered, changes, strict=True):
        resource = by_id[final["resource_id"]]
        final.update(title=resource.title, publisher=resource.publisher, **change)
        run.results.append(final)
    return run


def failure_reason(exc: BaseException) -> str:
    """What stopped a run, in French words for the staff page."""
    if isinstance(exc, KeyboardInterrupt):
        return "vérification interrompue (Ctrl-C ou arrêt du programme)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"erreur du système : {exc.strerror}"
    return f"erreur : {exc}" if str(exc) else f"erreur : {type(exc).__name__}"


def _timeouts_retried(final: dict) -> bool:
    """True for a timeout that timed out again on its retries: it has been looked at twice, a
    backoff apart, each time for a whole timeout; one more long wait would add nothing (a
    timeout is never 'broken' on one night: it is confirmed over nights like any failure)."""
    attempts = sum(check["attempts"] for check in final["checks"])
    return (
        final["verdict"] == "timeout"
        and all(check["verdict"] == "timeout" for check in final["checks"])
        and attempts >= 2
    )


def _check_all(fetcher, settings, resources, previous, enclosures, now, progress) -> dict[str, dict]:
    """First checks and second opinions on one pool of workers fed by a HostQueue.

    A worker takes a link of a host that has a free slot (never waits on a busy host). First
    requests go first: a HEAD that worked but needs a GET (a small HTML answer) is put back at
    the end of its host's line, so failures and timeouts show up early. A failing link is put back with a
    not-before time, `check_second_opinion_delay` after its failing check ended, and gets one light
    GET then (a timeout that timed out again on its retry has had it); the run ends when the
    queue is empty.
    """
    finals: dict[str, dict] = {}
    counts = {"done": 0, "failures": 0}
    lock = threading.Lock()
    queue = HostQueue(settings.per_host_concurrency)
    for resource in resources:
        queue.put(host_of(resource.url), ("first", resource, None))
    delay = settings.check_second_opinion_delay

    def first_check(host, resource, head: dict | None):
        previous_state, enclosure = previous.get(resource.id), enclosures.get(resource.id)
        if head is None:
            final = check_resource(
                fetcher, resource, previous_state, enclosure, now, head=None, defer_get=True
            )
            if final.pop("get_pending", False):
                queue.put(host, ("get", resource, final))  # at the end of the host's line
                return
        else:
            final = check_resource(fetcher, resource, previous_state, enclosure, now, head=False)
            final["checks"] = head["checks"] + final["checks"]
        failing = final["verdict"] in FAILING or final["verdict"] == "rate_limited"
        if failing and not _timeouts_retried(final):
            # Put back before this one is done: the queue never looks empty in between.
            queue.put(host, ("second", resource, final), not_before=time.monotonic() + delay)
        with lock:
            finals[resource.id] = final
            counts["done"] += 1
            counts["failures"] += failing
            if progress is not None:
                progress(counts["done"], len(resources), host, counts["failures"])

    def second_opinion(resource, first):
        previous_state, enclosure = previous.get(resource.id), enclosures.get(resource.id)
        result = check_resource(fetcher, resource, previous_state, enclosure, now, retries=0, head=False)
        result["checks"] = first["checks"] + result["checks"]
        with lock:
            finals[resource.id] = result

    def work():
        while (picked := queue.take()) is not None:
            host, (kind, resource, earlier) = picked
            try:
                if kind == "second":
                    second_opinion(resource, earlier)
                else:
                    first_check(host, resource, earlier)
            finally:
                queue.done(host)

    # Twice as many workers as fetch slots: a worker asleep in a retry's backoff holds no slot.
    workers = max(1, min(2 * settings.global_concurrency, len(resources)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
        for future in [pool.submit(work) for _ in range(workers)]:
            future.result()
    return finals
