"""The site's secret key survives a full disk, absolute URLs never follow the client's Host header,
the session cookie is Secure behind https, and the staff search takes % and _ literally."""

import os
import re
import stat

import pytest

from tests.web.staff_fixtures import login, make_app, staff_settings

BASE = "https://catalogue.example.org"
EVIL = "attaquant.example"


def settings_without_key(tmp_path, **extra):
    settings = staff_settings(tmp_path, **extra)
    values = settings.as_dict()
    values.pop("secret_key")
    return type(settings)(values, environ={})


def test_an_empty_secret_key_file_is_replaced_and_the_staff_pages_work(tmp_path, staff_template):
    settings = settings_without_key(tmp_path)
    app = make_app(settings, template=staff_template)  # copies the data directory first
    key_file = settings.data_path / "secret_key"
    key_file.write_text("")  # what a full disk left
    app = make_app(settings)
    client = app.test_client()
    assert 200 == client.get("/equipe/connexion").status_code
    assert 302 == login(client).status_code
    assert re.fullmatch(r"[0-9a-f]{64}", key_file.read_text())
    assert 0o600 == stat.S_IMODE(key_file.stat().st_mode)


def test_the_secret_key_is_written_once_whole_and_read_back_by_the_next_start(tmp_path, staff_template):
    settings = settings_without_key(tmp_path)
    first = make_app(settings, template=staff_template)
    second = make_app(settings)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] != ""
    leftovers = [p.name for p in settings.data_path.iterdir() if p.name.endswith(".tmp")]
    assert [] == leftovers


@pytest.fixture
def behind_https(tmp_path, staff_template):
    app = make_app(staff_settings(tmp_path, base_url=BASE), template=staff_template)
    yield app
    searcher = app.extensions.get("catalogue.searcher")
    if searcher is not None:
        searcher.close()


@pytest.mark.parametrize(
    "path",
    ["/recherche.atom", "/api/openapi.json", "/opensearch.xml", "/ressources/{rid}", "/api/resources/{rid}"],
)
def test_absolute_urls_use_the_base_url_whatever_the_host_header(behind_https, resource_id, path):
    response = behind_https.test_client().get(
        path.format(rid=resource_id), headers={"Host": EVIL, "X-Forwarded-Host": EVIL}
    )
    body = response.get_data(as_text=True)
    assert (200, False, True) == (response.status_code, EVIL in body, BASE in body)


def test_without_a_base_url_the_site_still_answers(anonymous):
    assert 200 == anonymous.get("/recherche.atom").status_code


def test_a_base_url_that_is_not_an_origin_is_refused(tmp_path, staff_template):
    with pytest.raises(ValueError, match="CATALOGUE_BASE_URL"):
        make_app(staff_settings(tmp_path, base_url="catalogue.example.org/x"), template=staff_template)


def test_the_session_cookie_is_secure_when_the_base_url_is_https(behind_https):
    response = login(behind_https.test_client())
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("words", ["_", "%", "%%", "_%_"])
def test_the_staff_search_takes_like_wildcards_literally(staff, words):
    html = staff.get("/equipe/ressources", query_string={"q": words}).get_data(as_text=True)
    assert "Guide de l&#39;évaluation" not in html and "Guide de l'évaluation" not in html


def test_the_staff_search_still_finds_words_and_underscores(staff, staff_app):
    from catalogue.models import Resource
    from catalogue.store import Store

    with Store.open(staff_app.config["SETTINGS"]) as store:
        store.upsert(Resource(url="https://exemple.fr/fichier_100%.pdf", title="Taux_100% atteint"))
    assert "Guide de l" in staff.get("/equipe/ressources?q=guide").get_data(as_text=True)
    html = staff.get("/equipe/ressources", query_string={"q": "_100%"}).get_data(as_text=True)
    assert "Taux_100% atteint" in html and "Guide de l" not in html


def test_no_secret_file_is_left_readable_by_others(tmp_path, staff_template):
    settings = settings_without_key(tmp_path)
    make_app(settings, template=staff_template)
    key_file = settings.data_path / "secret_key"
    assert key_file.exists() and not os.stat(key_file).st_mode & 0o077
