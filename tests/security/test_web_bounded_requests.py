"""No request can make the site build a huge answer: facet values, words searched, the query string
and the page size are bounded, and a request beyond is refused with 400 and a French reason."""

from urllib.parse import urlencode

import pytest

from tests.web.conftest import PAGED_WORD

SEARCH_ROUTES = ["/recherche", "/recherche.csv", "/recherche.jsonl", "/recherche.atom", "/api/search"]


def _reason(response) -> str:
    if response.is_json:
        return response.get_json()["error"]["message"]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_three_thousand_theme_values_are_refused_with_400_before_any_search(client, route):
    query = urlencode([("theme", f"x{i}") for i in range(3000)])
    assert len(query) > 30_000
    response = client.get(f"{route}?{query}")
    assert (400, True) == (response.status_code, "trop longue" in _reason(response))


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_more_than_twenty_values_in_one_facet_are_refused_naming_the_facet(client, route):
    response = client.get(f"{route}?" + urlencode([("theme", f"theme-{i}") for i in range(21)]))
    assert 400 == response.status_code
    assert "Trop de valeurs pour le filtre « Thème » : 21 (au plus 20)." in _reason(response)


@pytest.mark.parametrize("route", SEARCH_ROUTES[:-1])
def test_twenty_values_in_one_facet_are_served(client, route):
    response = client.get(f"{route}?" + urlencode([("theme", f"theme-{i}") for i in range(20)]))
    assert 200 == response.status_code


def test_twenty_years_are_served_by_the_api_which_refuses_unknown_themes(client):
    assert (
        200
        == client.get("/api/search?" + urlencode([("year", str(2000 + i)) for i in range(20)])).status_code
    )
    assert (
        400
        == client.get("/api/search?" + urlencode([("theme", f"theme-{i}") for i in range(20)])).status_code
    )


def test_a_value_repeated_counts_once(client):
    response = client.get("/recherche?" + urlencode([("level", "national")] * 50))
    assert 200 == response.status_code


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_words_searched_beyond_500_characters_are_refused(client, route):
    assert 200 == client.get(f"{route}?" + urlencode({"q": "é" * 500})).status_code
    response = client.get(f"{route}?" + urlencode({"q": "é" * 501}))
    assert (400, True) == (response.status_code, "au plus 500" in _reason(response))


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_a_facet_value_beyond_200_characters_is_refused(client, route):
    response = client.get(f"{route}?" + urlencode({"publisher": "p" * 201}))
    assert (400, True) == (response.status_code, "trop longue" in _reason(response))


def test_the_refusal_is_a_french_page_of_the_site(client):
    response = client.get("/recherche?" + urlencode([("type", f"t{i}") for i in range(25)]))
    html = response.get_data(as_text=True)
    assert (400, "text/html; charset=utf-8") == (response.status_code, response.content_type)
    assert "<h1>Requête invalide</h1>" in html
    assert "Trop de valeurs pour le filtre « Type de ressource » : 25 (au plus 20)." in html


def test_the_api_refusal_is_json(client):
    response = client.get("/api/search?" + urlencode([("year", str(y)) for y in range(1990, 2020)]))
    assert 400 == response.status_code
    assert {"code": "parametre_invalide", "parameter": "year", "allowed": "au plus 20 valeurs"} == {
        k: v for k, v in response.get_json()["error"].items() if k != "message"
    }


def test_a_long_query_string_is_refused_on_every_route_not_only_searches(client):
    assert 400 == client.get("/?" + "x=" + "a" * 20_000).status_code


@pytest.mark.parametrize(
    "args",
    [{"per_page": "100000"}, {"per_page": "-3"}, {"per_page": "1e9"}, {"page": str(10**30)}, {"page": "-1"}],
)
def test_the_page_size_is_bounded_whatever_the_input(client, args):
    refused = client.get("/api/search?" + urlencode({"q": PAGED_WORD, **args}))  # the API says why
    assert (400, next(iter(args))) == (refused.status_code, refused.get_json()["error"]["parameter"])
    html_hits = client.get("/recherche?" + urlencode({"q": PAGED_WORD, **args})).get_data(as_text=True)
    assert html_hits.count('class="hit"') <= 20
    atom = client.get("/recherche.atom?" + urlencode({"q": PAGED_WORD, **args})).get_data(as_text=True)
    assert atom.count("<entry>") <= 50
