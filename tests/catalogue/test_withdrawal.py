"""Withdrawing, restoring and deleting a resource from the command line; a refused address writes nothing."""

import json

import pytest
from click.testing import CliRunner

from catalogue import audit, linkhealth
from catalogue.cli import cli
from catalogue.settings import Settings
from catalogue.store import Store

LINES = [
    {"url": "https://ex.example/guide", "title": "Guide de l'évaluation", "themes": ["evaluation"]},
    {"url": "https://ex.example/rapport", "title": "Rapport annuel", "themes": ["evaluation"]},
]


@pytest.fixture
def run(tmp_path):
    data = str(tmp_path / "data")

    def invoke(*args, input=None, env=None):
        return CliRunner().invoke(cli, ["--data-dir", data, *args], input=input, env=env)

    invoke.data = data
    jsonl = "".join(json.dumps(line) + "\n" for line in LINES)
    assert 0 == invoke("import", "-", input=jsonl).exit_code
    return invoke


def search_titles(run, q="évaluation"):
    return sorted(r["title"] for r in json.loads(run("search", q, "--json").output)["results"])


def test_a_withdrawn_resource_leaves_search_and_export_and_comes_back_when_restored(run):
    assert ["Guide de l'évaluation", "Rapport annuel"] == search_titles(run)
    result = run("withdraw", "https://ex.example/rapport", "--reason", "Doublon du rapport 2023")
    assert (0, True) == (result.exit_code, result.output.startswith("Retirée du catalogue : "))
    assert ["Guide de l'évaluation"] == search_titles(run)
    assert ["https://ex.example/guide"] == [json.loads(x)["url"] for x in run("export").output.splitlines()]
    assert "Rapport annuel" in run("show", "https://ex.example/rapport").output  # staff still see it
    assert 0 == run("restore", "https://ex.example/rapport").exit_code
    assert ["Guide de l'évaluation", "Rapport annuel"] == search_titles(run)


def test_withdrawal_and_delete_are_in_the_audit_log_with_the_system_actor_and_the_command(run):
    rid = json.loads(run("show", "--json", "https://ex.example/rapport").output)["id"]
    run("withdraw", rid, "--reason", "Erreur de saisie")
    run("delete", rid)
    with Store.open(Settings({"data_dir": run.data}, environ={})) as store:
        entries = audit.entries(store, resource_id=rid)
        assert rid not in store.ids()
    assert ["resource.delete", "resource.withdraw"] == [e.action for e in entries][:2]
    assert all(e.actor == "système" and "catalogue " in e.detail for e in entries[:2])
    assert {"reason": "Erreur de saisie"} == entries[1].after


def test_delete_is_refused_until_the_resource_is_withdrawn_and_withdraw_twice_is_refused(run):
    refused = run("delete", "https://ex.example/guide")
    assert 2 == refused.exit_code
    assert "est encore au catalogue : retirez-la d'abord" in refused.output
    assert 0 == run("withdraw", "https://ex.example/guide").exit_code
    again = run("withdraw", "https://ex.example/guide")
    assert (2, True) == (again.exit_code, "est déjà retirée du catalogue" in again.output)
    assert 2 == run("restore", "https://ex.example/rapport").exit_code


def test_the_checker_no_longer_checks_a_withdrawn_link(run, server):
    env = {"CATALOGUE_ALLOW_PRIVATE_NETWORKS": "1", "CATALOGUE_CHECK_SECOND_OPINION_DELAY": "0"}
    server.routes["/page"] = server.routes.get("/page") or _ok()
    url = server.url("/page")
    assert 0 == run("import", "-", input=json.dumps({"url": url, "title": "Locale"}) + "\n").exit_code
    run("withdraw", url)
    run("withdraw", "https://ex.example/guide")
    run("withdraw", "https://ex.example/rapport")
    result = run("check", "--all", "--format", "json", env=env)
    assert (0, []) == (result.exit_code, json.loads(result.output)["results"])
    with Store.open(Settings({"data_dir": run.data}, environ={})) as store:
        assert {} == linkhealth.status_map(store)


def _ok():
    from tests.localserver import Response

    return Response(200, b"<html><title>ok</title><body>" + b"texte " * 500 + b"</body></html>")


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://10.1.2.3/rapport.pdf", "ftp://ex.example/a"])
def test_add_of_a_refused_address_writes_nothing(run, url):
    before = run("export").output
    result = run("add", url)
    assert 2 == result.exit_code
    assert result.output.startswith("catalogue : erreur : ") and url in result.output
    assert "Ajoutée" not in result.output
    assert before == run("export").output
