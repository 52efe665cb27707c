"""The resumable crawl: fetch and extract resources in a thread pool, committing each outcome as it is known.

Workers only fetch and extract (no database); the calling thread records each result in
one transaction (fetch state, extraction, archive copy, queue entry), so a crawl killed at
any moment loses nothing already done, and the next run continues with what is left.
"""

import hashlib
import logging
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from catalogue import archive, extractions
from catalogue.models import now_iso
from crawler import outage
from crawler.extract import Extraction, ExtractionError, UnsupportedContent, extract
from crawler.fetch import Fetcher, FetchResult

log = logging.getLogger(__name__)

# Outcomes that mean the resource answered; anything else counts as a failure.
SUCCESS_OUTCOMES = ("ok", "not_modified")
EXTRACTION_OUTCOME = "extraction"


_NO_LIMIT = threading.BoundedSemaphore(1 << 30)


@dataclass
class Work:
    """What a worker found for one resource: the fetch, and the extraction if the body changed."""

    rid: str
    fetch: FetchResult
    content_hash: str = ""
    extraction: Extraction | None = None
    extraction_error: str = ""
    unsupported: bool = False
    changed: bool = False


@dataclass
class Progress:
    """Where a crawl is, given to the progress callback after each resource."""

    done: int
    total: int
    host: str
    failures: int
    resource_id: str
    outcome: str


@dataclass
class CrawlSummary:
    """The end of a crawl run: outcomes of every resource of the run, and the ids to reindex."""

    run_id: int
    total: int
    outcomes: dict[str, int] = field(default_factory=dict)
    changed_ids: list[str] = field(default_factory=list)
    resumed: bool = False
    processed: int = 0  # resources fetched by this call (a resumed run did the others before)
    results: list[dict] = field(default_factory=list)  # every resource of the run: id, url, outcome, error

    @property
    def failed(self) -> list[dict]:
        """The resources of the run that did not answer with usable content."""
        return [r for r in self.results if r["outcome"] not in SUCCESS_OUTCOMES]

    @property
    def outage(self) -> bool:
        """True when most hosts of the run were unreachable: the network was down, not the sites."""
        return outage.is_outage([(r["url"], r["outcome"]) for r in self.results])

    @property
    def reason(self) -> str:
        """Why the run was an outage, in French (empty otherwise)."""
        pairs = [(r["url"], r["outcome"]) for r in self.results]
        return outage.outage_reason(pairs, "ressource", "ressources") if self.outage else ""

    @property
    def failures(self) -> int:
        """How many resources of the run did not answer with usable content."""
        return sum(n for outcome, n in self.outcomes.items() if outcome not in SUCCESS_OUTCOMES)


def select(
    store, ids=None, all_resources: bool = False, stale_days: float | None = None
) -> tuple[dict, list[str]]:
    """The selection of a crawl and its resource ids: given ids, every resource, stale ones, or never fetched."""
    if ids:
        ids = list(dict.fromkeys(ids))
        for _ in store.iter_resources(ids):  # raises NotFound for an unknown id
            pass
        return {"ids": sorted(ids)}, ids
    if all_resources:
        return {"all": True}, store.ids()
    if stale_days is not None:
        return {"stale": stale_days}, extractions.stale_ids(store, stale_days)
    return {"new": True}, extractions.stale_ids(store, math.inf)


def _hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def process(
    fetcher: Fetcher,
    settings,
    rid: str,
    url: str,
    state: dict | None,
    has_extraction: bool,
    extract_slots: threading.Semaphore | None = None,
) -> Work:
    """Fetch one resource (conditionally when we hold its extraction) and extract it if its body changed."""
    conditional = bool(
        state and has_extraction and state.get("outcome") in SUCCESS_OUTCOMES + (EXTRACTION_OUTCOME,)
    )
    result = fetcher.fetch(
        url,
        etag=(state or {}).get("etag") or None if conditional else None,
        last_modified=(state or {}).get("last_modified") or None if conditional else None,
    )
    work = Work(rid=rid, fetch=result)
    if result.outcome != "ok" or result.body is None:
        return work
    work.content_hash = _hash(result.body)
    if has_extraction and state and state.get("content_hash") == work.content_hash:
        return work  # same bytes as last time: nothing to re-extract
    try:
        # Extraction is CPU-bound: more at once than cores only adds memory (parsed trees, big PDFs).
        with extract_slots or _NO_LIMIT:
            work.extraction = extract(
                result.body,
                result.headers.get("Content-Type", ""),
                result.final_url or url,
                settings.max_body_bytes,
            )
        work.changed = True
    except UnsupportedContent as exc:
        work.unsupported = True
        work.extraction_error = str(exc)
    except ExtractionError as exc:
        work.extraction_error = str(exc)
    return work


def _outcome(work: Work) -> str:
    if work.fetch.outcome == "ok" and work.extraction_error and not work.unsupported:
        return EXTRACTION_OUTCOME
    return work.fetch.outcome


