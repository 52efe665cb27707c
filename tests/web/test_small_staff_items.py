"""Small things people saw: a page past the last, titles in French order, the team's contact with a
« Signaler un lien cassé » link, the home page's dates."""

import re
import shutil
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from catalogue.cli.serve import build_app
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store, title_key
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import csrf_of  # noqa: F401


def test_a_page_past_the_last_shows_the_last_page_with_a_note(client):
    html = client.get("/recherche?q=évaluation&page=99").get_data(as_text=True)
    note = re.search(r"La page 99 n(?:'|&#39;)existe pas : voici la dernière, la page (\d+)\.", html)
    assert note is not None
    last = int(note.group(1))
    assert f'<ol class="hits" start="{(last - 1) * 20 + 1}">' in html


def test_titles_sort_as_a_person_reads_them_accents_and_case_aside():
    titles = ["Vidéo du réseau", "évaluation locale", "Évaluation des cités", "atelier", "Zoom", "Éducation"]
    assert [
        "atelier",
        "Éducation",
        "Évaluation des cités",
        "évaluation locale",
        "Vidéo du réseau",
        "Zoom",
    ] == sorted(titles, key=title_key)


def test_the_staff_list_sorts_evaluation_before_video(staff, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        for n, title in enumerate(["Vidéo du réseau", "Évaluation des cités", "atelier"]):
            store.upsert(Resource(url=f"https://exemple.fr/t{n}", title=title))
    html = staff.get("/equipe/ressources").get_data(as_text=True)
    found = [
        t
        for t in re.findall(r">([^<>]+)</a>", html)
        if t in {"Vidéo du réseau", "Évaluation des cités", "atelier"}
    ]
    assert ["atelier", "Évaluation des cités", "Vidéo du réseau"] == found


@pytest.fixture
def contact_client(site_template, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(site_template, folder)
    settings = Settings(
        {"data_dir": str(folder), "secret_key": "test", "contact": "ressources@irev.fr"}, environ={}
    )
    app = build_app(settings, {"TESTING": True})
    yield app.test_client()
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


def test_the_contact_setting_is_on_the_accessibility_page_and_each_resource_offers_a_report_link(
    contact_client,
):
    assert 'href="mailto:ressources@irev.fr"' in contact_client.get("/accessibilite").get_data(as_text=True)
    html = contact_client.get("/recherche?q=évaluation").get_data(as_text=True)
    rid = re.search(r'href="/ressources/([0-9a-f]{12})"', html).group(1)
    page = contact_client.get(f"/ressources/{rid}").get_data(as_text=True)
    link = re.search(r'<a href="(mailto:[^"]+)">Signaler un lien cassé</a>', page).group(1)
    parts = urlsplit(link.replace("&amp;", "&"))
    fields = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert "ressources@irev.fr" == unquote(parts.path)
    assert fields["subject"].startswith("Lien cassé : ") and f"/ressources/{rid}" in fields["body"]


def test_without_a_contact_setting_no_placeholder_address_is_shown(client):
    html = client.get("/accessibilite").get_data(as_text=True)
    assert "example.org" not in html and "CATALOGUE_CONTACT" in html


def test_the_home_page_shows_each_resource_s_own_date(staff, anonymous, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        store.upsert(Resource(url="https://exemple.fr/recent", title="Rapport d'avril", date="2022-04"))
        store.upsert(Resource(url="https://exemple.fr/sans-date", title="Sans date"))
    html = anonymous.get("/").get_data(as_text=True)
    assert "publiée en avril 2022" in html
    assert re.search(r"Sans date</a>.*?ajoutée le \d", html, re.S)
