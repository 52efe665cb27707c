"""Withdrawing a resource from the staff page: its public page answers 410 with the reason and a
search link, it leaves the search, the exports and the feeds; restoring brings it back; the audit
log names who did it."""

import json
import re

from catalogue import audit
from catalogue.store import Store
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import USER, csrf_of

REASON = "Remplacé par l'édition 2025"


def withdraw(client, rid, reason=REASON):
    return client.post(
        f"/equipe/ressources/{rid}/retirer", data={"raison": reason, "csrf_token": csrf_of(client)}
    )


def public_traces(client, rid) -> dict:
    """Where the resource shows to the public: search page, CSV, JSON Lines, Atom feed, API search."""
    return {
        "search": rid in client.get("/recherche?q=évaluation").get_data(as_text=True),
        "csv": rid in client.get("/recherche.csv?q=évaluation").get_data(as_text=True),
        "jsonl": rid in client.get("/recherche.jsonl").get_data(as_text=True),
        "atom": rid in client.get("/recherche.atom").get_data(as_text=True),
        "api": rid in client.get("/api/search?q=évaluation").get_data(as_text=True),
    }


def test_a_withdrawn_resource_answers_410_and_leaves_every_public_list(
    staff, anonymous, staff_app, resource_id
):
    assert {k: True for k in ("search", "csv", "jsonl", "atom", "api")} == public_traces(
        anonymous, resource_id
    )
    assert 302 == withdraw(staff, resource_id).status_code
    page = anonymous.get(f"/ressources/{resource_id}")
    html = page.get_data(as_text=True)
    assert 410 == page.status_code
    assert "Ressource retirée du catalogue" in html and REASON.replace("'", "&#39;") in html
    assert re.search(
        r'<a href="/recherche\?q=Guide\+de\+l[^"]+">Chercher des ressources semblables</a>', html
    )
    api = anonymous.get(f"/api/resources/{resource_id}")
    assert (410, REASON) == (api.status_code, api.get_json()["error"]["reason"])
    assert {k: False for k in ("search", "csv", "jsonl", "atom", "api")} == public_traces(
        anonymous, resource_id
    )
    assert "Guide de l" not in anonymous.get("/").get_data(as_text=True)


def test_withdraw_then_restore_from_the_staff_page_is_audited_with_the_person(
    staff, anonymous, staff_app, resource_id
):
    withdraw(staff, resource_id)
    edit = staff.get(f"/equipe/ressources/{resource_id}/modifier").get_data(as_text=True)
    assert "Retirée du catalogue public" in edit and "Remettre au catalogue" in edit
    staff.post(f"/equipe/ressources/{resource_id}/remettre", data={"csrf_token": csrf_of(staff)})
    assert 200 == anonymous.get(f"/ressources/{resource_id}").status_code
    assert public_traces(anonymous, resource_id)["search"]
    with Store.open(staff_app.config["SETTINGS"]) as store:
        entries = audit.entries(store, resource_id=resource_id)
    assert [("resource.restore", USER), ("resource.withdraw", USER)] == [
        (e.action, e.actor) for e in entries[:2]
    ]
    journal = staff.get("/equipe/journal").get_data(as_text=True)
    assert "Retrait du catalogue" in journal and "Remise au catalogue" in journal


def test_delete_from_the_staff_page_needs_a_withdrawal_first(staff, anonymous, staff_app, resource_id):
    refused = staff.post(f"/equipe/ressources/{resource_id}/supprimer", data={"csrf_token": csrf_of(staff)})
    assert 302 == refused.status_code
    assert 200 == anonymous.get(f"/ressources/{resource_id}").status_code
    withdraw(staff, resource_id)
    staff.post(f"/equipe/ressources/{resource_id}/supprimer", data={"csrf_token": csrf_of(staff)})
    assert 404 == anonymous.get(f"/ressources/{resource_id}").status_code
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert [] == store.ids()
        assert "resource.delete" == audit.entries(store, resource_id=resource_id)[0].action
    assert json.loads(anonymous.get("/api/search").get_data(as_text=True))["total"] == 0
