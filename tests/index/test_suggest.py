"""Theme suggestion from text and vocabulary keywords, with its explanation; a person's choice wins."""

import pytest

from catalogue import suggest
from catalogue.models import Resource
from catalogue.vocabularies import load_vocabularies


def test_themes_are_suggested_with_their_trigger_words():
    suggester = suggest.ThemeSuggester(load_vocabularies().themes)
    found = suggester.suggest("Le mentorat des collégiens", "", "Un mentor par jeune, du tutorat.")
    assert found[0].theme == "mentorat"
    assert set(found[0].words) == {"mentorat", "mentor", "tutorat"}


def test_acronyms_only_match_in_capitals():
    suggester = suggest.ThemeSuggester(load_vocabularies().themes)
    assert suggester.suggest("Le pré carré", "", "") == []


def test_apply_stores_suggestions_and_explanations_but_never_overrides_curated_themes(store):
    store.upsert(
        Resource(url="https://ex.fr/a", title="Soutien à la parentalité", text="Les parents et les familles.")
    )
    store.upsert(Resource(url="https://ex.fr/b", title="Soutien à la parentalité", themes=["gouvernance"]))
    before = store.find_by_url("https://ex.fr/a").updated_at
    assert suggest.apply(store) == 1
    a, b = store.find_by_url("https://ex.fr/a"), store.find_by_url("https://ex.fr/b")
    assert a.suggested_themes == ["parentalite"] and a.updated_at == before
    assert b.suggested_themes == [] and b.themes == ["gouvernance"]
    assert suggest.explanations(store, a.id) == {
        "parentalite": ["parentalité", "soutien à la parentalité", "familles", "parents"]
    }
    assert suggest.explanations(store, b.id) == {}


def themes_of(title: str, description: str = "", text: str = "") -> list[str]:
    return [
        s.theme for s in suggest.ThemeSuggester(load_vocabularies().themes).suggest(title, description, text)
    ]


@pytest.mark.parametrize(
    "title, theme",
    [
        ("Séminaire des chefs de projet opérationnels", "reseau-cpo"),
        ("Rencontre des coordinatrices et coordonnateurs", "reseau-cpo"),
        ("Les cités nouvellement labellisées", "gouvernance"),
        ("Relevé du comité de pilotage du 3 mars", "gouvernance"),
        ("Le préfet, le recteur et le maire signent la feuille de route", "gouvernance"),
        ("Club des coordinateurs d'Occitanie", "reseau-cpo"),
        ("L'insertion des jeunes de 16 à 25 ans", "insertion-16-25"),
        ("Orienter les 16/25 ans", "insertion-16-25"),
    ],
)
def test_an_explicit_title_alone_suggests_its_theme_in_any_inflection_of_every_word(title, theme):
    assert theme in themes_of(title)


@pytest.mark.parametrize(
    "text",
    [
        "Le Conseil national d'orientation et d'évaluation a siégé. Le Conseil national d'orientation a conclu.",
        "Les orientations du programme sont fixées. Les grandes orientations restent. Les orientations du programme.",
        "Un emploi du temps adapté, un emploi du temps allégé, un emploi du temps partagé.",
    ],
)
def test_a_proper_name_or_a_generic_phrase_does_not_fire_insertion(text):
    assert "insertion-16-25" not in themes_of("Compte rendu", "", text)


def test_two_inflections_of_one_keyword_count_once():
    suggester = suggest.ThemeSuggester(load_vocabularies().themes)
    found = suggester.suggest("Note", "", "La famille. Les familles.")
    assert found == []  # 2 points: one keyword, two occurrences, under the threshold of 3


def test_excluded_phrases_are_not_indexed_as_theme_words():
    from index.schema import topics_text

    text = topics_text(["insertion-16-25"], load_vocabularies())
    assert "emploi du temps" not in text and "comité national d'orientation" not in text
    assert "mission locale" in text
