"""A strict, cacheable API: French 400s naming the parameter, 405 with Allow, CORS, ETag and
Last-Modified answering 304, updated_since, Link rel=next, /ressources/ID.json, suggestions,
and schemathesis run with every check against the live server."""

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from lxml import etree

from catalogue import withdrawal
from catalogue.store import Store
from catalogue.urls import resource_id
from index.build import rebuild
from tests.rawdb import raw_database
from tests.web.conftest import PAGED_WORD

PODCAST = resource_id("https://exemple.test/podcast-familles")
FICHE = resource_id("https://exemple.test/fiches/jardin-07")
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.mark.parametrize(
    ("query", "parameter", "message", "allowed"),
    [
        ("sort=AAA", "sort", "Tri inconnu : « AAA ».", ["relevance", "date", "title"]),
        ("page=abc", "page", "« abc » n'est pas un nombre entier (entier de 1 à 500).", "entier de 1 à 500"),
        ("page=0", "page", "0 est hors des bornes (entier de 1 à 500).", "entier de 1 à 500"),
        ("per_page=0", "per_page", "0 est hors des bornes (entier de 1 à 100).", "entier de 1 à 100"),
        (
            "per_page=2.5",
            "per_page",
            "« 2.5 » n'est pas un nombre entier (entier de 1 à 100).",
            "entier de 1 à 100",
        ),
        (
            "level=bogus",
            "level",
            "Valeur inconnue pour le filtre « Niveau » : « bogus ».",
            ["national", "regional", "local"],
        ),
        ("year=20xx", "year", "« 20xx » n'est pas une année (AAAA).", "année sur 4 chiffres"),
        (
            "status=perdu",
            "status",
            "Valeur inconnue pour le filtre « État du lien » : « perdu ».",
            ["ok", "a-verifier", "casse"],
        ),
    ],
)
def test_unknown_values_and_malformed_numbers_are_a_400_in_french_naming_the_parameter(
    client, query, parameter, message, allowed
):
    response = client.get(f"/api/search?{query}")
    assert (400, "application/json") == (response.status_code, response.mimetype)
    assert {
        "error": {
            "code": "parametre_invalide",
            "message": message,
            "parameter": parameter,
            "allowed": allowed,
        }
    } == response.get_json()


def test_a_malformed_updated_since_is_refused_on_the_api_and_the_exports(client):
    for url in ("/api/search?updated_since=hier", "/recherche.csv?updated_since=2025-13-45"):
        response = client.get(url)
        assert (400, "updated_since") == (response.status_code, response.get_json()["error"]["parameter"])


def test_a_method_not_allowed_says_which_are(client):
    for url in ("/api/search", f"/api/resources/{PODCAST}", "/sitemap.xml"):
        response = client.post(url)
        assert 405 == response.status_code
        assert {"GET", "HEAD", "OPTIONS"} == {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=x",
        f"/api/resources/{PODCAST}",
        f"/ressources/{PODCAST}.json",
        "/recherche.atom?q=x",
        "/recherche.csv?q=x",
        "/opensearch.xml",
        "/api/suggest?q=eva",
        "/oai?verb=Identify",
        "/api/openapi.json",
    ],
)
def test_the_read_only_api_and_feeds_may_be_called_from_any_site(client, url):
    response = client.get(url, headers={"Origin": "https://autre-site.example"})
    assert "*" == response.headers["Access-Control-Allow-Origin"]


def test_the_site_pages_are_not_shared_across_origins(client):
    assert "Access-Control-Allow-Origin" not in client.get("/recherche?q=x").headers


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=evaluation",
        f"/api/resources/{PODCAST}",
        f"/ressources/{PODCAST}.ris",
        "/recherche.csv?q=x",
        "/recherche.atom?q=x",
        "/api/suggest?q=eva",
    ],
)
def test_a_conditional_get_answers_304_until_the_catalogue_changes(client, site_settings, url):
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert 304 == client.get(url, headers={"If-None-Match": etag}).status_code
    assert 304 == client.get(url, headers={"If-Modified-Since": modified}).status_code
    with raw_database(site_settings.database_path) as db:
        db.execute("UPDATE resources SET updated_at = '2099-01-01T00:00:00+00:00' WHERE id = ?", (PODCAST,))
    assert 200 == client.get(url, headers={"If-Modified-Since": modified}).status_code


def test_a_changed_body_has_a_new_etag(client, site_settings):
    before = client.get(f"/api/resources/{PODCAST}").headers["ETag"]
    with Store.open(site_settings) as store:
        store.update_fields(PODCAST, title="Un autre titre")
    after = client.get(f"/api/resources/{PODCAST}", headers={"If-None-Match": before})
    assert (200, "Un autre titre") == (after.status_code, after.get_json()["title"])
    assert before != after.headers["ETag"]


