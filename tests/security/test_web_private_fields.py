"""Staff-only fields (the visibility table of catalogue.models) appear on no public page, API, feed or
download, whatever the route; `catalogue export`, the backup, keeps them."""

import dataclasses

import pytest

from catalogue import archive
from catalogue.io import export_string
from catalogue.models import (
    FIELD_NAMES,
    FIELD_VISIBILITY,
    PUBLIC_FIELDS,
    STAFF_FIELDS,
    Resource,
    Visibility,
)
from catalogue.store import Store
from index.build import rebuild

MARK = "ZQXSTAFFONLY"
# Values to put in a route's variable parts when walking every public route.
SAMPLES = {
    "fmt": ["csv", "import.csv", "jsonl", "atom", "ris", "bib"],
    "resource_format": ["ris", "bib", "json"],
    "theme": ["evaluation"],
    "level": ["local"],
}
# Query strings tried on every route (searches, sorts, pages, the API's page size).
QUERIES = ["", "?q=guide", "?sort=date", "?q=&sort=title&page=2", "?per_page=100", "?theme=evaluation"]


def _marked(resource: Resource) -> Resource:
    return dataclasses.replace(resource, **{name: f"{MARK}-{name}-{resource.id}" for name in STAFF_FIELDS})


@pytest.fixture
def marked_site(app, site_settings):
    """Every resource with a marker in every staff-only field, reindexed; one resource archived."""
    with Store.open(site_settings) as store:
        resources = [_marked(r) for r in store.iter_resources()]
        store.upsert_many(resources)
        archived = resources[0]
        archive.store_copy(
            store,
            site_settings,
            archived.id,
            b"<html><body><p>Copie</p></body></html>",
            "text/html",
            archived.url,
            "2026-01-01T00:00:00+00:00",
        )
        rebuild(store, site_settings.index_path)
    return archived.id


def public_urls(app, rid: str) -> list[str]:
    """Every public GET route of the site, its variable parts filled, with each query string."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("staff."):
            continue
        fillings = [{}]
        for arg in sorted(rule.arguments):
            if arg == "rid":
                values = [rid]
            elif rule._converters[arg].__class__.__name__ in ("IntegerConverter", "NumberConverter"):
                values = [1]
            else:
                assert arg in SAMPLES, f"add sample values for <{arg}> of {rule.rule} to SAMPLES"
                values = SAMPLES[arg]
            fillings = [{**f, arg: v} for f in fillings for v in values]
        with app.test_request_context():
            from flask import url_for

            for filling in fillings:
                urls.extend(url_for(rule.endpoint, **filling) + q for q in QUERIES)
    return urls


def test_every_field_has_a_visibility_and_notes_are_staff_only():
    assert set(FIELD_NAMES) == set(FIELD_VISIBILITY)
    assert set(PUBLIC_FIELDS) | set(STAFF_FIELDS) == set(FIELD_NAMES)
    assert Visibility.STAFF == FIELD_VISIBILITY["notes"]


def test_public_dict_and_public_copy_leave_staff_fields_out():
    resource = _marked(Resource(url="https://exemple.test/a", title="A", themes=["evaluation"]))
    assert list(PUBLIC_FIELDS) == list(resource.public_dict())
    copy = resource.public_copy()
    assert all(not getattr(copy, name) for name in STAFF_FIELDS)
    assert {n: getattr(resource, n) for n in PUBLIC_FIELDS} == {n: getattr(copy, n) for n in PUBLIC_FIELDS}


def test_no_public_route_or_format_shows_a_staff_only_field(app, marked_site):
    client = app.test_client()
    urls = public_urls(app, marked_site)
    for prefix in (
        "/ressources/",
        "/api/resources/",
        "/recherche.csv",
        "/recherche.jsonl",
        "/recherche.atom",
    ):
        assert any(url.startswith(prefix) for url in urls), prefix
    leaks, not_served = [], []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            not_served.append((url, response.status_code))
        if MARK.lower() in response.get_data(as_text=True).lower():
            leaks.append(url)
    assert ([], []) == (leaks, not_served)  # every page was really read, and none showed a marker


def test_the_staff_fields_are_not_searchable_from_the_site(app, marked_site):
    data = app.test_client().get(f"/api/search?q={MARK}").get_json()
    assert 0 == data["total"]


def test_the_public_downloads_have_no_column_for_staff_fields(app, marked_site):
    client = app.test_client()
    header = client.get("/recherche.import.csv").get_data(as_text=True).splitlines()[0]
    sheet = client.get("/recherche.csv").get_data(as_text=True).splitlines()[0].lstrip("\ufeff").split(";")
    first = client.get("/recherche.jsonl").get_data(as_text=True).splitlines()[0]
    assert ",".join(PUBLIC_FIELDS) == header
    assert "Titre" in sheet and "Notes" not in sheet
    assert not any(f'"{name}"' in first for name in STAFF_FIELDS)


def test_catalogue_export_the_backup_keeps_the_staff_fields(app, marked_site, site_settings):
    with Store.open(site_settings) as store:
        assert f"{MARK}-notes-{marked_site}" in export_string(store, "jsonl")
        assert f"{MARK}-notes-{marked_site}" in export_string(store, "csv")


def test_the_staff_edit_form_still_shows_the_notes(staff, resource_id, staff_app):
    with Store.open(staff_app.config["SETTINGS"]) as store:
        store.upsert(_marked(store.get(resource_id)))
    html = staff.get(f"/equipe/ressources/{resource_id}/modifier").get_data(as_text=True)
    assert f"{MARK}-notes-{resource_id}" in html
