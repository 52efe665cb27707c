"""The staff home page and the audit log page."""

from flask import render_template, request, url_for

from catalogue import audit
from web.context import get_store, get_vocabularies
from web.staff import bp
from web.staff.auth import login_required
from web.staff.forms import LABELS
from web.staff.journalview import entry_view

PER_PAGE = 50
ACTIONS = {
    "resource.create": "Ajout",
    "resource.edit": "Modification",
    "resource.crawl": "Exploration",
    "link.accept_moved": "Nouvelle adresse acceptée",
    "link.accept_document": "Document accepté tel qu'il est",
    "page.import": "Import d'une page",
    "proposal.accept": "Proposition acceptée",
    "proposal.reject": "Proposition refusée",
    "source.add": "Source ajoutée",
    "source.remove": "Source retirée",
    "source.watch": "Lecture des sources",
    "resource.merge": "Ressources fusionnées",
    "resource.withdraw": "Retrait du catalogue",
    "resource.restore": "Remise au catalogue",
    "resource.delete": "Suppression",
    "resource.import": "Import d'un fichier",
    "check.run": "Vérification des liens",
    "user.add": "Compte créé",
    "user.remove": "Compte supprimé",
    "user.passwd": "Mot de passe changé",
    "user.unlock": "Compte débloqué",
    "user.logout": "Sessions fermées",
}


@bp.route("/")
@login_required
def home():
    """Where staff start: links to every staff page and the latest changes."""
    store = get_store()
    latest = [entry_view(e, get_vocabularies(), LABELS) for e in audit.entries(store, limit=5)]
    return render_template("staff/home.html", latest=latest, actions=ACTIONS, total=store.count())


@bp.route("/journal")
@login_required
def journal():
    """Who changed what, newest first, by pages of 50; ?ressource=ID narrows to one resource."""
    store = get_store()
    rid = request.args.get("ressource") or None
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    total = audit.count(store, resource_id=rid)
    items = audit.entries(store, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, resource_id=rid)
    pages = max(1, -(-total // PER_PAGE))

    ids = sorted({e.resource_id for e in items if e.resource_id})
    titles = store.titles(ids)

    def page_url(n: int) -> str:
        return url_for("staff.journal", page=n, ressource=rid)

    labels = {**LABELS, "id": "Identifiant", "reason": "Raison"}
    return render_template(
        "staff/journal.html",
        entries=[entry_view(e, get_vocabularies(), labels) for e in items],
        actions=ACTIONS,
        total=total,
        page=page,
        pages=pages,
        previous_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
        resource_id=rid,
        titles=titles,
    )
