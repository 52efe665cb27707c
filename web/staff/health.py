"""The link-health page: counts by verdict, the chart of the last nights, failing and moved links."""

import logging
from datetime import UTC, date, datetime

from flask import abort, flash, g, redirect, render_template, url_for

from catalogue import linkhealth
from catalogue.errors import CatalogueError, NotFound
from catalogue.linkchecks import ListedLink
from catalogue.links import status_colour, status_label, verdict_label
from web.context import flash_notes, get_changes, get_store
from web.staff import bp, chart
from web.staff.auth import login_required

log = logging.getLogger(__name__)
NIGHTS = 60


def _days_since(moment: str | None, today: date) -> int | None:
    if not moment:
        return None
    return (today - date.fromisoformat(moment[:10])).days + 1


def failing_rows(items: list[ListedLink], today: date) -> list[dict]:
    """The failing links as table rows: title, address, status and verdict in words, days failing."""
    return [
        {
            "id": item.state.resource_id,
            "title": item.title or item.state.url,
            "url": item.state.url,
            "status": status_label(item.state.status),
            "status_colour": status_colour(item.state.status),
            "verdict_text": item.state.verdict_text or verdict_label(item.state.verdict),
            "days_failing": _days_since(item.state.first_failure_at, today),
            "nights": item.state.consecutive_failures,
            "since": (item.state.first_failure_at or "")[:10],
            "suspect": item.state.suspect,
        }
        for item in items
    ]


def moved_rows(items: list[ListedLink]) -> list[dict]:
    """The moved links as table rows: title, old and new address."""
    return [
        {
            "id": item.state.resource_id,
            "title": item.title or item.state.url,
            "url": item.state.url,
            "new_url": item.state.moved_to,
        }
        for item in items
    ]


@bp.route("/liens")
@login_required
def link_health():
    """Counts by verdict, the last 60 nights, the failing links and the moved ones."""
    module = linkhealth
    store = get_store()
    summary = module.summary_by_verdict(store)
    nights = [(n["night"], n["counts"]) for n in module.nightly_counts(store, nights=NIGHTS)]
    lost = module.lost_nights(store, nights=NIGHTS)
    return render_template(
        "staff/health.html",
        summary=[(verdict, verdict_label(verdict), count) for verdict, count in summary.items()],
        total=sum(summary.values()),
        chart=chart.build(nights, {n["night"]: n["text"] for n in lost}),
        lost=lost,
        nights_checked=sum(1 for _, counts in nights if counts) + len(lost),
        failing=failing_rows(module.failing(store), datetime.now(UTC).date()),
        moved=moved_rows(module.moved(store)),
    )


@bp.route("/liens/<rid>/accepter", methods=["POST"])
@login_required
def accept_moved(rid: str):
    """Accept a moved link's new address (the old one stays as an alias); logged and reindexed."""
    changes = get_changes()
    try:
        changes.store.get(rid)
    except NotFound:
        abort(404)
    try:
        result = changes.accept_moved(g.staff_user, rid)
    except CatalogueError as exc:
        flash(f"La nouvelle adresse n'a pas pu être acceptée : {exc}", "error")
        return redirect(url_for("staff.link_health"))
    flash(f"Nouvelle adresse acceptée : {result['url']}", "success")
    flash_notes(changes)
    return redirect(url_for("staff.link_health") + "#deplaces")


@bp.route("/liens/<rid>/accepter-document", methods=["POST"])
@login_required
def accept_document(rid: str):
    """Take a suspect document as it is now (a new type or size that is expected); logged and reindexed."""
    changes = get_changes()
    try:
        title = changes.store.get(rid).title
        changes.accept_document(g.staff_user, rid)
    except NotFound:
        abort(404)
    except CatalogueError as exc:
        flash(f"Le document n'a pas pu être accepté : {exc}", "error")
        return redirect(url_for("staff.link_health"))
    flash(f"Document accepté tel qu'il est maintenant : {title}", "success")
    flash_notes(changes)
    return redirect(url_for("staff.link_health") + "#echecs-titre")
