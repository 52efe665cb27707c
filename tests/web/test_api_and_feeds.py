"""The JSON API, its OpenAPI description, and the formats of a search: CSV, JSON Lines, Atom, OpenSearch."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from catalogue.io import read_resources
from catalogue.models import PUBLIC_FIELDS
from catalogue.urls import resource_id
from catalogue.vocabularies import load_vocabularies
from index.query import FACETS, SearchQuery, results_to_json
from index.search import Searcher
from tests.web.conftest import PAGED_COUNT, PAGED_WORD

ATOM = "{http://www.w3.org/2005/Atom}"


def test_api_search_gives_the_same_json_as_the_index_contract(client, site_settings):
    searcher = Searcher(site_settings.index_path, load_vocabularies())
    try:
        expected = results_to_json(
            searcher.search(
                SearchQuery(
                    q="evaluation",
                    filters={"level": ["national", "regional"]},
                    sort="date",
                    page=2,
                    per_page=5,
                )
            )
        )
    finally:
        searcher.close()
    response = client.get(
        "/api/search?q=evaluation&level=national&level=regional&sort=date&page=2&per_page=5"
    )
    assert "application/json" == response.mimetype
    assert expected == response.get_json()


def test_api_search_takes_per_page_up_to_100_and_refuses_more(client):
    assert 45 == len(client.get(f"/api/search?q={PAGED_WORD}&per_page=100").get_json()["results"])
    assert 400 == client.get(f"/api/search?q={PAGED_WORD}&per_page=5000").status_code


def test_api_resource_returns_every_public_field_and_a_json_404(client):
    rid = resource_id("https://exemple.test/podcast-familles")
    data = client.get(f"/api/resources/{rid}").get_json()
    assert set(PUBLIC_FIELDS) | {"page_url"} == set(data)
    assert ("Podcast Paroles de familles", f"http://localhost/ressources/{rid}") == (
        data["title"],
        data["page_url"],
    )
    missing = client.get("/api/resources/000000000000")
    assert 404 == missing.status_code
    assert {
        "error": {
            "status": 404,
            "title": "Page introuvable",
            "message": "La page demandée n'existe pas ou a été déplacée.",
        }
    } == missing.get_json()


def test_openapi_describes_both_paths_and_every_facet_parameter(client):
    doc = client.get("/api/openapi.json").get_json()
    assert "3.1.0" == doc["openapi"] and "http://localhost/api" == doc["servers"][0]["url"]
    assert {"/search", "/resources/{id}", "/suggest"} == set(doc["paths"])
    names = [p["name"] for p in doc["paths"]["/search"]["get"]["parameters"]]
    assert [
        "q",
        *FACETS,
        "sort",
        "page",
        "per_page",
        "updated_since",
        "If-None-Match",
        "If-Modified-Since",
    ] == names
    api_keys = set(client.get("/api/search?q=evaluation").get_json())
    assert api_keys | {"updated_since"} == set(doc["components"]["schemas"]["SearchResults"]["properties"])


def test_exact_csv_holds_the_whole_result_set_not_the_page_and_imports_back(client):
    response = client.get(f"/recherche.import.csv?q={PAGED_WORD}&level=regional&level=local")
    assert "text/csv; charset=utf-8" == response.content_type
    assert response.headers["Content-Disposition"].startswith('attachment; filename="catalogue-recherche-')
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert list(PUBLIC_FIELDS) == rows[0]
    assert 30 == len(rows) - 1
    resources = read_resources(io.StringIO(text), "csv", load_vocabularies(), "export.csv")
    assert {"regional", "local"} == {r.level for r in resources}


def test_jsonl_holds_the_whole_result_set_in_the_search_order(client):
    lines = client.get(f"/recherche.jsonl?q={PAGED_WORD}&sort=title").get_data(as_text=True).splitlines()
    titles = [json.loads(line)["title"] for line in lines]
    assert PAGED_COUNT == len(titles)
    assert sorted(titles) == titles


def test_an_empty_search_exports_a_csv_with_only_its_header(client):
    rows = list(
        csv.reader(io.StringIO(client.get("/recherche.import.csv?q=zzzqqqxx").get_data(as_text=True)))
    )
    assert [list(PUBLIC_FIELDS)] == rows


def test_spreadsheet_csv_opens_as_a_french_spreadsheet_reads_it_and_imports_back(client):
    """Read as a spreadsheet does: bytes, a UTF-8 BOM, cells separated by ;."""
    response = client.get(f"/recherche.csv?q={PAGED_WORD}&level=regional&level=local")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8")), delimiter=";"))
    assert ["Titre", "Adresse", "Description", "Type", "Thèmes"] == rows[0][:5]
    assert 30 == len(rows) - 1 and all(len(r) == len(rows[0]) for r in rows)
    levels = {r[rows[0].index("Niveau")] for r in rows[1:]}
    assert {"Régional", "Local"} == levels
    resources = read_resources(
        io.StringIO(raw.decode("utf-8-sig")), "csv", load_vocabularies(), "tableur.csv"
    )
    assert {"regional", "local"} == {r.level for r in resources}


def test_atom_feed_lists_the_newest_additions_first_and_escapes_data(client):
    response = client.get("/recherche.atom?theme=evaluation")
    assert "application/atom+xml; charset=utf-8" == response.content_type
    root = ET.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    published = [e.find(f"{ATOM}published").text for e in entries]
    assert sorted(published, reverse=True) == published
    assert '<script>alert("x")</script> Évaluation & <b>gras</b>' in [
        e.find(f"{ATOM}title").text for e in entries
    ]
    assert root.find(f"{ATOM}updated").text == published[0]
    assert all("evaluation" in [c.get("term") for c in e.findall(f"{ATOM}category")] for e in entries)


def test_the_search_page_links_every_format_with_the_same_state(client):
    html = client.get(f"/recherche?q={PAGED_WORD}&theme=evaluation&page=2").get_data(as_text=True)
    for href in (
        f"/recherche.csv?q={PAGED_WORD}&amp;theme=evaluation",
        f"/recherche.import.csv?q={PAGED_WORD}&amp;theme=evaluation",
        f"/recherche.jsonl?q={PAGED_WORD}&amp;theme=evaluation",
        f"/api/search?q={PAGED_WORD}&amp;theme=evaluation",
        f"/recherche.atom?q={PAGED_WORD}&amp;theme=evaluation",
    ):
        assert f'href="{href}"' in html


def test_opensearch_description_points_to_the_search_page_and_feeds(client):
    response = client.get("/opensearch.xml")
    assert response.content_type.startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{ns}Url")}
    assert "http://localhost/recherche?q={searchTerms}" == templates["text/html"]
    assert "http://localhost/recherche.atom?q={searchTerms}" == templates["application/atom+xml"]


@pytest.mark.parametrize("fmt", ["xml", "pdf", "html"])
def test_unknown_formats_are_404(client, fmt):
    assert 404 == client.get(f"/recherche.{fmt}?q=x").status_code


@pytest.mark.parametrize("fmt, delimiter", [("csv", ";"), ("import.csv", ",")])
def test_the_site_csv_is_safe_to_open_in_a_spreadsheet(fmt, delimiter):
    from catalogue.models import Resource
    from web.feeds import _render

    resource = Resource(url="https://ex.example/f", title="=1+1", description="@SUM(A1)")
    text = _render(fmt, [resource], True, load_vocabularies())
    row = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))[1]
    assert "'=1+1" in row and "'@SUM(A1)" in row
