"""Import the resources linked from a page: a dry-run preview first, then the import itself."""

import dataclasses
import re

from flask import g, render_template, request

from catalogue.errors import CatalogueError
from catalogue.urls import canonical_url, resource_id
from web.context import flash_notes, get_changes, get_vocabularies, service
from web.staff import bp
from web.staff.auth import login_required

ROW_FIELDS = ("action", "status", "title", "url", "level", "type", "reason")
COLUMN_LABELS = {
    "action": "Action",
    "status": "État",
    "title": "Titre",
    "url": "Adresse",
    "level": "Niveau",
    "type": "Type",
    "reason": "Raison",
}
LIST_KEYS = ("resources", "items", "entries", "links", "results")


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def _outcome_view(outcome) -> dict:
    """The crawler's ImportOutcome (page.candidates, created, existing, page.skipped) as tables."""
    created = {canonical_url(r.url) for r in outcome.created}
    rows = []
    for candidate in outcome.page.candidates:
        is_new = canonical_url(candidate.url) in created
        rows.append(
            {
                "action": "Nouvelle ressource" if is_new else "Déjà au catalogue",
                "title": candidate.title,
                "url": candidate.url,
                "level": candidate.level or "",
                # Which heading of the page decided the level (« » Cadrage national : »).
                "reason": f"niveau d'après « {candidate.heading} »" if candidate.heading else "",
            }
        )
    skipped = [{"url": s.href, "title": s.text, "reason": s.reason} for s in outcome.page.skipped]
    return {
        "summary": {
            "Nouvelles ressources": len(outcome.created),
            "Déjà au catalogue": len(outcome.existing),
            "Liens écartés": len(skipped),
        },
        "rows": rows,
        "skipped": skipped,
        "ids": [r.id for r in outcome.created],
        "new": len(outcome.created),
    }


def report_view(report) -> dict:
    """A service report as {summary, rows, skipped, ids}, whatever its exact shape."""
    if hasattr(report, "page") and hasattr(report, "created"):
        return _outcome_view(report)
    data = _plain(report)
    summary, rows = {}, []
    if isinstance(data, list):
        rows = [_plain(r) for r in data]
    elif isinstance(data, dict):
        summary = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
        if isinstance(data.get("summary"), dict):
            summary.update(data["summary"])
        key = next((k for k in LIST_KEYS if isinstance(data.get(k), list)), None)
        rows = [_plain(r) for r in data[key]] if key else []
    else:
        summary = {"Résultat": data}
    rows = [r if isinstance(r, dict) else {"url": str(r)} for r in rows]
    ids = [r.get("id") or resource_id(r["url"]) for r in rows if r.get("id") or r.get("url")]
    return {"summary": summary, "rows": rows, "skipped": [], "ids": ids, "new": None}


def _columns(rows: list[dict]) -> list[str]:
    present = {k for row in rows for k in row}
    return [name for name in ROW_FIELDS if name in present]


@bp.route("/importer", methods=["GET", "POST"])
@login_required
def import_page():
    """Step 1: address and level; step 2: the dry-run preview; step 3: the import and its report."""
    vocabularies = get_vocabularies()
    run = service("import_page")
    url = request.form.get("url", "").strip()
    level = request.form.get("level") or None
    step = request.form.get("etape", "")
    context = {"url": url, "level": level, "levels": vocabularies.levels, "available": run is not None}
    if request.method == "GET" or run is None:
        return render_template("staff/import.html", **context)
    if not re.match(r"^https?://\S+$", url):
        context["error"] = "Indiquez l'adresse complète de la page, commençant par http:// ou https://."
        return render_template("staff/import.html", **context), 422
    if level and level not in vocabularies.levels:
        context["error"] = "Choisissez un niveau dans la liste."
        return render_template("staff/import.html", **context), 422
    dry_run = step != "importer"
    try:
        report = run(url, level=level, dry_run=dry_run)
    except CatalogueError as exc:
        context["error"] = f"La page n'a pas pu être lue : {exc}"
        return render_template("staff/import.html", **context), 502
    view = report_view(report)
    for row in view["rows"]:
        if row.get("level") in vocabularies.levels:
            row["level"] = vocabularies.levels.label(row["level"])
    if not dry_run:
        changes = get_changes()
        changes.import_page(
            g.staff_user, url, level, list(getattr(report, "created", [])), summary=view["summary"]
        )
        flash_notes(changes)
    return render_template(
        "staff/import.html",
        **context,
        summary=view["summary"],
        rows=view["rows"],
        skipped=view["skipped"],
        columns=_columns(view["rows"]),
        column_labels=COLUMN_LABELS,
        dry_run=dry_run,
        new_count=view["new"],
    )
