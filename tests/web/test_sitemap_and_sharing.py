"""Crawlers and sharing: robots.txt, the sitemap (checked against its XSD), canonical links,
noindex on filtered searches, Open Graph and Twitter cards, the theme and level pages."""

import json
from urllib.robotparser import RobotFileParser

from bs4 import BeautifulSoup

from catalogue.store import Store
from catalogue.urls import resource_id
from tests.web.xmlschemas import assert_valid
from web import sitemap

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PODCAST = resource_id("https://exemple.test/podcast-familles")


def test_robots_keeps_crawlers_off_staff_pages_and_format_variants_and_announces_the_sitemap(client):
    response = client.get("/robots.txt")
    assert "text/plain; charset=utf-8" == response.content_type
    text = response.get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text.splitlines()
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    for path in (
        "/equipe",
        "/equipe/ressources",
        "/recherche.csv?q=x",
        "/recherche.atom",
        "/api/search",
        "/oai",
    ):
        assert not parser.can_fetch("Googlebot", "http://localhost" + path), path
    for path in ("/", "/recherche?q=evaluation", f"/ressources/{PODCAST}", "/themes/evaluation"):
        assert parser.can_fetch("Googlebot", "http://localhost" + path), path
    # Google's wildcard rules (the standard library's parser reads them literally).
    assert {"Disallow: /ressources/*.", "Disallow: /ressources/*/archive"} <= set(text.splitlines())


def test_the_sitemap_lists_home_theme_level_and_every_resource_with_lastmod(client, site_settings):
    response = client.get("/sitemap.xml")
    assert "application/xml; charset=utf-8" == response.content_type
    root = assert_valid(response.data, "sitemap.xsd")
    entries = {u.findtext(SM + "loc"): u.findtext(SM + "lastmod") for u in root.iter(SM + "url")}
    with Store.open(site_settings) as store:
        ids = store.ids()
    for rid in ids:
        assert entries[f"http://localhost/ressources/{rid}"].endswith("Z")
    assert {
        "http://localhost/",
        "http://localhost/themes/evaluation",
        "http://localhost/niveaux/regional",
    } <= set(entries)
    assert len(ids) + 1 + 1 + 12 + 3 == len(entries)
    for loc in ("http://localhost/", "http://localhost/themes/evaluation", "http://localhost/niveaux/local"):
        assert 200 == client.get(loc.removeprefix("http://localhost")).status_code


def test_past_the_limit_the_sitemap_becomes_an_index_of_files_that_hold_every_page_once(client, monkeypatch):
    every = {
        u.findtext(SM + "loc")
        for u in assert_valid(client.get("/sitemap.xml").data, "sitemap.xsd").iter(SM + "url")
    }
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 30)
    index = assert_valid(client.get("/sitemap.xml").data, "siteindex.xsd")
    parts = [s.findtext(SM + "loc") for s in index.iter(SM + "sitemap")]
    assert -(-len(every) // 30) == len(parts)
    seen = []
    for part in parts:
        root = assert_valid(client.get(part.removeprefix("http://localhost")).data, "sitemap.xsd")
        seen.extend(u.findtext(SM + "loc") for u in root.iter(SM + "url"))
    assert sorted(every) == sorted(seen)
    assert 404 == client.get(f"/sitemap-{len(parts) + 1}.xml").status_code
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 50_000)
    alone = assert_valid(client.get("/sitemap-1.xml").data, "sitemap.xsd")  # one file: the same list
    assert sorted(every) == sorted(u.findtext(SM + "loc") for u in alone.iter(SM + "url"))
    assert 404 == client.get("/sitemap-2.xml").status_code


def head_tags(html: bytes) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    tags = {
        m.get("property") or m.get("name"): m["content"]
        for m in soup.head.find_all("meta")
        if m.get("content")
    }
    canonical = soup.head.find("link", rel="canonical")
    tags["canonical"] = canonical["href"] if canonical else None
    return tags


def test_a_resource_page_has_a_canonical_link_and_a_sharing_card(client):
    tags = head_tags(client.get(f"/ressources/{PODCAST}?utm_source=x").data)
    page = f"http://localhost/ressources/{PODCAST}"
    assert page == tags["canonical"]
    assert {
        "og:type": "article",
        "og:title": "Podcast Paroles de familles",
        "og:url": page,
        "og:description": "Un podcast sur la place des familles à l'école.",
        "og:locale": "fr_FR",
        "twitter:card": "summary",
        "twitter:title": "Podcast Paroles de familles",
    }.items() <= tags.items()
    assert "robots" not in tags


def test_the_home_page_has_a_website_card(client):
    tags = head_tags(client.get("/").data)
    assert ("website", "http://localhost/", "summary") == (
        tags["og:type"],
        tags["og:url"],
        tags["twitter:card"],
    )


def test_only_filtered_searches_ask_not_to_be_indexed(client):
    assert "noindex,follow" == head_tags(client.get("/recherche?theme=evaluation").data).get("robots")
    assert "noindex,follow" == head_tags(client.get("/recherche?q=x&level=local").data).get("robots")
    assert "robots" not in head_tags(client.get("/recherche?q=evaluation").data)


def test_theme_pages_are_defined_terms_of_the_themes_set(client):
    soup = BeautifulSoup(client.get("/themes/evaluation").data, "html.parser")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "@id": "http://localhost/themes/evaluation",
        "name": "Évaluation",
        "termCode": "evaluation",
        "url": "http://localhost/themes/evaluation",
        "inDefinedTermSet": "http://localhost/themes",
    }.items() <= data.items()
    assert "Thème : Évaluation" == soup.h1.get_text()
    term_set = json.loads(
        BeautifulSoup(client.get("/themes").data, "html.parser")
        .find("script", type="application/ld+json")
        .string
    )
    assert ("DefinedTermSet", 12) == (term_set["@type"], len(term_set["hasDefinedTerm"]))
    assert 404 == client.get("/themes/inconnu").status_code
    assert 404 == client.get("/niveaux/departemental").status_code
