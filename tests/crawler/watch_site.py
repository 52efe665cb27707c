"""A fixture site of two resource centres on two loopback addresses, for the nightly watch.

Centre A (127.0.0.2): a news listing of 3 pages (« page suivante », then rel="next") whose
first page answers 304 to its ETag, and a sitemap index whose « dossiers » sitemap matches
the source's pattern. Centre B (127.0.0.3): an RSS feed, a single page of resources that
disappears on the second night, and an agenda listing whose template changes on the second
night (its articles are then drawn by JavaScript). Articles sort their links under
« Au niveau national / régional / local » headings; the same PDF is linked from both centres
under two addresses, and an HTML page has a near-identical copy on centre B.

`expected` maps each resource address (canonical) to its level: what the first watch must
propose, once each; of each pair in `twins` (the PDF, the copy) exactly one is proposed.
"""

import random

from catalogue.urls import canonical_url
from tests.crawler.fixtures import pdf_bytes
from tests.localserver import LocalServer, Response

WORDS = (
    "école famille quartier collège lecture parents élèves enseignants ville association réussite projet "
    "coordination évaluation numérique culture sport santé orientation stage insertion mentorat jeunesse "
    "éducation territoire cité partenariat atelier formation rencontre séminaire accompagnement dispositif "
    "mobilité emploi décrochage citoyenneté égalité langage mathématiques sciences musique théâtre "
    "bibliothèque médiathèque périscolaire vacances apprenante tutorat soutien devoirs alliance éducative "
    "chefs projet opérationnels préfecture rectorat collectivité budget appel candidatures"
).split()
HEADINGS = {"national": "Au niveau national", "regional": "Au niveau régional", "local": "Au niveau local"}
ETAG = '"liste-v1"'


