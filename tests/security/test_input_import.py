"""`catalogue import` and `catalogue add` with values of the wrong type or shape: one French line naming
the line and the field, exit 2, and the catalogue unchanged."""

import json
import re

import pytest

GOOD = {"url": "https://ex.example/bon", "title": "Bon"}


def line(**fields) -> str:
    return json.dumps({"url": "https://ex.example/a", "title": "A", **fields}, ensure_ascii=False)


@pytest.mark.parametrize(
    "bad, field",
    [
        ('{"url": 123, "title": "Nombre"}', "url"),
        ('{"url": "https://ex.example/a", "title": ["x"]}', "title"),
        ('{"url": "https://ex.example/a", "title": NaN}', "title"),
        ('{"url": "https://ex.example/a", "title": true}', "title"),
        (line(date=2020), "date"),
        (line(description={"a": 1}), "description"),
        (line(themes=[1]), "themes"),
        (line(level=3), "level"),
        (line(date="9999"), "date"),
        (line(date="2022-02-31"), "date"),
        (line(added_at="zzzz"), "added_at"),
        (line(added_at="9999-12-31"), "added_at"),
        (line(updated_at="1970-01-01T00:00:00+00:00"), "updated_at"),
        (line(url="http://example.org:99999/x"), "url"),
        (line(url="http://[::1/x"), "url"),
        (line(url="http://ex.example:0/x"), "url"),
        (line(url="https://ex.example/a b"), "url"),
        (line(url="http://exa mple.org/x"), "url"),
        (line(url="https://ex.example/\u0000x"), "url"),
        (line(url="ftp://ex.example/x"), "url"),
        (line(url="javascript:alert(1)"), "url"),
        (line(url="http:///sans-hote"), "url"),
        (line(url="http://a..b.example/x"), "url"),
        (line(source_url="http://example.org:99999/"), "source_url"),
    ],
)
def test_a_bad_value_is_one_line_naming_line_and_field_and_nothing_is_written(
    catalogue_in_process, tmp_path, bad, field
):
    catalogue = catalogue_in_process
    path = tmp_path / "lot.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + bad + "\n", encoding="utf-8")
    message = catalogue("import", "--no-index", path).assert_one_french_line(str(path), field)
    assert re.search(r"\b2\b", message.split(str(path), 1)[1]), message  # the line number
    assert "" == catalogue("export").stdout


def test_json_nested_100000_deep_is_refused_in_one_line(catalogue, tmp_path):
    path = tmp_path / "profond.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    catalogue("import", "--no-index", path).assert_one_french_line(str(path), "imbriqué")


def test_a_csv_with_a_bad_address_names_its_line(catalogue, tmp_path):
    path = tmp_path / "lot.csv"
    path.write_text("url,title\nhttps://ex.example/a,A\nhttp://[::1/x,B\n", encoding="utf-8")
    catalogue("import", "--no-index", path).assert_one_french_line(str(path), "url")


@pytest.mark.parametrize("url", ["http://example.org:99999/x", "http://[::1/x", "http://ex.example/a b"])
def test_add_refuses_a_malformed_address_in_one_line(catalogue, url):
    catalogue("add", "--no-index", url).assert_one_french_line("url", url.split("/")[2][:6])
    assert "" == catalogue("export").stdout


def test_valid_values_are_accepted_and_normalised(catalogue, tmp_path):
    rows = [
        {"url": "HTTPS://UPPER.example.org/x", "title": "Majuscules", "date": "2020"},
        {"url": "https://école.example/guide", "title": "IDNA", "date": "2020-05"},
        {
            "url": "https://ex.example/stamp",
            "title": "Dates",
            "date": "2020-05-31",
            "added_at": "2024-01-02",
            "updated_at": "2024-01-02T03:04:05+01:00",
        },
    ]
    path = tmp_path / "bons.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    ran = catalogue("import", "--no-index", path)
    assert 0 == ran.code, ran.stderr
    exported = {r["title"]: r for r in map(json.loads, catalogue("export").stdout.splitlines())}
    assert "https://UPPER.example.org/x" == exported["Majuscules"]["url"]
    assert "https://école.example/guide" == exported["IDNA"]["url"]
    assert ("2024-01-02T00:00:00+00:00", "2024-01-02T02:04:05+00:00") == (
        exported["Dates"]["added_at"],
        exported["Dates"]["updated_at"],
    )
