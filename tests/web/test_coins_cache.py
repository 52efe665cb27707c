"""A result's COinS is encoded once per content of the hit and reused by the next result pages; an
edited resource gets its new COinS on the next page."""

from urllib.parse import parse_qs

from catalogue.citations import coins
from catalogue.store import Store
from catalogue.urls import resource_id
from index.build import update
from tests.web.conftest import PAGED_WORD
from tests.web.test_citations import coins_of

FIRST = "Fiche jardinage pédagogique numéro 00"
RESULTS = f"/recherche?q={PAGED_WORD}&sort=title"


def test_the_coins_of_a_result_page_are_kept_and_reused_unchanged(client, app):
    first = client.get(RESULTS).data
    kept = app.extensions["catalogue.coins"]
    assert 20 == len(kept)
    assert first == client.get(RESULTS).data
    assert 20 == len(kept)


def test_an_edited_resource_shows_its_new_coins_on_the_next_result_page(client, site_settings, app):
    assert ["Cité éducative de Test"] == coins_of(client.get(RESULTS).data)[FIRST]["rft.creator"]
    with Store.open(site_settings) as store:
        fiche = store.get(resource_id("https://exemple.test/fiches/jardin-00"))
        fiche.publisher = "Nouvel éditeur"
        fiche.themes = ["lecture-langage"]
        store.upsert(fiche)
        update(store, site_settings.index_path, [fiche.id])
        expected = coins(fiche, app.extensions["catalogue.vocabularies"])
    found = coins_of(client.get(RESULTS).data)[FIRST]
    assert (["Nouvel éditeur"], ["Lecture et langage"]) == (found["rft.creator"], found["rft.subject"])
    assert parse_qs(expected) == found
