"""What one source gave in a watch run and what that says about its health; the watch's lines of work by host.

A source is flagged, with the reason in French, when its address is gone (404, 410), when it
failed or yielded nothing for `watch_failure_runs` runs in a row, or when its structure
changed: no article link on the entry page where the last run found STRUCTURE_MIN or more.
"""

from collections import Counter, deque
from dataclasses import asdict, dataclass, field

# Article links on the entry page from which finding none means the page's template changed.
STRUCTURE_MIN = 5
GONE_STATUSES = (404, 410)


@dataclass
class SourceReport:
    """One source's run: what was fetched, found, proposed, and its health afterwards."""

    source_id: int
    name: str
    url: str
    kind: str
    entry_outcome: str = ""  # the fetch outcome of the entry address (ok, not_modified, http, timeout...)
    entry_status: int | None = None
    entry_links: int | None = None  # article links found on the entry page (when it answered 200)
    index_pages: int = 0
    articles_found: int = 0
    new_articles: int = 0
    articles_read: int = 0
    articles_deferred: int = 0  # found, left for the next run (past `watch_max_articles`)
    proposed: int = 0
    alternates: int = 0
    known: int = 0
    skipped: int = 0
    failed_links: int = 0
    errors: list[str] = field(default_factory=list)
    previous_links: int | None = None
    failed_runs: int = 0
    health: str = "ok"
    health_reason: str = ""

    @classmethod
    def start(cls, source) -> "SourceReport":
        return cls(
            source.id,
            source.label,
            source.url,
            source.kind,
            previous_links=source.article_links,
            failed_runs=source.failed_runs,
        )

    @property
    def answered(self) -> bool:
        return self.entry_outcome in ("ok", "not_modified")

    def to_dict(self) -> dict:
        return asdict(self)


def judge(report: SourceReport, failure_runs: int) -> SourceReport:
    """Set the report's health (ok or flagged, with the reason) and the count of failed runs."""
    report.health, report.health_reason = "ok", ""
    if report.entry_outcome == "http" and report.entry_status in GONE_STATUSES:
        report.failed_runs += 1
        report.health_reason = (
            f"l'adresse de la source n'existe plus (le serveur répond {report.entry_status})"
        )
    elif not report.answered:
        report.failed_runs += 1
        if report.failed_runs >= failure_runs:
            error = report.errors[0] if report.errors else report.entry_outcome
            report.health_reason = f"en échec depuis {report.failed_runs} passages ({error})"
    elif report.entry_outcome == "ok" and not report.entry_links:
        report.failed_runs += 1
        if (report.previous_links or 0) >= STRUCTURE_MIN:
            report.health_reason = (
                "structure modifiée : aucun lien d'article trouvé sur la page, "
                f"il y en avait {report.previous_links} au passage précédent"
            )
        elif report.failed_runs >= failure_runs:
            report.health_reason = f"aucun article trouvé depuis {report.failed_runs} passages"
    else:
        report.failed_runs = 0
    if report.health_reason:
        report.health = "flagged"
    return report


class HostLines:
    """The watch's pending work, one line per host, taken only from hosts with a free slot.

    Within a host, candidates go before articles and articles before index pages (finish what
    is started before reading more); hosts take turns.
    """

    KINDS = ("candidate", "article", "index")

    def __init__(self, per_host: int):
        self.per_host = per_host
        self.lines: dict[str, dict[str, deque]] = {}
        self.busy: Counter = Counter()

    def put(self, host: str, kind: str, task) -> None:
        self.lines.setdefault(host, {k: deque() for k in self.KINDS})[kind].append(task)

    def take(self):
        """(host, kind, task) from the first host in turn with work and a free slot, or None."""
        for host in list(self.lines):
            if self.busy[host] >= self.per_host:
                continue
            line = self.lines.pop(host)  # back at the end of the turn order
            kind = next(k for k in self.KINDS if line[k])
            task = line[kind].popleft()
            if any(line.values()):
                self.lines[host] = line
            self.busy[host] += 1
            return host, kind, task
        return None

    def done(self, host: str) -> None:
        self.busy[host] -= 1
