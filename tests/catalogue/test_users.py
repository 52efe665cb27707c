"""Staff accounts: hashing, creation rules, lockout growth, and the `catalogue user` commands."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from catalogue import audit, sessions, users
from catalogue.cli import cli
from catalogue.store import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


FAST = 2**14  # scrypt cost of these tests (the product's default, 2^17, costs ~0.5 s per hash)
POLICY = users.LoginPolicy(max_failures=3, first_delay=60, max_delay=600, scrypt_n=FAST)


def create(store, name="alice", password="premier-mot-1", **kwargs):
    return users.create_user(store, name, password, n=FAST, **kwargs)


def test_hash_is_salted_and_checks_only_the_right_password():
    first, second = (
        users.hash_password("un mot de passe", n=FAST),
        users.hash_password("un mot de passe", n=FAST),
    )
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
        create(store, name, password)
    assert [] == users.list_users(store)


def test_a_name_is_taken_once(store):
    create(store)
    with pytest.raises(users.UserError, match="existe déjà"):
        create(store, "alice", "second-mot-2")


def test_authenticate_returns_the_account_and_stamps_the_login(store):
    create(store, now=T0)
    account = users.authenticate(
        store, "alice", "premier-mot-1", policy=POLICY, now=T0 + timedelta(minutes=1)
    )
    assert ("alice", "2026-03-01T09:01:00+00:00", 0) == (
        account.name,
        account.last_login_at,
        account.failed_logins,
    )


def test_unknown_user_and_wrong_password_raise_the_same_error(store):
    create(store)
    with pytest.raises(users.LoginFailed) as unknown:
        users.authenticate(store, "bob", "premier-mot-1", policy=POLICY)
    with pytest.raises(users.LoginFailed) as wrong:
        users.authenticate(store, "alice", "mauvais-mot", policy=POLICY)
    assert str(unknown.value) == str(wrong.value)


def test_failure_delay_starts_at_the_limit_doubles_and_is_capped():
    policy = users.LoginPolicy(max_failures=5, first_delay=2, max_delay=300)
    delays = [users.failure_delay(n, policy).total_seconds() for n in (4, 5, 6, 7, 12, 13, 14, 10**6)]
    assert [0, 2, 4, 8, 256, 300, 300, 300] == delays


def test_failed_logins_wait_a_doubling_delay_and_attempts_during_it_are_refused_unchecked(store):
    create(store)
    outcomes, moment = [], T0
    for _ in range(5):
        try:
            users.authenticate(store, "alice", "faux", policy=POLICY, now=moment)
            outcomes.append("ok")
        except users.LoginDelayed as exc:
            outcomes.append(("delayed", int((exc.until - moment).total_seconds())))
            moment = exc.until  # wait, then fail again
        except users.LoginFailed:
            outcomes.append("failed")
    assert ["failed", "failed", "failed", ("delayed", 60), "failed"] == outcomes
    with pytest.raises(users.LoginDelayed):  # even the right password, during the wait
        users.authenticate(store, "alice", "premier-mot-1", policy=POLICY, now=moment)
    account = users.authenticate(
        store, "alice", "premier-mot-1", policy=POLICY, now=moment + timedelta(seconds=120)
    )
    assert (0, None) == (account.failed_logins, account.retry_at)


def test_unlock_forgets_the_failures(store):
    create(store)
    for _ in range(3):
        with pytest.raises(users.LoginFailed):
            users.authenticate(store, "alice", "faux", policy=POLICY, now=T0)
    assert 3 == users.unlock(store, "alice")
    assert "alice" == users.authenticate(store, "alice", "premier-mot-1", policy=POLICY, now=T0).name


def test_set_password_replaces_it_clears_the_failures_and_ends_the_sessions(store):
    create(store)
    token = sessions.open_session(store, "alice")
    for _ in range(3):
        with pytest.raises(users.LoginFailed):
            users.authenticate(store, "alice", "faux", policy=POLICY, now=T0)
    assert 1 == users.set_password(store, "alice", "nouveau-mot-2", n=FAST)
    assert None is sessions.session_user(store, token)
    assert users.authenticate(store, "alice", "nouveau-mot-2", policy=POLICY, now=T0).name == "alice"


def test_remove_user(store):
    create(store)
    users.remove_user(store, "alice")
    assert not users.user_exists(store, "alice")
    with pytest.raises(users.UserError, match="aucun compte nommé 'alice'"):
        users.remove_user(store, "alice")


# -- the CLI ---------------------------------------------------------------------


def run(settings, args, stdin=None):
    runner = CliRunner(env={"CATALOGUE_PASSWORD_SCRYPT_N": str(FAST)})
    return runner.invoke(cli, ["--data-dir", str(settings.data_path), *args], input=stdin)


def test_cli_user_add_asks_the_password_twice_and_stores_a_hash(settings):
    result = run(settings, ["user", "add", "alice"], stdin="premier-mot-1\npremier-mot-1\n")
    assert (0, "Compte alice créé.") == (result.exit_code, result.output.strip().splitlines()[-1])
    assert "premier-mot-1" not in result.output  # hidden input is not echoed
    with Store.open(settings) as store:
        assert users.authenticate(store, "alice", "premier-mot-1", policy=POLICY).name == "alice"


def test_cli_user_add_asks_again_when_the_two_passwords_differ(settings):
    result = run(
        settings, ["user", "add", "alice"], stdin="premier-mot-1\nautre-mot-2\nbon-mot-333\nbon-mot-333\n"
    )
    assert result.exit_code == 0
    with Store.open(settings) as store:
        assert users.authenticate(store, "alice", "bon-mot-333", policy=POLICY).name == "alice"


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
        (
            ["user", "passwd", "personne", "--password-stdin"],
            "assez-long-1\n",
            "aucun compte nommé 'personne'",
        ),
        (["user", "unlock", "personne"], None, "aucun compte nommé 'personne'"),
        (["user", "logout", "personne"], None, "aucun compte nommé 'personne'"),
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
