"""The resource page's « see also » list is computed once per index version and themes, and computed
again as soon as the index or the resource's themes change."""

import threading

from bs4 import BeautifulSoup

from catalogue.models import Resource
from catalogue.store import Store
from catalogue.urls import resource_id
from index.build import update

MENTORAT_FICHE = resource_id("https://exemple.test/fiches/jardin-04")  # theme « mentorat »
OTHER_THEMES = resource_id("https://exemple.test/fiches/jardin-00")  # theme « évaluation »


def see_also(client, rid: str) -> tuple[list[str], str]:
    """The titles listed under « Voir aussi » and the link to all resources of those themes."""
    response = client.get(f"/ressources/{rid}")
    assert 200 == response.status_code
    soup = BeautifulSoup(response.data, "html.parser")
    return [a.get_text() for a in soup.select(".related li a")], soup.select(".related p a")[-1]["href"]


def test_a_second_view_of_a_page_reuses_its_see_also_list(client, app):
    first = see_also(client, MENTORAT_FICHE)
    searcher = app.extensions["catalogue.searcher"]
    before = searcher.hits
    assert first == see_also(client, MENTORAT_FICHE)
    assert before + 1 == searcher.hits


def test_see_also_shows_a_resource_indexed_after_the_list_was_cached(client, site_settings):
    titles, _ = see_also(client, MENTORAT_FICHE)
    assert "Nouvelle fiche de mentorat" not in titles
    with Store.open(site_settings) as store:
        added, _ = store.upsert(
            Resource(
                url="https://exemple.test/nouvelle-fiche-mentorat",
                title="Nouvelle fiche de mentorat",
                type="fiche-experience",
                themes=["mentorat"],
                date="2026-11-30",
            )
        )
        update(store, site_settings.index_path, [added.id])
    titles, _ = see_also(client, MENTORAT_FICHE)
    assert "Nouvelle fiche de mentorat" == titles[0]


def test_see_also_follows_the_resource_when_its_themes_change(client, site_settings):
    titles, url = see_also(client, MENTORAT_FICHE)
    assert "/recherche?theme=mentorat" == url
    with Store.open(site_settings) as store:
        fiche = store.get(MENTORAT_FICHE)
        fiche.themes = ["lecture-langage"]
        store.upsert(fiche)
        update(store, site_settings.index_path, [fiche.id])
        lecture = {r.title for r in store if "lecture-langage" in r.themes and r.id != fiche.id}
    new_titles, url = see_also(client, MENTORAT_FICHE)
    assert "/recherche?theme=lecture-langage" == url
    assert new_titles and set(new_titles) <= lecture


def test_a_resource_page_is_served_while_a_search_holds_the_searcher(client, app):
    """« See also » lists come from a searcher of their own: a resource page never waits behind a
    running search (the join's timeout only keeps a failing run from hanging)."""
    see_also(client, MENTORAT_FICHE)  # opens the searchers
    searching = app.extensions["catalogue.searcher"].searcher
    answers = []
    page = threading.Thread(target=lambda: answers.append(see_also(client, OTHER_THEMES)))
    with searching._lock:  # as Searcher.search holds it for a whole search
        page.start()
        page.join(timeout=60)
        served_during_the_search = not page.is_alive()
    page.join()
    assert served_during_the_search and [] != answers[0][0]
