"""Staff buttons that take a resource out of the public catalogue: withdraw, restore, delete."""

from flask import abort, flash, g, redirect, request, url_for

from catalogue.errors import CatalogueError, NotFound
from web.context import flash_notes, get_changes
from web.staff import bp
from web.staff.auth import login_required


def _act(rid: str, action: str, success: str, *args) -> bool:
    """Run one action of catalogue/changes.py as the logged-in person; flash the outcome; True if done."""
    changes = get_changes()
    try:
        title = changes.store.get(rid).title
        getattr(changes, action)(g.staff_user, rid, *args)
    except NotFound:
        abort(404)
    except CatalogueError as exc:
        flash(str(exc), "error")
        return False
    flash(success.format(title=title), "success")
    flash_notes(changes)
    return True


@bp.route("/ressources/<rid>/retirer", methods=["POST"])
@login_required
def resource_withdraw(rid: str):
    """Withdraw a resource with the reason typed in the form."""
    reason = request.form.get("raison", "").strip()[:500]
    _act(rid, "withdraw", "« {title} » est retirée du catalogue public.", reason)
    return redirect(url_for("staff.resource_edit", rid=rid))


@bp.route("/ressources/<rid>/remettre", methods=["POST"])
@login_required
def resource_restore(rid: str):
    """Put a withdrawn resource back in the public catalogue."""
    _act(rid, "restore", "« {title} » est de nouveau au catalogue public.")
    return redirect(url_for("staff.resource_edit", rid=rid))


@bp.route("/ressources/<rid>/supprimer", methods=["POST"])
@login_required
def resource_delete(rid: str):
    """Delete a withdrawn resource for good (refused, with the reason, while it is listed)."""
    if _act(rid, "delete", "« {title} » est supprimée."):
        return redirect(url_for("staff.resource_list"))
    return redirect(url_for("staff.resource_edit", rid=rid))