def prose(seed: int, words: int = 160) -> str:
    """A text of its own for each seed: no two resources look alike to the near-duplicate finder."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def html(title: str, body: str, nav: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<header><nav><a href="/">Accueil</a> <a href="/contact">Contact</a>{nav}</nav></header>'
        f'<main>{body}</main><footer><a href="/mentions-legales">Mentions légales</a></footer></body></html>'
    ).encode()


def resource_page(title: str, text: str) -> bytes:
    return html(title, f"<article><h1>{title}</h1><p>{text}</p></article>")


def article(title: str, sections: dict[str, list[tuple[str, str]]]) -> bytes:
    """An article with its links sorted under level headings, plus links that are not resources."""
    parts = [f"<article><h1>{title}</h1><p>Retrouvez ci-dessous les ressources de cette rencontre.</p>"]
    for level, links in sections.items():
        parts.append(f"<h2>{HEADINGS[level]}</h2><ul>")
        parts += [f'<li><a href="{href}">{text}</a></li>' for href, text in links]
        parts.append("</ul>")
    parts.append(
        '<p>Contact : <a href="mailto:contact@centre.test">écrire</a> · '
        '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Partager</a></p></article>'
    )
    return html(title, "".join(parts))


class WatchSite:
    """Both centres, their routes, and the night (1 or 2) that decides what they answer."""

    def __init__(self):
        self.night = 1
        self.a = LocalServer(host="127.0.0.2")
        self.b = LocalServer(host="127.0.0.3")
        self.expected: dict[str, str] = {}
        self.twins: list[tuple[str, str]] = []  # the same document at two addresses: one is proposed
        self.pdf = pdf_bytes(title="Guide de l'évaluation des cités éducatives", pages=2)
        self.copy_text = prose(999, 200)
        self._build()

    def __enter__(self):
        self.a.start()
        self.b.start()
        return self

    def __exit__(self, *exc):
        self.a.stop()
        self.b.stop()

    def _resource(self, server, path: str, level: str, seed: int) -> tuple[str, str]:
        title = f"Ressource {seed} : {' '.join(prose(seed, 4).split()[:4])}"
        server.routes[path] = Response(body=resource_page(title, prose(seed)))
        url = server.url(path)
        self.expected.setdefault(canonical_url(url), level)
        return url, title

    def _build(self) -> None:
        a, b = self.a, self.b
        self.expected.clear()
        self.twins = [
            (canonical_url(a.url("/docs/guide.pdf")), canonical_url(b.url("/fichiers/guide-copie.pdf"))),
            (canonical_url(a.url("/ressources/synthese.html")), canonical_url(b.url("/copie/synthese.html"))),
        ]
        for server in (a, b):
            server.routes["/robots.txt"] = Response(
                body=b"User-agent: *\nAllow: /\n", content_type="text/plain"
            )
        # Centre A: the listing's 9 articles, two resources each, one of each level in turn.
        seed = 0
        items = []
        for n in range(1, 10):
            sections: dict[str, list] = {}
            for k in range(2):
                seed += 1
                level = ("national", "regional", "local")[(n + k) % 3]
                sections.setdefault(level, []).append(
                    self._resource(a, f"/ressources/r{seed}.html", level, seed)
                )
            if n == 1:
                a.routes["/docs/guide.pdf"] = Response(body=self.pdf, content_type="application/pdf")
                sections.setdefault("regional", []).append(
                    (a.url("/docs/guide.pdf"), "Guide de l'évaluation (PDF)")
                )
            if n == 2:
                a.routes["/ressources/synthese.html"] = Response(
                    body=resource_page("Synthèse du séminaire", self.copy_text)
                )
                sections.setdefault("national", []).append(
                    (a.url("/ressources/synthese.html"), "Synthèse du séminaire")
                )
            if n == 3:  # a link already given by article 1 (same heading): proposed once
                sections.setdefault("regional", []).append(
                    (a.url("/ressources/r1.html"), "Ressource déjà citée")
                )
            a.routes[f"/actualites/article-{n}"] = Response(body=article(f"Actualité {n}", sections))
            items.append(
                f'<article><h2><a href="/actualites/article-{n}">Actualité {n}</a></h2><p>Résumé.</p></article>'
            )
        a.routes["/actualites"] = self._listing
        self.listing_items = items
        # Centre A's sitemap index: only the « dossiers » sitemap matches the source's pattern.
        a.routes["/sitemap.xml"] = Response(
            body=(
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{a.url('/sitemap-dossiers.xml')}</loc></sitemap>"
                f"<sitemap><loc>{a.url('/sitemap-pages.xml')}</loc></sitemap></sitemapindex>"
            ).encode(),
            content_type="application/xml",
        )
        urls = "".join(f"<url><loc>{a.url(f'/dossiers/d{i}')}</loc></url>" for i in (1, 2))
        pages = f"<url><loc>{a.url('/contact')}</loc></url>"
        for name, body in (("dossiers", urls), ("pages", pages)):
            a.routes[f"/sitemap-{name}.xml"] = Response(
                body=f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'.encode(),
                content_type="application/xml",
            )
        for i in (1, 2):
            links = [self._resource(a, f"/dossiers/doc{i}.html", "local", 100 + i)]
            a.routes[f"/dossiers/d{i}"] = Response(body=article(f"Dossier {i}", {"local": links}))
        # Centre B: an RSS feed of two posts; the PDF again, and the near-identical copy.
        b.routes["/fichiers/guide-copie.pdf"] = Response(body=self.pdf, content_type="application/pdf")
        near = self.copy_text.split()
        near[100] = "différent"
        b.routes["/copie/synthese.html"] = Response(body=resource_page("Synthèse (copie)", " ".join(near)))
        posts = {
            1: {"regional": [(b.url("/fichiers/guide-copie.pdf"), "Le guide de l'évaluation")]},
            2: {"national": [(b.url("/copie/synthese.html"), "Synthèse du séminaire (copie)")]},
        }
        for i, sections in posts.items():
            sections.setdefault("local", []).append(
                self._resource(b, f"/billets/res{i}.html", "local", 200 + i)
            )
            b.routes[f"/billets/b{i}"] = Response(body=article(f"Billet {i}", sections))
        entries = "".join(
            f"<item><title>Billet {i}</title><link>{b.url(f'/billets/b{i}')}</link></item>" for i in posts
        )
        b.routes["/feed.xml"] = Response(
            body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>CRPV</title>{entries}</channel></rss>'.encode(),
            content_type="application/rss+xml",
        )
        # A single page of resources, gone on the second night.
        page_links = {
            "national": [self._resource(b, "/page/nat.html", "national", 300)],
            "local": [self._resource(b, "/page/loc.html", "local", 301)],
        }
        self.page_body = article("Ressources de l'année", page_links)
        b.routes["/page-ressources"] = lambda request: (
            Response(body=self.page_body) if self.night == 1 else Response(404, b"<h1>Introuvable</h1>")
        )
        # An agenda listing of six events whose template changes on the second night.
        for i in range(1, 7):
            links = [self._resource(b, f"/agenda/doc{i}.html", "regional", 400 + i)]
            b.routes[f"/agenda/e{i}"] = Response(body=article(f"Événement {i}", {"regional": links}))
        b.routes["/agenda"] = self._agenda

    def _listing(self, request):
        """Three pages: « page suivante » on the first, rel="next" on the second; ETag on the first."""
        page = int(request.path.partition("page=")[2] or 1)
        if page == 1 and request.headers.get("If-None-Match") == ETAG:
            return Response(304, b"", headers={"ETag": ETAG})
        items = "".join(self.listing_items[(page - 1) * 3 : page * 3])
        nav = ""
        if page == 1:
            nav = '<p class="pager"><a href="/actualites?page=2">Page suivante</a></p>'
        elif page == 2:
            nav = '<p class="pager"><a rel="next" href="/actualites?page=3">3</a></p>'
        headers = {"ETag": ETAG} if page == 1 else {}
        return Response(body=html("Actualités", f"<h1>Actualités</h1>{items}{nav}"), headers=headers)

    def _agenda(self, request):
        if self.night == 1:
            items = "".join(
                f'<article><h3><a href="/agenda/e{i}">Événement {i}</a></h3></article>' for i in range(1, 7)
            )
            return Response(body=html("Agenda", f"<h1>Agenda</h1>{items}"), headers={"ETag": '"agenda-1"'})
        return Response(
            body=html("Agenda", '<h1>Agenda</h1><div id="app"></div><script src="/app.js"></script>'),
            headers={"ETag": '"agenda-2"'},
        )

    # -- the sources staff would add ----------------------------------------------

    def sources(self) -> list[tuple[str, list[str]]]:
        """(name, options of `catalogue source add`) for every source of both centres."""
        a, b = self.a, self.b
        return [
            ("IREV actualités", [a.url("/actualites"), "--name", "IREV actualités", "--publisher", "IREV"]),
            (
                "IREV dossiers",
                [
                    a.url("/sitemap.xml"),
                    "--name",
                    "IREV dossiers",
                    "--kind",
                    "sitemap",
                    "--pattern",
                    "/dossiers/",
                ],
            ),
            ("CRPV billets", [b.url("/feed.xml"), "--name", "CRPV billets"]),
            ("CRPV page", [b.url("/page-ressources"), "--name", "CRPV page", "--kind", "page"]),
            ("CRPV agenda", [b.url("/agenda"), "--name", "CRPV agenda"]),
        ]
