"""`catalogue doctor [--fix]`: store and index side by side, in French, and the repair."""

from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.models import Resource
from index import build


def doctor(settings, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(settings.data_path), "doctor", *args])


def test_doctor_says_the_index_agrees_with_the_store(indexed, settings):
    store, _ = indexed
    result = doctor(settings)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Base de données : 6 ressources ; dernière modification n° {store.last_change()}.",
        f"Index (gen-000001) : 6 documents ; modifications appliquées jusqu'au n° {store.last_change()}.",
        "Accord : l'index et la base concordent.",
    ]


def test_doctor_reports_drift_and_leftovers_and_fix_repairs_them(indexed, settings):
    store, path = indexed
    store.upsert(Resource(url="https://ex.fr/nouvelle", title="Nouvelle fiche"))  # never indexed
    gone = store.find_by_url("https://ex.fr/injep").id
    store.delete(gone)
    (path / "gen-000007").mkdir()  # a killed rebuild's half
    (path / "REBUILDING").write_text("")  # a marker of an earlier version
    result = doctor(settings)
    assert result.exit_code == 1
    pending = store.last_change() - build.applied_change(build.current_generation(path))
    assert (
        f"Désaccord : {pending} modification(s) en attente, 1 ressource(s) absente(s) de l'index, 1 document(s) sans ressource dans la base."
        in result.output
    )
    assert "Générations orphelines (reconstruction interrompue ou ancienne) : gen-000007." in result.output
    assert "Fichiers d'une version précédente : REBUILDING." in result.output
    assert "Relancez avec --fix pour réparer." in result.output
    fixed = doctor(settings, "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output.split("Après réparation :\n")[1].endswith("Accord : l'index et la base concordent.\n")
    assert build.current_generation(path).name == "gen-000001"
    assert not (path / "gen-000007").exists() and not (path / "REBUILDING").exists()
    assert doctor(settings).exit_code == 0


def test_doctor_fix_builds_a_missing_index(store, settings):
    store.upsert(Resource(url="https://ex.fr/seule", title="Seule fiche"))
    result = doctor(settings, "--fix")
    assert result.exit_code == 0, result.output
    assert "Index : aucun index de recherche." in result.output
    assert "Index (gen-000001) : 1 documents" in result.output


def test_doctor_help_is_french():
    result = CliRunner().invoke(cli, ["doctor", "--help"])
    assert "Vérifier que l'index de recherche concorde avec la base" in result.output
