"""Staff sessions live on the server: a copied cookie is worth nothing after logging out, a password
change, removing the account (even if it is added again) or `catalogue user logout`."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from catalogue import sessions, users
from catalogue.cli import cli
from catalogue.store import Store
from tests.rawdb import raw_database
from tests.web.staff_fixtures import PASSWORD, USER, csrf_of, login

COOKIE = "session"


def stolen_cookie(client) -> str:
    """The session cookie of a logged-in client, as someone who copied it would have it."""
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """A new client presenting the copied cookie to a staff page."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief.get("/equipe/")


def cli_run(app, *args, stdin=None):
    settings = app.config["SETTINGS"]
    runner = CliRunner(env={"CATALOGUE_PASSWORD_SCRYPT_N": str(settings.password_scrypt_n)})
    return runner.invoke(cli, ["--data-dir", str(settings.data_path), *args], input=stdin)


def test_a_copied_cookie_opens_the_staff_pages_while_the_session_lives(staff, staff_app):
    assert 200 == replay(staff_app, stolen_cookie(staff)).status_code


def test_a_cookie_replayed_after_logout_gets_the_login_page(staff, staff_app):
    cookie = stolen_cookie(staff)
    staff.post("/equipe/deconnexion", data={"csrf_token": csrf_of(staff)})
    response = replay(staff_app, cookie)
    assert (302, True) == (response.status_code, response.headers["Location"].startswith("/equipe/connexion"))


def test_a_cookie_replayed_after_logout_cannot_create_a_resource(staff, staff_app):
    cookie, token = stolen_cookie(staff), csrf_of(staff)
    staff.post("/equipe/deconnexion", data={"csrf_token": token})
    thief = staff_app.test_client()
    thief.set_cookie(COOKIE, cookie)
    response = thief.post(
        "/equipe/ressources/nouvelle",
        data={"csrf_token": token, "url": "https://pirate.example/x", "title": "Piraté"},
    )
    assert response.status_code in (302, 400)
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert store.find_by_url("https://pirate.example/x") is None


def test_removing_then_adding_the_account_again_does_not_revive_an_old_cookie(staff, staff_app):
    cookie = stolen_cookie(staff)
    assert 0 == cli_run(staff_app, "user", "remove", USER).exit_code
    added = cli_run(staff_app, "user", "add", USER, "--password-stdin", stdin="un-autre-mot-2\n")
    assert 0 == added.exit_code
    assert 302 == replay(staff_app, cookie).status_code


def test_a_password_change_ends_every_session_of_the_account(staff, staff_app):
    cookie = stolen_cookie(staff)
    result = cli_run(staff_app, "user", "passwd", USER, "--password-stdin", stdin="nouveau-mot-2\n")
    assert (0, f"Mot de passe du compte {USER} changé ; 1 session(s) fermée(s).\n") == (
        result.exit_code,
        result.output,
    )
    assert 302 == replay(staff_app, cookie).status_code
    assert 401 == login(staff_app.test_client()).status_code  # the old password no longer opens
    assert 302 == login(staff_app.test_client(), password="nouveau-mot-2").status_code


def test_user_logout_ends_the_sessions_of_one_account(staff, staff_app):
    cookie = stolen_cookie(staff)
    result = cli_run(staff_app, "user", "logout", USER)
    assert (0, "1 session(s) fermée(s).\n") == (result.exit_code, result.output)
    assert 302 == replay(staff_app, cookie).status_code


def test_user_logout_all_ends_every_session_of_every_account(staff, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        users.create_user(store, "bruno", "mot-de-bruno-1", n=2**14)
    other = staff_app.test_client()
    assert 302 == login(other, "bruno", "mot-de-bruno-1").status_code
    cookies = [stolen_cookie(staff), stolen_cookie(other)]
    result = cli_run(staff_app, "user", "logout", "--all")
    assert (0, "2 session(s) fermée(s).\n") == (result.exit_code, result.output)
    assert 2 == cli_run(staff_app, "user", "list").output.count("\t0 session(s)")
    assert [302, 302] == [replay(staff_app, c).status_code for c in cookies]


def test_user_logout_wants_a_name_or_all(staff_app):
    result = cli_run(staff_app, "user", "logout")
    assert (2, True) == (result.exit_code, "donnez un nom de compte, ou --all" in result.output)


def test_a_session_ends_on_the_server_after_its_lifetime_whatever_the_cookie(store):
    users.create_user(store, "alice", "premier-mot-1", n=2**14)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    token = sessions.open_session(store, "alice", lifetime=timedelta(hours=8), now=start)
    assert "alice" == sessions.session_user(store, token, now=start + timedelta(hours=7, minutes=59))
    assert None is sessions.session_user(store, token, now=start + timedelta(hours=8))


def test_the_database_holds_no_usable_session_token(staff, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store, raw_database(store) as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM staff_sessions")]
        assert 1 == len(stored)
        assert None is sessions.session_user(store, stored[0])  # the hash itself opens nothing


@pytest.mark.parametrize("field", ["staff_session", "csrf_token"])
def test_a_forged_session_value_opens_nothing(staff_app, field):
    client = staff_app.test_client()
    with client.session_transaction() as session:
        session[field] = "x" * 43
        session["staff_user"] = USER  # what the site trusted before sessions lived on the server
    assert 302 == client.get("/equipe/").status_code


def test_the_login_still_works_with_the_real_password(anonymous):
    assert 302 == login(anonymous, USER, PASSWORD).status_code
    assert 200 == anonymous.get("/equipe/").status_code
