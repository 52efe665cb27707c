"""CSV as a French spreadsheet saves it: semicolons or tabs, Windows-1252, a BOM, French column names,
labels instead of codes; a malformed file is refused with its line and nothing is written."""

import json

import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.errors import CatalogueError, ImportFileError
from catalogue.spreadsheet import decode, separator

FRENCH_SHEET = (
    "Titre;Adresse;Niveau;Thèmes;Type;Éditeur;Territoire;Public;Date;Description;Notes\r\n"
    "Guide-Mémo de l'évaluation;https://ex.example/guide;Régional;Évaluation, Gouvernance;Guide;"
    'Observatoire de l\'Essonne;Essonne;"coordinateurs ; parents";2020-04;Un guide œcuménique à 5 €;à relire\r\n'
    '"Rapport; édition 2023";https://ex.example/rapport;National;Évaluation;Rapport;ANCT;;;2023;;\r\n'
)


@pytest.fixture
def run(tmp_path):
    data = str(tmp_path / "data")

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, ["--data-dir", data, *args], input=input)

    return invoke


def exported(run) -> dict[str, dict]:
    return {(d := json.loads(line))["url"]: d for line in run("export").output.splitlines()}


@pytest.mark.parametrize(
    "encoding, bom",
    [("cp1252", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")],
    ids=["windows-1252", "utf-8", "utf-8-bom"],
)
def test_a_sheet_saved_by_a_french_spreadsheet_imports_with_labels_and_french_columns(
    run, tmp_path, encoding, bom
):
    path = tmp_path / "ressources.csv"
    path.write_bytes(bom + FRENCH_SHEET.encode(encoding))
    result = run("import", "--no-index", str(path))
    assert (0, f"{path} : 2 ressources ajoutées, 0 mise à jour.\n") == (result.exit_code, result.output)
    guide = exported(run)["https://ex.example/guide"]
    expected = {
        "title": "Guide-Mémo de l'évaluation",
        "level": "regional",
        "themes": ["evaluation", "gouvernance"],
        "type": "guide",
        "publisher": "Observatoire de l'Essonne",
        "territory": "Essonne",
        "audience": ["coordinateurs", "parents"],
        "date": "2020-04",
        "description": "Un guide œcuménique à 5 €",
        "notes": "à relire",
    }
    assert expected == {k: guide[k] for k in expected}
    assert "Rapport; édition 2023" == exported(run)["https://ex.example/rapport"]["title"]


def test_tab_separated_and_comma_separated_sheets_import_too(run, tmp_path):
    tabbed = tmp_path / "t.tsv"
    tabbed.write_text("titre\tadresse\tniveau\nA, b\thttps://ex.example/a\tlocal\n", encoding="utf-8")
    assert 0 == run("import", "--no-index", "--format", "csv", str(tabbed)).exit_code
    assert ("A, b", "local") == tuple(exported(run)["https://ex.example/a"][k] for k in ("title", "level"))


@pytest.mark.parametrize(
    "line, expected",
    [("url,title,level", ","), ("url;title;level", ";"), ("url\ttitle\tlevel", "\t"), ('"a;b",c', ",")],
)
def test_the_separator_is_the_one_the_header_uses(line, expected):
    assert expected == separator(line)


def test_windows_1252_is_read_as_such_not_as_latin_1():
    assert "œuvre à 5 € – « guide »" == decode("œuvre à 5 € – « guide »".encode("cp1252"), "f.csv")


@pytest.mark.parametrize(
    "content, message",
    [
        (
            'titre;adresse\n"Guide;https://ex.example/a\nAutre;https://ex.example/b\n',
            "t.csv, ligne 2 : CSV mal formé",
        ),
        (
            "titre;adresse\nGuide;https://ex.example/a;en trop\n",
            "t.csv, ligne 2 : a 3 colonnes, l'en-tête en a 2",
        ),
        ("titre;adresse;niveau\nGuide;https://ex.example/a;Départemental\n", "t.csv, ligne 2, champ 'level'"),
        ("titre;lien;adresse\nGuide;https://ex.example/a;https://ex.example/a\n", "apparaît deux fois"),
        ("intitulé;adresse\nGuide;https://ex.example/a\n", "colonne(s) inconnue(s) 'intitulé'"),
    ],
    ids=["unclosed-quote", "ragged", "unknown-label", "double-column", "unknown-column"],
)
def test_a_malformed_sheet_is_refused_with_its_line_and_nothing_is_written(run, tmp_path, content, message):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    result = run("import", "--no-index", str(path))
    assert (2, True) == (result.exit_code, message in result.output), result.output
    assert "" == run("export").output


def test_the_io_error_names_the_line_of_an_unclosed_quote(tmp_path):
    import io

    from catalogue.io import read_resources
    from catalogue.vocabularies import load_vocabularies

    text = 'url,title\nhttps://ex.example/a,A\nhttps://ex.example/b,"B jamais fermé\n'
    with pytest.raises(ImportFileError) as error:
        read_resources(io.StringIO(text), "csv", load_vocabularies(), "r.csv")
    assert 3 == error.value.line


def test_utf16_with_its_bom_is_read_and_other_encodings_go_to_the_guesser_or_are_refused():
    assert "titre\tadresse" == decode("titre\tadresse".encode("utf-16"), "f.txt")
    raw = b"\x81\x8d\x8f"  # bytes Windows-1252 leaves undefined
    assert "trouvé" == decode(raw, "f.csv", guess=lambda _raw: "trouvé")
    with pytest.raises(CatalogueError, match="f.csv : encodage du texte non reconnu"):
        decode(raw, "f.csv", guess=lambda _raw: None)
