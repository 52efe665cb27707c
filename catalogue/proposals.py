"""The review queue: resources found by the watch, accepted (with edits) or rejected by staff.

A proposal is never in public search: it becomes a resource only when accepted. A rejected
address stays in the table and is never proposed again. A document already known under
another address is not proposed: its new address becomes an alternate address of the
resource (or of the pending proposal) that has the same content.
"""

import json
from dataclasses import dataclass, field
from enum import StrEnum

from catalogue import audit, extractions, fingerprint
from catalogue.errors import CatalogueError
from catalogue.models import Resource, http_link, now_iso
from catalogue.store import connection_of
from catalogue.urls import canonical_url


class Status(StrEnum):
    """Where a proposal is in the review."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


STATUS_LABELS = {Status.PROPOSED: "proposée", Status.ACCEPTED: "acceptée", Status.REJECTED: "refusée"}
EDITABLE = ("title", "description", "type", "level", "themes", "publisher", "territory", "date")


class ProposalError(CatalogueError):
    """A proposal cannot be found or decided; the message says why, in French."""


@dataclass
class Proposal:
    """A resource found by the watch, as extracted, with where it came from."""

    url: str
    title: str = ""
    description: str = ""
    type: str | None = None
    level: str | None = None
    level_reason: str = ""
    themes: list[str] = field(default_factory=list)
    suggested_themes: list[str] = field(default_factory=list)
    theme_reasons: dict[str, list[str]] = field(default_factory=dict)
    publisher: str = ""
    territory: str = ""
    date: str = ""
    kind: str = ""
    text: str = ""
    content_hash: str = ""
    fetch_error: str = ""
    source_id: int | None = None
    article_url: str = ""
    status: str = Status.PROPOSED
    found_at: str = ""
    decided_at: str | None = None
    decided_by: str | None = None
    resource_id: str | None = None
    id: int | None = None
    source: str = ""  # the source's name, when read with it

    def to_json(self) -> dict:
        """The public JSON form of `catalogue proposals --json`."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "level": self.level,
            "level_reason": self.level_reason,
            "themes": self.themes,
            "suggested_themes": self.suggested_themes,
            "type": self.type,
            "source": self.source,
            "article_url": self.article_url,
            "status": str(self.status),
        }


_COLUMNS = (
    "url",
    "canonical",
    "title",
    "description",
    "type",
    "level",
    "level_reason",
    "themes",
    "suggested_themes",
    "theme_reasons",
    "publisher",
    "territory",
    "date",
    "kind",
    "text",
    "content_hash",
    "fetch_error",
    "source_id",
    "article_url",
    "status",
    "found_at",
)


def _from_row(row) -> Proposal:
    data = dict(row)
    data.pop("canonical", None)
    for name in ("themes", "suggested_themes", "theme_reasons"):
        data[name] = json.loads(data[name])
    data["source"] = data.pop("source_name", None) or ""
    return Proposal(**data)


def known(store, url: str) -> str | None:
    """Why an address is not new (in the catalogue, an alias, an alternate, already proposed), or None."""
    db = connection_of(store)
    key = canonical_url(url)
    if store.find_by_url(url) is not None:
        return "déjà au catalogue"
    if db.execute("SELECT 1 FROM alternate_urls WHERE url = ?", (key,)).fetchone():
        return "adresse alternative d'un document connu"
    row = db.execute("SELECT status FROM proposals WHERE canonical = ?", (key,)).fetchone()
    if row is not None:
        return "déjà refusée" if row[0] == Status.REJECTED else "déjà proposée"
    return None


def add_alternate(
    store, url: str, *, resource_id: str | None = None, proposal_id: int | None = None, reason: str = ""
) -> bool:
    """Record another address of a resource's (or a proposal's) document; False if it was known
    or is no http(s) address (it would become a link on the resource page)."""
    if not http_link(url):
        return False
    with store.transaction():
        cur = connection_of(store).execute(
            "INSERT INTO alternate_urls (url, original, resource_id, proposal_id, added_at, reason) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO NOTHING",
            (canonical_url(url), url, resource_id, proposal_id, now_iso(), reason),
        )
    return bool(cur.rowcount)


def alternates(store, resource_id: str) -> list[dict]:
    """The alternate addresses of a resource: [{url, reason, added_at}]."""
    rows = connection_of(store).execute(
        "SELECT original AS url, reason, added_at FROM alternate_urls WHERE resource_id = ? ORDER BY added_at, url",
        (resource_id,),
    )
    return [dict(r) for r in rows]


def proposal_alternates(store, proposal_id: int) -> list[dict]:
    """The other addresses found for a proposal's document."""
    rows = connection_of(store).execute(
        "SELECT original AS url, reason FROM alternate_urls WHERE proposal_id = ? ORDER BY added_at, url",
        (proposal_id,),
    )
    return [dict(r) for r in rows]


