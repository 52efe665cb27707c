"""The nightly watch: read each due source, find its new article pages, and propose the resources they link to.

One thread pool runs three kinds of work: an index page (listing page, feed, sitemap; asked
conditionally), an article page (read with import-page's rules: content area, level from the
nearest heading, non-resources skipped with a reason) and a candidate resource (fetched and
extracted like a crawl). Workers only fetch and parse; the calling thread records every
outcome in its own transaction, in the order results arrive, so the first address of a
document wins and its other addresses become alternates. An interrupted watch continues
with the sources it had not finished and the articles whose links it had not read.
"""

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from urllib.parse import urlsplit

from catalogue import fingerprint, proposals, sources, watchruns
from catalogue.links import NETWORK
from catalogue.models import PARTIAL_DATE, now_iso
from catalogue.suggest import ThemeSuggester
from catalogue.text import comparable
from catalogue.urls import canonical_url
from crawler.crawl import process
from crawler.discover import detect_kind, is_sitemap, parse_feed, parse_listing, parse_sitemap
from crawler.fetch import Fetcher
from crawler.import_page import parse_page
from crawler.outage import is_outage
from crawler.watchhealth import HostLines, SourceReport, judge

log = logging.getLogger(__name__)

# Listing pages followed from the first one, and sitemaps read from a sitemap index.
MAX_INDEX_PAGES = 20
TYPE_WORDS = (
    ("compte rendu", "compte-rendu"),
    ("compte-rendu", "compte-rendu"),
    ("webinaire", "webinaire"),
    ("replay", "video"),
    ("podcast", "podcast"),
    ("synthese", "synthese"),
    ("rapport", "rapport"),
    ("guide", "guide"),
    ("recueil", "recueil"),
    ("fiche", "fiche-experience"),
)


def guess_type(kind: str, title: str) -> str | None:
    """A resource type from what the extractor saw and words of the title, or None."""
    if kind in ("audio", "feed"):
        return "podcast"
    if kind == "video":
        return "video"
    folded = comparable(title)
    return next((value for word, value in TYPE_WORDS if word in folded), None)


def fetch_source_kind(fetcher: Fetcher, url: str) -> tuple[str | None, str]:
    """Detect what a source address is by fetching it: (kind, error)."""
    result = fetcher.fetch(url)
    if result.outcome != "ok" or result.body is None:
        return None, result.error or result.outcome
    return detect_kind(result.body, result.headers.get("Content-Type", ""), result.final_url or url), ""


