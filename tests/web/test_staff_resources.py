"""Staff pages that add, edit and crawl a resource: validation next to the field, audit log, reindex."""

import re

import pytest

from catalogue import audit
from catalogue.cli.serve import SiteServices
from catalogue.store import Store
from catalogue.vocabularies import load_vocabularies
from index import build
from index.query import SearchQuery
from index.search import Searcher
from tests.localserver import Response
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import csrf_of, login, make_app, staff_settings

FORM = {
    "title": "Guide de l'évaluation, édition 2024",
    "description": "Un guide pour évaluer.",
    "type": "guide",
    "level": "regional",
    "themes": ["evaluation", "gouvernance"],
    "publisher": "ANCT",
    "territory": "Hauts-de-France",
    "audience": "coordinateurs; parents",
    "date": "2024-03",
    "language": "fr",
    "source_url": "",
    "notes": "",
}


def post(client, path, form):
    return client.post(path, data={**form, "csrf_token": csrf_of(client)})


def indexed_title(settings, rid):
    ix = build.open_current(settings.index_path)
    try:
        with ix.searcher() as searcher:
            return searcher.document(id=rid)["title"]
    finally:
        ix.close()


def test_edit_saves_writes_an_audit_entry_of_the_changed_fields_and_reindexes(staff, staff_app, resource_id):
    settings = staff_app.config["SETTINGS"]
    assert indexed_title(settings, resource_id) == "Guide de l'évaluation"
    response = post(staff, f"/equipe/ressources/{resource_id}/modifier", FORM)
    assert (302, f"/equipe/ressources/{resource_id}/modifier") == (
        response.status_code,
        response.headers["Location"],
    )
    with Store.open(settings) as store:
        resource = store.get(resource_id)
        entries = audit.entries(store)
    assert (FORM["title"], ["evaluation", "gouvernance"], ["coordinateurs", "parents"], "regional") == (
        resource.title,
        resource.themes,
        resource.audience,
        resource.level,
    )
    assert [("alice", "resource.edit", resource_id)] == [(e.actor, e.action, e.resource_id) for e in entries]
    assert {
        "title": "Guide de l'évaluation",
        "level": "national",
        "themes": ["evaluation"],
        "publisher": "",
        "territory": "",
        "audience": [],
        "date": "",
    } == entries[0].before
    assert entries[0].after["title"] == FORM["title"]
    assert "description" not in entries[0].after  # unchanged fields are not logged
    assert indexed_title(settings, resource_id) == FORM["title"]
    page = staff.get(f"/equipe/ressources/{resource_id}/modifier").get_data(as_text=True)
    assert "Modifications enregistrées." in page


def test_saving_without_change_writes_no_audit_entry(staff, staff_app, resource_id):
    form = {
        **FORM,
        "title": "Guide de l'évaluation",
        "level": "national",
        "themes": ["evaluation"],
        "publisher": "",
        "territory": "",
        "audience": "",
        "date": "",
    }
    assert post(staff, f"/equipe/ressources/{resource_id}/modifier", form).status_code == 302
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert audit.count(store) == 0


