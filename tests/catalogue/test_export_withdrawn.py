"""`catalogue export --withdrawn`: the withdrawn resources too, marked with their withdrawal (date, reason,
who) in every format, and an import of that file keeps them withdrawn (a backup that round-trips)."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from catalogue import withdrawal
from catalogue.changes import Changes
from catalogue.cli import cli
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store

WHEN = "2026-03-02T09:15:00+00:00"
REASON = "Doublon de la fiche INJEP ; lien mort depuis mars"


def settings_of(data) -> Settings:
    return Settings({"data_dir": str(data)}, environ={})


def catalogue(data, *args, input=None):
    result = CliRunner().invoke(cli, ["--data-dir", str(data), *map(str, args)], input=input)
    return result


@pytest.fixture
def data(tmp_path):
    """Three resources, the second withdrawn by « marie » with a reason."""
    folder = tmp_path / "data"
    with Store.open(settings_of(folder)) as store:
        ids = [
            store.upsert(Resource(url=f"https://ex.example/{n}", title=f"Ressource {n}", notes="note"))[0].id
            for n in range(3)
        ]
        with store.transaction():
            withdrawal.withdraw(store, ids[1], REASON, "marie", now=WHEN)
    return folder


def withdrawn_id(data) -> str:
    with Store.open(settings_of(data)) as store:
        return store.find_by_url("https://ex.example/1").id


def test_a_plain_export_still_leaves_withdrawn_resources_out(data):
    lines = catalogue(data, "export").stdout.splitlines()
    assert ["https://ex.example/0", "https://ex.example/2"] == sorted(json.loads(x)["url"] for x in lines)
    assert all("withdrawn_at" not in json.loads(x) for x in lines)


def test_jsonl_export_with_withdrawn_marks_them_with_date_reason_and_author(data):
    result = catalogue(data, "export", "--withdrawn")
    assert 0 == result.exit_code, result.output
    rows = {json.loads(x)["url"]: json.loads(x) for x in result.stdout.splitlines()}
    assert 3 == len(rows)
    marked = rows["https://ex.example/1"]
    assert {"withdrawn_at": WHEN, "withdrawn_reason": REASON, "withdrawn_by": "marie"} == {
        k: marked[k] for k in withdrawal.FIELDS
    }
    assert "note" == marked["notes"]  # the backup keeps every field
    assert all("withdrawn_at" not in rows[u] for u in ("https://ex.example/0", "https://ex.example/2"))


def test_csv_export_with_withdrawn_has_the_columns_filled_on_withdrawn_lines_only(data):
    result = catalogue(data, "export", "--withdrawn", "--format", "csv")
    assert 0 == result.exit_code, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert withdrawal.FIELDS == tuple(rows[0])[-3:]
    by_url = {r["url"]: r for r in rows}
    assert (WHEN, REASON, "marie") == tuple(by_url["https://ex.example/1"][k] for k in withdrawal.FIELDS)
    assert ("", "", "") == tuple(by_url["https://ex.example/0"][k] for k in withdrawal.FIELDS)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_import_of_the_export_keeps_the_withdrawn_resource_withdrawn_and_round_trips(data, tmp_path, fmt):
    exported = catalogue(data, "export", "--withdrawn", "--format", fmt).stdout
    other = tmp_path / "autre"
    path = tmp_path / f"sauvegarde.{fmt}"
    path.write_text(exported, encoding="utf-8")
    result = catalogue(other, "import", path, "--no-index")
    assert 0 == result.exit_code, result.output
    assert "3 ressources ajoutées, 0 mise à jour, 1 retirée du catalogue." in result.stdout
    rid = withdrawn_id(data)
    with Store.open(settings_of(other)) as store:
        assert {"reason": REASON, "withdrawn_at": WHEN, "actor": "marie"} == store.withdrawal(rid)
        assert rid not in store.ids()  # out of search, exports and checks
    assert exported == catalogue(other, "export", "--withdrawn", "--format", fmt).stdout
    assert catalogue(data, "export").stdout == catalogue(other, "export").stdout


def test_a_withdrawn_resource_stays_withdrawn_when_its_export_is_imported_again(data, tmp_path):
    path = tmp_path / "sauvegarde.jsonl"
    path.write_text(catalogue(data, "export", "--withdrawn").stdout, encoding="utf-8")
    result = catalogue(data, "import", path, "--no-index")
    assert 0 == result.exit_code, result.output
    assert "0 ressource ajoutée, 0 mise à jour." in result.stdout
    with Store.open(settings_of(data)) as store:
        assert {"reason": REASON, "withdrawn_at": WHEN, "actor": "marie"} == store.withdrawal(
            withdrawn_id(data)
        )


def test_the_import_of_withdrawals_is_one_audited_action(data, tmp_path):
    path = tmp_path / "sauvegarde.jsonl"
    path.write_text(catalogue(data, "export", "--withdrawn").stdout, encoding="utf-8")
    other = tmp_path / "autre"
    assert 0 == catalogue(other, "import", path, "--no-index").exit_code
    from catalogue import audit

    with Store.open(settings_of(other)) as store:
        [entry] = audit.entries(store)
    assert "resource.import" == entry.action and "3 ajoutées, 0 mises à jour, 1 retirées" in entry.detail


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"withdrawn_at": "hier"}, "withdrawn_at", "date ISO"),
        ({"withdrawn_reason": "Doublon"}, "withdrawn_at", "obligatoire quand withdrawn_reason"),
        ({"withdrawn_at": WHEN, "withdrawn_reason": 3}, "withdrawn_reason", "doit être un texte"),
    ],
)
def test_a_bad_withdrawal_column_is_refused_with_its_line_and_field(tmp_path, extra, field, words):
    lines = [
        {"url": "https://ex.example/a", "title": "A"},
        {"url": "https://ex.example/b", "title": "B", **extra},
    ]
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    result = catalogue(tmp_path / "data", "import", "-", input=text)
    assert 2 == result.exit_code
    assert "ligne 2" in result.stderr and field in result.stderr and words in result.stderr, result.stderr
    with Store.open(settings_of(tmp_path / "data")) as store:
        assert 0 == store.count()  # all or nothing


def test_changes_import_batch_withdraws_a_new_resource_before_anyone_can_see_it(tmp_path):
    announced = []
    with Store.open(settings_of(tmp_path / "data")) as store:
        changes = Changes(store, [lambda _store, ids: announced.append(list(ids))])
        resource = Resource(url="https://ex.example/retiree", title="Retirée")
        row = {"withdrawn_at": WHEN, "withdrawn_reason": "Erreur", "withdrawn_by": ""}
        created, updated, ids, withdrawn = changes.import_batch(
            "marie", [resource], "r.jsonl", {resource.id: row}
        )
        assert (1, 0, [resource.id]) == (created, updated, withdrawn)
        assert [[resource.id]] == announced  # one announcement: the index drops it
        assert {"reason": "Erreur", "withdrawn_at": WHEN, "actor": "marie"} == store.withdrawal(resource.id)
        assert [] == store.ids()