def test_updated_since_returns_only_what_changed_on_the_api_and_the_exports(client, site_settings):
    with raw_database(site_settings.database_path) as db:
        db.execute("UPDATE resources SET updated_at = '2025-06-01T08:00:00+00:00'")
        db.execute(
            "UPDATE resources SET updated_at = '2025-07-14T12:00:00+02:00' WHERE id IN (?, ?)",
            (PODCAST, FICHE),
        )
    data = client.get("/api/search?updated_since=2025-07-14T09:30:00Z").get_json()
    assert ({PODCAST, FICHE}, 2, "2025-07-14T09:30:00Z") == (
        {h["id"] for h in data["results"]},
        data["total"],
        data["updated_since"],
    )
    assert 0 == client.get("/api/search?updated_since=2025-07-14T10:00:01Z").get_json()["total"]
    assert 2 == client.get("/api/search?updated_since=2025-07-14").get_json()["total"]
    lines = (
        client.get(f"/recherche.jsonl?q={PAGED_WORD}&updated_since=2025-07-14")
        .get_data(as_text=True)
        .splitlines()
    )
    assert 1 == len(lines) and FICHE in lines[0]


def test_paginated_answers_link_to_the_next_page_until_the_last(client):
    first = client.get(f"/api/search?q={PAGED_WORD}&per_page=10&level=local")
    assert (
        '<http://localhost/api/search?q=jardinage&per_page=10&level=local&page=2>; rel="next"'
        == first.headers["Link"]
    )
    assert "Link" not in client.get(f"/api/search?q={PAGED_WORD}&per_page=10&level=local&page=2").headers
    assert "Link" not in client.get(f"/api/search?q={PAGED_WORD}&per_page=20&page=3").headers


def test_the_json_of_a_resource_is_the_api_record_without_the_notes(client, site_settings):
    with Store.open(site_settings) as store:
        store.update_fields(PODCAST, notes="à ne pas publier")
    record = client.get(f"/ressources/{PODCAST}.json")
    assert "application/json" == record.mimetype
    assert client.get(f"/api/resources/{PODCAST}").get_json() == record.get_json()
    assert "notes" not in record.get_json() and "à ne pas publier" not in record.get_data(as_text=True)
    assert 404 == client.get("/ressources/000000000000.json").status_code


def test_suggestions_follow_the_opensearch_format_and_are_announced(client):
    response = client.get("/api/suggest?q=evalu")
    assert "application/x-suggestions+json" == response.mimetype
    typed, completions, descriptions, urls = response.get_json()
    assert ("evalu", "Évaluation") == (typed, completions[0])
    assert len(completions) == len(descriptions) == len(urls) <= 10
    assert "http://localhost/recherche?q=%C3%89valuation" == urls[0]
    assert ["CPO"] == client.get("/api/suggest?q=cp").get_json()[1][:1]
    assert [] == client.get("/api/suggest?q=zzzz").get_json()[1]
    assert ["", [], [], []] == client.get("/api/suggest").get_json()
    description = etree.fromstring(client.get("/opensearch.xml").data)
    templates = {
        u.get("type"): u.get("template")
        for u in description.iter("{http://a9.com/-/spec/opensearch/1.1/}Url")
    }
    assert "http://localhost/api/suggest?q={searchTerms}" == templates["application/x-suggestions+json"]


def test_the_atom_feed_of_a_search_carries_opensearch_counts_and_a_next_page(client):
    feed = etree.fromstring(client.get(f"/recherche.atom?q={PAGED_WORD}").data)
    assert ("45", "1", "50") == tuple(
        feed.findtext(OPENSEARCH + n) for n in ("totalResults", "startIndex", "itemsPerPage")
    )
    assert not [link for link in feed.iter(ATOM + "link") if link.get("rel") == "next"]
    feed = etree.fromstring(client.get("/recherche.atom").data)
    total = int(feed.findtext(OPENSEARCH + "totalResults"))
    [following] = [link.get("href") for link in feed.iter(ATOM + "link") if link.get("rel") == "next"]
    assert "http://localhost/recherche.atom?page=2" == following
    second = etree.fromstring(client.get("/recherche.atom?page=2").data)
    assert ("51", total - 50) == (
        second.findtext(OPENSEARCH + "startIndex"),
        len(list(second.iter(ATOM + "entry"))),
    )


def test_schemathesis_finds_nothing_with_every_check_against_the_live_server(live_server, tmp_path):
    st = Path(sys.executable).parent / "st"
    result = subprocess.run(
        [
            str(st),
            "run",
            f"{live_server.url}/api/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--seed",
            "14",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert 0 == result.returncode, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
    assert 200 == requests.get(f"{live_server.url}/api/search?q=x", timeout=10).status_code


def test_a_withdrawn_resource_is_a_410_declared_in_the_openapi_document(client, site_settings):
    with Store.open(site_settings) as store:
        withdrawal.withdraw(store, PODCAST, "doublon", "test")
    assert 410 == client.get(f"/api/resources/{PODCAST}").status_code
    assert 410 == client.get(f"/ressources/{PODCAST}.json").status_code
    assert 410 == client.get(f"/ressources/{PODCAST}.ris").status_code
    responses = client.get("/api/openapi.json").get_json()["paths"]["/resources/{id}"]["get"]["responses"]
    assert {"200", "304", "400", "404", "410"} == set(responses)


def test_a_withdrawn_title_is_no_longer_suggested(client, site_settings):
    assert ["Podcast Paroles de familles"] == client.get("/api/suggest?q=paroles").get_json()[1]
    with Store.open(site_settings) as store:
        withdrawal.withdraw(store, PODCAST, "doublon", "test")
        store.update_fields(FICHE, title="Paroles de jardiniers")  # a change the index sees
    with Store.open(site_settings) as store:
        rebuild(store, site_settings.index_path)
    assert ["Paroles de jardiniers"] == client.get("/api/suggest?q=paroles").get_json()[1]