def submit(store, proposal: Proposal, fp: fingerprint.Fingerprint) -> tuple[str, int | str | None]:
    """Queue a found resource, unless its content is known: then its address becomes an alternate.

    Returns ("proposed", proposal id), ("alternate", owner id) or ("known", None).
    """
    with store.transaction():
        if known(store, proposal.url):
            return "known", None
        match = fingerprint.find_match(store, fp) if (fp.bytes_hash or fp.text_hash or fp.sketch) else None
        if match is not None:
            add_alternate(
                store,
                proposal.url,
                resource_id=match.resource_id,
                proposal_id=match.proposal_id,
                reason=match.reason,
            )
            return "alternate", match.resource_id or match.proposal_id
        proposal.found_at = proposal.found_at or now_iso()
        values = {name: getattr(proposal, name, None) for name in _COLUMNS}
        values["canonical"] = canonical_url(proposal.url)
        values["status"] = str(Status.PROPOSED)
        for name in ("themes", "suggested_themes", "theme_reasons"):
            values[name] = json.dumps(getattr(proposal, name), ensure_ascii=False)
        cur = connection_of(store).execute(
            f"INSERT INTO proposals ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + n for n in _COLUMNS)})",
            values,
        )
        proposal.id = cur.lastrowid
        if fp.bytes_hash or fp.text_hash or fp.sketch:
            fingerprint.save(store, fp, proposal_id=proposal.id)
    return "proposed", proposal.id


_SELECT = "SELECT p.*, s.name AS source_name FROM proposals p LEFT JOIN sources s ON s.id = p.source_id"


def get(store, proposal_id: int) -> Proposal:
    """One proposal; ProposalError if none."""
    row = connection_of(store).execute(f"{_SELECT} WHERE p.id = ?", (proposal_id,)).fetchone()
    if row is None:
        raise ProposalError(f"aucune proposition n'a l'identifiant {proposal_id}")
    return _from_row(row)


def listing(store, status: str | None = Status.PROPOSED, source_id: int | None = None) -> list[Proposal]:
    """Proposals (pending ones by default; status None for all), by source, article and order found."""
    clauses, params = [], []
    if status:
        clauses.append("p.status = ?")
        params.append(str(status))
    if source_id is not None:
        clauses.append("p.source_id = ?")
        params.append(source_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = connection_of(store).execute(f"{_SELECT}{where} ORDER BY p.source_id, p.article_url, p.id", params)
    return [_from_row(r) for r in rows]


def count_pending(store) -> int:
    """How many proposals wait for a decision."""
    return (
        connection_of(store).execute("SELECT count(*) FROM proposals WHERE status = 'proposed'").fetchone()[0]
    )


def _pending(store, proposal_id: int) -> Proposal:
    proposal = get(store, proposal_id)
    if proposal.status != Status.PROPOSED:
        raise ProposalError(f"la proposition {proposal_id} est déjà {STATUS_LABELS[Status(proposal.status)]}")
    return proposal


def accept(store, actor: str, proposal_id: int, edits: dict | None = None) -> Resource:
    """Turn a pending proposal (with a person's edits) into a resource, audited; returns the resource.

    Its extracted text, fingerprint and alternate addresses go with it. The caller reindexes
    the resource (and recomputes its suggested themes).
    """
    edits = {k: v for k, v in (edits or {}).items() if k in EDITABLE}
    with store.transaction():
        proposal = _pending(store, proposal_id)
        if store.find_by_url(proposal.url) is not None:
            raise ProposalError(f"{proposal.url} est déjà au catalogue")
        values = {name: getattr(proposal, name) for name in EDITABLE}
        values.update(edits)
        values["title"] = (values["title"] or "").strip() or proposal.url
        resource = Resource(url=proposal.url, source_url=proposal.article_url, **values)
        resource, _ = store.upsert(resource)
        now = now_iso()
        if proposal.kind:
            extractions.save_extraction(
                store,
                resource.id,
                {
                    "kind": proposal.kind,
                    "title": proposal.title,
                    "description": proposal.description,
                    "date": proposal.date,
                    "text": proposal.text,
                    "content_hash": proposal.content_hash,
                    "extracted_at": now,
                },
            )
        fingerprint.hand_over(store, proposal_id, resource.id)
        connection_of(store).execute(
            "UPDATE alternate_urls SET resource_id = ?, proposal_id = NULL WHERE proposal_id = ?",
            (resource.id, proposal_id),
        )
        _decide(store, proposal_id, Status.ACCEPTED, actor, now, resource.id)
        after = {name: getattr(resource, name) for name in ("url", *EDITABLE, "source_url")}
        audit.record(
            store,
            actor,
            "proposal.accept",
            resource.id,
            after=after,
            detail=f"proposition {proposal_id}"
            + (f" ({', '.join(sorted(edits))} modifiés)" if edits else ""),
        )
    return resource


def reject(store, actor: str, proposal_id: int, reason: str = "") -> Proposal:
    """Reject a pending proposal: its address is remembered and never proposed again; audited."""
    with store.transaction():
        proposal = _pending(store, proposal_id)
        _decide(store, proposal_id, Status.REJECTED, actor, now_iso(), None)
        audit.record(
            store,
            actor,
            "proposal.reject",
            None,
            before={"url": proposal.url, "title": proposal.title},
            detail=f"proposition {proposal_id}" + (f" : {reason}" if reason else ""),
        )
    return get(store, proposal_id)


def _decide(store, proposal_id: int, status: Status, actor: str, now: str, resource_id: str | None) -> None:
    connection_of(store).execute(
        "UPDATE proposals SET status = ?, decided_at = ?, decided_by = ?, resource_id = ? WHERE id = ?",
        (str(status), now, actor, resource_id, proposal_id),
    )