def test_the_address_cannot_be_changed_from_the_edit_form(staff, staff_app, resource_id):
    post(staff, f"/equipe/ressources/{resource_id}/modifier", {**FORM, "url": "https://ailleurs.example/"})
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert store.get(resource_id).url == "https://exemple.fr/guide-evaluation.pdf"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": "  "}, "title", "Le titre est obligatoire."),
        ({"date": "mars 2024"}, "date", "Indiquez la date sous la forme AAAA, AAAA-MM ou AAAA-MM-JJ"),
        (
            {"level": "departemental"},
            "level",
            "« departemental » n&#39;est pas une valeur autorisée. Valeurs possibles : National, Régional, Local.",
        ),
        ({"type": "roman"}, "type", "« roman » n&#39;est pas une valeur autorisée."),
        ({"themes": ["evaluation", "cuisine"]}, "themes", "« cuisine » n&#39;est pas une valeur autorisée."),
        ({"source_url": "ftp://exemple.fr"}, "source_url", "commençant par http:// ou https://"),
    ],
)
def test_a_fault_is_shown_next_to_its_field_and_nothing_is_written(
    staff, staff_app, resource_id, changes, field, message
):
    response = post(staff, f"/equipe/ressources/{resource_id}/modifier", {**FORM, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-erreur">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    described = re.search(rf'(?:id="{field}"|id="{field}-champ")[^>]*aria-describedby="([^"]+)"', html)
    assert described and f"{field}-erreur" in described.group(1).split()
    assert f'href="#{field}' in html  # the error summary links to the field
    assert "<title>Erreur : " in html
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert (0, "Guide de l'évaluation") == (audit.count(store), store.get(resource_id).title)


def test_every_fault_of_a_form_is_reported_at_once(staff, resource_id):
    response = post(
        staff,
        f"/equipe/ressources/{resource_id}/modifier",
        {**FORM, "title": "", "date": "hier", "type": "roman"},
    )
    html = response.get_data(as_text=True)
    assert {"title", "date", "type"} == set(re.findall(r'id="(\w+)-erreur"', html))
    assert "3 champs à corriger" in html


def test_the_form_offers_the_vocabularies_as_choices_in_fieldsets(staff, resource_id):
    html = staff.get(f"/equipe/ressources/{resource_id}/modifier").get_data(as_text=True)
    assert "<legend>Thèmes</legend>" in html and "<legend>Niveau</legend>" in html
    assert 'type="checkbox" id="themes-evaluation" name="themes" value="evaluation" checked' in html
    assert 'type="radio" id="level-national" name="level" value="national" checked' in html
    assert '<option value="guide" selected>Guide</option>' in html or 'value="guide" selected' in html
    assert html.count("<h1>") == 1


def test_themes_suggested_from_the_text_are_marked_in_the_form(staff, staff_app, resource_id):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        store.update_fields(resource_id, suggested_themes=["mentorat"])
    html = staff.get(f"/equipe/ressources/{resource_id}/modifier").get_data(as_text=True)
    assert re.search(r'for="themes-mentorat">Mentorat et tutorat <span class="suggested">\(suggéré', html)
    assert html.count('class="suggested"') == 1


def test_add_a_resource_then_find_it_in_the_store_the_index_and_the_log(staff, staff_app):
    form = {**FORM, "url": "https://exemple.fr/nouveau-guide"}
    response = post(staff, "/equipe/ressources/nouvelle", form)
    assert response.status_code == 302
    rid = response.headers["Location"].split("/")[-2]
    settings = staff_app.config["SETTINGS"]
    with Store.open(settings) as store:
        assert store.get(rid).title == FORM["title"]
        assert [("alice", "resource.create", rid)] == [
            (e.actor, e.action, e.resource_id) for e in audit.entries(store)
        ]
    assert indexed_title(settings, rid) == FORM["title"]


@pytest.mark.parametrize(
    "url, message",
    [
        ("", "Indiquez une adresse complète"),
        ("exemple.fr/guide", "Indiquez une adresse complète"),
        ("https://www.exemple.fr/guide-evaluation.pdf", "Cette adresse est déjà au catalogue"),
    ],
)
def test_add_refuses_a_missing_malformed_or_known_address(staff, staff_app, url, message):
    response = post(staff, "/equipe/ressources/nouvelle", {**FORM, "url": url})
    assert response.status_code == 422
    assert message in re.search(r'id="url-erreur">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert store.count() == 1


def test_unknown_resource_gives_404(staff):
    assert staff.get("/equipe/ressources/000000000000/modifier").status_code == 404


def test_resource_list_filters_by_title_words(staff, resource_id):
    assert f"/equipe/ressources/{resource_id}/modifier" in staff.get(
        "/equipe/ressources?q=évaluation"
    ).get_data(as_text=True)
    assert "/modifier" not in staff.get("/equipe/ressources?q=podcast").get_data(as_text=True)


def test_crawl_now_is_unavailable_without_the_service(staff, resource_id):
    page = staff.get(f"/equipe/ressources/{resource_id}/modifier").get_data(as_text=True)
    assert "Explorer maintenant" not in page
    response = post(staff, f"/equipe/ressources/{resource_id}/explorer", {})
    assert response.status_code == 302
    assert "pas disponible" in staff.get(response.headers["Location"]).get_data(as_text=True)


def test_crawl_now_runs_the_real_crawler_on_the_resource_logs_it_and_reindexes(
    tmp_path, server, staff_template
):
    server.routes["/guide.html"] = Response(
        200,
        b"<html><head><title>Guide</title></head><body><main><p>Un texte unique : zanzibarophile.</p></main></body></html>",
    )
    settings = staff_settings(tmp_path)
    app = make_app(settings, services=SiteServices(settings), template=staff_template)
    client = app.test_client()
    login(client)
    post(client, "/equipe/ressources/nouvelle", {**FORM, "url": server.url("/guide.html")})
    with Store.open(settings) as store:
        rid = store.find_by_url(server.url("/guide.html")).id
    page = client.get(f"/equipe/ressources/{rid}/modifier").get_data(as_text=True)
    assert "Explorer maintenant" in page
    response = post(client, f"/equipe/ressources/{rid}/explorer", {})
    assert response.status_code == 302
    assert "Exploration terminée : contenu lu et indexé." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert [m for m, p, _ in server.log if p == "/guide.html" and m == "GET"]
    with Store.open(settings) as store:
        assert ["resource.crawl", "resource.create"] == [e.action for e in audit.entries(store)]
    searcher = Searcher(settings.index_path, load_vocabularies())
    try:
        assert [rid] == [h.id for h in searcher.search(SearchQuery(q="zanzibarophile")).hits]
    finally:
        searcher.close()
