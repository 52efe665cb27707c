"""Resource validation, vocabularies, canonical URLs and ids."""

import json

import pytest

from catalogue.errors import ValidationError, VocabularyError
from catalogue.models import Resource, validate
from catalogue.urls import canonical_url, resource_id
from catalogue.vocabularies import load_vocabularies


@pytest.fixture(scope="module")
def vocab():
    return load_vocabularies()


@pytest.mark.parametrize(
    "field, value, allowed",
    [
        ("level", "departemental", "national, regional, local"),
        ("type", "roman", "video, podcast, webinaire"),
        ("themes", ["evaluation", "sport"], "evaluation, insertion-16-25, parentalite"),
    ],
)
def test_a_value_outside_a_vocabulary_is_refused_naming_the_allowed_values(vocab, field, value, allowed):
    with pytest.raises(VocabularyError) as info:
        validate(Resource(url="https://x.example/", title="T", **{field: value}), vocab)
    assert field == info.value.field
    assert allowed in str(info.value)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"url": "", "title": "T"}, "url"),
        ({"url": "ftp://x.example/a", "title": "T"}, "url"),
        ({"url": "https://x.example/", "title": "  "}, "title"),
        ({"url": "https://x.example/", "title": "T", "date": "28/04/2022"}, "date"),
        ({"url": "https://x.example/", "title": "T", "date": "2022-13"}, "date"),
        ({"url": "https://x.example/", "title": "T", "id": "ffffffffffff"}, "id"),
        ({"url": "https://x.example/", "title": "T", "source_url": "page.html"}, "source_url"),
    ],
)
def test_malformed_fields_are_refused_with_the_field_named(vocab, fields, field):
    with pytest.raises(ValidationError) as info:
        validate(Resource(**fields), vocab)
    assert field == info.value.field


@pytest.mark.parametrize("date", ["2022", "2022-04", "2022-04-28", ""])
def test_partial_dates_are_accepted(vocab, date):
    assert date == validate(Resource(url="https://x.example/", title="T", date=date), vocab).date


def test_list_fields_accept_semicolon_separated_text_and_drop_duplicates(vocab):
    r = validate(
        Resource(url="https://x.example/", title="T", themes="evaluation; gouvernance ;evaluation"), vocab
    )
    assert ["evaluation", "gouvernance"] == r.themes


@pytest.mark.parametrize(
    "a, b",
    [
        ("http://www.irev.fr/node/1", "https://irev.fr/node/1"),
        ("https://IREV.fr:443/node/1#top", "https://irev.fr/node/1"),
        (
            "https://www.education.gouv.fr/campus?msclkid=e41246&utm_source=x",
            "https://education.gouv.fr/campus",
        ),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_urls_that_point_to_the_same_place_share_one_id(a, b):
    assert canonical_url(a) == canonical_url(b)
    assert resource_id(a) == resource_id(b)


def test_urls_that_differ_in_path_or_meaningful_query_have_different_ids():
    assert resource_id("https://x.example/a?id=1") != resource_id("https://x.example/a?id=2")
    assert resource_id("https://x.example/a") != resource_id("https://x.example/b")


def test_vocabulary_file_has_the_issue_values_labels_and_definitions(vocab):
    assert ["national", "regional", "local"] == vocab.levels.values()
    assert "Régional" == vocab.levels.label("regional")
    assert 12 == len(vocab.themes.values())
    assert "Orientation, formation et insertion des 16-25 ans" == vocab.themes.label("insertion-16-25")
    assert all(t.definition for k in ("themes", "levels", "types") for t in vocab.of(k).terms)


def test_staff_extend_a_vocabulary_by_editing_the_data_file_only(tmp_path, vocab):
    from catalogue.vocabularies import default_path

    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["themes"].append(
        {"value": "sante", "label": "Santé", "definition": "Santé des enfants.", "keywords": ["santé"]}
    )
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    extended = load_vocabularies(path)
    assert ["evaluation", "sante"] == validate(
        Resource(url="https://x.example/", title="T", themes=["evaluation", "sante"]), extended
    ).themes
