"""Search state as URLs (web.facets) and the result cache (web.searchcache), which forgets when the index changes."""

from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import MultiDict

from catalogue.models import Resource
from catalogue.store import Store
from index.build import update
from index.query import SearchQuery
from tests.web.conftest import PAGED_COUNT, PAGED_WORD
from web.facets import pagination, query_from_args, query_string, state_params, state_url
from web.searchcache import query_key


@pytest.mark.parametrize(
    "args, expected",
    [
        ({}, SearchQuery()),
        ({"q": "  lecture  "}, SearchQuery(q="lecture")),
        (
            {"theme": ["evaluation", "mentorat", "evaluation"], "level": ["local"]},
            SearchQuery(filters={"theme": ["evaluation", "mentorat"], "level": ["local"]}),
        ),
        ({"sort": "title", "page": "3"}, SearchQuery(sort="title", page=3)),
        ({"sort": "nonsense", "page": "x"}, SearchQuery()),
        ({"page": "100000"}, SearchQuery(page=500)),
        ({"theme": ["", " "], "unknown": ["x"]}, SearchQuery()),
    ],
)
def test_query_from_args(args, expected):
    multi = MultiDict([(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])])
    assert expected == query_from_args(multi)


def test_state_params_leave_defaults_out_and_keep_facet_order():
    query = SearchQuery(q="a b", filters={"type": ["guide"], "theme": ["x", "y"]}, sort="date", page=2)
    assert [
        ("q", "a b"),
        ("theme", "x"),
        ("theme", "y"),
        ("type", "guide"),
        ("sort", "date"),
        ("page", "2"),
    ] == state_params(query)
    assert [] == state_params(SearchQuery())


def test_pagination_shows_first_last_and_neighbours_with_gaps(app):
    with app.test_request_context():
        pages = pagination(SearchQuery(q="x", page=10, per_page=20), 400)
        numbers = [p.get("number", "…") for p in pages["pages"]]
        assert [1, "…", 8, 9, 10, 11, 12, "…", 20] == numbers
        assert "/recherche?q=x&page=9" == pages["prev_url"] and "/recherche?q=x&page=11" == pages["next_url"]
        assert pagination(SearchQuery(q="x"), 20) is None
        assert "/recherche" == state_url(SearchQuery())


def test_query_key_is_the_same_for_the_same_search():
    a = SearchQuery(q="x", filters={"theme": ["a"], "level": ["b"]})
    b = SearchQuery(q="x", filters={"level": ["b"], "theme": ["a"]})
    assert query_key(a) == query_key(b) and query_key(a) != query_key(SearchQuery(q="x"))


def test_cached_results_are_reused_then_forgotten_when_the_index_changes(client, app, site_settings):
    assert PAGED_COUNT == client.get(f"/api/search?q={PAGED_WORD}").get_json()["total"]
    searcher = app.extensions["catalogue.searcher"]
    before = searcher.hits
    client.get(f"/api/search?q={PAGED_WORD}")
    assert before + 1 == searcher.hits
    with Store.open(site_settings) as store:
        added, _ = store.upsert(
            Resource(url="https://exemple.test/nouveau", title=f"Nouvelle fiche {PAGED_WORD}")
        )
        update(store, site_settings.index_path, [added.id])
    assert PAGED_COUNT + 1 == client.get(f"/api/search?q={PAGED_WORD}").get_json()["total"]


@pytest.mark.parametrize(
    "params",
    [
        [],
        [("q", "évaluation & co / 16-25+"), ("theme", "reussite-scolaire")],
        [("publisher", "Éditeur 1"), ("publisher", "l'INJEP"), ("page", "2"), ("sort", "date")],
        [("q", "100 % « réussite » #1 ?=&")],
    ],
)
def test_query_strings_are_written_as_urlencode_writes_them(params):
    assert query_string(params) == urlencode(params)
