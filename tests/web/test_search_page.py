"""The search page through Flask's test client: facets form, chosen filters, count, sort, pages, states as URLs."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.web.conftest import HOSTILE_TITLE, PAGED_COUNT, PAGED_WORD


def page(client, url):
    response = client.get(url)
    assert 200 == response.status_code, url
    return BeautifulSoup(response.data, "html.parser")


def query_of(href: str) -> dict:
    return parse_qs(urlsplit(href).query)


def hit_titles(soup) -> list[str]:
    return [h.get_text(strip=True) for h in soup.select(".hits .hit-title")]


def test_search_without_accent_lists_the_seed_evaluation_guides(client):
    soup = page(client, "/recherche?q=evaluation")
    titles = hit_titles(soup)
    assert any("Guide-Mémo pour la rédaction d'un protocole d'évaluation" in t for t in titles)
    assert any("Analyse des protocoles de suivi et d'évaluation" in t for t in titles)


def test_facets_are_a_get_form_of_checkboxes_in_fieldsets_with_counts_and_a_filter_button(client):
    soup = page(client, f"/recherche?q={PAGED_WORD}")
    form = soup.select_one("form.facet-form")
    assert "get" == form["method"] and "/recherche" == form["action"]
    assert {"q": PAGED_WORD} == {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    legends = [f.legend.get_text(strip=True) for f in form.select("fieldset")]
    assert ["Thème", "Niveau", "Type de ressource", "Éditeur", "Année", "Territoire"] == legends
    level = form.find("legend", string="Niveau").parent
    labels = {label.get_text(" ", strip=True) for label in level.select("label")}
    assert {"Local (15)", "National (15)", "Régional (15)"} == labels
    for box in level.select("input[type=checkbox]"):
        assert level.select_one(f"label[for={box['id']}]") is not None
    assert "Filtrer" == form.select_one("button[type=submit]").get_text(strip=True)


def test_choosing_a_level_keeps_only_that_level_and_updates_the_other_counts(client):
    everything = client.get(f"/api/search?q={PAGED_WORD}").get_json()
    regional = client.get(f"/api/search?q={PAGED_WORD}&level=regional").get_json()
    assert {"regional"} == {h["level"] for h in regional["results"]}
    assert 15 == regional["total"]
    assert sum(v["count"] for v in everything["facets"]["theme"]) == PAGED_COUNT
    assert sum(v["count"] for v in regional["facets"]["theme"]) == 15
    soup = page(client, f"/recherche?q={PAGED_WORD}&level=regional")
    box = soup.select_one("input[type=checkbox][name=level][value=regional]")
    assert box.has_attr("checked")


def test_chosen_filters_are_listed_as_links_that_remove_them(client):
    soup = page(client, f"/recherche?q={PAGED_WORD}&theme=evaluation&level=local")
    chips = soup.select(".chosen a.chip")
    names = [c.get_text(" ", strip=True) for c in chips]
    assert [
        "Retirer le filtre Thème : Évaluation ×",
        "Retirer le filtre Niveau : Local ×",
        "Retirer tous les filtres",
    ] == names
    assert {"q": [PAGED_WORD], "level": ["local"]} == query_of(chips[0]["href"])
    assert {"q": [PAGED_WORD], "theme": ["evaluation"]} == query_of(chips[1]["href"])
    assert {"q": [PAGED_WORD]} == query_of(chips[2]["href"])
    # The query form keeps the filters when the words change.
    hidden = {(i["name"], i["value"]) for i in soup.select("form.search-form input[type=hidden]")}
    assert {("theme", "evaluation"), ("level", "local")} == hidden


def test_the_result_count_is_a_status_message(client):
    soup = page(client, f"/recherche?q={PAGED_WORD}")
    status = soup.select_one("[role=status]")
    assert f"{PAGED_COUNT} ressources trouvées pour « {PAGED_WORD} ». Page 1 sur 3." == status.get_text(
        strip=True
    )


def test_pagination_is_a_nav_with_previous_next_and_the_current_page(client):
    first = page(client, f"/recherche?q={PAGED_WORD}")
    nav = first.select_one("nav[aria-label=Pagination]")
    links = [(a.get_text(" ", strip=True), query_of(a["href"]).get("page")) for a in nav.select("a")]
    assert [("Page 1", None), ("Page 2", ["2"]), ("Page 3", ["3"]), ("Page suivante", ["2"])] == links
    assert "Page 1" == nav.select_one("[aria-current=page]").get_text(" ", strip=True)
    last = page(client, f"/recherche?q={PAGED_WORD}&page=3")
    assert 5 == len(hit_titles(last))
    assert "41" == last.select_one("ol.hits")["start"]
    texts = [a.get_text(" ", strip=True) for a in last.select("nav[aria-label=Pagination] a")]
    assert "Page précédente" == texts[0] and "Page suivante" not in texts
    seen = (
        set(hit_titles(first))
        | set(hit_titles(page(client, f"/recherche?q={PAGED_WORD}&page=2")))
        | set(hit_titles(last))
    )
    assert PAGED_COUNT == len(seen)


def test_sort_by_title_orders_the_hits_and_stays_in_the_page_links(client):
    soup = page(client, f"/recherche?q={PAGED_WORD}&sort=title")
    titles = hit_titles(soup)
    assert sorted(titles) == titles
    assert soup.select_one("option[value=title]").has_attr("selected")
    next_link = soup.select_one("nav[aria-label=Pagination] a[rel=next]")
    assert {"q": [PAGED_WORD], "sort": ["title"], "page": ["2"]} == query_of(next_link["href"])


def test_a_misspelling_is_searched_corrected_with_a_link_to_search_the_word_as_typed(client):
    soup = page(client, "/recherche?q=jardinnage")
    suggestion = soup.select_one(".suggestion")
    assert "Résultats pour jardinage — rechercher plutôt jardinnage" == suggestion.get_text(" ", strip=True)
    assert {"q": ['"jardinnage"']} == query_of(suggestion.a["href"])
    assert soup.select_one(".fallback") is None
    assert hit_titles(soup), "the corrected word's resources are listed at once"
    as_typed = page(client, suggestion.a["href"])
    assert as_typed.select_one(".suggestion") is None
    assert "mots proches" in as_typed.select_one(".fallback").get_text()


def test_an_empty_result_proposes_to_remove_each_filter(client):
    soup = page(client, "/recherche?q=zzzqqqxx&theme=evaluation")
    empty = soup.select_one(".empty")
    assert soup.select_one(".fallback") is None, "no 'here are close matches' above an empty list"
    assert "Aucune ressource ne correspond à votre recherche." == soup.select_one("[role=status]").get_text(
        strip=True
    )
    links = {a.get_text(strip=True): query_of(a["href"]) for a in empty.select("a")}
    assert {"q": ["zzzqqqxx"]} == links["Retirer le filtre Évaluation"]
    assert {} == links["Voir toutes les ressources"]


def test_hits_show_type_level_themes_publisher_date_badge_and_both_links(client):
    soup = page(client, "/recherche?q=podcast+familles")
    hit = next(h for h in soup.select(".hit") if "Paroles de familles" in h.get_text())
    assert hit.select_one(".hit-title a")["href"].startswith("/ressources/")
    assert "https://exemple.test/podcast-familles" == hit.select_one(".hit-link a")["href"]
    meta = hit.select_one(".hit-meta").get_text(" | ", strip=True)
    assert "Podcast | Local | Radio Cité | 2023 | Lien non vérifié" == meta
    assert ["Parentalité et place des familles (suggéré)"] == [
        li.get_text(" ", strip=True) for li in hit.select(".themes li")
    ]
    assert hit.select("mark"), "the snippet highlights the words searched"


def test_every_string_from_data_is_escaped(client):
    response = client.get("/recherche?q=echappement")
    assert b"<script>alert" not in response.data and b"<b>gras" not in response.data
    soup = BeautifulSoup(response.data, "html.parser")
    assert HOSTILE_TITLE in hit_titles(soup)
    assert not soup.select("main script, main img, main b, main i")


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-4",
        "page=99999",
        "sort=bogus",
        "theme=nothing-like-this",
        "q=" + "a" * 500,
        "year=abcd",
        "q=%22%28*",
    ],
)
def test_odd_query_strings_still_give_a_page(client, query):
    assert 200 == client.get("/recherche?" + query).status_code
