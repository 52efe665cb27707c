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


@pytest.mark.parametrize(
    "typed",
    ["16-25", "16-25 ans", "16 à 25 ans", "16 a 25 ans", "16/25", "16/25 ans", "16–25", "16 au 25"],
)
def test_an_age_range_is_one_query_token_however_it_is_written(typed):
    assert [f for _, f in query_words(typed)] == [["16-25"]]


@pytest.mark.parametrize("written", ["les 16-25 ans", "les 16/25 ans", "les 16–25 ans"])
def test_a_written_range_is_indexed_as_the_same_token_as_its_query(written):
    assert "16-25" in indexed_forms(written)


def test_a_year_followed_by_an_hour_is_not_a_range():
    assert [f for _, f in query_words("2022 à 10 h")][:2] == [["2022"], ["10"]]


def test_question_words_are_not_matched_unless_the_query_is_only_question_words():
    assert [
        w for w, _ in query_words("comment aider les parents ? existe-t-il un guide", questions=False)
    ] == [
        "aider",
        "parents",
        "guide",
    ]
    assert [
        w for w, _ in query_words("est-ce que ça marche ? y a-t-il des indicateurs", questions=False)
    ] == [
        "marche",
        "indicateurs",
    ]
    assert [w for w, _ in query_words("comment", questions=False)] == ["comment"]
    assert [w for w, _ in query_words("comment aider")] == ["comment", "aider"]


@pytest.mark.parametrize(
    "verb, noun",
    [
        ("suivre", "suivi"),
        ("suivre", "suivis"),
        ("accompagner", "accompagnement"),
        ("évaluer", "évaluation"),
        ("orienter", "orientation"),
        ("insérer", "insertion"),
        ("former", "formation"),
    ],
)
def test_verb_and_noun_of_the_fields_key_words_meet(verb, noun):
    from index.analysis import related_forms

    assert set(related_forms(next(iter(query_words(verb)))[1])) & indexed_forms(noun)
    assert set(related_forms(next(iter(query_words(noun)))[1])) & indexed_forms(verb)
