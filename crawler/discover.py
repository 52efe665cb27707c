"""Find the article pages of a source: news listings with pagination, RSS/Atom feeds, sitemaps; no network.

Every function takes a body already fetched and returns addresses, so it is tested on stored
files. `detect_kind` tells what an address is when staff did not say.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import feedparser
import lxml.html
from lxml import etree

from catalogue.models import http_link
from catalogue.text import comparable
from catalogue.urls import canonical_url
from crawler.extract import sniff
from crawler.extract.encoding import decode

CONTENT_AREA = ("//main", "//*[@role='main']", "//*[@id='main-content']", "//*[@id='content']", "//body")
BOILERPLATE = (
    ".//header | .//footer | .//nav | .//aside | .//form | .//script | .//style | .//*[@role='navigation']"
)
NEXT_TEXTS = re.compile(r"^(page suivante|suivante?s?|pages? suivantes?|next|next page|›|»|>|>>|→)$")
PAGE_PARAMS = ("page", "p", "paged", "pg", "start")
PAGE_IN_PATH = re.compile(r"/page/(\d+)/?$")
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".odt", ".mp3", ".mp4", ".zip", ".jpg", ".jpeg", ".png", ".xml")
# A listing page shows at least this many article links; fewer is a single page.
LISTING_MIN_ARTICLES = 3


@dataclass
class IndexPage:
    """What an index page (listing page, feed, sitemap) points to."""

    articles: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)  # pagination, or a sitemap index's children


def _tree(body: bytes, content_type: str = ""):
    html = decode(body, content_type)[0] if isinstance(body, bytes) else body
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _content(tree):
    for path in CONTENT_AREA:
        found = tree.xpath(path)
        if found:
            area = found[0]
            break
    else:
        area = tree
    for junk in area.xpath(BOILERPLATE):
        junk.drop_tree()
    return area


def _page_number(url: str) -> int:
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key in PAGE_PARAMS and value.isdigit():
            return int(value)
    match = PAGE_IN_PATH.search(parts.path)
    return int(match.group(1)) if match else 1


def _same_listing(url: str, page_url: str) -> bool:
    """True when url is another page of the same listing (same path but the page number)."""
    a, b = urlsplit(url), urlsplit(page_url)
    strip = lambda path: PAGE_IN_PATH.sub("", path).rstrip("/")  # noqa: E731
    if a.netloc.lower() != b.netloc.lower() or strip(a.path) != strip(b.path):
        return False
    others = lambda q: sorted((k, v) for k, v in parse_qsl(q) if k not in PAGE_PARAMS)  # noqa: E731
    return others(a.query) == others(b.query)


def next_pages(tree, page_url: str) -> list[str]:
    """The next page of a paginated listing: rel="next", « page suivante », or the page number plus one."""
    found = []
    for href in tree.xpath("//link[contains(concat(' ', @rel, ' '), ' next ')]/@href"):
        found.append(http_link(href, page_url))
    for a in tree.xpath("//a[@href]"):
        rel = f" {a.get('rel') or ''} "
        text = comparable(a.text_content() or a.get("aria-label") or a.get("title") or "")
        label = comparable(a.get("aria-label") or a.get("title") or "")
        if " next " in rel or NEXT_TEXTS.match(text) or label in ("page suivante", "suivant", "next page"):
            found.append(http_link(a.get("href"), page_url))
    if not found:
        wanted = _page_number(page_url) + 1
        for a in tree.xpath("//a[@href]"):
            url = http_link(a.get("href"), page_url)
            if url and _same_listing(url, page_url) and _page_number(url) == wanted:
                found.append(url)
    here = canonical_url(page_url)
    return list(dict.fromkeys(u for u in found if u and canonical_url(u) != here))[:1]


def _is_article_link(url: str, page_url: str) -> bool:
    parts, page = urlsplit(url), urlsplit(page_url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != page.netloc.lower():
        return False
    if parts.path.lower().endswith(DOCUMENT_SUFFIXES) or _same_listing(url, page_url):
        return False
    return canonical_url(url) != canonical_url(page_url) and parts.path.rstrip("/") != ""


def parse_listing(body: bytes | str, page_url: str, content_type: str = "") -> IndexPage:
    """The article links of a news listing page (in its items or their headings), and its next page."""
    tree = _tree(body, content_type)
    if tree is None:
        return IndexPage()
    pagination = next_pages(tree, page_url)
    area = _content(tree)
    # Articles are items (<article>, list entries of a "views" block) or headings that link somewhere.
    strong = area.xpath(".//article//a[@href] | .//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href]")
    links = strong or [a for a in area.xpath(".//a[@href]") if len((a.text_content() or "").split()) >= 3]
    articles = []
    for a in links:
        url = http_link(a.get("href"), page_url)  # a malformed link is skipped, not fatal
        if url and _is_article_link(url, page_url) and url not in pagination:
            articles.append(url.split("#", 1)[0])
    return IndexPage(articles=list(dict.fromkeys(articles)), next_pages=pagination)


def parse_feed(body: bytes, content_type: str = "") -> IndexPage:
    """The entry pages of an RSS or Atom feed, in feed order."""
    parsed = feedparser.parse(body, response_headers={"content-type": content_type} if content_type else None)
    links = []
    for entry in parsed.get("entries", []):
        link = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("rel") == "alternate"), ""
        )
        link = http_link(link or "")  # http(s) only, and parseable
        if link:
            links.append(link)
    return IndexPage(articles=list(dict.fromkeys(links)))


_XML = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def parse_sitemap(body: bytes, pattern: str = "") -> IndexPage:
    """The pages of a sitemap (those matching the pattern, a regular expression), or a sitemap index's children."""
    try:
        root = etree.fromstring(body.lstrip(), _XML)
    except etree.XMLSyntaxError:
        return IndexPage()
    if root is None:
        return IndexPage()
    children = [t.strip() for t in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()")]
    pages = [t.strip() for t in root.xpath("//*[local-name()='url']/*[local-name()='loc']/text()")]
    matcher = re.compile(pattern) if pattern else None
    pages = [
        p for p in pages if p.startswith(("http://", "https://")) and (matcher is None or matcher.search(p))
    ]
    return IndexPage(articles=list(dict.fromkeys(pages)), next_pages=list(dict.fromkeys(children)))


def is_sitemap(body: bytes) -> bool:
    """True for a sitemap or a sitemap index."""
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def detect_kind(body: bytes, content_type: str, url: str) -> str:
    """What a source's entry address is: feed, sitemap, listing (a news index) or page (one article)."""
    if is_sitemap(body):
        return "sitemap"
    if sniff(body, content_type) == "feed":
        return "feed"
    listing = parse_listing(body, url, content_type)
    return "listing" if listing.next_pages or len(listing.articles) >= LISTING_MIN_ARTICLES else "page"
