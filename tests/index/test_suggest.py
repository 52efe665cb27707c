"""Theme suggestion from text and vocabulary keywords, with its explanation; a person's choice wins."""

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
