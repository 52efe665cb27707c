"""The issue's queries on the seed catalogue: a place and a year, a typo, ranges, a question."""

import json
from pathlib import Path

import pytest

from catalogue import suggest
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from index.build import rebuild
from index.query import SearchQuery
from index.search import Searcher

SEED = Path(__file__).resolve().parents[2] / "catalogue" / "data" / "seed.jsonl"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seed catalogue, its suggested themes and its index; yields (searcher, resources by URL)."""
    settings = Settings({"data_dir": str(tmp_path_factory.mktemp("seed"))}, environ={})
    resources = [
        Resource.from_dict(json.loads(line)) for line in SEED.read_text(encoding="utf-8").splitlines()
    ]
    with Store.open(settings) as store:
        store.upsert_many(resources)
        suggest.apply(store)
        rebuild(store, settings.index_path)
        searcher = Searcher(settings.index_path, store.vocabularies)
        yield searcher, {r.url: r for r in resources}
        searcher.close()


def titles(searcher, q: str, n: int = 10) -> list[str]:
    return [h.title for h in searcher.search(SearchQuery(q=q, per_page=n)).hits]


def test_a_query_without_accents_with_a_place_and_a_year_lists_the_essonne_guide_then_the_other_guides(
    seeded,
):
    searcher, _ = seeded
    found = titles(searcher, "evaluation protocole cite educative essonne 2020")
    assert found[0] == "Guide-Mémo pour la rédaction d'un protocole d'évaluation"
    assert sum("protocole" in t.lower() for t in found[1:]) >= 4


def test_a_typo_returns_the_evaluation_resources_directly(seeded):
    searcher, _ = seeded
    results = searcher.search(SearchQuery(q="evaluasion", per_page=10))
    assert results.suggestion == "évaluation"
    assert [h.title for h in results.hits] == titles(searcher, "évaluation")
    assert all("evaluation" in h.themes for h in results.hits[:8])


@pytest.mark.parametrize("other", ["16-25", "16/25 ans", "16–25", "de 16 a 25 ans"])
def test_16_a_25_ans_and_16_25_return_the_same_first_page(seeded, other):
    searcher, _ = seeded
    first = titles(searcher, "16 à 25 ans", 20)
    assert len(first) >= 10
    assert titles(searcher, other, 20) == first


def test_a_question_about_parents_and_schooling_lists_the_parentalite_and_reussite_scolaire_resources(seeded):
    searcher, by_url = seeded
    hits = searcher.search(SearchQuery(q="comment aider les parents a suivre la scolarite", per_page=10)).hits
    themed = {u for u, r in by_url.items() if {"parentalite", "reussite-scolaire"} & set(r.themes)}
    assert themed <= {h.url for h in hits}
