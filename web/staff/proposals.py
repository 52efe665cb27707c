"""The review queue: resources proposed by the nightly watch, grouped by source and article; accept (with
edits) or reject them one by one or by selection. Every decision is audited; an accepted one is indexed."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from catalogue import proposals, sources
from catalogue.errors import ValidationError
from web.context import flash_notes, get_changes, get_store, get_vocabularies
from web.staff import bp, forms
from web.staff.auth import login_required

EDIT_LABELS = {name: forms.LABELS[name] for name in proposals.EDITABLE}


def _groups(store, items: list) -> list[dict]:
    """Proposals as [{source, articles: [{url, items}]}], in the order listed."""
    groups: list[dict] = []
    for p in items:
        if not groups or groups[-1]["source_id"] != p.source_id:
            groups.append({"source_id": p.source_id, "source": p.source or "Source retirée", "articles": []})
        articles = groups[-1]["articles"]
        if not articles or articles[-1]["url"] != p.article_url:
            articles.append({"url": p.article_url, "items": []})
        articles[-1]["items"].append({"p": p, "alternates": proposals.proposal_alternates(store, p.id)})
    return groups


def _status_arg() -> str | None:
    value = request.args.get("statut", "proposed")
    if value == "tous":
        return None
    return value if value in set(proposals.Status) else "proposed"


@bp.route("/propositions", endpoint="proposals")
@login_required
def proposals_page():
    """The proposals of every source (or one, ?source=ID), pending ones by default (?statut=accepted, rejected, tous)."""
    store = get_store()
    source_id = request.args.get("source", type=int)
    status = _status_arg()
    items = proposals.listing(store, status, source_id)
    return render_template(
        "staff/proposals.html",
        groups=_groups(store, items),
        total=len(items),
        status=status or "tous",
        source_id=source_id,
        sources=sources.all_sources(store),
        statuses=proposals.STATUS_LABELS,
        vocabularies=get_vocabularies(),
    )


def _back():
    return redirect(
        url_for("staff.proposals", **{k: v for k, v in request.args.items() if k in ("source", "statut")})
    )


@bp.route("/propositions", methods=["POST"])
@login_required
def proposals_decide():
    """Accept or reject one proposal (its own button) or the selected ones."""
    changes = get_changes()
    form = request.form
    if form.get("accepter") or form.get("refuser"):
        ids, accepting = [form.get("accepter") or form.get("refuser")], bool(form.get("accepter"))
    else:
        ids, accepting = form.getlist("selection"), form.get("action") == "accepter"
        if not ids:
            flash("Cochez au moins une proposition.", "error")
            return _back()
    done, problems = 0, []
    with changes.batch():  # the accepted resources reach the index together
        for raw in ids:
            try:
                pid = int(raw)
                if accepting:
                    changes.accept_proposal(g.staff_user, pid)
                else:
                    changes.reject_proposal(g.staff_user, pid)
                done += 1
            except (ValueError, proposals.ProposalError, ValidationError) as exc:
                problems.append(f"{raw} : {exc}")
    verb = "acceptée" if accepting else "refusée"
    if done:
        flash(f"{done} proposition{'s' if done > 1 else ''} {verb}{'s' if done > 1 else ''}.", "success")
    for problem in problems:
        flash(f"Proposition {problem}", "error")
    flash_notes(changes)
    return _back()


def _edits(form) -> dict:
    values = forms.from_form(form)
    return {name: values[name] for name in proposals.EDITABLE}


@bp.route("/propositions/<int:pid>", methods=["GET", "POST"])
@login_required
def proposal_edit(pid: int):
    """Look at one proposal closely and accept it with edits."""
    store = get_store()
    try:
        proposal = proposals.get(store, pid)
    except proposals.ProposalError:
        abort(404)
    values = {name: getattr(proposal, name) for name in proposals.EDITABLE}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _edits(request.form)
        errors = {
            k: v
            for k, v in forms.field_errors({**values, "url": proposal.url}, get_vocabularies()).items()
            if k in proposals.EDITABLE
        }
        if not errors:
            try:
                resource = get_changes().accept_proposal(g.staff_user, pid, values)
            except proposals.ProposalError as exc:
                flash(str(exc)[0].upper() + str(exc)[1:] + ".", "error")
                return redirect(url_for("staff.proposal_edit", pid=pid))
            flash(f"Proposition acceptée : « {resource.title} » est au catalogue.", "success")
            flash_notes(get_changes())
            return redirect(url_for("staff.proposals"))
    return (
        render_template(
            "staff/proposal_form.html",
            p=proposal,
            values=values,
            errors=errors,
            labels=EDIT_LABELS,
            alternates=proposals.proposal_alternates(store, pid),
            vocabularies=get_vocabularies(),
            statuses=proposals.STATUS_LABELS,
        ),
        422 if errors else 200,
    )
