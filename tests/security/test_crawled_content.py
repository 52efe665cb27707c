"""Crawled content that could attack a reader: javascript:/data: enclosures and links, a meta refresh or a
script in an archived page, a UTF-16 page taken for audio."""

import codecs

import pytest

from catalogue import extractions
from catalogue.models import Resource
from crawler.extract import extract, sniff
from crawler.extract.feed import extract_feed
from tests.rawdb import raw_database
from web import create_app

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Podcast des Cités</title><link>https://podcast.example/</link>
<item><title>Épisode sain</title><enclosure url="https://podcast.example/1.mp3" type="audio/mpeg" length="1"/></item>
<item><title>Épisode javascript</title><enclosure url="javascript:alert(document.cookie)" type="audio/mpeg"/></item>
<item><title>Épisode data</title><enclosure url="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;" type="audio/mpeg"/></item>
<item><title>Épisode JAVASCRIPT</title><enclosure url=" JaVaScRiPt:alert(2)" type="audio/mpeg"/></item>
</channel></rss>""".encode()


def test_a_feed_keeps_only_http_enclosures():
    episodes = extract_feed(FEED, "application/rss+xml").episodes
    assert [
        ("Épisode sain", "https://podcast.example/1.mp3"),
        ("Épisode javascript", ""),
        ("Épisode data", ""),
        ("Épisode JAVASCRIPT", ""),
    ] == [(e.title, e.enclosure_url) for e in episodes]


@pytest.fixture
def site(settings, store):
    resource, _ = store.upsert(Resource(url="https://podcast.example/flux", title="Podcast des Cités"))
    app = create_app({"TESTING": True, "SETTINGS": settings})
    yield app, store, resource.id
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


def test_stored_enclosures_that_are_not_http_never_become_links(site):
    app, store, rid = site
    episodes = [
        {"title": "Sain", "enclosure_url": "https://podcast.example/1.mp3"},
        {"title": "Script", "enclosure_url": "javascript:alert(1)"},
        {"title": "Données", "enclosure_url": "data:text/html,<script>alert(1)</script>"},
    ]
    # As stored before the crawler filtered them: the page must not link them either.
    extractions.save_extraction(store, rid, {"kind": "feed", "title": "Podcast"}, [])
    for position, episode in enumerate(episodes):
        with raw_database(store) as db:
            db.execute(
                "INSERT INTO episodes (resource_id, position, title, date, description, duration, enclosure_url, "
                "enclosure_type) VALUES (?, ?, ?, '', '', NULL, ?, 'audio/mpeg')",
                (rid, position, episode["title"], episode["enclosure_url"]),
            )
    html = app.test_client().get(f"/ressources/{rid}").get_data(as_text=True)
    assert 'href="https://podcast.example/1.mp3"' in html
    assert "javascript:" not in html and "data:text/html" not in html
    assert 1 == html.count("Écouter l&#39;épisode") + html.count("Écouter l'épisode")


def test_save_extraction_keeps_only_http_enclosures(store):
    resource, _ = store.upsert(Resource(url="https://podcast.example/f", title="P"))
    episodes = [
        {"title": "A", "enclosure_url": "javascript:alert(1)"},
        {"title": "B", "enclosure_url": "http://p.example/b.mp3"},
    ]
    extractions.save_extraction(store, resource.id, {"kind": "feed"}, episodes)
    assert ["", "http://p.example/b.mp3"] == [
        e["enclosure_url"] for e in extractions.get_episodes(store, resource.id)
    ]


HTML_UTF16 = "<!doctype html><html><head><title>Guide de l'évaluation</title></head><body><p>Évaluer les élèves.</p></body></html>"


@pytest.mark.parametrize(
    "bom, encoding",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_a_page_with_a_byte_order_mark_is_html_not_audio(bom, encoding):
    body = bom + HTML_UTF16.encode(encoding)
    assert "html" == sniff(body, "")
    assert "Guide de l'évaluation" == extract(body, "", "https://ex.example/").title


def test_an_mpeg_frame_is_still_audio():
    assert "audio" == sniff(b"\xff\xfb\x90\x00" + b"\x00" * 500, "")


HOSTILE_ARCHIVE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html><html><head><title>Page archivée</title>
<meta content="0;url=https://attaquant.example/?a>b" http-equiv="refresh">
<META HTTP-EQUIV="Refresh" CONTENT="1; URL=https://attaquant.example/2">
<meta http-equiv=refresh content=0;url=https://attaquant.example/3>
<script>document.location = "https://attaquant.example/4"</script>
</head><body onload="alert(1)"><h1 onclick="alert(2)">Contenu d'origine</h1>
<p><a href="javascript:alert(3)">lien piégé</a> <a href="/guide.pdf">guide</a></p>
<img src="x" onerror="alert(4)"><svg><script>alert(5)</script></svg>
<iframe src="https://attaquant.example/5"></iframe>
<!--[if IE]><script>alert(6)</script><![endif]-->
</body></html>"""


