"""What staff edit (vocabularies, synonyms) lives in the data directory: created by init, kept by an upgrade,
a malformed edit refused with file, line and reason while the last good version stays in force."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner

from catalogue import staffdata
from catalogue.cli import cli
from catalogue.models import Resource
from catalogue.vocabularies import default_path, load_vocabularies, vocabularies_of
from index.build import rebuild
from index.query import SearchQuery
from index.search import Searcher

ROOT = Path(__file__).resolve().parents[2]


def run(settings, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(settings.data_path), *args])


def with_theme(path: Path, value: str, label: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["themes"].append({"value": value, "label": label})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_init_gives_the_staff_their_own_copies_and_never_overwrites_them(settings):
    result = run(settings, "init")
    assert result.exit_code == 0, result.output
    vocab, synonyms = settings.data_path / "vocabularies.json", settings.data_path / "synonyms.json"
    assert vocab.read_bytes() == default_path().read_bytes()
    assert f"Fichier modifiable par l'équipe : {synonyms}" in result.output
    with_theme(vocab, "jardins", "Jardins partagés")
    assert run(settings, "init").exit_code == 0
    assert "jardins" in vocabularies_of(settings).themes


def test_a_theme_added_in_the_data_directory_is_accepted(settings, tmp_path):
    run(settings, "init")
    with_theme(settings.data_path / "vocabularies.json", "jardins", "Jardins partagés")
    lot = tmp_path / "lot.jsonl"
    lot.write_text(json.dumps({"url": "https://ex.fr/j", "title": "Un jardin", "themes": ["jardins"]}) + "\n")
    assert run(settings, "import", str(lot)).exit_code == 0
    assert "Jardins partagés" in run(settings, "vocab", "themes").output


def test_a_malformed_vocabulary_is_refused_with_its_line_and_the_last_good_one_stays(settings):
    run(settings, "init")
    vocab = settings.data_path / "vocabularies.json"
    with_theme(vocab, "jardins", "Jardins partagés")
    assert "jardins" in vocabularies_of(settings).themes  # read correctly: now the last good version
    vocab.write_text('{\n  "themes": [\n    {"value": "x", "label": }\n  ]\n}\n', encoding="utf-8")
    assert "jardins" in vocabularies_of(settings).themes
    result = run(settings, "doctor")
    assert result.exit_code == 1
    assert f"Fichier refusé : {vocab}, ligne 3 : JSON mal formé" in result.output
    assert "la dernière version valable reste en vigueur" in result.output


def test_a_vocabulary_entry_without_label_is_refused_at_its_line(tmp_path):
    path = tmp_path / "vocabularies.json"
    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["levels"].append({"value": "europeen"})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    vocabularies, refusal = staffdata.load(path, default_path(), load_vocabularies)
    expected_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if '"europeen"' in line)
    assert (refusal.line, refusal.reason) == (expected_line, "« levels » : un terme sans « label »")
    assert "europeen" not in vocabularies.levels  # the packaged default: no good version was ever read


def test_synonyms_edited_in_the_data_directory_are_used_and_a_bad_edit_keeps_the_last_good(settings, store):
    store.upsert(Resource(url="https://ex.fr/m", title="Le mentorat des collégiens"))
    rebuild(store, settings.index_path)
    synonyms = settings.data_path / "synonyms.json"
    synonyms.write_text(json.dumps({"groups": [["zorglub", "mentorat"]]}), encoding="utf-8")
    searcher = Searcher(settings.index_path, store.vocabularies)
    try:
        assert searcher.search(SearchQuery(q="zorglub")).total == 1
        synonyms.write_text('{"groups": [["zorglub", "mentorat"]', encoding="utf-8")  # a bad save
        os.utime(synonyms, (1, 1))
        assert searcher.search(SearchQuery(q="zorglub")).total == 1  # the version in force stays
    finally:
        searcher.close()
    fresh = Searcher(settings.index_path, store.vocabularies)  # a new process: its last good copy
    try:
        assert fresh.search(SearchQuery(q="zorglub")).total == 1
    finally:
        fresh.close()


# -- an upgrade of the installed package ------------------------------------------------------

PACKAGES = ("catalogue", "crawler", "index", "web")


def wheel(folder: Path, version: str, synonyms_comment: str) -> Path:
    """A wheel of the project's packages as they are here (the packaged synonyms marked), built by hand:
    pip installs it offline, without a build backend."""
    path = folder / f"cites_catalogue-{version}-py3-none-any.whl"
    info = f"cites_catalogue-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as archive:
        for package in PACKAGES:
            for file in sorted((ROOT / package).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    name = file.relative_to(ROOT).as_posix()
                    data = file.read_bytes()
                    if name == "index/data/synonyms.json":
                        packaged = json.loads(data)
                        packaged["_comment"] = synonyms_comment
                        data = json.dumps(packaged, ensure_ascii=False).encode()
                    archive.writestr(name, data)
        archive.writestr(
            f"{info}/METADATA", f"Metadata-Version: 2.1\nName: cites-catalogue\nVersion: {version}\n"
        )
        archive.writestr(
            f"{info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        archive.writestr(f"{info}/RECORD", "")
    return path


def pip_install(target: Path, wheel_path: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall"]
    command += ["--upgrade", "--target", str(target), "--disable-pip-version-check", str(wheel_path)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


def installed_catalogue(target: Path, data: Path, *args) -> subprocess.CompletedProcess:
    """The `catalogue` command of the installed package (not of this source tree)."""
    env = {**os.environ, "PYTHONPATH": str(target), "CATALOGUE_DATA_DIR": str(data)}
    command = [sys.executable, "-c", "from catalogue.cli import main; main()", *args]
    return subprocess.run(command, env=env, cwd=target.parent, capture_output=True, text=True, timeout=300)


def test_an_upgrade_by_pip_force_reinstall_keeps_the_staffs_synonyms(tmp_path):
    target, data = tmp_path / "site-packages", tmp_path / "data"
    pip_install(target, wheel(tmp_path, "0.1.0", "version 1"))
    result = installed_catalogue(target, data, "-q", "init")
    assert result.returncode == 0, result.stderr
    staff = data / "synonyms.json"
    edited = json.loads(staff.read_text(encoding="utf-8"))
    edited["groups"].append(["zorglub", "Québec"])
    staff.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "v2").mkdir()
    pip_install(target, wheel(tmp_path / "v2", "0.2.0", "version 2"))
    assert json.loads((target / "index" / "data" / "synonyms.json").read_text())["_comment"] == "version 2"
    assert ["zorglub", "Québec"] in json.loads(staff.read_text(encoding="utf-8"))["groups"]
    found = installed_catalogue(target, data, "search", "--json", "zorglub")
    plain = installed_catalogue(target, data, "search", "--json", "québec")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] == json.loads(plain.stdout)["total"] > 0


def test_an_unedited_copy_follows_a_newer_packaged_default_and_an_edited_one_is_kept(tmp_path):
    from catalogue import staffdata

    data = tmp_path / "data"
    packaged = tmp_path / "synonyms-v1.json"
    packaged.write_text('{"groups": [["cpo", "chef de projet"]]}\n', encoding="utf-8")
    assert staffdata.install_default(data, "synonyms.json", packaged)
    newer = tmp_path / "synonyms-v2.json"
    newer.write_text('{"groups": [["cpo", "chef de projet"], ["mentorat", "tutorat"]]}\n', encoding="utf-8")

    assert staffdata.install_default(data, "synonyms.json", newer)  # never edited: upgraded
    assert newer.read_bytes() == (data / "synonyms.json").read_bytes()
    assert not staffdata.install_default(data, "synonyms.json", newer)  # already the newest

    edited = '{"groups": [["cpo", "chef de projet"], ["québec", "canada"]]}\n'
    (data / "synonyms.json").write_text(edited, encoding="utf-8")
    newest = tmp_path / "synonyms-v3.json"
    newest.write_text('{"groups": []}\n', encoding="utf-8")
    assert not staffdata.install_default(data, "synonyms.json", newest)  # edited: the staff's
    assert edited == (data / "synonyms.json").read_text(encoding="utf-8")


def test_a_copy_without_its_packaged_fingerprint_is_the_staffs_and_is_kept(tmp_path):
    from catalogue import staffdata

    data = tmp_path / "data"
    data.mkdir()
    (data / "synonyms.json").write_text('{"groups": []}\n', encoding="utf-8")
    newer = tmp_path / "synonyms-v2.json"
    newer.write_text('{"groups": [["a", "b"]]}\n', encoding="utf-8")
    assert not staffdata.install_default(data, "synonyms.json", newer)
    assert '{"groups": []}\n' == (data / "synonyms.json").read_text(encoding="utf-8")
