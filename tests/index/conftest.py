"""Index fixtures: a store with a few French resources and an index built from it."""

import pytest

from catalogue import suggest
from catalogue.models import Resource
from index.build import rebuild
from index.search import Searcher

DEEP_WORD_OFFSET = 80_000


def sample_resources() -> list[Resource]:
    """Resources shaped like the catalogue's, one with a word found only 80 KB into its text."""
    filler = "Le présent rapport décrit les actions menées dans les quartiers. " * (DEEP_WORD_OFFSET // 64)
    return [
        Resource(
            url="https://ex.fr/guide-memo",
            title="Guide-Mémo pour la rédaction d'un protocole d'évaluation",
            description="Outil méthodologique de l'Observatoire départemental de l'Essonne.",
            type="guide",
            themes=["evaluation"],
            level="regional",
            publisher="Observatoire de l'Essonne",
            date="2020-04",
            territory="Essonne",
        ),
        Resource(
            url="https://ex.fr/injep",
            title="Analyse des protocoles de suivi et d'évaluation des « cités éducatives »",
            description="Analyse nationale par l'INJEP.",
            type="rapport",
            themes=["evaluation"],
            level="national",
            publisher="INJEP",
            date="2021",
        ),
        Resource(
            url="https://ex.fr/pre",
            title="Un nouvel outil pour les équipes",
            description="Un outil pour le programme de réussite éducative et les familles.",
            type="guide",
            themes=["reussite-scolaire"],
            level="local",
            publisher="IREV",
            date="2022-01",
            territory="Maubeuge",
        ),
        Resource(
            url="https://ex.fr/rapport-long",
            title="Rapport d'activité des quartiers",
            description="Un long rapport.",
            type="rapport",
            level="local",
            publisher="Ville de Lille",
            date="2019",
            text=filler + " Les cordées de la réussite mobilisent les lycéens. " + filler[:2000],
        ),
        Resource(
            url="https://ex.fr/cpo",
            title="Rencontre du réseau régional des chefs de projet opérationnels",
            description="Compte rendu de la rencontre des coordinateurs.",
            type="compte-rendu",
            themes=["reseau-cpo"],
            level="regional",
            publisher="IREV",
            date="2022-04-06",
            territory="Hauts-de-France",
            text="Ordre du jour : la parentalité et le stage de 3e.",
        ),
        Resource(
            url="https://ex.fr/parents",
            title="La place des parents à l'école",
            description="Parentalité et coéducation dans les cités éducatives.",
            type="article",
            level="national",
            publisher="ANCT",
            date="2022-02",
            text="Soutien à la parentalité, lien avec les familles, égalité des chances au lycée.",
        ),
    ]


@pytest.fixture
def indexed(store, settings):
    """A store with the sample resources, and its built index (path)."""
    store.upsert_many(sample_resources())
    suggest.apply(store)  # as the composition root does before a rebuild
    rebuild(store, settings.index_path)
    return store, settings.index_path


@pytest.fixture
def searcher(indexed):
    """A Searcher over the sample index."""
    store, path = indexed
    s = Searcher(path, store.vocabularies)
    yield s
    s.close()