class Watch:
    """One watch run over some sources; `run()` returns their reports."""

    def __init__(self, store, settings, fetcher: Fetcher, progress: Callable[[dict], None] | None = None):
        self.store, self.settings, self.fetcher, self.progress = store, settings, fetcher, progress
        self.suggester = ThemeSuggester(store.vocabularies.themes)
        self.lines = HostLines(max(1, settings.per_host_concurrency))
        self.index_planned: dict[int, int] = {}  # source id -> index pages queued so far
        self.articles_queued: dict[int, int] = {}  # source id -> articles read in this run
        self.outstanding: dict[int, int] = {}  # source id -> tasks queued or running
        self.article_left: dict[tuple[int, str], int] = {}  # (source, article) -> candidates left
        self.claimed: set[str] = set()  # canonical addresses taken by a candidate of this run
        self.page_urls: set[str] = set()  # every page of every source: not resources
        self.reports: dict[int, SourceReport] = {}
        self.validators: dict[int, list[tuple[str, str, str]]] = {}
        self.extract_slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))

    # -- scheduling ------------------------------------------------------------

    def _queue(self, kind: str, source, *args) -> None:
        url = args[1].url if kind == "candidate" else args[0]
        self.lines.put(urlsplit(url).netloc.lower(), kind, (source, *args))
        self.outstanding[source.id] = self.outstanding.get(source.id, 0) + 1
        if kind == "index":
            self.index_planned[source.id] = self.index_planned.get(source.id, 0) + 1

    def run(self, todo: list, run_id: int) -> list[SourceReport]:
        self.page_urls.update(sources.page_urls(self.store))
        for source in sources.all_sources(self.store):
            self.page_urls.add(canonical_url(source.url))
        for source in todo:
            self.reports[source.id] = SourceReport.start(source)
            self.outstanding[source.id] = 0
            state = sources.page_state(self.store, source.id, source.url) or {}
            self._queue("index", source, source.url, True, state.get("etag"), state.get("last_modified"))
            for article in sources.pending_articles(self.store, source.id):
                self._queue_article(source, article)
        workers = max(1, self.settings.global_concurrency)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="watch")
        running: dict = {}
        try:
            while True:
                # Only hosts with a free slot get work: a busy host never holds a worker that others need.
                while len(running) < workers and (task := self.lines.take()) is not None:
                    host, kind, args = task
                    running[pool.submit(getattr(self, f"_work_{kind}"), *args)] = (host, kind, args)
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    host, kind, args = running.pop(future)
                    self.lines.done(host)
                    source = args[0]
                    # The one deliberate broad except: one page's fault is noted and the watch goes on.
                    try:
                        getattr(self, f"_record_{kind}")(future.result(), *args)
                    except Exception as exc:  # noqa: BLE001
                        log.exception("watch of %s failed on %s", source.url, args[1])
                        self.reports[source.id].errors.append(f"{args[1]} : erreur interne ({exc})")
                    self.outstanding[source.id] -= 1
                    if self.outstanding[source.id] == 0:
                        self._finish(source, run_id)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return [self.reports[s.id] for s in todo]

    def _finish(self, source, run_id: int) -> None:
        report = self.reports[source.id]
        now = now_iso()
        judge(report, self.settings.watch_failure_runs)
        with self.store.transaction():
            for url, etag, last_modified in self.validators.pop(source.id, []):
                sources.save_index_page(self.store, source.id, url, etag, last_modified, now)
            sources.record_health(
                self.store,
                source,
                ok=report.answered,
                found=report.entry_links or None,  # none found: keep the last count, the flag stays
                flag_reason=report.health_reason,
                now=now,
                failed_runs=report.failed_runs,
            )
            watchruns.source_done(self.store, run_id, source.id, report.to_dict())
        if self.progress:
            self.progress(report.to_dict())

    # -- index pages -------------------------------------------------------------

    def _work_index(self, source, url, entry, etag, last_modified):
        return self.fetcher.fetch(url, etag=etag or None, last_modified=last_modified or None)

    def _record_index(self, result, source, url, entry, etag, last_modified):
        report = self.reports[source.id]
        report.index_pages += 1
        if entry:
            report.entry_outcome, report.entry_status = result.outcome, result.status
        if result.outcome == "not_modified":
            return
        if result.outcome != "ok" or result.body is None:
            report.errors.append(f"{url} : {result.error or result.outcome}")
            return
        body, ctype, final = result.body, result.headers.get("Content-Type", ""), result.final_url or url
        now = now_iso()
        if source.kind == sources.Kind.PAGE:
            report.entry_links = 1
            self._record_article(parse_page(body, final, None, ctype), source, url)
        else:
            if source.kind == sources.Kind.FEED:
                found = parse_feed(body, ctype)
            elif source.kind == sources.Kind.SITEMAP or is_sitemap(body):
                found = parse_sitemap(body, source.url_pattern)
            else:
                found = parse_listing(body, final, ctype)
            found.articles = [a for a in found.articles if canonical_url(a) != canonical_url(source.url)]
            if entry:
                report.entry_links = len(found.articles)
            new = sources.add_articles(self.store, source.id, found.articles, now)
            self.page_urls.update(canonical_url(a) for a in found.articles)
            report.articles_found += len(found.articles)
            report.new_articles += len(new)
            for article in new:
                self._queue_article(source, article)
            for following in found.next_pages:
                # A listing page with nothing new: older pages hold nothing new either (but a source
                # never read to the end, as after an interrupted first run, is read to the end).
                if self.index_planned[source.id] >= MAX_INDEX_PAGES:
                    break
                if new or source.kind == sources.Kind.SITEMAP or not source.last_ok_at:
                    self.page_urls.add(canonical_url(following))
                    state = sources.page_state(self.store, source.id, following) or {}
                    self._queue(
                        "index", source, following, False, state.get("etag"), state.get("last_modified")
                    )
        # Validators are kept when the source is finished: an interrupted run reads its pages again.
        self.validators.setdefault(source.id, []).append(
            (url, result.headers.get("ETag", ""), result.headers.get("Last-Modified", ""))
        )

    # -- articles ---------------------------------------------------------------

    def _queue_article(self, source, url) -> None:
        """Read an article in this run, or leave it pending for the next one past the per-run budget."""
        queued = self.articles_queued.get(source.id, 0)
        if queued >= self.settings.watch_max_articles:
            self.reports[source.id].articles_deferred += 1
            return
        self.articles_queued[source.id] = queued + 1
        self._queue("article", source, url)

    def _work_article(self, source, url):
        result = self.fetcher.fetch(url)
        if result.outcome != "ok" or result.body is None:
            return result
        return parse_page(result.body, result.final_url or url, None, result.headers.get("Content-Type", ""))

    def _record_article(self, page, source, url):
        report = self.reports[source.id]
        if not hasattr(page, "candidates"):
            report.errors.append(f"{url} : {page.error or page.outcome}")
            sources.finish_article(self.store, source.id, url, "failed", page.error or page.outcome)
            return
        report.articles_read += 1
        report.skipped += len(page.skipped)
        left = 0
        for candidate in page.candidates:
            key = canonical_url(candidate.url)
            if key in self.page_urls:
                report.skipped += 1  # a link to another article or page of a source
                continue
            if key in self.claimed or proposals.known(self.store, candidate.url):
                report.known += 1
                continue
            self.claimed.add(key)
            self._queue("candidate", source, url, candidate)
            left += 1
        if left:
            self.article_left[(source.id, url)] = left
        elif source.kind != sources.Kind.PAGE:
            sources.finish_article(self.store, source.id, url, "done")

    # -- candidates --------------------------------------------------------------

    def _work_candidate(self, source, article_url, candidate):
        work = process(self.fetcher, self.settings, "", candidate.url, None, False, self.extract_slots)
        text = work.extraction.text if work.extraction else ""
        return work, fingerprint.fingerprint(work.fetch.body if work.fetch.outcome == "ok" else None, text)

    def _record_candidate(self, done, source, article_url, candidate):
        work, fp = done
        report = self.reports[source.id]
        extraction = work.extraction
        title = candidate.title if candidate.title_from == "link" else ""
        title = title or (extraction.title if extraction else "") or candidate.title
        description = candidate.description or (extraction.description if extraction else "")
        text = extraction.text if extraction else ""
        suggestions = self.suggester.suggest(title, description, text)
        level = candidate.level or source.level
        reason = f"rubrique « {candidate.heading} »" if candidate.level and candidate.heading else ""
        if not candidate.level and source.level:
            reason = "niveau par défaut de la source"
        proposal = proposals.Proposal(
            url=candidate.url,
            title=title[:300],
            description=description[:2000],
            type=guess_type(extraction.kind if extraction else "", title),
            level=level,
            level_reason=reason,
            themes=list(source.themes),
            suggested_themes=[s.theme for s in suggestions],
            theme_reasons={s.theme: list(s.words) for s in suggestions},
            publisher=source.publisher or (extraction.author if extraction else ""),
            territory=source.territory,
            date=(extraction.date[:10] if extraction and extraction.date else ""),
            kind=extraction.kind if extraction else "",
            text=text,
            content_hash=work.content_hash,
            fetch_error="" if work.fetch.outcome == "ok" else (work.fetch.error or work.fetch.outcome),
            source_id=source.id,
            article_url=article_url,
        )
        if proposal.date and not PARTIAL_DATE.match(proposal.date):
            proposal.date = ""
        outcome, _ = proposals.submit(self.store, proposal, fp)
        if outcome == "proposed":
            report.proposed += 1
        elif outcome == "alternate":
            report.alternates += 1
        else:
            report.known += 1
        if work.fetch.outcome != "ok":
            report.failed_links += 1
        key = (source.id, article_url)
        self.article_left[key] -= 1
        if self.article_left[key] == 0 and source.kind != sources.Kind.PAGE:
            sources.finish_article(self.store, source.id, article_url, "done")


