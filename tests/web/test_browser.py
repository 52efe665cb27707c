"""The site in a real Chromium on a real waitress server: keyboard and mouse journeys, axe-core, CSP, screenshots."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from catalogue import extractions
from catalogue.store import Store
from catalogue.urls import resource_id
from tests.web.conftest import PAGED_WORD
from tests.web.test_resource_page import ARCHIVED_HTML, JARDIN, check

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTHS = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 375, "height": 740}}
CSP_PROBE = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def broken_with_archive_and_episodes(settings) -> None:
    """Give jardin-07 everything a resource page can show: extraction, episodes, a broken link, an archive."""
    from catalogue import archive
    from index.build import update

    url = "https://exemple.test/fiches/jardin-07"
    with Store.open(settings) as store:
        extractions.save_extraction(
            store,
            JARDIN,
            {
                "kind": "html",
                "title": "Jardin 07",
                "author": "Équipe du jardin",
                "text": "Texte extrait. " * 50,
            },
            [
                {
                    "title": "Épisode 1",
                    "date": "2024-05-02",
                    "description": "Au jardin.",
                    "enclosure_url": "https://exemple.test/1.mp3",
                }
            ],
        )
        archive.store_copy(
            store, settings, JARDIN, ARCHIVED_HTML, "text/html", url, "2026-03-02T02:00:00+00:00"
        )
        check(store, JARDIN, url, "2026-03-03", "broken", 404)
        check(store, JARDIN, url, "2026-03-04", "broken", 404)
        update(store, settings.index_path, [JARDIN])


def params(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching selector has the focus (fails after `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone_search_filter_remove_paginate_and_open_a_resource(browser_page):
    page = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    assert "Aller au contenu" == page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    tab_to(page, "#q")
    page.keyboard.type(PAGED_WORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche?q=*")
    assert "45 ressources trouvées" in page.locator("[role=status]").inner_text()

    tab_to(page, "input[type=checkbox][name=level][value=regional]")
    page.keyboard.press("Space")
    assert "/recherche?q=" in page.url, "ticking a box does not change the page"
    tab_to(page, "form.facet-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**level=regional*")
    assert "15 ressources trouvées" in page.locator("[role=status]").inner_text()

    tab_to(page, ".chosen a.chip")
    assert "Retirer le filtre" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "level=" not in url)
    tab_to(page, "nav[aria-label=Pagination] a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2*")
    assert {"q": [PAGED_WORD], "page": ["2"]} == params(page.url)

    tab_to(page, ".hits .hit-title a")
    title = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ressources/*")
    assert title == page.locator("h1").inner_text()


def test_mouse_search_filter_remove_paginate_open_and_no_csp_violation(browser_page):
    page = browser_page
    page.add_init_script(CSP_PROBE)
    page.goto("/recherche")
    page.fill("#q", PAGED_WORD)
    page.click("form.search-form button[type=submit] >> nth=0")
    page.check("input[type=checkbox][name=theme][value=evaluation]")
    page.click("text=Filtrer")
    assert {"q": [PAGED_WORD], "theme": ["evaluation"]} == params(page.url)
    assert "9 ressources trouvées" in page.locator("[role=status]").inner_text()
    page.click("text=Retirer le filtre")
    assert {"q": [PAGED_WORD]} == params(page.url)
    page.click("nav[aria-label=Pagination] >> text=3")
    assert ["3"] == params(page.url)["page"]
    page.click(".hits .hit-title a >> nth=0")
    assert "/ressources/" in page.url
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert "https://schema.org" == data["@context"] and page.locator("h1").inner_text() == data["name"]
    assert [] == page.evaluate("window.__csp")


def test_the_facet_panel_folds_behind_a_button_on_a_phone(browser, live_server):
    context = browser.new_context(viewport=WIDTHS["telephone"], base_url=live_server.url)
    page = context.new_page()
    page.goto(f"/recherche?q={PAGED_WORD}")
    toggle = page.locator("button.facets-toggle")
    assert "false" == toggle.get_attribute("aria-expanded")
    assert not page.locator("form.facet-form").is_visible()
    toggle.click()
    assert page.locator("form.facet-form").is_visible()
    context.close()


def _pages() -> dict:
    return {
        "accueil": "/",
        "recherche": f"/recherche?q={PAGED_WORD}&theme=evaluation",
        "recherche-vide": "/recherche?q=zzzqqqxx&level=local",
        "ressource": "/ressources/" + resource_id("https://exemple.test/podcast-familles"),
        "ressource-cassee": f"/ressources/{JARDIN}",
        "archive": f"/ressources/{JARDIN}/archive",
        "accessibilite": "/accessibilite",
        "themes": "/themes",
        "theme": "/themes/evaluation",
        "niveau": "/niveaux/local",
        "erreur-404": "/ressources/000000000000",
    }


def test_axe_finds_no_serious_violation_and_screenshots_are_saved(browser, live_server, site_settings):
    from axe_playwright_python.sync_playwright import Axe

    broken_with_archive_and_episodes(site_settings)
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="fr-FR")
        page = context.new_page()
        for name, url in _pages().items():
            page.goto(url)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width_name}.png"), full_page=True)
            if width_name == "bureau" or name in ("recherche", "ressource-cassee"):
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    problems.append((name, width_name, "horizontal-scroll", overflow))
                for v in axe.run(page).response["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        problems.append((name, width_name, v["id"], [n["target"] for n in v["nodes"]][:3]))
        context.close()
    assert [] == problems
