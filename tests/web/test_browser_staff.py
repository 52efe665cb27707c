"""The staff pages in a real Chromium on a real waitress server: log in and edit with the keyboard alone,
axe-core on every staff page, screenshots at desktop and phone widths."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from catalogue import audit, linkhealth, users
from catalogue.store import Store
from catalogue.urls import resource_id
from tests.web.staff_fixtures import check_record

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTHS = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 375, "height": 740}}
USER, PASSWORD = "camille", "motdepasse-camille"
PODCAST = resource_id("https://exemple.test/podcast-familles")
MOVED = resource_id("https://exemple.test/fiches/jardin-01")
BROKEN = resource_id("https://exemple.test/fiches/jardin-02")


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching selector has the focus (fails after `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture
def staff_site(app, site_settings):
    """The test site with a staff account, a few audit entries and 20 nights of link checks."""
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(site_settings) as store:
        users.create_user(store, USER, PASSWORD, n=site_settings.password_scrypt_n)
        ids = store.ids()
        for days_ago in range(20, -1, -1):
            when = (now - timedelta(days=days_ago)).isoformat()
            results = [
                check_record(rid, store.get(rid).url, "ok", when)
                for rid in ids[:40]
                if rid not in (MOVED, BROKEN)
            ]
            results.append(
                check_record(
                    MOVED,
                    "https://exemple.test/fiches/jardin-01",
                    "moved",
                    when,
                    http_status=301,
                    moved_to="https://exemple.test/fiches/jardinage-01",
                )
            )
            if days_ago < 6:
                results.append(
                    check_record(
                        BROKEN, "https://exemple.test/fiches/jardin-02", "broken", when, http_status=404
                    )
                )
            if days_ago % 4 == 0:
                results.append(
                    check_record(ids[41], store.get(ids[41]).url, "blocked", when, http_status=403)
                )
            run = linkhealth.start_run(store, when)
            linkhealth.record_run(store, run, results, outage=False, confirm_nights=2, finished_at=when)
        audit.record(
            store,
            USER,
            "resource.edit",
            PODCAST,
            before={"title": "Podcast"},
            after={"title": "Podcast Paroles de familles"},
        )
    return app


def login_with_keyboard(page, next_path: str) -> None:
    page.goto(next_path)
    tab_to(page, "#nom")
    page.keyboard.type(USER)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_log_in_and_edit_a_resource_with_the_keyboard_alone(staff_site, browser_page, site_settings):
    page = browser_page
    login_with_keyboard(page, f"/equipe/ressources/{PODCAST}/modifier")
    assert page.url.endswith(f"/equipe/ressources/{PODCAST}/modifier")
    tab_to(page, "#title")
    page.keyboard.press("Control+A")
    page.keyboard.type("Podcast Paroles de familles, saison 2")
    tab_to(page, "#themes-parentalite")
    page.keyboard.press("Space")
    tab_to(page, "#date")
    page.keyboard.press("Control+A")
    page.keyboard.type("mars 2024")  # a fault first: the message must be reachable by keyboard too
    tab_to(page, "form.staff-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "AAAA, AAAA-MM ou AAAA-MM-JJ" in page.inner_text("#date-erreur")
    tab_to(page, ".error-summary a")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "date"
    page.keyboard.press("Control+A")
    page.keyboard.type("2024-03")
    tab_to(page, "form.staff-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Modifications enregistrées." in page.inner_text("main")
    with Store.open(site_settings) as store:
        resource = store.get(PODCAST)
        entry = audit.entries(store, limit=1)[0]
    assert ("Podcast Paroles de familles, saison 2", ["parentalite"], "2024-03") == (
        resource.title,
        resource.themes,
        resource.date,
    )
    assert (USER, "resource.edit", PODCAST) == (entry.actor, entry.action, entry.resource_id)


def _staff_pages() -> dict[str, str]:
    return {
        "equipe-accueil": "/equipe/",
        "equipe-liens": "/equipe/liens",
        "equipe-ressources": "/equipe/ressources?q=jardinage",
        "equipe-modifier": f"/equipe/ressources/{PODCAST}/modifier",
        "equipe-nouvelle": "/equipe/ressources/nouvelle",
        "equipe-importer": "/equipe/importer",
        "equipe-journal": "/equipe/journal",
        "equipe-compte": "/equipe/compte",
    }


def test_axe_finds_no_serious_violation_on_staff_pages_and_screenshots_are_saved(
    staff_site, browser, live_server
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="fr-FR")
        page = context.new_page()
        page.goto("/equipe/connexion")
        page.screenshot(path=str(SCREENSHOTS / f"equipe-connexion-{width_name}.png"), full_page=True)
        pages = {"equipe-connexion": None, **_staff_pages()}
        page.fill("#nom", USER)
        page.fill("#mot_de_passe", PASSWORD)
        with page.expect_navigation():
            page.click("form.staff-form button[type=submit]")
        for name, url in pages.items():
            if url:
                page.goto(url)
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width_name}.png"), full_page=True)
            if width_name == "bureau":
                for v in axe.run(page).response["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        problems.append((name, v["id"], [n["target"] for n in v["nodes"]][:3]))
        # The form with its errors shown, as a person would meet it.
        page.goto("/equipe/ressources/nouvelle")
        page.fill("#url", "exemple.fr")
        page.fill("#date", "hier")
        with page.expect_navigation():
            page.click("form.staff-form button[type=submit]")
        page.screenshot(path=str(SCREENSHOTS / f"equipe-erreurs-{width_name}.png"), full_page=True)
        if width_name == "bureau":
            for v in axe.run(page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    problems.append(("equipe-erreurs", v["id"], [n["target"] for n in v["nodes"]][:3]))
        context.close()
    assert [] == problems
