"""The checker's HTML report in a real browser: axe finds nothing."""

import pytest

from crawler.reports import render
from tests.crawler.test_reports import report

pytestmark = pytest.mark.browser


def test_axe_finds_no_violation_on_the_checker_report(browser):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_content(render(report(3, 2), "html", "https://catalogue.example.org"))
    violations = Axe().run(page).response["violations"]
    context.close()
    assert [] == [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
