"""Import and export: formats, all-or-nothing imports with line numbers, byte-identical round trips."""

import io

import pytest

from catalogue.errors import ImportFileError
from catalogue.io import export_string, import_resources
from catalogue.models import Resource
from catalogue.store import Store

HEADER = "url,title,type,themes,level,date\n"


def csv_with(rows: list[str]) -> io.StringIO:
    return io.StringIO(HEADER + "".join(r + "\n" for r in rows))


def good_row(n: int, level="regional") -> str:
    return f"https://ex.example/r{n},Ressource {n},guide,evaluation ; gouvernance,{level},2022-0{1 + n % 9}"


def test_csv_import_creates_resources_with_list_fields_split(store):
    created, updated, ids = import_resources(store, csv_with([good_row(1), good_row(2)]), "csv", "r.csv")
    assert (2, 0) == (created, updated)
    r = store.get(ids[0])
    assert (["evaluation", "gouvernance"], "regional", "guide") == (r.themes, r.level, r.type)


def test_csv_whose_7th_line_has_an_unknown_level_is_refused_naming_line_7_and_levels(store):
    import_resources(store, csv_with([good_row(0)]), "csv", "before.csv")
    before = export_string(store)
    rows = [good_row(n) for n in range(1, 6)] + [good_row(6, level="departemental")] + [good_row(7)]
    with pytest.raises(ImportFileError) as info:
        import_resources(store, csv_with(rows), "csv", "ressources.csv")
    error = info.value
    assert (7, "level") == (error.line, error.field)
    assert "ressources.csv, ligne 7, champ 'level'" in str(error)
    assert "national, regional, local" in str(error)
    assert before == export_string(store)


def test_csv_line_numbers_count_physical_lines_of_multiline_records(store):
    rows = [
        'https://ex.example/a,"Titre sur\ndeux lignes",guide,evaluation,regional,2022',
        good_row(2, level="x"),
    ]
    with pytest.raises(ImportFileError) as info:
        import_resources(store, csv_with(rows), "csv", "m.csv")
    assert 4 == info.value.line


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"url": "https://ex.example/a", "title": "A"', "JSON invalide"),
        ('["not", "an", "object"]', "objet JSON"),
        (
            '{"url": "https://ex.example/a", "title": "A", "theme": "evaluation"}',
            "colonne(s) inconnue(s) 'theme'",
        ),
        ('{"url": "https://ex.example/a", "title": ""}', "obligatoire"),
        ('{"url": "https://ex.example/a", "title": "A", "date": "avril 2022"}', "AAAA"),
    ],
)
def test_jsonl_errors_name_the_line_and_say_what_is_wrong(store, line, message):
    content = '{"url": "https://ex.example/ok", "title": "OK"}\n\n' + line + "\n"
    with pytest.raises(ImportFileError) as info:
        import_resources(store, io.StringIO(content), "jsonl", "r.jsonl")
    assert 3 == info.value.line
    assert message in str(info.value)
    assert 0 == store.count()


def test_the_same_resource_twice_in_one_file_is_refused(store):
    content = (
        '{"url": "https://ex.example/a", "title": "A"}\n{"url": "http://www.ex.example/a", "title": "B"}\n'
    )
    with pytest.raises(ImportFileError, match="même ressource qu'à la ligne 1"):
        import_resources(store, io.StringIO(content), "jsonl", "r.jsonl")


def test_import_upserts_by_url(store):
    import_resources(store, io.StringIO('{"url": "https://ex.example/a", "title": "A"}\n'), "jsonl", "1")
    created, updated, _ = import_resources(
        store,
        io.StringIO('{"url": "http://ex.example/a", "title": "A bis", "level": "local"}\n'),
        "jsonl",
        "2",
    )
    assert (0, 1) == (created, updated)
    assert [("A bis", "local")] == [(r.title, r.level) for r in store]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_import_export_into_an_empty_data_directory_gives_the_same_bytes(tmp_path, fmt):
    with Store(tmp_path / "a.sqlite3") as a:
        a.upsert_many(
            [
                Resource(
                    url="https://ex.example/évaluation",
                    title="Évaluation « cités »",
                    description='Texte, "guillemets"\net ligne',
                    type="rapport",
                    themes=["evaluation", "reseau-cpo"],
                    level="national",
                    audience=["16-25 ans", "parents"],
                    date="2022-03-09",
                    text="Plein texte ; avec point-virgule",
                    notes="n",
                    suggested_themes=["gouvernance"],
                ),
                Resource(url="https://ex.example/b", title="B"),
            ]
        )
        first = export_string(a, fmt)
    with Store(tmp_path / "b.sqlite3") as b:
        import_resources(b, io.StringIO(first), fmt, "export")
        assert first == export_string(b, fmt)


FORMULA_TITLE = '=HYPERLINK("http://attaquant.example","Cliquez")'


def test_csv_for_spreadsheets_shows_formulas_as_text_and_the_export_keeps_them_for_import(store):
    import csv

    from catalogue.io import write_csv

    resource = Resource(
        url="https://ex.example/f", title=FORMULA_TITLE, publisher="+33 ville", territory="Lille"
    )
    buffer = io.StringIO()
    write_csv([resource], buffer, spreadsheet=True)
    row = dict(zip(*csv.reader(io.StringIO(buffer.getvalue())), strict=True))
    assert row["title"] == "'" + FORMULA_TITLE and row["publisher"] == "'+33 ville"
    assert row["territory"] == "Lille" and row["url"] == "https://ex.example/f"
    store.upsert(resource)
    exported = export_string(store, "csv")
    assert FORMULA_TITLE.replace('"', '""') in exported and "'=" not in exported
