"""The frame of the site: layout and landmarks, home page, security headers, static caching, error pages."""

import pytest
import requests
from bs4 import BeautifulSoup

from tests.web.conftest import make_settings
from web import create_app

PAGES = ["/", "/recherche?q=evaluation", "/accessibilite", "/ressources/000000000000"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_lang_fr_a_skip_link_landmarks_and_the_accessibility_mention(client, url):
    soup = BeautifulSoup(client.get(url).data, "html.parser")
    assert "fr" == soup.html["lang"]
    skip = soup.body.find("a")
    assert ("Aller au contenu", "#contenu") == (skip.get_text(strip=True), skip["href"])
    assert soup.select_one("main#contenu") is not None
    assert soup.select_one("header") and soup.select_one("footer") and soup.select_one("nav[aria-label]")
    footer_link = soup.select_one("footer a[href='/accessibilite']")
    assert "Accessibilité : partiellement conforme" == footer_link.get_text(strip=True)
    assert 1 == len(soup.select("h1"))


@pytest.mark.parametrize("url", PAGES + ["/api/search?q=x", "/recherche.csv?q=x", "/static/site.css"])
def test_security_headers_are_on_every_answer(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "nosniff" == headers["X-Content-Type-Options"]
    assert "strict-origin-when-cross-origin" == headers["Referrer-Policy"]


def test_no_page_has_an_inline_script_or_style_attribute_and_nothing_comes_from_outside(client):
    for url in PAGES:
        soup = BeautifulSoup(client.get(url).data, "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src", "").startswith("/static/") or script.get("type") == "application/ld+json"
        assert not soup.select("[style]")
        assert not soup.select("[onclick], [onload], [onerror]")
        for tag in soup.select("link[href], script[src], img[src]"):
            if "canonical" in tag.get("rel", []):  # the page's own absolute address
                assert tag["href"].startswith("http://localhost/"), tag
                continue
            assert (tag.get("href") or tag.get("src")).startswith("/"), tag


def test_static_files_are_cached_and_pages_revalidated(client):
    with client.get("/static/site.css") as response:
        assert "public, max-age=604800" == response.headers["Cache-Control"]
    assert "no-cache" == client.get("/").headers["Cache-Control"]


def test_home_shows_entry_points_by_theme_and_level_with_counts_and_latest_additions(client):
    soup = BeautifulSoup(client.get("/").data, "html.parser")
    levels = {
        a.get_text(strip=True): a.find_next_sibling("span").get_text(strip=True)
        for a in soup.select("#titre-niveaux + ul a")
    }
    total_levels = sum(int(v.split()[0]) for v in levels.values())
    assert ["National", "Régional", "Local"] == sorted(levels, key=["National", "Régional", "Local"].index)
    json_total = client.get("/api/search").get_json()["total"]
    assert json_total == total_levels
    theme_link = soup.select_one("#titre-themes + ul a[href='/recherche?theme=evaluation']")
    assert "Évaluation" == theme_link.get_text(strip=True)
    count = int(theme_link.find_next_sibling("span").get_text().split()[0])
    assert count == client.get("/api/search?theme=evaluation").get_json()["total"]
    latest = [a.get_text(strip=True) for a in soup.select(".latest-list a")]
    assert 8 == len(latest)


def test_a_failing_page_shows_the_french_500_without_a_trace(site_settings, caplog):
    app = create_app({"SETTINGS": site_settings})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail /etc/passwd")

    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert 500 == response.status_code
    assert "Erreur du serveur" in text and "secret detail" not in text and "Traceback" not in text
    assert "secret detail" in caplog.text


def test_the_404_page_is_french(client):
    response = client.get("/nulle-part")
    assert 404 == response.status_code
    assert "Page introuvable" in response.get_data(as_text=True)


def test_a_data_directory_without_index_gives_a_french_503(tmp_path):
    app = create_app({"SETTINGS": make_settings(tmp_path / "vide")})
    response = app.test_client().get("/recherche?q=x")
    assert 503 == response.status_code
    assert "Catalogue indisponible" in response.get_data(as_text=True)


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    settings = make_settings(tmp_path / "d")
    settings._values["secret_key"] = None
    first = create_app({"SETTINGS": settings}).secret_key
    assert first == create_app({"SETTINGS": settings}).secret_key and len(first) == 64
    assert 0o600 == (settings.data_path / "secret_key").stat().st_mode & 0o777


def test_the_real_server_answers_a_search_over_http(live_server):
    response = requests.get(
        f"{live_server.url}/api/search", params={"q": "evaluation", "level": "regional"}, timeout=10
    )
    data = response.json()
    assert data["total"] > 0 and {"regional"} == {h["level"] for h in data["results"]}
    page = requests.get(f"{live_server.url}/recherche", params={"q": "evaluation"}, timeout=10)
    assert "Guide-Mémo pour la rédaction d" in page.text
