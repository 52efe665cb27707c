"""Citing and collecting: COinS, Highwire tags, unAPI, RIS and BibTeX read back by PyPI parsers."""

from urllib.parse import parse_qs

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from bs4 import BeautifulSoup
from lxml import etree

from catalogue.store import Store
from catalogue.urls import resource_id
from tests.web.conftest import HOSTILE_TITLE, PAGED_COUNT, PAGED_WORD

PODCAST = resource_id("https://exemple.test/podcast-familles")
HOSTILE = resource_id("https://exemple.test/hostile")
FICHE = resource_id("https://exemple.test/fiches/jardin-07")


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert [] == library.failed_blocks
    return library.entries


def coins_of(html: bytes) -> dict[str, dict]:
    """Every Z3988 span of a page, decoded, by title."""
    spans = BeautifulSoup(html, "html.parser").select("span.Z3988")
    decoded = [parse_qs(span["title"]) for span in spans]
    return {d["rft.title"][0]: d for d in decoded}


def test_every_result_carries_coins_with_its_title_date_and_type(client):
    page = client.get(f"/recherche?q={PAGED_WORD}&sort=title")
    found = coins_of(page.data)
    assert 20 == len(found)
    first = found["Fiche jardinage pédagogique numéro 00"]
    assert ["2010-01"] == first["rft.date"]
    assert ["Text", "Fiche expérience"] == first["rft.type"]
    assert ["info:ofi/fmt:kev:mtx:dc"] == first["rft_val_fmt"]
    assert ["Z39.88-2004"] == first["ctx_ver"]
    assert ["Cité éducative de Test"] == first["rft.creator"]


def test_the_resource_page_carries_coins_highwire_tags_unapi_and_citation_links(client):
    html = client.get(f"/ressources/{PODCAST}").data
    assert {"Podcast Paroles de familles"} == set(coins_of(html))
    coins = coins_of(html)["Podcast Paroles de familles"]
    assert (["2023"], ["Sound", "Podcast"]) == (coins["rft.date"], coins["rft.type"])
    soup = BeautifulSoup(html, "html.parser")
    metas = [
        (m["name"], m["content"]) for m in soup.find_all("meta") if m.get("name", "").startswith("citation_")
    ]
    assert [
        ("citation_title", "Podcast Paroles de familles"),
        ("citation_author", "Radio Cité"),
        ("citation_publisher", "Radio Cité"),
        ("citation_publication_date", "2023"),
        ("citation_language", "fr"),
        ("citation_abstract_html_url", f"http://localhost/ressources/{PODCAST}"),
        ("citation_fulltext_html_url", "https://exemple.test/podcast-familles"),
    ] == metas
    assert "/unapi" == soup.find("link", rel="unapi-server")["href"]
    assert [PODCAST] == [a["title"] for a in soup.select("abbr.unapi-id")]
    links = {a["href"] for a in soup.select(".cite-links a")}
    assert {f"/ressources/{PODCAST}.ris", f"/ressources/{PODCAST}.bib"} == links


def test_one_resource_in_ris_reads_back_with_rispy_accents_and_all(client):
    response = client.get(f"/ressources/{PODCAST}.ris")
    assert "application/x-research-info-systems; charset=utf-8" == response.content_type
    [entry] = rispy.loads(response.get_data(as_text=True))
    assert {
        "type_of_reference": "SOUND",
        "title": "Podcast Paroles de familles",
        "authors": ["Radio Cité"],
        "publisher": "Radio Cité",
        "year": "2023",
        "date": "2023///",
        "abstract": "Un podcast sur la place des familles à l'école.",
        "type_of_work": "Podcast",
        "urls": ["https://exemple.test/podcast-familles"],
        "language": "fr",
        "id": PODCAST,
        "file_attachments2": f"http://localhost/ressources/{PODCAST}",
    } == entry


