"""The one place where a change to the catalogue happens: each action is one transaction with its
audit entry, and then announces the ids it changed to the follow-ups.

    changes = Changes(store, follow_ups)            # follow-ups: subscribed once, at the composition root
    resource = changes.create(actor, values)        # resource.create
    resource, changed = changes.edit(actor, rid, values)

The follow-ups (suggested themes, then the index update; see catalogue/cli/wiring.py) are
callables `follow_up(store, ids) -> str | None`; a string is a note for the person who made
the change (e.g. the index was busy: the change is saved and the search catches up in a
moment). Nothing here knows of the index: what the index shows is also numbered in the
store's change log (migration 0006), so a follow-up that never ran (a killed process) is
made up by the next process that opens the index.

Within `with changes.batch():` several steps of one action (add a resource, then crawl it)
announce their ids once, at the end.
"""

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from catalogue import audit, linkhealth, linkwords, withdrawal
from catalogue.io import same_content
from catalogue.models import Resource
from catalogue.store import COLUMNS

log = logging.getLogger(__name__)

SYSTEM = "système"  # the actor of changes made by a command or the nightly jobs

FollowUp = Callable[[object, list[str]], str | None]


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a staff login, or the system user running a command (`command` says which)."""

    login: str
    command: str = ""

    @classmethod
    def system(cls, command: str) -> "Actor":
        """The system user, running this command line (e.g. "catalogue import ressources.csv")."""
        return cls(SYSTEM, command)

    def detail(self, text: str = "") -> str:
        """The audit detail: what the action says, and the command that made it, if any."""
        return " — ".join(part for part in (text, self.command) if part)


def as_actor(actor: "Actor | str") -> Actor:
    """An Actor from a staff login or an Actor."""
    return actor if isinstance(actor, Actor) else Actor(str(actor))


# What a person edits and the audit log compares: every stored column but the id, the extracted
# text, the suggestion and the timestamps (derived, so a new column cannot be left out here).
EDITABLE = tuple(
    name for name in COLUMNS if name not in ("id", "text", "suggested_themes", "added_at", "updated_at")
)


def editable(resource: Resource) -> dict:
    """The fields a person edits, as {name: value}."""
    return {name: getattr(resource, name) for name in EDITABLE}


def summary_text(value) -> str:
    """A summary or report in one line (its scalar fields when it is a dict or a dataclass)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if isinstance(item, dict):
                parts.extend(f"{k} = {v}" for k, v in item.items())
            elif not isinstance(item, list):
                parts.append(f"{key} = {item}")
        return ", ".join(parts)
    return str(value)


def _crawl_words(summary) -> str:
    """A crawl summary in French words (its one-line form when it is not a crawl summary)."""
    outcomes = getattr(summary, "outcomes", None)
    if not isinstance(outcomes, dict):
        return summary_text(summary)
    return linkwords.crawl_summary_words(
        getattr(summary, "total", 0), outcomes, getattr(summary, "resumed", False)
    )


