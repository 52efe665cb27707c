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


def _stream(analyzer, text, **kwargs):
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.stopped)
        for t in analyzer(text, positions=True, chars=True, **kwargs)
    ]


SAMPLE_TEXTS = [
    "L'évaluation des Cités éducatives : le protocole d'évaluation 2021-2022, les 16-25 ans.",
    "Les parents et l'école ; la coéducation, c'est aussi l'affaire des familles. Qu'en pense-t-on ?",
    "Stage de 3e : 12/2023, ÉVALUATIONS évaluée Evaluer, œuvre, cœur, naïveté, Noël.",
    "le la les de des du",  # only stop words
    "",
]


@pytest.mark.parametrize("text", SAMPLE_TEXTS)
@pytest.mark.parametrize("mode", ["index", "query"])
@pytest.mark.parametrize("removestops", [True, False])
def test_one_pass_analyzers_give_the_tokens_of_the_composed_chains(text, mode, removestops):
    from index.analysis import composed_french_analyzer, composed_spelling_analyzer, spelling_analyzer

    options = {"mode": mode, "removestops": removestops}
    assert _stream(french_analyzer(), text, **options) == _stream(composed_french_analyzer(), text, **options)
    assert _stream(spelling_analyzer(), text, **options) == _stream(
        composed_spelling_analyzer(), text, **options
    )


def test_one_pass_analyzer_on_a_long_seed_text_matches_the_composed_chain():
    from catalogue.seed import seed_resources
    from index.analysis import composed_french_analyzer

    text = "\n".join(f"{r.title} {r.description}" for r in seed_resources())
    assert len(text) > 2000
    assert _stream(french_analyzer(), text) == _stream(composed_french_analyzer(), text)
