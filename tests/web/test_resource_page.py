"""The resource page: fields, extractions, episodes, link health, archived copy, related resources, metadata."""

import json

import pytest
from bs4 import BeautifulSoup

from catalogue import archive, extractions, linkhealth
from catalogue.linkchecks import Check
from catalogue.store import Store
from catalogue.urls import resource_id
from catalogue.vocabularies import load_vocabularies
from index.build import update
from tests.web.conftest import HOSTILE_TITLE

PODCAST = resource_id("https://exemple.test/podcast-familles")
HOSTILE = resource_id("https://exemple.test/hostile")
JARDIN = resource_id("https://exemple.test/fiches/jardin-07")
ARCHIVED_HTML = (
    b"<html><head><meta charset='utf-8'><meta http-equiv='refresh' content='0;url=https://ailleurs.example/'>"
    b"<title>Vieille page</title></head>"
    b"<body><h1>Contenu d'origine</h1><script>alert(1)</script></body></html>"
)


def soup_of(client, url):
    response = client.get(url)
    assert 200 == response.status_code
    return BeautifulSoup(response.data, "html.parser")


def check(store, rid, url, night, verdict, http_status=None, error=""):
    """Record one night's check of a resource, as the link checker does."""
    run = linkhealth.start_run(store, f"{night}T02:00:00+00:00")
    result = Check(
        rid,
        url,
        f"{night}T02:00:05+00:00",
        verdict,
        http_status=http_status,
        final_url=url,
        duration=0.1,
        error=error,
        content_type="text/html",
        content_length=100,
        attempts=1,
    )
    linkhealth.record_run(
        store, run, [result], outage=False, confirm_nights=2, finished_at=f"{night}T02:10:00+00:00"
    )


@pytest.fixture
def broken_and_archived(site_settings):
    """The jardin-07 resource: archived on 2 March 2026, then failing with 404 on the nights of 3 and 4 March."""
    url = "https://exemple.test/fiches/jardin-07"
    with Store.open(site_settings) as store:
        archive.store_copy(
            store,
            site_settings,
            JARDIN,
            ARCHIVED_HTML,
            "text/html; charset=utf-8",
            url,
            "2026-03-02T02:00:00+00:00",
        )
        check(store, JARDIN, url, "2026-03-03", "broken", 404)
        check(store, JARDIN, url, "2026-03-04", "broken", 404)
        update(store, site_settings.index_path, [JARDIN])
    return JARDIN


def test_every_curated_field_is_shown_with_its_french_label(client):
    soup = soup_of(client, f"/ressources/{PODCAST}")
    assert "Podcast Paroles de familles" == soup.h1.get_text(strip=True)
    fields = {
        div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in soup.select(".fields > div")
    }
    assert {
        "Type": "Podcast",
        "Niveau": "Local",
        "Éditeur": "Radio Cité",
        "Date": "2023",
        "Langue": "français",
        "Ajoutée au catalogue le": "2 novembre 2026",
        "Thèmes": "Parentalité et place des familles (suggéré)",
    }.items() <= fields.items()
    assert "https://exemple.test/podcast-familles" == soup.select_one(".resource-link a")["href"]


def test_a_resource_never_checked_reads_lien_non_verifie_and_has_no_archive(client):
    soup = soup_of(client, f"/ressources/{PODCAST}")
    health = soup.select_one(".health")
    assert "Lien non vérifié Ce lien n'a pas encore été vérifié." == health.p.get_text(" ", strip=True)
    assert soup.select_one(".archive-note") is None


def test_a_broken_link_says_since_when_and_offers_the_archived_copy(client, broken_and_archived):
    soup = soup_of(client, f"/ressources/{broken_and_archived}")
    health = soup.select_one(".health")
    text = health.get_text(" ", strip=True)
    assert "Lien cassé" == health.select_one(".badge").get_text(strip=True)
    assert "Dernière vérification le 4 mars 2026." in text
    assert "En échec depuis le 3 mars 2026." in text
    assert "404" in text
    note = soup.select_one(".archive-note")
    assert "Une copie archivée du 2 mars 2026 est conservée" in note.get_text(" ", strip=True)
    assert f"/ressources/{broken_and_archived}/archive" == note.a["href"]
    assert 2 == len(health.select("details li"))


def test_the_search_page_shows_the_broken_badge_after_reindexing(client, broken_and_archived):
    soup = soup_of(client, "/recherche?q=jardinage&status=casse")
    assert ["Lien cassé"] == [b.get_text(strip=True) for b in soup.select(".hits .badge")]


def test_the_archive_page_has_a_banner_with_its_date_and_the_copy_is_served_sandboxed(
    client, broken_and_archived
):
    soup = soup_of(client, f"/ressources/{broken_and_archived}/archive")
    assert (
        soup.select_one(".archive-banner")
        .get_text(" ", strip=True)
        .startswith("Ceci est une archive du 2 mars 2026.")
    )
    raw = client.get(f"/ressources/{broken_and_archived}/archive/document")
    assert 200 == raw.status_code
    assert raw.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "script-src" not in raw.headers["Content-Security-Policy"]
    body = raw.get_data(as_text=True)
    assert "Copie archivée du 2 mars 2026" in body and "<h1>Contenu d'origine</h1>" in body
    assert body.index("Copie archivée") > body.index("<body>")
    assert "refresh" not in body


