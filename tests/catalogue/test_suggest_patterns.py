"""The keyword alternation of theme suggestion, branched by first character for speed, finds exactly
what the plain alternation of every form, longest first, finds."""

import re

import pytest

from catalogue import suggest
from catalogue.vocabularies import load_vocabularies
from tests.catalogue.test_suggest_apply import generated_resources


def plain_alternation(forms: list[str], inflected: bool) -> str:
    """The alternation as first written: every form, longest first."""
    word = suggest._word_pattern if inflected else re.escape
    return "|".join(r"\s+".join(word(w) for w in f.split()) for f in sorted(forms, key=len, reverse=True))


def keyword_forms() -> dict[str, list[str]]:
    keywords = [k for term in load_vocabularies().themes.terms for k in term.keywords]
    excluded = [k for k in keywords if k.startswith(suggest.EXCLUDED_PREFIX)]
    acronyms = [k for k in keywords if k not in excluded and k.isupper() and len(k) <= 6]
    return {
        "written": sorted(
            {suggest._prepared(k) for k in keywords if k not in excluded and k not in acronyms}
        ),
        "excluded": [suggest._prepared(k[1:]) for k in excluded],
        "acronyms": acronyms,
    }


def corpus() -> list[str]:
    forms = keyword_forms()
    texts = [f"{r.title}. {r.description} {r.text}" for r in generated_resources(200)]
    # Every keyword alone, inflected, run into the next one, and written in capitals.
    every = " ".join(f"{f} {f}s {f}es {f}x, {f}e" for f in forms["written"] + forms["excluded"])
    return [suggest._prepared(t) for t in texts] + [
        every,
        every.replace(" ", "  \n"),
        " ".join(forms["acronyms"]),
    ]


@pytest.mark.parametrize("kind, inflected", [("written", True), ("excluded", True), ("acronyms", False)])
def test_the_branched_alternation_finds_what_the_plain_one_finds_on_the_vocabulary(kind, inflected):
    forms = keyword_forms()[kind]
    branched, plain = (
        re.compile(rf"(?<!\w)(?=({alternation(forms, inflected)})(?!\w))")
        for alternation in (suggest._alternation, plain_alternation)
    )
    texts = corpus()
    assert [plain.findall(t) for t in texts] == [branched.findall(t) for t in texts]
    assert any(plain.findall(t) for t in texts)


@pytest.mark.parametrize(
    "forms, text",
    [
        (
            ["decrochage", "decrochage scolaire", "de", "d'orientation"],
            "le decrochage scolaire de d'orientation",
        ),
        (["parent", "parentalite", "parents d'eleves"], "les parents d'eleves et la parentalite, un parent"),
        (["16-25 ans", "16-18 ans", "1"], "les 16-25 ans, les 16-18 ans, 1 fois"),
        (["", "mentor"], "un mentor"),  # an empty form (a staff vocabulary may hold one)
    ],
)
def test_the_branched_alternation_keeps_the_longest_form_first(forms, text):
    branched, plain = (
        re.compile(rf"(?<!\w)(?=({alternation(forms, True)})(?!\w))")
        for alternation in (suggest._alternation, plain_alternation)
    )
    assert plain.findall(text) == branched.findall(text)
