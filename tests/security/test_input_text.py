"""Control characters are removed at the model, so no output carries them (an Atom feed stays valid XML)."""

import json
import xml.etree.ElementTree as ET

from catalogue.models import Resource, validate
from catalogue.vocabularies import load_vocabularies
from tests.rawdb import raw_database
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
DIRTY = "Guide\x00 de\x0b l'évaluation\x1b[31m\x7f\x85\ud800\ufffe"


def test_validate_removes_control_characters_from_every_text_and_list():
    resource = validate(
        Resource(
            url="https://ex.example/a",
            title=DIRTY,
            description="ligne 1\nligne 2\x07\tfin",
            publisher="Éditeur\x1b",
            territory="Lille\r\nNord",
            audience=["parents\x00", "\x0b"],
            notes="note\x0c",
        ),
        load_vocabularies(),
    )
    assert (
        "Guide de l'évaluation[31m",
        "ligne 1\nligne 2\tfin",
        "Éditeur",
        "Lille Nord",
        ["parents"],
        "note",
    ) == (
        resource.title,
        resource.description,
        resource.publisher,
        resource.territory,
        resource.audience,
        resource.notes,
    )


def test_an_atom_feed_of_a_title_with_control_characters_is_valid_xml(
    catalogue_in_process, settings, tmp_path
):
    path = tmp_path / "sale.jsonl"
    line = {"url": "https://ex.example/sale", "title": DIRTY, "description": "Évaluation\x00 des\x1b élèves"}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert 0 == catalogue_in_process("import", path).code
    app = create_app({"TESTING": True, "SETTINGS": settings})
    try:
        client = app.test_client()
        feed = client.get("/recherche.atom?q=évaluation").data
        titles = [e.find(f"{ATOM}title").text for e in ET.fromstring(feed).findall(f"{ATOM}entry")]
        assert ["Guide de l'évaluation[31m"] == titles
        for path in (
            "/recherche.jsonl?q=évaluation",
            "/recherche.csv?q=évaluation",
            "/api/search?q=évaluation",
        ):
            body = client.get(path).get_data(as_text=True)
            assert "Guide de l'évaluation[31m" in body.replace("\\u00e9", "é")
            assert not any(c in body for c in "\x00\x0b\x1b\x7f")
    finally:
        searcher = app.extensions.get("catalogue.searcher")
        if searcher is not None:
            searcher.close()


def test_text_stored_by_an_older_version_is_clean_when_read_back(catalogue_in_process, settings, tmp_path):
    from catalogue.store import Store

    path = tmp_path / "propre.jsonl"
    path.write_text(json.dumps({"url": "https://ex.example/vieux", "title": "Évaluation ancienne"}) + "\n")
    assert 0 == catalogue_in_process("import", path).code
    with Store.open(settings) as store, raw_database(store) as db:  # as an older version wrote it
        db.execute("UPDATE resources SET title = ?, notes = ?", ("Évaluation\x1b ancienne\x0b", "n\x00"))
        resource = store.find_by_url("https://ex.example/vieux")
    assert ("Évaluation ancienne", "n") == (resource.title, resource.notes)
    app = create_app({"TESTING": True, "SETTINGS": settings})
    try:
        feed = app.test_client().get("/recherche.atom?q=évaluation").data
        titles = [e.find(f"{ATOM}title").text for e in ET.fromstring(feed).findall(f"{ATOM}entry")]
        assert ["Évaluation ancienne"] == titles
    finally:
        searcher = app.extensions.get("catalogue.searcher")
        if searcher is not None:
            searcher.close()
