"""The link checker's outputs, byte for byte, against files written before a refactoring.

Three nights on a real local server (every verdict, a link confirmed broken, one fixed, a
moved address, documents that changed), then every report format of each night and what the
pages show (the resource page's link health, the staff table of failing and moved links).
Server address and resource ids vary from run to run: they are replaced by fixed words.
To write the files anew after a deliberate change of output: CATALOGUE_WRITE_GOLDEN=1.
"""

import json
import os
from datetime import date
from pathlib import Path

import pytest

from catalogue import linkhealth
from catalogue.models import Resource
from catalogue.store import Store
from crawler.check import run_check
from crawler.reports import FORMATS, build, render
from tests.crawler.faultserver import fast_settings, page
from tests.localserver import LocalServer, Response
from web.resourceview import link_health
from web.staff.health import failing_rows, moved_rows

GOLDEN = Path(__file__).parent / "fixtures" / "golden-check"
NIGHTS = ("2026-03-03T02:30:00+00:00", "2026-03-04T02:30:00+00:00", "2026-03-05T02:30:00+00:00")
BIG_PAGE = page("Guide des Cités éducatives", "Un vrai contenu.", size=40_000)
PDF = b"%PDF-1.4 " + b"x" * 30_000
ROUTES = {
    "/ok": Response(200, BIG_PAGE),
    "/doc.pdf": Response(200, PDF, content_type="application/pdf"),
    "/devient-page.pdf": Response(200, PDF, content_type="application/pdf"),
    "/retrecit.pdf": Response(200, PDF, content_type="application/pdf"),
    "/404": Response(404, page("Not Found")),
    "/410": Response(410, page("Gone")),
    "/500": Response(500, page("Erreur")),
    "/repare": Response(404, page("Not Found")),
    "/429": Response(429, headers={"Retry-After": "0"}),
    "/loop-a": Response(302, headers={"Location": "/loop-b"}),
    "/loop-b": Response(302, headers={"Location": "/loop-a"}),
    "/permanent": Response(301, headers={"Location": "/nouvelle-adresse"}),
    "/nouvelle-adresse": Response(200, BIG_PAGE),
    "/soft404": Response(200, page("Page introuvable", "Cette page n'existe pas ou plus.")),
    "/prive/doc": Response(200, BIG_PAGE),
    "/robots.txt": Response(200, b"User-agent: *\nDisallow: /prive/\n", content_type="text/plain"),
    "/bot-wall": Response(403, b"<html><title>Attention Required</title><p>captcha</p></html>"),
}
OFFLINE = ("http://127.0.0.1:9/doc",)


def night_changes(srv: LocalServer, night: int) -> None:
    """What changes on the server before each night."""
    if night == 1:
        srv.routes["/devient-page.pdf"] = Response(200, BIG_PAGE)
    if night == 2:
        srv.routes["/repare"] = Response(200, BIG_PAGE)
        srv.routes["/retrecit.pdf"] = Response(200, b"%PDF-1.4 vide", content_type="application/pdf")


def normalise(text: str, base_url: str, names: dict[str, str]) -> str:
    text = text.replace(base_url, "http://serveur.test")
    for rid, name in names.items():
        text = text.replace(rid, name)
    return text


def outputs(tmp_path) -> dict[str, str]:
    """file name -> text, for every night and format, and the pages' link health after the last night."""
    settings = fast_settings(tmp_path)
    found: dict[str, str] = {}
    with LocalServer(ROUTES) as srv, Store.open(settings) as store:
        urls = [srv.url(path) for path in ROUTES if path not in ("/robots.txt", "/loop-b")] + list(OFFLINE)
        ids = []
        for url in urls:
            title = "Ressource " + url.rsplit("/", 1)[-1]
            ids.append(store.upsert(Resource(url=url, title=title, publisher="Éditeur " + title[-3:]))[0].id)
        names = {rid: f"ID-{n:02d}" for n, rid in enumerate(ids)}
        for night, now in enumerate(NIGHTS):
            night_changes(srv, night)
            report = build(run_check(store, settings, ids, now=now))
            for fmt in FORMATS:
                text = render(report, fmt, "https://catalogue.example.org")
                found[f"night{night + 1}.{fmt}"] = normalise(text, srv.base_url, names)
        pages = {
            "resource_pages": {names[rid]: link_health(store, rid) for rid in ids},
            "staff_failing": failing_rows(linkhealth.failing(store), date(2026, 3, 6)),
            "staff_moved": moved_rows(linkhealth.moved(store)),
        }
        text = json.dumps(pages, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        found["pages.json"] = normalise(text, srv.base_url, names)
    return found


def test_reports_and_pages_are_byte_for_byte_those_of_the_golden_files(tmp_path):
    got = outputs(tmp_path)
    if os.environ.get("CATALOGUE_WRITE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in got.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
        pytest.skip("golden files written")
    expected = {path.name: path.read_text(encoding="utf-8") for path in sorted(GOLDEN.iterdir())}
    assert sorted(expected) == sorted(got)
    for name in sorted(got):
        assert expected[name] == got[name], name
