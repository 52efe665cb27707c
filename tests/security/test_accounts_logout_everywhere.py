"""« Se déconnecter partout » on the account page: every session of the account ends (other browsers
included, not other accounts), only with the form's CSRF token, and the audit log says who did it."""

from catalogue import audit, sessions, users
from catalogue.store import Store
from tests.web.staff_fixtures import USER, csrf_of, login

COOKIE = "session"


def store_of(app):
    return Store.open(app.config["SETTINGS"])


def second_browser(app):
    """Another browser where the same person is logged in (a shared computer, a phone)."""
    client = app.test_client()
    assert 302 == login(client).status_code
    return client


def test_the_account_page_shows_the_open_sessions_and_the_button(staff, staff_app):
    second_browser(staff_app)
    html = staff.get("/equipe/compte").get_data(as_text=True)
    assert "Ce compte a 2 sessions ouvertes (ce navigateur et 1 autre)." in html
    assert 'action="/equipe/compte/deconnexion-partout"' in html and "Se déconnecter partout" in html
    assert 'href="/equipe/compte"' in staff.get("/equipe/").get_data(
        as_text=True
    )  # reachable from every page


def test_logging_out_everywhere_ends_every_session_of_the_account_only(staff, staff_app):
    other_browser = second_browser(staff_app)
    with store_of(staff_app) as store:
        users.create_user(store, "bruno", "mot-de-bruno-1", n=2**14)
    colleague = staff_app.test_client()
    assert 302 == login(colleague, "bruno", "mot-de-bruno-1").status_code
    response = staff.post("/equipe/compte/deconnexion-partout", data={"csrf_token": csrf_of(staff)})
    assert (302, "/equipe/connexion") == (response.status_code, response.headers["Location"])
    page = staff.get("/equipe/connexion").get_data(as_text=True)
    assert "Vous êtes déconnecté·e partout : 2 sessions fermées, celle de ce navigateur comprise." in page
    assert 302 == staff.get("/equipe/").status_code
    assert 302 == other_browser.get("/equipe/").status_code  # the other browser is logged out too
    assert 200 == colleague.get("/equipe/").status_code  # another account keeps its session
    with store_of(staff_app) as store:
        assert {"bruno": 1} == sessions.open_sessions(store)
        [entry] = [e for e in audit.entries(store) if e.action == "user.logout"]
    assert (USER, None) == (entry.actor, entry.resource_id)
    assert entry.detail == f"{USER} : 2 sessions fermées (« Se déconnecter partout »)"


def test_logging_out_everywhere_without_the_csrf_token_is_refused_and_ends_nothing(staff, staff_app):
    other_browser = second_browser(staff_app)
    forged = staff.post("/equipe/compte/deconnexion-partout", data={"csrf_token": "faux"})
    assert 400 == forged.status_code
    assert 400 == staff.post("/equipe/compte/deconnexion-partout").status_code
    assert (200, 200) == (staff.get("/equipe/").status_code, other_browser.get("/equipe/").status_code)
    with store_of(staff_app) as store:
        assert {USER: 2} == sessions.open_sessions(store)
        assert [] == [e for e in audit.entries(store) if e.action == "user.logout"]


def test_logging_out_everywhere_needs_to_be_logged_in(anonymous):
    response = anonymous.post("/equipe/compte/deconnexion-partout", data={"csrf_token": csrf_of(anonymous)})
    assert (302, True) == (response.status_code, response.headers["Location"].startswith("/equipe/connexion"))
    assert 302 == anonymous.get("/equipe/compte").status_code
