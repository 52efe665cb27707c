"""The sources page: the sources the nightly watch reads, their health (flagged, with the reason), add and remove."""

import re

from flask import flash, g, redirect, render_template, request, url_for

from catalogue import audit, proposals, sources
from catalogue.errors import CatalogueError
from catalogue.linkwords import plural
from catalogue.watchruns import report_words
from web.context import get_changes, get_store, get_vocabularies, service
from web.staff import bp
from web.staff.auth import login_required

FORM_FIELDS = ("url", "name", "kind", "level", "publisher", "territory", "url_pattern", "every_days")


def _form_values(form) -> dict:
    values = {name: form.get(name, "").strip() for name in FORM_FIELDS}
    values["themes"] = [t for t in form.getlist("themes") if t]
    return values


def _render(values: dict, error: str = "", status: int = 200):
    store = get_store()
    return (
        render_template(
            "staff/sources.html",
            sources=sources.all_sources(store),
            counts=sources.counts(store),
            kinds=sources.KIND_LABELS,
            vocabularies=get_vocabularies(),
            values=values,
            error=error,
            can_detect=service("detect_source_kind") is not None,
            can_read=service("watch_now") is not None,
        ),
        status,
    )


def _new_source(values: dict) -> sources.Source:
    """A Source from the form; SourceError (French) on a bad value, the kind detected when not chosen."""
    try:
        every = float(values["every_days"].replace(",", ".") or 1)
    except ValueError:
        raise sources.SourceError("indiquez la fréquence en jours, par exemple 1 ou 7") from None
    source = sources.Source(
        url=values["url"],
        kind=values["kind"] or "listing",
        name=values["name"],
        level=values["level"] or None,
        themes=values["themes"],
        publisher=values["publisher"],
        territory=values["territory"],
        url_pattern=values["url_pattern"],
        every_days=every,
    )
    sources.validate_source(source, get_vocabularies())
    if not values["kind"]:
        detect = service("detect_source_kind")
        if detect is None:
            raise sources.SourceError(
                "choisissez le type de la source (la détection n'est pas disponible ici)"
            )
        kind, problem = detect(source.url)
        if kind is None:
            raise sources.SourceError(f"type impossible à détecter ({problem}) : choisissez-le dans la liste")
        source.kind = kind
    return source


@bp.route("/sources", methods=["GET", "POST"])
@login_required
def source_list():
    """Every watched source with its state; the form to add one."""
    if request.method == "GET":
        return _render({"every_days": "1", "themes": []})
    values = _form_values(request.form)
    if not re.match(r"^https?://\S+$", values["url"]):
        return _render(
            values, "Indiquez l'adresse complète de la source, commençant par http:// ou https://.", 422
        )
    store = get_store()
    try:
        source = _new_source(values)
        with store.transaction():
            source = sources.add(store, source)
            audit.record(store, g.staff_user, "source.add", None, after=_audited(source))
    except sources.SourceError as exc:
        message = str(exc)
        return _render(values, message[0].upper() + message[1:] + ".", 422)
    flash(f"Source « {source.label} » ajoutée ({sources.KIND_LABELS[sources.Kind(source.kind)]}).", "success")
    return redirect(url_for("staff.source_list"))


def _audited(source: sources.Source) -> dict:
    return {name: getattr(source, name) for name in ("url", "name", "kind", "level", "themes", "every_days")}


@bp.route("/sources/<int:source_id>/lire", methods=["POST"])
@login_required
def source_read(source_id: int):
    """« Lire maintenant »: read one source as the nightly watch does (same code, same lock), audited;
    a message says what was found."""
    back = redirect(url_for("staff.source_list", _anchor=f"source-{source_id}"))
    store = get_store()
    try:
        source = sources.get(store, source_id)
    except sources.SourceError:
        flash("Cette source n'existe plus.", "error")
        return redirect(url_for("staff.source_list"))
    watch_now = service("watch_now")
    if watch_now is None:
        flash("La lecture des sources n'est pas disponible sur ce serveur.", "error")
        return back
    try:
        reports = watch_now(source.id)
    except CatalogueError as exc:  # another watch holds the lock (the nightly one)
        flash(
            f"Lecture de « {source.label} » impossible maintenant : {exc}. Réessayez dans un moment.", "error"
        )
        return back
    get_changes().record_watch(g.staff_user, reports)
    for report in reports:
        failed = report["health"] == "flagged" or (report["errors"] and not report["proposed"])
        words = " ; ".join(line.strip() for line in report_words(report))
        flash(f"Lecture terminée. {words}.", "error" if failed else "success")
    pending = plural(proposals.count_pending(store), "proposition en attente", "propositions en attente")
    flash(f"{pending} de relecture.", "success")
    return back


@bp.route("/sources/<int:source_id>/retirer", methods=["POST"])
@login_required
def source_remove(source_id: int):
    """Stop watching a source; its proposals stay in the review queue."""
    store = get_store()
    try:
        with store.transaction():
            source = sources.remove(store, source_id)
            audit.record(store, g.staff_user, "source.remove", None, before=_audited(source))
    except sources.SourceError:
        flash("Cette source n'existe plus.", "error")
        return redirect(url_for("staff.source_list"))
    flash(f"Source « {source.label} » retirée : elle ne sera plus lue.", "success")
    return redirect(url_for("staff.source_list"))
