"""Finding article pages on stored bodies: listings and their pagination, feeds, sitemaps, the kind of a source."""

import pytest

from crawler.discover import detect_kind, parse_feed, parse_listing, parse_sitemap

BASE = "https://centre.test/actualites"


def page(body: str, nav: str = "") -> bytes:
    return (
        f'<html><body><header><nav><a href="/">Accueil</a><a href="/equipe">Équipe du centre</a></nav></header>'
        f'<main>{body}{nav}</main><footer><a href="/mentions">Mentions légales du site</a></footer></body></html>'
    ).encode()


ITEMS = "".join(f'<article><h2><a href="/actualites/a{i}">Titre {i}</a></h2></article>' for i in range(1, 4))


@pytest.mark.parametrize(
    "nav, url, expected",
    [
        ('<a href="?page=2">Page suivante</a>', BASE, ["https://centre.test/actualites?page=2"]),
        (
            '<a rel="next" href="/actualites?page=3">3</a>',
            BASE + "?page=2",
            ["https://centre.test/actualites?page=3"],
        ),
        ('<a href="/actualites?page=2">2</a><a href="/actualites?page=3">3</a>', BASE, [BASE + "?page=2"]),
        (
            '<a href="/actualites/page/3/">3</a>',
            BASE + "/page/2/",
            ["https://centre.test/actualites/page/3/"],
        ),
        ('<a href="/actualites?page=1">1</a>', BASE + "?page=2", []),
        ("", BASE, []),
    ],
)
def test_a_listing_finds_its_next_page_by_words_rel_next_or_page_number(nav, url, expected):
    assert expected == parse_listing(page(ITEMS, nav), url).next_pages


def test_a_listing_keeps_article_links_and_leaves_navigation_documents_and_pagination():
    body = (
        ITEMS
        + '<p><a href="/docs/rapport.pdf">Le rapport annuel complet</a></p><a href="?page=2">Page suivante</a>'
    )
    found = parse_listing(page(body), BASE)
    assert [f"https://centre.test/actualites/a{i}" for i in range(1, 4)] == found.articles


def test_a_listing_without_item_markup_falls_back_to_links_with_words():
    body = (
        "<ul>"
        + "".join(f'<li><a href="/n/{i}">Une actualité du réseau {i}</a></li>' for i in range(4))
        + "</ul>"
    )
    assert 4 == len(parse_listing(page(body), BASE).articles)


def test_a_feed_gives_its_entry_pages_in_order():
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><link>https://c.test/b1</link></item><item><link>https://c.test/b2</link></item>"
        b"<item><link>javascript:alert(1)</link></item></channel></rss>"
    )
    assert ["https://c.test/b1", "https://c.test/b2"] == parse_feed(rss).articles


def test_a_sitemap_keeps_pages_matching_the_pattern_and_an_index_gives_its_sitemaps():
    urlset = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://c.test/dossiers/1</loc></url><url><loc>https://c.test/contact</loc></url></urlset>"
    )
    assert ["https://c.test/dossiers/1"] == parse_sitemap(urlset, "/dossiers/").articles
    index = b"<sitemapindex><sitemap><loc>https://c.test/s1.xml</loc></sitemap></sitemapindex>"
    assert ["https://c.test/s1.xml"] == parse_sitemap(index).next_pages


def test_a_sitemap_with_an_external_entity_is_read_without_resolving_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://c.test/secret")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<urlset><url><loc>&x;</loc></url></urlset>"
    ).encode()
    assert [] == parse_sitemap(xml).articles


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>', "", "feed"),
        (b"<urlset><url><loc>https://c.test/a</loc></url></urlset>", "application/xml", "sitemap"),
        (page(ITEMS), "text/html", "listing"),
        (
            page("<h2>Au niveau national</h2><p><a href='https://x.test/doc.pdf'>Guide</a></p>"),
            "text/html",
            "page",
        ),
    ],
)
def test_the_kind_of_a_source_is_detected_from_its_body(body, content_type, expected):
    assert expected == detect_kind(body, content_type, BASE)