def test_a_hostile_resource_in_bibtex_is_escaped_and_decodes_back_to_its_text(client, site_settings):
    with Store.open(site_settings) as store:
        store.update_fields(
            HOSTILE, publisher="Ville & Cité_{50%} #1 ~ $ \\", notes="interne", territory="a^b"
        )
    text = client.get(f"/ressources/{HOSTILE}.bib").get_data(as_text=True)
    assert "interne" not in text
    # pylatexenc reads \textasciicircum as the modifier letter ˆ: checked on the raw text instead.
    assert "publisher = {Ville \\& Cité\\_\\{50\\%\\} \\#1 \\textasciitilde{} \\$ \\textbackslash{}}," in text
    [entry] = parse_bibtex(text)
    assert ("misc", f"cites-{HOSTILE}") == (entry.entry_type, entry.key)
    assert HOSTILE_TITLE == entry.fields_dict["title"].value
    assert "Ville & Cité_{50%} #1 ~ $ \\" == entry.fields_dict["publisher"].value
    assert "https://exemple.test/hostile" == entry.fields_dict["url"].value


def test_a_multiline_description_stays_on_one_ris_line(client, site_settings):
    with Store.open(site_settings) as store:
        store.update_fields(PODCAST, description="Première ligne\nER  - fausse fin\r\nTY  - JOUR")
    [entry] = rispy.loads(client.get(f"/ressources/{PODCAST}.ris").get_data(as_text=True))
    assert "Première ligne ER - fausse fin TY - JOUR" == entry["abstract"]


@pytest.mark.parametrize("fmt", ["ris", "bib"])
def test_a_search_in_ris_and_bibtex_parses_back_to_the_same_records(client, fmt):
    query = f"q={PAGED_WORD}&sort=title"
    expected = [h["title"] for h in client.get(f"/api/search?{query}&per_page=100").get_json()["results"]]
    response = client.get(f"/recherche.{fmt}?{query}")
    assert response.headers["Content-Disposition"].endswith(f'.{fmt}"')
    text = response.get_data(as_text=True)
    if fmt == "ris":
        entries = rispy.loads(text)
        titles = [e["title"] for e in entries]
        assert ["Évaluation"] == entries[titles.index("Fiche jardinage pédagogique numéro 00")]["keywords"]
    else:
        titles = [e.fields_dict["title"].value for e in parse_bibtex(text)]
    assert PAGED_COUNT == len(titles)
    assert expected == titles


def test_rapport_guides_and_episodes_get_the_entry_types_reference_managers_expect(client, site_settings):
    with Store.open(site_settings) as store:
        store.update_fields(FICHE, type="rapport")
    [entry] = parse_bibtex(client.get(f"/ressources/{FICHE}.bib").get_data(as_text=True))
    assert ("techreport", "Cité éducative de Test") == (
        entry.entry_type,
        entry.fields_dict["institution"].value,
    )
    assert (
        "RPRT"
        == rispy.loads(client.get(f"/ressources/{FICHE}.ris").get_data(as_text=True))[0]["type_of_reference"]
    )


def test_unapi_lists_formats_and_redirects_to_the_citation(client):
    assert 200 == client.get("/unapi").status_code
    listing = client.get(f"/unapi?id={PODCAST}")
    assert 300 == listing.status_code
    names = [f.get("name") for f in etree.fromstring(listing.data).iter("format")]
    assert ["ris", "bibtex"] == names
    redirect = client.get(f"/unapi?id={PODCAST}&format=bibtex")
    assert (302, f"/ressources/{PODCAST}.bib") == (redirect.status_code, redirect.headers["Location"])
    assert 406 == client.get(f"/unapi?id={PODCAST}&format=marc").status_code
    assert 404 == client.get("/unapi?id=000000000000&format=ris").status_code
    assert 404 == client.get("/ressources/000000000000.ris").status_code
    assert 404 == client.get(f"/ressources/{PODCAST}.docx").status_code
