"""Staff accounts: hashing, creation rules, lockout growth, and the `catalogue user` commands."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from catalogue import audit, users
from catalogue.cli import cli
from catalogue.store import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_hash_is_salted_and_checks_only_the_right_password():
    first, second = users.hash_password("un mot de passe"), users.hash_password("un mot de passe")
    assert first != second
    assert [True, False, False] == [
        users.check_password("un mot de passe", first),
        users.check_password("un autre", first),
        users.check_password("un mot de passe", "md5$abc"),
    ]


@pytest.mark.parametrize(
    "name, password, message",
    [
        ("Alice", "assez-long-1", "nom de compte invalide 'Alice'"),
        ("a", "assez-long-1", "nom de compte invalide 'a'"),
        ("bob smith", "assez-long-1", "nom de compte invalide"),
        ("bob", "court", "au moins 10 caractères"),
    ],
)
def test_invalid_names_and_short_passwords_are_refused(store, name, password, message):
    with pytest.raises(users.UserError, match=message):
        users.create_user(store, name, password)
    assert [] == users.list_users(store)


def test_a_name_is_taken_once(store):
    users.create_user(store, "alice", "premier-mot-1")
    with pytest.raises(users.UserError, match="existe déjà"):
        users.create_user(store, "alice", "second-mot-2")


def test_authenticate_returns_the_account_and_stamps_the_login(store):
    users.create_user(store, "alice", "premier-mot-1", now=T0)
    account = users.authenticate(store, "alice", "premier-mot-1", now=T0 + timedelta(minutes=1))
    assert ("alice", "2026-03-01T09:01:00+00:00", 0) == (
        account.name,
        account.last_login_at,
        account.failed_logins,
    )


def test_unknown_user_and_wrong_password_raise_the_same_error(store):
    users.create_user(store, "alice", "premier-mot-1")
    with pytest.raises(users.LoginFailed) as unknown:
        users.authenticate(store, "bob", "premier-mot-1")
    with pytest.raises(users.LoginFailed) as wrong:
        users.authenticate(store, "alice", "mauvais-mot")
    assert str(unknown.value) == str(wrong.value)


def test_lockout_starts_at_the_limit_and_doubles_with_each_further_failure(store):
    users.create_user(store, "alice", "premier-mot-1")
    outcomes = []
    moment = T0
    for _ in range(5):
        try:
            users.authenticate(store, "alice", "faux", max_failures=3, lockout_seconds=60, now=moment)
        except users.AccountLocked as exc:
            outcomes.append(("locked", int((exc.until - moment).total_seconds())))
            moment = exc.until  # wait out the lock, then fail again
        except users.LoginFailed:
            outcomes.append(("failed", 0))
    assert [("failed", 0), ("failed", 0), ("locked", 60), ("locked", 120), ("locked", 240)] == outcomes


def test_a_locked_account_refuses_even_the_right_password_until_the_lock_ends(store):
    users.create_user(store, "alice", "premier-mot-1")
    for _ in range(3):
        with pytest.raises(users.LoginFailed):
            users.authenticate(store, "alice", "faux", max_failures=4, now=T0)
    with pytest.raises(users.AccountLocked):
        users.authenticate(store, "alice", "faux", max_failures=4, lockout_seconds=300, now=T0)
    with pytest.raises(users.AccountLocked):
        users.authenticate(store, "alice", "premier-mot-1", max_failures=4, now=T0 + timedelta(seconds=299))
    account = users.authenticate(
        store, "alice", "premier-mot-1", max_failures=4, now=T0 + timedelta(seconds=300)
    )
    assert (0, None) == (account.failed_logins, account.locked_until)


def test_lockout_delay_is_capped_at_a_day():
    assert timedelta(hours=24) == users.lockout_delay(40, 5, 900)
    assert timedelta(0) == users.lockout_delay(4, 5, 900)


def test_set_password_replaces_it_and_clears_the_lock(store):
    users.create_user(store, "alice", "premier-mot-1")
    with pytest.raises(users.AccountLocked):
        users.authenticate(store, "alice", "faux", max_failures=1, now=T0)
    users.set_password(store, "alice", "nouveau-mot-2")
    assert users.authenticate(store, "alice", "nouveau-mot-2", now=T0).name == "alice"


def test_remove_user(store):
    users.create_user(store, "alice", "premier-mot-1")
    users.remove_user(store, "alice")
    assert not users.user_exists(store, "alice")
    with pytest.raises(users.UserError, match="aucun compte nommé 'alice'"):
        users.remove_user(store, "alice")


# -- the CLI ---------------------------------------------------------------------


def run(settings, args, stdin=None):
    return CliRunner().invoke(cli, ["--data-dir", str(settings.data_path), *args], input=stdin)


def test_cli_user_add_asks_the_password_twice_and_stores_a_hash(settings):
    result = run(settings, ["user", "add", "alice"], stdin="premier-mot-1\npremier-mot-1\n")
    assert (0, "Compte alice créé.") == (result.exit_code, result.output.strip().splitlines()[-1])
    assert "premier-mot-1" not in result.output  # hidden input is not echoed
    with Store.open(settings) as store:
        assert users.authenticate(store, "alice", "premier-mot-1").name == "alice"


def test_cli_user_add_asks_again_when_the_two_passwords_differ(settings):
    result = run(
        settings, ["user", "add", "alice"], stdin="premier-mot-1\nautre-mot-2\nbon-mot-333\nbon-mot-333\n"
    )
    assert result.exit_code == 0
    with Store.open(settings) as store:
        assert users.authenticate(store, "alice", "bon-mot-333").name == "alice"


def test_cli_user_add_reads_the_password_from_stdin_for_scripts(settings):
    assert run(settings, ["user", "add", "bob", "--password-stdin"], stdin="depuis-stdin-1\n").exit_code == 0
    listing = run(settings, ["user", "list"])
    assert listing.output.startswith("bob\tcréé ")


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["user", "add", "Alice", "--password-stdin"], "assez-long-1\n", "nom de compte invalide 'Alice'"),
        (["user", "add", "bob", "--password-stdin"], "court\n", "au moins 10 caractères"),
        (["user", "add", "bob", "--password-stdin"], "", "aucun mot de passe sur l'entrée standard"),
        (["user", "remove", "personne"], None, "aucun compte nommé 'personne'"),
    ],
)
def test_cli_user_errors_exit_2_with_a_clear_message(settings, args, stdin, message):
    result = run(settings, args, stdin)
    assert result.exit_code == 2
    assert "catalogue : erreur : " in result.output and message in result.output


def test_cli_user_remove_and_both_changes_are_in_the_audit_log(settings):
    run(settings, ["user", "add", "bob", "--password-stdin"], stdin="depuis-stdin-1\n")
    result = run(settings, ["user", "remove", "bob"])
    assert (0, "Compte bob supprimé.\n") == (result.exit_code, result.output)
    assert run(settings, ["user", "list"]).output == ""
    with Store.open(settings) as store:
        entries = audit.entries(store)
    assert [("user.remove", "bob"), ("user.add", "bob")] == [(e.action, e.detail) for e in entries]
    assert entries[0].actor.startswith("console")