def test_an_archived_page_loses_every_refresh_script_and_handler_whatever_the_attribute_order(site):
    from catalogue import archive

    app, store, rid = site
    archive.store_copy(
        store,
        app.config["SETTINGS"],
        rid,
        HOSTILE_ARCHIVE.encode(),
        "text/html; charset=utf-8",
        "https://podcast.example/flux",
        "2026-03-02T02:00:00+00:00",
    )
    response = app.test_client().get(f"/ressources/{rid}/archive/document")
    assert 200 == response.status_code
    body = response.get_data(as_text=True)
    lowered = body.lower()
    assert "Contenu d'origine" in body and 'href="/guide.pdf"' in body
    assert "Copie archivée du 2 mars 2026" in body
    for gone in (
        "refresh",
        "attaquant.example",
        "<script",
        "onload",
        "onclick",
        "onerror",
        "javascript:",
        "alert(",
    ):
        assert gone not in lowered, gone
    assert body.index("Copie archivée") < body.index("Contenu d'origine")


def test_alternate_addresses_become_links_only_when_http(site):
    from catalogue import proposals

    app, store, rid = site
    assert not proposals.add_alternate(store, "javascript:alert(1)", resource_id=rid)
    assert proposals.add_alternate(store, "https://miroir.example/podcast", resource_id=rid)
    with raw_database(store) as db:  # as stored before the guard
        db.execute(
            "INSERT INTO alternate_urls (url, original, resource_id, added_at) VALUES (?, ?, ?, ?)",
            (
                "data:text/html,x",
                "data:text/html,<script>alert(1)</script>",
                rid,
                "2026-01-01T00:00:00+00:00",
            ),
        )
    html = app.test_client().get(f"/ressources/{rid}").get_data(as_text=True)
    assert 'href="https://miroir.example/podcast"' in html
    assert "javascript:" not in html and "data:text/html" not in html


LISTING = """<html><body><main>
<article><h2><a href="/actus/une-bonne-nouvelle">Une bonne nouvelle pour les familles</a></h2></article>
<article><h2><a href="http://[::1/x">Un lien au crochet ouvert</a></h2></article>
<article><h2><a href="http://site.example:99999/actus/port">Un lien au port impossible</a></h2></article>
<article><h2><a href="javascript:alert(1)">Un lien qui lance un script</a></h2></article>
<article><h2><a href="/actus/autre nouvelle">Une autre nouvelle pour les élèves</a></h2></article>
<a href="http://[::1/page2">page suivante</a>
</main></body></html>"""


def test_one_malformed_link_of_a_watched_listing_is_skipped_not_fatal():
    from crawler.discover import parse_listing

    page = parse_listing(LISTING.encode(), "https://site.example/actus")
    assert [
        "https://site.example/actus/une-bonne-nouvelle",
        "https://site.example/actus/autre%20nouvelle",
    ] == page.articles


def test_a_watched_feed_keeps_only_parseable_http_entries():
    from crawler.discover import parse_feed

    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Actus</title>
    <item><title>Bonne</title><link>https://site.example/a</link></item>
    <item><title>Port</title><link>https://site.example:99999/b</link></item>
    <item><title>Script</title><link>javascript:alert(1)</link></item>
    </channel></rss>"""
    assert ["https://site.example/a"] == parse_feed(feed, "application/rss+xml").articles
