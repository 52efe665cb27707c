"""Logins: an unknown name is answered exactly as a known one, failures slow down the next attempts for
a short capped time (nobody can keep a staff member out for long), an administrator can unlock an
account or set its password, `suivant` is only ever a local path, and old hashes are redone at login."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from catalogue import users
from catalogue.cli import cli
from catalogue.store import Store
from tests.rawdb import raw_database
from tests.web.staff_fixtures import MAX_FAILURES, PASSWORD, USER, login

FAST = 2**14
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POLICY = users.LoginPolicy(max_failures=3, first_delay=60, max_delay=600, scrypt_n=FAST)


def _answer(response, name: str) -> tuple[int, str]:
    """Status and page of a login answer, the name typed (echoed in the form) and the token blanked."""
    html = response.get_data(as_text=True).replace(f'value="{name}"', 'value="NOM"')
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def test_an_unknown_name_gets_the_same_answers_as_a_known_one_attempt_after_attempt(staff_app):
    known = [
        _answer(login(staff_app.test_client(), USER, f"faux-{i}"), USER) for i in range(MAX_FAILURES + 2)
    ]
    unknown = [
        _answer(login(staff_app.test_client(), "inconnu", f"faux-{i}"), "inconnu")
        for i in range(MAX_FAILURES + 2)
    ]
    assert [s for s, _ in known] == [401] * MAX_FAILURES + [429, 429]
    assert known == unknown


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_an_unknown_name_is_slowed_down_exactly_as_a_known_one(store, name):
    users.create_user(store, "alice", "premier-mot-1", n=FAST)
    outcomes = []
    for _ in range(4):
        try:
            users.authenticate(store, name, "faux", policy=POLICY, now=T0)
        except users.LoginDelayed as exc:
            outcomes.append(("delayed", str(exc).replace(name, "NOM")))
        except users.LoginFailed as exc:
            outcomes.append(("failed", str(exc)))
    assert [
        ("failed", "nom de compte ou mot de passe incorrect"),
        ("failed", "nom de compte ou mot de passe incorrect"),
        ("failed", "nom de compte ou mot de passe incorrect"),
        (
            "delayed",
            "trop d'échecs de connexion pour 'NOM' : prochain essai possible à 2026-03-01T09:01:00+00:00",
        ),
    ] == outcomes


def test_an_attacker_trying_for_hours_keeps_a_staff_member_out_at_most_the_cap(store):
    users.create_user(store, "alice", "premier-mot-1", n=FAST)
    moment = T0
    for _ in range(60):  # as often as allowed, for hours
        try:
            users.authenticate(store, "alice", "faux", policy=POLICY, now=moment)
        except users.LoginDelayed as exc:
            moment = exc.until
        except users.LoginFailed:
            pass
    retry_at = datetime.fromisoformat(users.get_user(store, "alice").retry_at)
    assert retry_at - moment <= timedelta(seconds=600)
    assert "alice" == users.authenticate(store, "alice", "premier-mot-1", policy=POLICY, now=retry_at).name
    assert 0 == users.get_user(store, "alice").failed_logins  # a success resets the count


def test_failures_of_names_nobody_tries_any_more_are_forgotten(store):
    for i in range(5):
        with pytest.raises(users.LoginFailed):
            users.authenticate(store, f"nom-{i}", "faux", policy=POLICY, now=T0)
    with pytest.raises(users.LoginFailed):
        users.authenticate(store, "autre", "faux", policy=POLICY, now=T0 + timedelta(days=2))
    with raw_database(store) as db:
        assert ["autre"] == [r[0] for r in db.execute("SELECT name FROM login_failures")]


def cli_run(settings, *args, stdin=None):
    runner = CliRunner(env={"CATALOGUE_PASSWORD_SCRYPT_N": str(FAST)})
    return runner.invoke(cli, ["--data-dir", str(settings.data_path), *args], input=stdin)


def test_user_unlock_lets_a_slowed_down_account_log_in_at_once(staff_app):
    client = staff_app.test_client()
    for i in range(MAX_FAILURES):
        login(client, password=f"faux-{i}")
    assert 429 == login(client).status_code
    result = cli_run(staff_app.config["SETTINGS"], "user", "unlock", USER)
    assert (0, f"Compte {USER} débloqué ({MAX_FAILURES} échec(s) effacé(s)).\n") == (
        result.exit_code,
        result.output,
    )
    assert 302 == login(client).status_code


def test_user_passwd_asks_the_new_password_twice_hidden(staff_app):
    result = cli_run(
        staff_app.config["SETTINGS"], "user", "passwd", USER, stdin="nouveau-mot-2\nnouveau-mot-2\n"
    )
    assert 0 == result.exit_code and "nouveau-mot-2" not in result.output
    assert 302 == login(staff_app.test_client(), password="nouveau-mot-2").status_code


def test_user_commands_have_french_help(settings):
    for command in ("passwd", "unlock", "logout", "list", "add", "remove"):
        output = cli_run(settings, "user", command, "--help").output
        assert re.search(r"compte|sessions", output), (command, output)


@pytest.mark.parametrize(
    "target",
    [
        "/equipe/journal\r\nSet-Cookie: pris=1",
        "/equipe/\n",
        "/equipe/\x00",
        "/\\ailleurs.example/",
        "/\\/ailleurs.example/",
        "\\\\ailleurs.example",
        "https:ailleurs.example",
        " //ailleurs.example",
    ],
)
def test_suivant_is_only_ever_a_local_path_and_never_a_500(anonymous, target):
    response = login(anonymous, next_url=target)
    assert (302, "/equipe/") == (response.status_code, response.headers["Location"])


def test_a_local_suivant_with_a_query_is_kept(anonymous):
    response = login(anonymous, next_url="/equipe/ressources?q=guide&page=2")
    assert "/equipe/ressources?q=guide&page=2" == response.headers["Location"]


def test_an_old_hash_is_redone_with_the_current_cost_at_the_next_login(staff_app):
    settings = staff_app.config["SETTINGS"]
    read_hash = "SELECT password_hash FROM users WHERE name = ?"
    with raw_database(settings.database_path) as db:
        old = users.hash_password(PASSWORD, n=FAST)
        db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (old, USER))
    policy = users.LoginPolicy(scrypt_n=2**15)
    with Store.open(settings) as store, raw_database(store) as db:
        users.authenticate(store, USER, PASSWORD, policy=policy)
        stored = db.execute(read_hash, (USER,)).fetchone()[0]
        assert (2**15, 8, 1) == users.hash_cost(stored)
        assert users.check_password(PASSWORD, stored)
        users.authenticate(store, USER, PASSWORD, policy=policy)  # nothing to redo the second time
        again = db.execute(read_hash, (USER,)).fetchone()[0]
    assert stored == again


def test_the_default_cost_is_owasp_scrypt_and_fits_its_memory_limit():
    assert (2**17, 8, 1) == (users.SCRYPT_N, users.SCRYPT_R, users.SCRYPT_P)
    encoded = users.hash_password("un mot de passe assez long")  # 128 MiB: refused by a too small maxmem
    assert (2**17, 8, 1) == users.hash_cost(encoded)
    assert users.check_password("un mot de passe assez long", encoded)
