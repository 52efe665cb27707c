"""The one-pass terms of the French text fields equal Whoosh's, field by field, and leave the schema as it was."""

import random

import pytest

from index import fastfields
from index.schema import build_schema

SAMPLES = [
    "",
    "le la les",
    "Évaluation de l'impact : les élèves évalués, l'évaluation évaluée.",
    "Jeunes de 16-25 ans, année 2021/2022 ; 16–25 et 3-4-5.",
    "PARENTALITÉ Parentalité parentalité parentalite, cœur œuvre Ægis straße",
    "Les lycéens du lycée ; la lycéenne d’Amiens qu’on voit jusqu’à l’été.",
    "a b c de du un 12 345 x",
    # Lowercased per word, not as a whole text: İ lowercases to two characters, Σ by its context.
    "İstanbul et l'évaluation İZMİR ; ΟΔΟΣ'Α ΟΔΟΣ Σ ΣΑ",
]
WORDS = (
    "évaluation parentalité collège lycée élèves réussite décrochage mentorat lecture le la les "
    "des de d' l' qu' 16-25 2021/2022 été même plus pas Québec coéducation à où ça"
).split()


def random_texts(count: int) -> list[str]:
    rng = random.Random(3)
    texts = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 120))]
        words = [w.upper() if rng.random() < 0.1 else w for w in words]
        texts.append(rng.choice([" ", "  ", "\n", ", "]).join(words))
    return texts


@pytest.mark.parametrize("field_name", ["title", "body", "spell"])
@pytest.mark.parametrize("text", SAMPLES + random_texts(40))
def test_one_pass_terms_are_whooshs_terms(field_name, text):
    field = build_schema()[field_name]
    whoosh = sorted(field.index(text))
    compute, fmt = fastfields.terms_functions(build_schema())[field_name]
    assert sorted(compute(text, fmt)) == whoosh


def test_a_rebuilds_terms_are_each_fields_terms_and_repeated_topics_are_computed_once(monkeypatch):
    schema = build_schema()
    functions = fastfields.terms_functions(schema)
    docs = [
        {
            "title": f"Évaluation {n}",
            "body": "Les élèves évalués",
            "topics": ["Évaluation _ impact", "Parentalité"][n % 2],
        }
        for n in range(6)
    ]
    calls = []
    real = fastfields.french_terms
    monkeypatch.setattr(
        fastfields,
        "terms_functions",
        lambda s: {
            **functions,
            "topics": (lambda v, f: calls.append(v) or real(v, f), functions["topics"][1]),
        },
    )
    out = list(fastfields.analysed(docs, schema))
    assert [fields for fields, _ in out] == docs
    for fields, terms in out:
        assert set(terms) == {"title", "body", "topics"}
        for name, items in terms.items():
            compute, fmt = functions[name]
            assert items == compute(fields[name], fmt)
    assert calls == ["Évaluation _ impact", "Parentalité"]