def test_no_archive_gives_404_for_the_archive_pages(client):
    assert 404 == client.get(f"/ressources/{PODCAST}/archive").status_code
    assert 404 == client.get(f"/ressources/{PODCAST}/archive/document").status_code


def test_extracted_fields_text_excerpt_and_podcast_episodes_are_shown(client, site_settings):
    with Store.open(site_settings) as store:
        extractions.save_extraction(
            store,
            PODCAST,
            {
                "kind": "feed",
                "title": "Paroles de familles (flux)",
                "author": "Radio <Cité>",
                "duration": 754,
                "text": "Les familles parlent de l'école. " * 80,
            },
            [
                {
                    "title": "Épisode 1 : la rentrée",
                    "date": "2023-09-04",
                    "description": "Premier épisode.",
                    "enclosure_url": "https://exemple.test/ep1.mp3",
                    "duration": 1800,
                },
                {"title": "Épisode 2 : les devoirs", "date": "2023-10-02", "description": ""},
            ],
        )
    soup = soup_of(client, f"/ressources/{PODCAST}")
    extracted = {
        d.dt.get_text(strip=True): d.dd.get_text(strip=True)
        for d in soup.select("#titre-extrait-meta ~ dl > div")
    }
    assert {
        "Titre extrait": "Paroles de familles (flux)",
        "Auteur": "Radio <Cité>",
        "Durée": "12 min 34 s",
    }.items() <= extracted.items()
    excerpt = soup.select_one(".excerpt").get_text(strip=True)
    assert (
        excerpt.startswith("Les familles parlent de l'école.")
        and excerpt.endswith("…")
        and len(excerpt) < 1300
    )
    episodes = [li.h3.get_text(strip=True) for li in soup.select(".episodes > li")]
    assert ["Épisode 1 : la rentrée", "Épisode 2 : les devoirs"] == episodes
    assert "4 septembre 2023 — 30 min" == soup.select_one(".episodes > li .muted").get_text(strip=True)


def test_json_ld_and_dublin_core_describe_the_resource_and_data_is_escaped(client):
    response = client.get(f"/ressources/{HOSTILE}")
    assert b"<script>alert" not in response.data
    soup = BeautifulSoup(response.data, "html.parser")
    data = json.loads(soup.select_one("script[type='application/ld+json']").string)
    assert {
        "@context": "https://schema.org",
        "@type": ["LearningResource", "Article"],
        "@id": f"http://localhost/ressources/{HOSTILE}",
        "name": HOSTILE_TITLE,
        "url": "https://exemple.test/hostile",
        "mainEntityOfPage": f"http://localhost/ressources/{HOSTILE}",
        "inLanguage": "fr",
        "learningResourceType": "article",
        "description": 'Une description avec <img src=x onerror=alert(1)> et "guillemets".',
        "datePublished": "2024-03-05",
        "publisher": {"@type": "Organization", "name": "<i>Éditeur</i>"},
        "keywords": ["Évaluation"],
        "about": [
            {
                "@type": "DefinedTerm",
                "@id": "http://localhost/themes/evaluation",
                "name": "Évaluation",
                "termCode": "evaluation",
                "url": "http://localhost/themes/evaluation",
                "inDefinedTermSet": "http://localhost/themes",
                "description": load_vocabularies().themes.get("evaluation").definition,
            }
        ],
        "genre": "Article",
    } == data
    dc = [(m["name"], m["content"]) for m in soup.select("meta[name^='DC.']")]
    assert (
        ("DC.title", HOSTILE_TITLE) in dc
        and ("DC.subject", "Évaluation") in dc
        and ("DC.date", "2024-03-05") in dc
        and ("DC.creator", "<i>Éditeur</i>") in dc
        and ("DC.type", "Text") in dc
        and ("DC.format", "text/html") in dc
    )
    assert soup.select_one("link[rel='schema.DC']") is not None
    assert HOSTILE_TITLE == soup.h1.get_text()


def test_see_also_lists_other_resources_of_the_same_themes(client):
    soup = soup_of(client, f"/ressources/{HOSTILE}")
    related = soup.select(".related li a")
    assert 1 <= len(related) <= 5
    assert all(a["href"] != f"/ressources/{HOSTILE}" for a in related)
    assert "/recherche?theme=evaluation" == soup.select(".related p a")[-1]["href"]


@pytest.mark.parametrize("rid", ["000000000000", "nothex", "../../etc", "ABCDEF012345"])
def test_unknown_or_malformed_ids_give_the_french_404(client, rid):
    response = client.get(f"/ressources/{rid}")
    assert 404 == response.status_code
    assert "Page introuvable" in response.get_data(as_text=True)
