"""Access rules of the staff pages: login, logout, lockout, CSRF, cookie flags."""

import re

import pytest

from catalogue import users
from catalogue.store import Store
from tests.rawdb import raw_database
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import MAX_FAILURES, PASSWORD, USER, csrf_of, login, make_app, staff_settings

PROTECTED_GETS = [
    "/equipe/",
    "/equipe/liens",
    "/equipe/ressources",
    "/equipe/ressources?q=guide",
    "/equipe/ressources/nouvelle",
    "/equipe/ressources/{rid}/modifier",
    "/equipe/importer",
    "/equipe/journal",
]
PROTECTED_POSTS = [
    "/equipe/ressources/nouvelle",
    "/equipe/ressources/{rid}/modifier",
    "/equipe/ressources/{rid}/explorer",
    "/equipe/liens/{rid}/accepter",
    "/equipe/importer",
]


@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_anonymous_get_of_a_staff_page_redirects_to_login_with_the_page_to_come_back_to(
    anonymous, resource_id, path
):
    path = path.format(rid=resource_id)
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/equipe/connexion?suivant=")
    assert anonymous.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("path", PROTECTED_POSTS)
def test_anonymous_post_with_a_valid_token_is_redirected_to_login_and_changes_nothing(
    anonymous, resource_id, path
):
    response = anonymous.post(
        path.format(rid=resource_id), data={"csrf_token": csrf_of(anonymous), "title": "X"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/equipe/connexion")


@pytest.mark.parametrize("path", PROTECTED_POSTS + ["/equipe/connexion", "/equipe/deconnexion"])
def test_post_without_csrf_token_is_refused_with_400_even_when_logged_in(staff, resource_id, path):
    assert staff.post(path.format(rid=resource_id), data={"title": "Piraté"}).status_code == 400


def test_a_refused_form_is_explained_in_french(staff):
    response = staff.post("/equipe/ressources/nouvelle", data={"title": "X"})
    html = response.get_data(as_text=True)
    assert (400, True, True) == (
        response.status_code,
        "<h1>Formulaire refusé</h1>" in html,
        "Jeton de sécurité absent ou périmé" in html,
    )


def test_the_login_page_sends_a_logged_in_user_on(staff):
    response = staff.get("/equipe/connexion?suivant=/equipe/journal")
    assert (302, "/equipe/journal") == (response.status_code, response.headers["Location"])


def test_post_with_a_wrong_csrf_token_is_refused_and_the_resource_is_unchanged(staff, staff_app, resource_id):
    response = staff.post(
        f"/equipe/ressources/{resource_id}/modifier", data={"title": "Piraté", "csrf_token": "faux"}
    )
    assert response.status_code == 400
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert store.get(resource_id).title == "Guide de l'évaluation"


def test_login_goes_back_to_the_page_asked_for_and_opens_it(anonymous):
    first = anonymous.get("/equipe/journal")
    next_url = re.search(r"suivant=([^&]+)", first.headers["Location"]).group(1)
    response = login(anonymous, next_url="/equipe/journal")
    assert (302, "/equipe/journal") == (response.status_code, response.headers["Location"])
    assert next_url == "/equipe/journal"
    page = anonymous.get("/equipe/journal")
    assert page.status_code == 200
    assert "Journal des modifications" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://ailleurs.example/", "//ailleurs.example/", "javascript:alert(1)", ""]
)
def test_login_never_redirects_to_another_site(anonymous, target):
    response = login(anonymous, next_url=target)
    assert response.headers["Location"] == "/equipe/"


def test_wrong_password_is_refused_in_french_without_saying_which_part_is_wrong(anonymous):
    response = login(anonymous, password="pas-le-bon-mot")
    assert response.status_code == 401
    assert "Nom d&#39;utilisateur ou mot de passe incorrect." in response.get_data(as_text=True)
    assert anonymous.get("/equipe/").status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(anonymous):
    response = login(anonymous, name="inconnu", password="peu-importe-123")
    assert response.status_code == 401
    assert "Nom d&#39;utilisateur ou mot de passe incorrect." in response.get_data(as_text=True)


def test_after_repeated_failures_each_attempt_waits_even_with_the_right_password(anonymous, staff_app):
    statuses = [login(anonymous, password=f"mauvais-{i}").status_code for i in range(MAX_FAILURES)]
    assert [401] * MAX_FAILURES == statuses
    response = login(anonymous)
    assert response.status_code == 429
    assert "réessayez dans 5 minutes" in response.get_data(as_text=True)  # 600 s, capped at 300
    assert anonymous.get("/equipe/").status_code == 302
    with Store.open(staff_app.config["SETTINGS"]) as store:
        account = users.get_user(store, USER)
    assert (MAX_FAILURES, True) == (account.failed_logins, account.retry_at is not None)


def test_a_success_before_the_limit_resets_the_failure_count(anonymous, staff_app):
    for i in range(MAX_FAILURES - 1):
        login(anonymous, password=f"mauvais-{i}")
    assert login(anonymous).status_code == 302
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert users.get_user(store, USER).failed_logins == 0


def test_session_cookie_is_httponly_and_samesite_lax_and_not_secure_by_default(anonymous):
    response = login(anonymous)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_the_site_is_served_over_https(tmp_path, staff_template):
    app = make_app(staff_settings(tmp_path, secure_cookies=True), template=staff_template)
    client = app.test_client()
    response = login(client)
    assert "Secure" in response.headers["Set-Cookie"]


def test_login_replaces_the_csrf_token_seen_before(anonymous):
    before = csrf_of(anonymous)
    login(anonymous)
    assert csrf_of(anonymous) != before


def test_logout_ends_the_session(staff):
    assert staff.get("/equipe/").status_code == 200
    response = staff.post("/equipe/deconnexion", data={"csrf_token": csrf_of(staff)})
    assert (302, "/equipe/connexion") == (response.status_code, response.headers["Location"])
    assert staff.get("/equipe/").status_code == 302


def test_a_removed_account_is_logged_out_on_its_next_request(staff, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        users.remove_user(store, USER)
    assert staff.get("/equipe/").status_code == 302


def test_staff_pages_are_never_cached_and_show_who_is_logged_in(staff):
    response = staff.get("/equipe/")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert 'Connecté·e : <a href="/equipe/compte"><strong>alice</strong></a>' in html  # the account page
    assert 'href="/equipe/">Espace équipe</a>' in html or "Espace équipe" in html


def test_login_form_has_labels_and_a_csrf_field(anonymous):
    html = anonymous.get("/equipe/connexion").get_data(as_text=True)
    assert '<label for="nom">' in html and '<label for="mot_de_passe">' in html
    assert re.search(r'name="csrf_token" value="[^"]{20,}"', html)
    assert 'autocomplete="current-password"' in html


def test_password_is_hashed_in_the_database(staff_app):
    with raw_database(staff_app.config["SETTINGS"].database_path) as db:
        stored = db.execute("SELECT password_hash FROM users WHERE name = ?", (USER,)).fetchone()[0]
    assert PASSWORD not in stored and stored.startswith("scrypt$")
