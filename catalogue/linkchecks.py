"""What a look at a link found (`Check`) and the state it leaves the link in (`LinkState`).

The link checker (crawler/check.py) makes Checks; catalogue/linkhealth.py stores them and
derives each resource's LinkState (`next_state`); the reports, the site and the staff pages
read both. The closed sets they are typed with (Verdict, LinkStatus) are in catalogue/links.py.
"""

import json
from dataclasses import dataclass, fields, replace
from typing import Self

from catalogue.links import LinkStatus, Verdict, status_of
from catalogue.linkwords import describe


@dataclass(frozen=True, slots=True)
class Check:
    """One request's answer about a link, or a resource's final verdict with every request it took.

    `requests` (final checks only) holds each request-level check, the rows stored in
    link_checks; `suspect` marks a working link whose document changed (`error` says how).
    """

    resource_id: str
    url: str
    checked_at: str
    verdict: Verdict
    method: str = "GET"
    http_status: int | None = None
    final_url: str = ""
    redirects: tuple[tuple[int, str], ...] = ()
    duration: float = 0.0
    error: str = ""
    content_type: str = ""
    content_length: int | None = None
    attempts: int = 0
    moved_to: str | None = None
    suspect: bool = False
    requests: tuple["Check", ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))
        object.__setattr__(self, "redirects", tuple(tuple(r) for r in self.redirects))
        for name in ("final_url", "error", "content_type"):  # a fetch may say None: stored as ''
            object.__setattr__(self, name, getattr(self, name) or "")

    @property
    def working(self) -> bool:
        """True when the link answers (ok, or moved to an address that answers)."""
        return self.verdict in (Verdict.OK, Verdict.MOVED)

    @property
    def verdict_text(self) -> str:
        """What this check found, in one plain-French sentence."""
        return describe(self.verdict, self.http_status, self.error)

    def but(self, **changes) -> Self:
        """A copy of this check with these fields changed."""
        return replace(self, **changes)

    def stored(self) -> dict:
        """The row of link_checks this check is stored as (without its run)."""
        return {
            "resource_id": self.resource_id,
            "url": self.url,
            "checked_at": self.checked_at,
            "method": self.method,
            "verdict": str(self.verdict),
            "http_status": self.http_status,
            "final_url": self.final_url,
            "redirects": json.dumps([list(r) for r in self.redirects]),
            "duration": self.duration,
            "error": self.error,
            "content_type": self.content_type,
            "content_length": self.content_length,
            "attempts": self.attempts or 1,
        }

    @classmethod
    def from_row(cls, row) -> Self:
        """A stored check (a row of link_checks)."""
        return cls(
            **{name: row[name] for name in CHECK_COLUMNS if name != "redirects"},
            redirects=json.loads(row["redirects"] or "[]"),
        )


@dataclass(frozen=True, slots=True)
class LinkState:
    """Where a resource's link stands after its checks: what people are told (`status`) and why."""

    resource_id: str
    url: str
    verdict: Verdict
    status: LinkStatus
    checked_at: str
    http_status: int | None = None
    error: str = ""
    first_failure_at: str | None = None
    consecutive_failures: int = 0
    last_failure_night: str | None = None
    last_success_at: str | None = None
    content_type: str = ""
    content_length: int | None = None
    moved_to: str | None = None
    status_changed_at: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))
        object.__setattr__(self, "status", status_of(self.status))

    @property
    def verdict_text(self) -> str:
        """What is wrong with the link and since when, in one plain-French sentence."""
        return describe(
            self.verdict,
            self.http_status,
            self.error,
            self.first_failure_at,
            self.consecutive_failures,
            self.moved_to,
            self.status,
        )

    @property
    def suspect(self) -> bool:
        """True for a link that answers but whose document changed (became a page, or shrank): the
        only way a working link is « à vérifier »."""
        return self.verdict == Verdict.OK and self.status == LinkStatus.TO_CHECK

    def stored(self) -> dict:
        """The row of link_state this state is stored as."""
        row = {name: getattr(self, name) for name in STATE_COLUMNS}
        return row | {"verdict": str(self.verdict), "status": str(self.status)}

    @classmethod
    def from_row(cls, row) -> Self:
        """A stored state (a row of link_state)."""
        return cls(**{name: row[name] for name in STATE_COLUMNS})


@dataclass(frozen=True, slots=True)
class ListedLink:
    """A link state in a staff listing, with its resource's title and publisher."""

    state: LinkState
    title: str
    publisher: str


CHECK_COLUMNS = tuple(f.name for f in fields(Check) if f.name not in ("moved_to", "suspect", "requests"))
STATE_COLUMNS = tuple(f.name for f in fields(LinkState))
