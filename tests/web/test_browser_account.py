"""« Se déconnecter partout » in two real Chromium browsers on a real waitress server: the button on the
account page of one browser logs the other one out."""

import pytest

from catalogue import audit, users
from catalogue.store import Store

pytestmark = pytest.mark.browser

USER, PASSWORD = "dominique", "motdepasse-dominique"


@pytest.fixture
def account(site_settings):
    with Store.open(site_settings) as store:
        users.create_user(store, USER, PASSWORD, n=site_settings.password_scrypt_n)
    return USER


def logged_in_browser(browser, live_server):
    """A browser of its own (its own cookies) where the person logs in; returns its page."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/equipe/connexion")
    page.fill("#nom", USER)
    page.fill("#mot_de_passe", PASSWORD)
    with page.expect_navigation():
        page.click("form.staff-form button[type=submit]")
    assert page.url.endswith("/equipe/")
    return page


def test_the_button_on_the_account_page_logs_the_other_browser_out(
    account, browser, live_server, site_settings
):
    office = logged_in_browser(browser, live_server)
    laptop = logged_in_browser(browser, live_server)  # forgotten, logged in, somewhere else
    with office.expect_navigation():
        office.click(".staff-logout a")  # the name of the person logged in leads to the account page
    assert office.url.endswith("/equipe/compte")
    assert "Ce compte a 2 sessions ouvertes" in office.inner_text("main")
    with office.expect_navigation():
        office.get_by_role("button", name="Se déconnecter partout").click()
    assert office.url.endswith("/equipe/connexion")
    assert "Vous êtes déconnecté·e partout : 2 sessions fermées" in office.inner_text("main")
    laptop.goto("/equipe/ressources")
    assert "/equipe/connexion" in laptop.url  # the other browser must log in again
    assert laptop.locator("#nom").is_visible()
    office.goto("/equipe/")
    assert "/equipe/connexion" in office.url
    with Store.open(site_settings) as store:
        [entry] = [e for e in audit.entries(store) if e.action == "user.logout"]
    assert USER == entry.actor
    for page in (office, laptop):
        page.context.close()
