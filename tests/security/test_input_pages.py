"""Malformed addresses in a page given to « Importer une page » and in the staff form: skipped or refused
with their reason, never a 500, never the whole page lost."""

from catalogue.store import Store
from crawler import import_page as page_import
from crawler.fetch import Fetcher
from tests.localserver import Response
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import csrf_of, login, make_app, staff_settings

PAGE = """<html><body><main><h2>Niveau national</h2><ul>
<li><a href="https://exemple.fr/rapport-mentorat.pdf">Rapport sur le mentorat des collégiens</a></li>
<li><a href="http://example.org:99999/x">Un port impossible</a></li>
<li><a href="http://[::1/x">Un crochet ouvert</a></li>
<li><a href="HTTPS://UPPER.example.org/x">Guide en majuscules</a></li>
<li><a href="https://exemple.fr/guide des parents.pdf">Guide des parents</a></li>
</ul></main></body></html>"""


def staff_client(tmp_path, server, template):
    settings = staff_settings(tmp_path)
    server.routes["/ressources.html"] = Response(200, PAGE.encode())

    def import_page(url, level=None, dry_run=True):
        with Store.open(settings) as store, Fetcher(settings) as fetcher:
            return page_import.import_page(store, fetcher, url, level, dry_run=dry_run)

    client = make_app(settings, services={"import_page": import_page}, template=template).test_client()
    login(client)
    return settings, client


def test_one_bad_link_is_skipped_with_its_reason_and_the_rest_of_the_page_imported(
    tmp_path, server, staff_template
):
    settings, client = staff_client(tmp_path, server, staff_template)
    form = {"url": server.url("/ressources.html"), "level": "", "csrf_token": csrf_of(client)}
    preview = client.post("/equipe/importer", data={**form, "etape": "apercu"})
    assert 200 == preview.status_code
    html = preview.get_data(as_text=True)
    assert "Guide en majuscules" in html and "https://UPPER.example.org/x" in html
    assert "http://example.org:99999/x" in html and "adresse mal formée" in html
    done = client.post("/equipe/importer", data={**form, "etape": "importer"})
    assert 200 == done.status_code, done.get_data(as_text=True)[:500]
    with Store.open(settings) as store:
        urls = sorted(r.url for r in store.iter_resources())
    assert [
        "https://UPPER.example.org/x",
        "https://exemple.fr/guide%20des%20parents.pdf",
        "https://exemple.fr/guide-evaluation.pdf",
        "https://exemple.fr/rapport-mentorat.pdf",
    ] == urls


def test_parse_page_gives_the_reason_of_each_malformed_link():
    page = page_import.parse_page(PAGE, "https://exemple.fr/ressources.html")
    reasons = {s.href: s.reason for s in page.skipped}
    assert {"http://example.org:99999/x", "http://[::1/x"} == set(reasons)
    assert all("adresse mal formée" in r for r in reasons.values()), reasons
    assert "port hors des limites" in reasons["http://example.org:99999/x"]  # in French, not urllib's words
    assert "crochets" in reasons["http://[::1/x"]


def test_the_staff_form_refuses_a_port_out_of_range_next_to_the_field(staff, staff_app):
    for url in ("http://example.org:99999/x", "http://[::1/x", "https://ex.example/a b"):
        form = {"url": url, "title": "Essai", "language": "fr", "csrf_token": csrf_of(staff)}
        response = staff.post("/equipe/ressources/nouvelle", data=form)
        assert 422 == response.status_code, url
        assert 'id="url-erreur"' in response.get_data(as_text=True)
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert 1 == store.count()
