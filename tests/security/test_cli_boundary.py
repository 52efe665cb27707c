"""The command line's error boundary: an expected failure is one French line and exit 2, a bug asks to be reported.

Exit code 1 means "some resources failed" to cron and to the systemd unit
(SuccessExitStatus=1): a crash must never exit 1, and a person must read one clear line.
"""

import errno
import json
import socket
import sqlite3

import click
from click.testing import CliRunner

from catalogue.cli import Group
from catalogue.cli.boundary import expected_failure
from tests.localserver import Response


def test_search_on_an_empty_catalogue_after_reindex_finds_nothing_cleanly(catalogue, data_dir):
    data_dir.mkdir()
    assert 0 == catalogue("reindex").code
    ran = catalogue("search", "--json", "évaluation")
    assert (0, "") == (ran.code, ran.stderr)
    answer = json.loads(ran.stdout)
    assert (0, []) == (answer["total"], answer["results"])
    ran = catalogue("search", "évaluation")
    assert (0, "") == (ran.code, ran.stderr)


def test_check_report_into_a_missing_folder_is_refused_before_any_link_is_checked(
    catalogue, server, tmp_path
):
    server.routes["/guide"] = Response(200, b"<html><title>Guide</title></html>")
    line = json.dumps({"url": server.url("/guide"), "title": "Guide"})
    assert 0 == catalogue("import", "--no-index", "-", input=line + "\n").code
    missing = tmp_path / "absent" / "rapport.json"
    ran = catalogue("check", "--all", "--report", missing)
    ran.assert_one_french_line(str(missing), "n'existe pas")
    assert [] == server.log  # refused before the check, not after it


def test_export_into_a_missing_folder_is_refused(catalogue, tmp_path):
    target = tmp_path / "absent" / "export.jsonl"
    catalogue("export", "--output", target).assert_one_french_line(str(target), "n'existe pas")


def test_export_to_a_full_device_says_the_disk_is_full(catalogue):
    line = json.dumps({"url": "https://ex.example/a", "title": "A"})
    assert 0 == catalogue("import", "--no-index", "-", input=line + "\n").code
    with open("/dev/full", "w") as full:  # every write fails with ENOSPC, as on a full disk
        ran = catalogue("export", stdout=full)
    ran.assert_one_french_line("disque plein")


def test_serve_on_a_port_in_use_says_so_before_loading_anything(catalogue, data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = catalogue("serve", "--port", port)
    ran.assert_one_french_line(f"127.0.0.1:{port}", "déjà utilisée")
    assert "Catalogue servi" not in ran.stdout
    assert not (data_dir / "catalogue.sqlite3").exists()  # the seed was not loaded for nothing


def test_serve_on_an_unknown_host_names_it(catalogue):
    catalogue("serve", "--host", "nom-inconnu.invalid", "--port", "8123").assert_one_french_line(
        "nom-inconnu.invalid:8123"
    )


def test_a_busy_database_is_named_in_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "catalogue.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("INSERT INTO t VALUES (1)")
    except sqlite3.OperationalError as exc:  # the real exception a locked database raises
        busy = exc
    finally:
        other.close()
        holder.close()
    message = expected_failure(busy, path)
    assert f"la base de données {path} est occupée par un autre processus" in message


def test_a_sqlite_bug_is_not_taken_for_an_expected_failure():
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("SELECT * FROM nowhere")
    except sqlite3.OperationalError as exc:
        assert expected_failure(exc) is None
    finally:
        conn.close()


def test_os_failures_name_their_file():
    assert "permission refusée : /srv/x" == expected_failure(
        PermissionError(errno.EACCES, "denied", "/srv/x")
    )
    assert expected_failure(OSError(errno.ENOSPC, "full", "/srv/y")).startswith("disque plein")


def test_a_bug_prints_its_traceback_then_asks_to_be_reported_and_exits_2():
    @click.group(cls=Group)
    def group():
        pass

    @group.command()
    def broken():
        return {}["missing"]

    result = CliRunner().invoke(group, ["broken"])
    assert 2 == result.exit_code
    assert "Traceback" in result.stderr and "KeyError: 'missing'" in result.stderr
    assert "signaler" in result.stderr.splitlines()[-1]


def test_the_network_down_names_the_address(server):
    import requests

    closed = server.url("/").rsplit(":", 1)[0] + ":9/"  # port 9 on 127.0.0.1 refuses connections
    try:
        requests.get(closed, timeout=5)
    except requests.ConnectionError as exc:  # the real exception of a network that is down
        message = expected_failure(exc)
    assert message.startswith("réseau indisponible ou adresse injoignable : http://127.0.0.1:9/")
