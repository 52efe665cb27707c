"""French analysis: accents, stems, elisions, stop words, numbers."""

import pytest

from index.analysis import french_analyzer, query_words


def indexed_forms(text: str) -> set[str]:
    return {t.text for t in french_analyzer()(text)}


def searched_forms(text: str) -> set[str]:
    return {f for _, forms in query_words(text) for f in forms}


@pytest.mark.parametrize(
    "typed, written",
    [
        ("evaluation", "évaluation"),
        ("Évaluations", "l'évaluation"),
        ("EVALUATION", "évaluation"),
        ("evaluer", "évaluation"),
        ("parentalite", "parentalité"),
        ("egalite", "égalité"),
        ("lycee", "lycée"),
        ("evaluee", "évaluée"),
        ("reussite", "réussite"),
        ("educatives", "éducative"),
        ("troisieme", "troisième"),
        ("decrochage", "décrochage"),
        ("periscolaire", "périscolaire"),
        ("ecoles", "école"),
        ("eleves", "élèves"),
        ("creche", "crèche"),
        ("coeducation", "coéducation"),
        ("oeuvre", "œuvre"),
        ("cites", "cités"),
        ("experience", "expériences"),
    ],
)
def test_a_query_without_accents_finds_the_accented_word(typed, written):
    assert searched_forms(typed) & indexed_forms(written)


def test_elisions_and_stop_words_are_dropped_from_queries():
    assert [w for w, _ in query_words("l'évaluation d'un protocole qu'on écrit")] == [
        "évaluation",
        "protocole",
        "écrit",
    ]


def test_summer_is_not_a_stop_word():
    assert [w for w, _ in query_words("vacances d'été")] == ["vacances", "été"]


def test_age_ranges_and_ordinals_stay_findable():
    assert {"16-25", "16", "25"} <= indexed_forms("les jeunes de 16-25 ans")
    assert searched_forms("16-25") == {"16-25"}
    assert "3e" in indexed_forms("stage de 3e") and searched_forms("3e") == {"3e"}
