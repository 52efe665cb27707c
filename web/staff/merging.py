"""Merge a resource catalogued twice into this one: the kept fields are a person's, the other page answers 301."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from catalogue.errors import CatalogueError, NotFound
from web.context import flash_notes, get_changes, get_store
from web.staff import bp
from web.staff.auth import login_required


def _other(store, ref: str):
    """The resource named by an id or an address, or None."""
    ref = ref.strip()
    if ref.startswith(("http://", "https://")):
        return store.find_by_url(ref)
    try:
        return store.get(ref)
    except NotFound:
        return None


@bp.route("/ressources/<rid>/fusionner", methods=["GET", "POST"])
@login_required
def resource_merge(rid: str):
    """Ask for the duplicate (id or address), then merge it into this resource; audited."""
    store = get_store()
    try:
        resource = store.get(rid)
    except NotFound:
        abort(404)
    error, other_ref = "", request.form.get("autre", "")
    if request.method == "POST":
        other = _other(store, other_ref)
        if other is None:
            error = "Aucune ressource du catalogue n'a cet identifiant ou cette adresse."
        elif other.id == rid:
            error = "C'est la même ressource : indiquez l'autre fiche, celle en double."
        else:
            changes = get_changes()
            try:
                changes.merge(g.staff_user, rid, other.id)
            except CatalogueError as exc:
                error = f"La fusion n'a pas pu se faire : {exc}"
            else:
                flash(
                    f"« {other.title} » est fusionnée dans cette ressource ; son adresse en devient une adresse "
                    "alternative et son ancienne page renvoie ici.",
                    "success",
                )
                flash_notes(changes)
                return redirect(url_for("staff.resource_edit", rid=rid))
    return (
        render_template("staff/merge.html", resource=resource, error=error, other=other_ref),
        422 if error else 200,
    )