def record(store, settings, run_id: int, work: Work, previous: dict | None) -> str:
    """Commit one resource's result (fetch state, extraction, archive copy, queue entry); returns its outcome."""
    fetch, previous = work.fetch, previous or {}
    outcome = _outcome(work)
    now = now_iso()
    answered = fetch.outcome in SUCCESS_OUTCOMES
    good_body = fetch.outcome == "ok" and fetch.body is not None and outcome != EXTRACTION_OUTCOME
    state = {
        "outcome": outcome,
        "http_status": fetch.status,
        "final_url": fetch.final_url,
        "content_type": fetch.content_type if fetch.outcome == "ok" else previous.get("content_type", ""),
        "size": len(fetch.body) if fetch.outcome == "ok" and fetch.body is not None else previous.get("size"),
        "content_hash": work.content_hash if good_body else previous.get("content_hash", ""),
        "etag": (fetch.headers.get("ETag") or "") if good_body else previous.get("etag", ""),
        "last_modified": (fetch.headers.get("Last-Modified") or "")
        if good_body
        else previous.get("last_modified", ""),
        "fetched_at": now,
        "last_ok_at": now if answered else previous.get("last_ok_at"),
        "error": fetch.error or work.extraction_error,
        "redirects": [list(hop) for hop in fetch.redirects],
    }
    with store.transaction():
        extractions.record_fetch(store, work.rid, **state)
        if work.extraction is not None:
            data = work.extraction.to_dict()
            episodes = data.pop("episodes")
            data.update(content_hash=work.content_hash, extracted_at=now)
            extractions.save_extraction(store, work.rid, data, episodes)
        if good_body:
            archive.store_copy(
                store,
                settings,
                work.rid,
                fetch.body,
                fetch.headers.get("Content-Type", ""),
                fetch.final_url,
                now,
            )
        extractions.mark_done(store, run_id, work.rid, outcome, work.changed)
    return outcome


def _record_failure(store, run_id: int, rid: str, previous: dict | None, exc: BaseException) -> str:
    previous = previous or {}
    message = f"erreur interne : {type(exc).__name__}: {exc}"
    with store.transaction():
        extractions.record_fetch(
            store,
            rid,
            outcome="error",
            content_hash=previous.get("content_hash", ""),
            etag=previous.get("etag", ""),
            last_modified=previous.get("last_modified", ""),
            last_ok_at=previous.get("last_ok_at"),
            error=message,
        )
        extractions.mark_done(store, run_id, rid, "error", False)
    return "error"


def crawl(
    store,
    settings,
    ids=None,
    *,
    all_resources: bool = False,
    stale_days: float | None = None,
    fetcher: Fetcher | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> CrawlSummary:
    """Crawl the selected resources (resuming an interrupted run of the same selection); returns the summary."""
    found = extractions.unfinished_run(store)
    if not ids and not all_resources and stale_days is None and found:
        run_id, resumed = found[0], True  # a bare `crawl` continues what was interrupted
    else:
        selection, selected = select(store, ids, all_resources, stale_days)
        run_id, resumed = extractions.open_run(store, selection, selected)
    pending = extractions.run_pending(store, run_id)
    total = extractions.run_size(store, run_id)
    done_before = total - len(pending)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    failures = sum(n for o, n in extractions.run_outcomes(store, run_id).items() if o not in SUCCESS_OUTCOMES)
    processed = 0
    resources = {r.id: r for r in store.iter_resources(pending)}
    extract_slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
    pool = ThreadPoolExecutor(max_workers=max(1, settings.global_concurrency), thread_name_prefix="crawl")
    try:
        running = {}
        queue = iter(pending)
        window = max(1, settings.global_concurrency) * 2  # bounded: bodies of finished work do not pile up

        def submit_more():
            for rid in queue:
                previous = extractions.get_fetch_state(store, rid)
                has_extraction = extractions.get_extraction(store, rid) is not None
                future = pool.submit(
                    process,
                    fetcher,
                    settings,
                    rid,
                    resources[rid].url,
                    previous,
                    has_extraction,
                    extract_slots,
                )
                running[future] = (rid, previous)
                if len(running) >= window:
                    return

        submit_more()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                rid, previous = running.pop(future)
                # The one deliberate broad except: record this resource's failure and go on with the others.
                try:
                    outcome = record(store, settings, run_id, future.result(), previous)
                except Exception as exc:  # noqa: BLE001
                    log.exception("crawl of %s failed", rid)
                    outcome = _record_failure(store, run_id, rid, previous, exc)
                processed += 1
                failures += outcome not in SUCCESS_OUTCOMES
                if progress is not None:
                    host = urlsplit(resources[rid].url).hostname or ""
                    progress(Progress(done_before + processed, total, host, failures, rid, outcome))
            submit_more()
        extractions.finish_run(store, run_id)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if own_fetcher:
            fetcher.close()
    return CrawlSummary(
        run_id=run_id,
        total=total,
        outcomes=extractions.run_outcomes(store, run_id),
        changed_ids=extractions.run_changed_ids(store, run_id),
        resumed=resumed,
        processed=processed,
        results=extractions.run_results(store, run_id),
    )