class Changes:
    """Actions on one store; after each, the changed ids go to the follow-ups, in order."""

    def __init__(self, store, follow_ups: Sequence[FollowUp] = ()):
        self.store = store
        self.follow_ups = list(follow_ups)
        self.notes: list[str] = []  # what the follow-ups of the last announcement said
        self._batched: list[str] | None = None

    # -- announcing ----------------------------------------------------------

    def announce(self, ids: Iterable[str], *, texts: bool = True) -> list[str]:
        """Hand these changed ids to the follow-ups (once, at the end of a batch); returns their notes.

        texts=False says that no text of these resources changed (only their link status): the
        follow-ups marked `texts_only` (suggested themes) have nothing to redo and are skipped.
        """
        ids = [rid for rid in dict.fromkeys(ids) if rid]
        if self._batched is not None:
            self._batched.extend(ids)  # announced at the end as a change of texts too: the safe side
            return []
        self.notes = []
        if not ids:
            return self.notes
        for follow_up in self.follow_ups:
            if not texts and getattr(follow_up, "texts_only", False):
                continue
            note = follow_up(self.store, ids)
            if note:
                self.notes.append(note)
        return self.notes

    @contextmanager
    def batch(self):
        """Announce every id changed inside the block once, when it ends (even if it fails half-way)."""
        if self._batched is not None:
            yield self
            return
        self._batched = []
        try:
            yield self
        finally:
            ids, self._batched = self._batched, None
            self.announce(ids)

    def _record(self, actor: Actor, action: str, rid=None, *, before=None, after=None, detail=""):
        audit.record(
            self.store, actor.login, action, rid, before=before, after=after, detail=actor.detail(detail)
        )

    # -- actions ---------------------------------------------------------------

    def create(self, actor: "Actor | str", values: "dict | Resource", *, detail: str = "") -> Resource:
        """Add a resource (validated) with its audit entry."""
        actor = as_actor(actor)
        resource = values if isinstance(values, Resource) else Resource(**values)
        with self.store.transaction():
            resource, _ = self.store.upsert(resource)
            self._record(actor, "resource.create", resource.id, after=editable(resource), detail=detail)
        self.announce([resource.id])
        return resource

    def edit(
        self, actor: "Actor | str", rid: str, values: dict, *, detail: str = ""
    ) -> tuple[Resource, bool]:
        """Change a resource's editable fields (not its address) with an audit entry of what changed.

        Returns the resource and whether anything changed.
        """
        actor = as_actor(actor)
        values = {k: v for k, v in values.items() if k != "url"}
        with self.store.transaction():
            current = editable(self.store.get(rid))
            before, after = audit.diff(current, {**current, **values})
            if not after:
                return self.store.get(rid), False
            resource = self.store.update_fields(rid, **after)
            self._record(actor, "resource.edit", rid, before=before, after=after, detail=detail)
        self.announce([rid])
        return resource, True

    def withdraw(self, actor: "Actor | str", rid: str, reason: str = "") -> dict:
        """Withdraw a resource from the public catalogue, saying why (audited); returns the withdrawal."""
        actor = as_actor(actor)
        with self.store.transaction():
            result = withdrawal.withdraw(self.store, rid, reason, actor.login)
            self._record(actor, "resource.withdraw", rid, after={"reason": result["reason"]}, detail=reason)
        self.announce([rid])
        return result

    def restore(self, actor: "Actor | str", rid: str) -> dict:
        """Put a withdrawn resource back in the public catalogue (audited); returns the former withdrawal."""
        actor = as_actor(actor)
        with self.store.transaction():
            former = withdrawal.restore(self.store, rid)
            self._record(actor, "resource.restore", rid, before={"reason": former["reason"]})
        self.announce([rid])
        return former

    def delete(self, actor: "Actor | str", rid: str) -> Resource:
        """Delete a withdrawn resource for good (audited: its audit entries stay); returns what it was."""
        actor = as_actor(actor)
        with self.store.transaction():
            resource = withdrawal.delete(self.store, rid)
            self._record(actor, "resource.delete", rid, before={"title": resource.title, "url": resource.url})
        self.announce([rid])
        return resource

    def accept_moved(self, actor: "Actor | str", rid: str, *, detail: str = "") -> dict:
        """Accept a moved link's new address (the old one stays as an alias); returns linkhealth's result."""
        actor = as_actor(actor)
        with self.store.transaction():
            result = linkhealth.apply_moved(self.store, rid, actor.login)
            self._record(
                actor,
                "link.accept_moved",
                result["id"],
                before={"url": result["old_url"], "id": result["old_id"]},
                after={"url": result["url"], "id": result["id"]},
                detail=detail,
            )
        self.announce([result["old_id"], result["id"]])
        return result

    def accept_document(self, actor: "Actor | str", rid: str) -> dict:
        """Take a suspect document as it is now (its new type or size is expected); audited."""
        actor = as_actor(actor)
        with self.store.transaction():
            result = linkhealth.accept_document(self.store, rid)
            self._record(actor, "link.accept_document", rid, before=result["before"], after=result["after"])
        self.announce([rid])
        return result

    def record_crawl(self, actor: "Actor | str", ids: Sequence[str], summary) -> None:
        """Note a crawl in the audit log and announce what it changed (the crawler committed each resource)."""
        actor = as_actor(actor)
        ids = list(ids)
        changed = list(getattr(summary, "changed_ids", None) or ids)
        with self.store.transaction():
            self._record(
                actor,
                "resource.crawl",
                ids[0] if len(ids) == 1 else None,
                detail=_crawl_words(summary)[:2000],
            )
        self.announce(changed)

    def record_check(self, actor: "Actor | str", run) -> None:
        """Note a link-check run in the audit log and announce the resources whose status changed."""
        actor = as_actor(actor)
        with self.store.transaction():
            self._record(actor, "check.run", None, detail=linkwords.check_summary_words(run.summary)[:2000])
        self.announce(run.changed_ids, texts=False)  # link statuses only: the index, not the suggestions

    def import_batch(
        self,
        actor: "Actor | str",
        resources: list[Resource],
        source: str,
        withdrawals: dict[str, dict] | None = None,
    ) -> tuple[int, int, list[str], list[str]]:
        """Upsert a batch of resources (an import file) with one audit entry; returns (created, updated,
        changed ids, ids withdrawn by this import).

        `withdrawals` (by resource id, as `catalogue export --withdrawn` writes them) withdraw those
        resources with their own date, reason and author, unless they are withdrawn already; an
        import never puts a withdrawn resource back (that is `restore`).
        """
        actor = as_actor(actor)
        withdrawals = withdrawals or {}
        with self.store.transaction():
            fresh = []  # a line that says nothing new leaves its resource alone: 0 updates on a re-import
            for resource in resources:
                existing = self.store.find_by_url(resource.url)
                if existing is not None:
                    if same_content(existing, resource):
                        continue
                    resource.added_at = resource.added_at or existing.added_at
                fresh.append(resource)
            created, updated = self.store.upsert_many(fresh)
            withdrawn = []
            for rid, row in withdrawals.items():
                if self.store.withdrawal(rid) is None:
                    by = row["withdrawn_by"] or actor.login
                    withdrawal.withdraw(self.store, rid, row["withdrawn_reason"], by, now=row["withdrawn_at"])
                    withdrawn.append(rid)
            detail = f"{source} : {created} ajoutées, {updated} mises à jour"
            self._record(
                actor,
                "resource.import",
                None,
                detail=detail + (f", {len(withdrawn)} retirées" if withdrawn else ""),
            )
        ids = [r.id for r in fresh] + withdrawn
        self.announce(ids)
        return created, updated, ids, withdrawn

    def import_page(
        self, actor: "Actor | str", url: str, level: str | None, new: list[Resource], *, summary=None
    ) -> list[str]:
        """Add the new resources found on a page with one audit entry (`summary` of the import); their ids."""
        actor = as_actor(actor)
        with self.store.transaction():
            if new:
                self.store.upsert_many(new)
            added = f"{len(new)} {'ressource ajoutée' if len(new) <= 1 else 'ressources ajoutées'}"
            said = summary_text(summary) if summary is not None else added
            level_words = self.store.vocabularies.levels.label(level) if level else "non précisé"
            detail = f"{url} (niveau : {level_words}) : {said}"
            self._record(actor, "page.import", None, detail=detail[:2000])
        ids = [r.id for r in new]
        self.announce(ids)
        return ids

    def merge(self, actor: "Actor | str", keep_id: str, drop_id: str) -> Resource:
        """Merge a resource catalogued twice into the one kept (its page then answers 301); audited."""
        from catalogue import merge

        actor = as_actor(actor)
        with self.store.transaction():
            dropped, changed = merge.merge_resources(self.store, keep_id, drop_id)
            before = {name: dropped[name] for name in EDITABLE}
            self._record(
                actor, "resource.merge", keep_id, before=before, after=changed, detail=f"{drop_id} fusionnée"
            )
        self.announce([keep_id, drop_id])
        return self.store.get(keep_id)

    def accept_proposal(self, actor: "Actor | str", proposal_id: int, edits: dict | None = None) -> Resource:
        """Turn a watched source's proposal into a resource (audited by catalogue.proposals); returns it."""
        from catalogue import proposals

        resource = proposals.accept(self.store, as_actor(actor).login, proposal_id, edits)
        self.announce([resource.id])
        return resource

    def record_watch(self, actor: "Actor | str", reports: list[dict]) -> None:
        """Note a watch run (the nightly one, or « Lire maintenant » on one source) in the audit log, with
        what each source gave in words. Its proposals are not in the index until accepted."""
        from catalogue.watchruns import report_words

        actor = as_actor(actor)
        said = " | ".join(report_words(report)[0] for report in reports) or "aucune source à lire"
        with self.store.transaction():
            self._record(actor, "source.watch", None, detail=said[:2000])

    def end_sessions(self, actor: "Actor | str", name: str) -> int:
        """End every session of the account `name` (every browser, the actor's own included), audited;
        returns how many were open. Nothing the index shows changes."""
        from catalogue import sessions

        actor = as_actor(actor)
        with self.store.transaction():
            ended = sessions.end_user_sessions(self.store, name)
            self._record(
                actor,
                "user.logout",
                None,
                detail=f"{name} : {ended} {'session fermée' if ended <= 1 else 'sessions fermées'} "
                "(« Se déconnecter partout »)",
            )
        return ended

    def reject_proposal(self, actor: "Actor | str", proposal_id: int, reason: str = ""):
        """Reject a proposal (audited by catalogue.proposals); nothing the index shows changes."""
        from catalogue import proposals

        return proposals.reject(self.store, as_actor(actor).login, proposal_id, reason)
