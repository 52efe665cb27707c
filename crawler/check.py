"""The link checker: every resource's link (crawler/checklink.py), a second opinion, the outage guard, the store.

`run_check(store, settings, ids)` checks resources with a pool of workers (the shared
Fetcher enforces per-host and global limits), stores every check and the new link states
through catalogue.linkhealth, and returns a CheckRun (one CheckResult per resource) for the reports.
"""

import logging
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from catalogue import extractions, linkhealth
from catalogue.linkchecks import Check, LinkState
from catalogue.links import FAILING, LinkStatus, Verdict
from catalogue.models import now_iso
from crawler import outage
from crawler.alternates import fall_back_to_alternates
from crawler.checklink import check_resource
from crawler.fetch import Fetcher
from crawler.outage import host_of
from crawler.politeness import HostQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A resource's final check in a run, with its title and publisher and its link state before and after."""

    check: Check
    title: str
    publisher: str
    before: LinkState | None
    after: LinkState | None

    @property
    def status_before(self) -> LinkStatus | None:
        """What people were told before the run (None: never checked)."""
        return self.before.status if self.before else None

    @property
    def status_after(self) -> LinkStatus | None:
        """What people are told after the run (unchanged after an outage)."""
        return self.after.status if self.after else None


@dataclass
class CheckRun:
    """What one run did: its id and times, whether the network was down, and one result per resource."""

    run_id: int
    started_at: str
    finished_at: str = ""
    outage: bool = False
    reason: str = ""  # why nothing changed (an outage), in French
    results: list[CheckResult] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        """How many resources got each verdict."""
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result.check.verdict] = counts.get(result.check.verdict, 0) + 1
        return counts

    @property
    def confirmed_broken(self) -> list[CheckResult]:
        """Results whose link is now 'casse'."""
        return [r for r in self.results if r.status_after == LinkStatus.BROKEN]

    @property
    def changed_ids(self) -> list[str]:
        """Resources whose user-facing status changed (to reindex)."""
        return [r.check.resource_id for r in self.results if r.status_before != r.status_after]

    @property
    def exit_code(self) -> int:
        """0 nothing confirmed broken, 1 confirmed broken links, 2 network down."""
        if self.outage:
            return 2
        return 1 if self.confirmed_broken else 0


def is_outage(results: list[Check]) -> bool:
    """True when most hosts failed at the network level only (dns, refused, timeout): the machine is offline."""
    return outage.is_outage([(r.url, r.verdict) for r in results])


def outage_reason(results: list[Check]) -> str:
    """Why a run was called an outage, in French: how many links and sites could not be reached."""
    return outage.outage_reason([(r.url, r.verdict) for r in results], "lien", "liens")


def _cached(previous: LinkState | None, started_at: str, hours: float) -> bool:
    if hours <= 0 or not previous or previous.status != LinkStatus.OK or not previous.last_success_at:
        return False
    last = datetime.fromisoformat(previous.last_success_at)
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
    for resource, final, (before, after) in zip(resources, ordered, changes, strict=True):
        run.results.append(CheckResult(final, resource.title, resource.publisher, before, after))
    return run


def failure_reason(exc: BaseException) -> str:
    """What stopped a run, in French words for the staff page."""
    if isinstance(exc, KeyboardInterrupt):
        return "vérification interrompue (Ctrl-C ou arrêt du programme)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"erreur du système : {exc.strerror}"
    return f"erreur : {exc}" if str(exc) else f"erreur : {type(exc).__name__}"


def _timeouts_retried(final: Check) -> bool:
    """True for a timeout that timed out again on its retries: it has been looked at twice, a
    backoff apart, each time for a whole timeout; one more long wait would add nothing (a
    timeout is never 'broken' on one night: it is confirmed over nights like any failure)."""
    attempts = sum(check.attempts for check in final.requests)
    return (
        final.verdict == Verdict.TIMEOUT
        and all(check.verdict == Verdict.TIMEOUT for check in final.requests)
        and attempts >= 2
    )


def _check_all(fetcher, settings, resources, previous, enclosures, now, progress) -> dict[str, Check]:
    """First checks and second opinions on one pool of workers fed by a HostQueue.

    A worker takes a link of a host that has a free slot (never waits on a busy host). First
    requests go first: a HEAD that worked but needs a GET (a small HTML answer) is put back at
    the end of its host's line, so failures and timeouts show up early. A failing link is put back with a
    not-before time, `check_second_opinion_delay` after its failing check ended, and gets one light
    GET then (a timeout that timed out again on its retry has had it); the run ends when the
    queue is empty.
    """
    finals: dict[str, Check] = {}
    counts = {"done": 0, "failures": 0}
    lock = threading.Lock()
    queue = HostQueue(settings.per_host_concurrency)
    for resource in resources:
        queue.put(host_of(resource.url), ("first", resource, None))
    delay = settings.check_second_opinion_delay

    def first_check(host, resource, head: Check | None):
        previous_state, enclosure = previous.get(resource.id), enclosures.get(resource.id)
        if head is None:
            final, get_owed = check_resource(
                fetcher, resource, previous_state, enclosure, now, head=None, defer_get=True
            )
            if get_owed:
                queue.put(host, ("get", resource, final))  # at the end of the host's line
                return
        else:
            final, _ = check_resource(fetcher, resource, previous_state, enclosure, now, head=False)
            final = final.but(requests=head.requests + final.requests)
        failing = final.verdict in FAILING or final.verdict == Verdict.RATE_LIMITED
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
        result, _ = check_resource(fetcher, resource, previous_state, enclosure, now, retries=0, head=False)
        with lock:
            finals[resource.id] = result.but(requests=first.requests + result.requests)

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