def _forget_outage(store, todo: list, reports: list[SourceReport]) -> None:
    """A run without network (most sources unreachable at the network level) says nothing of the sources
    it could not reach: they stay due, and no failed run counts towards their flag."""
    if not is_outage([(r.url, r.entry_outcome) for r in reports]):
        return
    for source, report in zip(todo, reports, strict=True):
        if report.entry_outcome in NETWORK:
            sources.forget_run(store, source)
            report.failed_runs, report.health, report.health_reason = (
                source.failed_runs,
                source.health,
                source.health_reason,
            )


def watch(store, settings, source_ids=None, *, fetcher=None, progress=None, now: datetime | None = None):
    """Watch the given sources (or the due ones), resuming an interrupted run; returns (run, reports)."""
    found = watchruns.unfinished(store)
    if found and not source_ids:
        run_id, resumed = found, True
        todo = [sources.get(store, sid) for sid in watchruns.pending(store, run_id)]
    else:
        chosen = (
            [sources.resolve(store, ref) for ref in source_ids]
            if source_ids
            else sources.due(store, now or datetime.now(UTC))
        )
        run_id, resumed = watchruns.open_run(store, [s.id for s in chosen]), False
        todo = chosen
    fingerprint.backfill(store)
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        reports = Watch(store, settings, fetcher, progress).run(todo, run_id)
        _forget_outage(store, todo, reports)
        watchruns.finish(store, run_id)
    finally:
        if own:
            fetcher.close()
    return watchruns.Run(run_id, resumed), reports
