"""Importing a page from the staff pages: the dry-run preview writes nothing, the import is logged and indexed."""

from catalogue import audit
from catalogue.cli.serve import SiteServices
from catalogue.store import Store
from index import build
from tests.localserver import Response
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import csrf_of, login, make_app, staff_settings

PAGE = """<html><head><title>Ressources</title></head><body><main>
<h2>Niveau national</h2>
<ul>
  <li><a href="https://exemple.fr/guide-evaluation.pdf">Guide de l'évaluation</a> : déjà au catalogue.</li>
  <li><a href="https://exemple.fr/rapport-mentorat.pdf">Rapport sur le mentorat des collégiens</a></li>
  <li><a href="mailto:contact@exemple.fr">Nous écrire</a></li>
</ul>
</main></body></html>"""


def real_import_app(tmp_path, server, template):
    settings = staff_settings(tmp_path)
    server.routes["/ressources.html"] = Response(200, PAGE.encode())
    app = make_app(settings, services=SiteServices(settings), template=template)
    client = app.test_client()
    login(client)
    return settings, client


def test_preview_lists_new_and_known_resources_and_writes_nothing(tmp_path, server, staff_template):
    settings, client = real_import_app(tmp_path, server, staff_template)
    response = client.post(
        "/equipe/importer",
        data={
            "url": server.url("/ressources.html"),
            "level": "",
            "etape": "apercu",
            "csrf_token": csrf_of(client),
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "Aperçu (rien n&#39;est encore enregistré)" in html or "Aperçu (rien n'est encore enregistré)" in html
    )
    assert "Rapport sur le mentorat des collégiens" in html and "Nouvelle ressource" in html
    assert "Déjà au catalogue" in html
    assert 'name="etape" value="importer"' in html and "Importer la nouvelle ressource</button>" in html
    assert "<td>National</td>" in html
    assert "<td>niveau d&#39;après « Niveau national »</td>" in html  # the heading that decided
    with Store.open(settings) as store:
        assert (1, 0) == (store.count(), audit.count(store))


def test_import_adds_the_resources_logs_the_import_and_indexes_them(tmp_path, server, staff_template):
    settings, client = real_import_app(tmp_path, server, staff_template)
    response = client.post(
        "/equipe/importer",
        data={
            "url": server.url("/ressources.html"),
            "level": "national",
            "etape": "importer",
            "csrf_token": csrf_of(client),
        },
    )
    assert "Import terminé" in response.get_data(as_text=True)
    with Store.open(settings) as store:
        added = store.find_by_url("https://exemple.fr/rapport-mentorat.pdf")
        entries = audit.entries(store)
    assert (2, "national") == (len(list(Store.open(settings).ids())), added.level)
    assert [("alice", "page.import")] == [(e.actor, e.action) for e in entries]
    assert (
        server.url("/ressources.html") in entries[0].detail
        and "Nouvelles ressources = 1" in entries[0].detail
    )
    ix = build.open_current(settings.index_path)
    try:
        with ix.searcher() as searcher:
            assert searcher.document(id=added.id)["title"] == "Rapport sur le mentorat des collégiens"
    finally:
        ix.close()


def test_a_page_that_cannot_be_fetched_is_reported_in_french(tmp_path, server, staff_template):
    settings, client = real_import_app(tmp_path, server, staff_template)
    response = client.post(
        "/equipe/importer",
        data={"url": server.url("/absente.html"), "etape": "apercu", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 502
    assert "La page n&#39;a pas pu être lue" in response.get_data(as_text=True)


def test_a_malformed_address_is_refused_next_to_the_field(tmp_path, server, staff_template):
    _, client = real_import_app(tmp_path, server, staff_template)
    response = client.post("/equipe/importer", data={"url": "exemple.fr", "csrf_token": csrf_of(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="url-erreur"' in html and 'aria-describedby="url-erreur"' in html


def test_import_page_without_the_service_says_it_is_unavailable(staff):
    html = staff.get("/equipe/importer").get_data(as_text=True)
    assert (
        "L&#39;import de pages n&#39;est pas disponible" in html
        or "L'import de pages n'est pas disponible" in html
    )


def test_journal_and_home_list_changes_newest_first_with_paging(staff, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        for i in range(55):
            audit.record(
                store,
                "alice",
                "resource.edit",
                "abc",
                before={"title": f"v{i}"},
                after={"title": f"v{i + 1}"},
                at=f"2026-01-01T10:{i:02d}:00+00:00",
            )
    first = staff.get("/equipe/journal").get_data(as_text=True)
    assert "55 entrées, page 1 sur 2" in first
    assert first.index("v55") < first.index("v50")
    assert 'href="/equipe/journal?page=2"' in first
    second = staff.get("/equipe/journal?page=2").get_data(as_text=True)
    assert "v5</ins>" in second and "v55" not in second
    assert "1 entrée" not in staff.get("/equipe/journal?ressource=autre").get_data(as_text=True)
    assert "0 entrée pour la ressource" in staff.get("/equipe/journal?ressource=autre").get_data(as_text=True)
    home = staff.get("/equipe/").get_data(as_text=True)
    assert home.count("Modification") >= 5 and "Espace équipe" in home
