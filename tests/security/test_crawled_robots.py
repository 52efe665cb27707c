"""robots.txt read as RFC 9309 says (protego): wildcards, $, longest match, Allow over Disallow at equal
length; a file over 500 KiB is parsed up to 500 KiB, not taken as "allow all"."""

import pytest

from crawler.fetch import Fetcher
from crawler.robots import Rules
from tests.localserver import Response

AGENT = "CitesCatalogue/1.0"

# RFC 9309, section 5.2 (simple example), and 2.2.2 / 2.2.3 (longest match, special characters).
RFC_EXAMPLE = """\
User-Agent: foobot
Disallow: /
Allow: /example/page.html
Allow: /example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
"""


@pytest.mark.parametrize(
    "agent, path, allowed",
    [
        ("foobot", "/example/page.html", True),
        ("foobot", "/example/allowed.gif", True),
        ("foobot", "/example/other.html", False),
        ("foobot", "/", False),
        ("barbot", "/example/page.html", False),
        ("bazbot", "/example/page.html", False),
        ("barbot", "/example/allowed.gif", True),
        ("quxbot", "/example/page.html", True),
        ("otherbot", "/example/page.html", True),
    ],
)
def test_the_rfc_example_groups(agent, path, allowed):
    assert allowed == Rules(RFC_EXAMPLE, agent).allowed(f"https://www.example.com{path}")


@pytest.mark.parametrize(
    "rules, path, allowed",
    [
        ("Disallow: /*.pdf$", "/docs/guide.pdf", False),
        ("Disallow: /*.pdf$", "/guide.pdf", False),
        ("Disallow: /*.pdf$", "/docs/guide.pdf?page=2", True),
        ("Disallow: /*.pdf$", "/docs/guide.pdf.html", True),
        ("Disallow: /path$", "/path", False),
        ("Disallow: /path$", "/path/", True),
        ("Disallow: /private/*/draft", "/private/2024/draft.html", False),
        ("Disallow: /private/*/draft", "/private/draft", True),
        ("Disallow: /a\nAllow: /a/b", "/a/b/c", True),  # the longest match wins
        ("Disallow: /a\nAllow: /a/b", "/a/c", False),
        ("Allow: /a/b\nDisallow: /a/b/", "/a/b/c", False),  # longest match, whatever the order
        ("Allow: /folder\nDisallow: /folder", "/folder/page", True),  # equal length: Allow wins
        ("Disallow: /folder\nAllow: /folder", "/folder/page", True),
        (
            "Disallow: /example/page/disallowed.gif\nAllow: /example/page/",
            "/example/page/disallowed.gif",
            False,
        ),
        ("Disallow: /", "/anything", False),
        ("Disallow:", "/anything", True),
    ],
)
def test_rfc_9309_matching(rules, path, allowed):
    assert allowed == Rules(f"User-agent: *\n{rules}\n", AGENT).allowed(f"https://site.example{path}")


def test_our_own_group_is_found_by_product_token_and_its_crawl_delay_read():
    text = "User-agent: *\nDisallow: /\n\nUser-agent: CitesCatalogue\nAllow: /\nCrawl-delay: 3\n"
    rules = Rules(text, AGENT)
    assert (True, 3.0) == (rules.allowed("https://site.example/page"), rules.crawl_delay())


def test_a_robots_txt_over_500_kib_is_obeyed_up_to_500_kib(server, settings):
    filler = "".join(f"# ligne de commentaire {n:06d} pour grossir le fichier\n" for n in range(15_000))
    assert len(filler) > 600 * 1024
    text = f"User-agent: *\nDisallow: /prive/\n{filler}Disallow: /tard/\n"
    server.routes["/robots.txt"] = Response(200, text.encode(), content_type="text/plain")
    server.routes["/prive/page"] = Response(200, b"<html><title>Prive</title></html>")
    server.routes["/tard/page"] = Response(200, b"<html><title>Tard</title></html>")
    with Fetcher(settings) as fetcher:
        refused = fetcher.fetch(server.url("/prive/page"))
        beyond = fetcher.fetch(server.url("/tard/page"))
    assert ("robots", "ok") == (refused.outcome, beyond.outcome)
    assert ["/robots.txt", "/tard/page"] == [path for _, path, _ in server.log]


def test_a_rule_cut_by_the_500_kib_limit_is_dropped_not_shortened():
    # "Allow: /public/page" cut to "Allow: /" would open everything.
    text = "User-agent: *\nDisallow: /\n" + "#" * 100 + "\nAllow: /public/page"
    rules = Rules(text, AGENT, truncated=True)
    assert not rules.allowed("https://site.example/anything")
