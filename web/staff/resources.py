"""Staff pages to find, add and edit a resource, and to crawl it now."""

import logging

from flask import abort, flash, g, redirect, render_template, request, url_for

from catalogue.changes import summary_text
from catalogue.errors import NotFound, ValidationError
from catalogue.links import FetchOutcome, outcome_label
from web.context import flash_notes, get_changes, get_store, get_vocabularies, service
from web.staff import bp, forms
from web.staff.auth import login_required

log = logging.getLogger(__name__)
LIST_LIMIT = 100


# What a person is told of a one-resource crawl, by outcome (failures: « échec » and the outcome's words).
OUTCOMES = {
    FetchOutcome.OK: "contenu lu et indexé",
    FetchOutcome.NOT_MODIFIED: "inchangé depuis la dernière exploration",
    FetchOutcome.EXTRACTION: "téléchargé, mais le texte n'a pas pu être extrait",
}


def crawl_message(summary) -> str:
    """A crawl summary in French: each outcome of the run in words (its one-line form otherwise)."""
    outcomes = getattr(summary, "outcomes", None)
    if not isinstance(outcomes, dict) or not outcomes:
        return summary_text(summary)
    return (
        ", ".join(
            f"{OUTCOMES.get(name) or f'échec ({outcome_label(name)})'}" + (f" ({count})" if count > 1 else "")
            for name, count in outcomes.items()
        )
        + "."
    )


def _find(store, q: str) -> list:
    return store.find(q, LIST_LIMIT + 1)


@bp.route("/ressources")
@login_required
def resource_list():
    """Resources by title, filtered by words of their title or address."""
    q = request.args.get("q", "").strip()
    store = get_store()
    rows = _find(store, q)
    return render_template(
        "staff/resource_list.html",
        q=q,
        rows=rows[:LIST_LIMIT],
        truncated=len(rows) > LIST_LIMIT,
        total=store.count(),
    )


def _render_form(resource, values: dict, errors: dict, status: int = 200):
    return (
        render_template(
            "staff/resource_form.html",
            resource=resource,
            values=values,
            errors=errors,
            labels=forms.LABELS,
            vocabularies=get_vocabularies(),
            can_crawl=service("crawl_now") is not None,
            withdrawn=get_store().withdrawal(resource.id) if resource else None,
        ),
        status,
    )


@bp.route("/ressources/nouvelle", methods=["GET", "POST"])
@login_required
def resource_new():
    """Add a resource by hand."""
    if request.method == "GET":
        return _render_form(None, {"language": "fr", "themes": []}, {})
    store = get_store()
    values = forms.from_form(request.form)
    errors = forms.field_errors(values, get_vocabularies())
    if not errors and store.find_by_url(values["url"]) is not None:
        errors["url"] = "Cette adresse est déjà au catalogue : modifiez la ressource existante."
    if errors:
        return _render_form(None, {**values, "audience": request.form.get("audience", "")}, errors, 422)
    try:
        resource = get_changes().create(g.staff_user, values)
    except ValidationError as exc:
        errors = {exc.field: forms.message(exc, get_vocabularies())}
        return _render_form(None, {**values, "audience": request.form.get("audience", "")}, errors, 422)
    flash(f"Ressource « {resource.title} » ajoutée au catalogue.", "success")
    flash_notes(get_changes())
    return redirect(url_for("staff.resource_edit", rid=resource.id))


def _get_or_404(store, rid: str):
    try:
        return store.get(rid)
    except NotFound:
        abort(404)


@bp.route("/ressources/<rid>/modifier", methods=["GET", "POST"])
@login_required
def resource_edit(rid: str):
    """Edit a resource's description; every change goes to the audit log and the index."""
    store = get_store()
    resource = _get_or_404(store, rid)
    if request.method == "GET":
        return _render_form(resource, forms.to_form(resource), {})
    values = forms.from_form(request.form)
    values["url"] = resource.url
    errors = forms.field_errors(values, get_vocabularies())
    if errors:
        return _render_form(resource, {**values, "audience": request.form.get("audience", "")}, errors, 422)
    try:
        resource, changed = get_changes().edit(g.staff_user, rid, values)
    except ValidationError as exc:
        errors = {exc.field: forms.message(exc, get_vocabularies())}
        return _render_form(resource, {**values, "audience": request.form.get("audience", "")}, errors, 422)
    flash("Modifications enregistrées." if changed else "Aucune modification à enregistrer.", "success")
    flash_notes(get_changes())
    return redirect(url_for("staff.resource_edit", rid=rid))


@bp.route("/ressources/<rid>/explorer", methods=["POST"])
@login_required
def resource_crawl(rid: str):
    """Crawl one resource now through the injected crawl_now service."""
    store = get_store()
    _get_or_404(store, rid)
    crawl_now = service("crawl_now")
    if crawl_now is None:
        flash("L'exploration n'est pas disponible sur ce serveur.", "error")
        return redirect(url_for("staff.resource_edit", rid=rid))
    summary = crawl_now([rid])
    get_changes().record_crawl(g.staff_user, [rid], summary)
    flash(f"Exploration terminée : {crawl_message(summary)}", "success")
    flash_notes(get_changes())
    return redirect(url_for("staff.resource_edit", rid=rid))
