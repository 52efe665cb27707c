"""The staff member's account page: who is logged in, how many sessions are open, « Se déconnecter partout »."""

from flask import flash, g, redirect, render_template, session, url_for

from catalogue import sessions
from web.context import get_changes, get_store
from web.staff import bp
from web.staff.auth import login_required


@bp.route("/compte")
@login_required
def account():
    """The account of the person logged in, with the button that ends all of its sessions."""
    open_count = sessions.open_sessions(get_store()).get(g.staff_user, 0)
    return render_template("staff/account.html", open_count=open_count)


@bp.route("/compte/deconnexion-partout", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of this account, in every browser (a forgotten computer, a lost phone), then log in again."""
    ended = get_changes().end_sessions(g.staff_user, g.staff_user)
    session.clear()
    flash(
        f"Vous êtes déconnecté·e partout : {ended} "
        f"{'session fermée' if ended <= 1 else 'sessions fermées'}, celle de ce navigateur comprise.",
        "success",
    )
    return redirect(url_for("staff.login"))
