"""The core commands through the real `catalogue` entry point: import, export, show, vocab."""

import json

import pytest
from click.testing import CliRunner

from catalogue.cli import cli


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data_dir = str(tmp_path / "data")

    def invoke(*args, input=None):
        return runner.invoke(cli, ["--data-dir", data_dir, *args], input=input, catch_exceptions=False)

    return invoke


def write_csv(path, rows):
    path.write_text("url,title,level,themes\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_csv_with_an_unknown_level_on_line_7_is_refused_and_the_catalogue_is_unchanged(run, tmp_path):
    good = write_csv(tmp_path / "good.csv", ["https://ex.example/0,Zéro,national,evaluation"])
    assert 0 == run("import", "--no-index", good).exit_code
    before = run("export").output
    rows = [f"https://ex.example/{n},Ressource {n},regional,evaluation" for n in range(1, 6)]
    rows += ["https://ex.example/6,Ressource 6,departemental,evaluation", "https://ex.example/7,Sept,local,"]
    bad = write_csv(tmp_path / "bad.csv", rows)
    result = run("import", "--no-index", bad)
    assert 2 == result.exit_code
    assert (
        f"catalogue : erreur : {bad}, ligne 7, champ 'level' : valeur inconnue 'departemental' ; valeurs possibles : national, regional, local\n"
        == result.stderr
    )
    assert before == run("export").output


def test_import_from_stdin_then_export_jsonl_and_show(run):
    line = json.dumps(
        {"url": "https://ex.example/guide", "title": "Guide-Mémo", "type": "guide", "level": "regional"}
    )
    result = run("import", "--no-index", "--format", "jsonl", "-", input=line + "\n")
    assert 0 == result.exit_code, result.output
    assert "1 ressource ajoutée, 0 mise à jour" in result.output
    exported = [json.loads(x) for x in run("export").output.splitlines()]
    assert [("https://ex.example/guide", "Guide-Mémo", "guide")] == [
        (e["url"], e["title"], e["type"]) for e in exported
    ]
    shown = run("show", "https://www.ex.example/guide")
    assert "Guide-Mémo" in shown.output and "Régional" in shown.output
    assert exported[0] == json.loads(run("show", "--json", exported[0]["id"]).output)


def test_export_to_a_file_writes_csv(run, tmp_path):
    run("import", "--no-index", "-", input='{"url": "https://ex.example/a", "title": "A"}\n')
    out = tmp_path / "out.csv"
    assert 0 == run("export", "--format", "csv", "-o", str(out)).exit_code
    assert out.read_text(encoding="utf-8").startswith("url,title,description,")


def test_show_unknown_resource_fails_with_exit_2(run):
    result = run("show", "abcdefabcdef")
    assert 2 == result.exit_code
    assert "aucune ressource n'a l'identifiant ou l'adresse 'abcdefabcdef'" in result.stderr


def test_vocab_lists_values_and_french_labels(run):
    output = run("vocab", "levels").output
    assert "regional               Régional" in output


def test_init_loads_the_seed_once_and_builds_the_index(run, tmp_path):
    first = run("init")
    assert 0 == first.exit_code, first.output
    from catalogue.seed import seed_resources

    assert f"{len(seed_resources())} ressources ajoutées" in first.output
    assert (tmp_path / "data" / "catalogue.sqlite3").exists()
    exported = run("export").output
    second = run("init")
    assert "Catalogue déjà initialisé" in second.output
    assert exported == run("export").output
