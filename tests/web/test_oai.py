"""OAI-PMH 2.0 at /oai: every verb and error valid against the published schemas, a whole harvest
by a PyPI client (Sickle) on the real server while the catalogue changes between two pages."""

import shutil
from datetime import UTC, datetime

import pytest
from sickle import Sickle

from catalogue.store import Store
from catalogue.urls import resource_id
from tests.rawdb import raw_database
from tests.web.conftest import make_settings
from tests.web.xmlschemas import assert_valid
from web import oai

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
SCHEMAS = ("OAI-PMH.xsd", "oai_dc.xsd")
PODCAST = resource_id("https://exemple.test/podcast-familles")
HOSTILE = resource_id("https://exemple.test/hostile")
PAGE = 10


@pytest.fixture
def site_settings(site_template, tmp_path):
    """The test site with pages of 10 records, every resource last changed on 1 June 2025."""
    folder = tmp_path / "site-data"
    shutil.copytree(site_template, folder)
    settings = make_settings(folder, oai_page_size=PAGE)
    with raw_database(settings.database_path) as db:
        db.execute("UPDATE resources SET updated_at = '2025-06-01T08:00:00+00:00'")
    return settings


def oai_get(client, query: str):
    """An OAI-PMH answer, checked against the OAI-PMH and oai_dc schemas; its root element."""
    response = client.get("/oai?" + query)
    assert (200, "text/xml; charset=utf-8") == (response.status_code, response.content_type)
    return assert_valid(response.data, *SCHEMAS)


def error_codes(root) -> list[str]:
    return [e.get("code") for e in root.iter(OAI + "error")]


def test_identify_declares_the_granularity_the_base_url_and_the_earliest_datestamp(client):
    root = oai_get(client, "verb=Identify")
    identify = root.find(OAI + "Identify")
    fields = {child.tag.removeprefix(OAI): child.text for child in identify}
    assert {
        "repositoryName": "Catalogue des ressources des Cités éducatives",
        "baseURL": "http://localhost/oai",
        "protocolVersion": "2.0",
        "adminEmail": "ressources@example.org",
        "earliestDatestamp": "2025-06-01T08:00:00Z",
        "deletedRecord": oai.DELETED_RECORD,
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    } == fields


def test_list_metadata_formats_offers_oai_dc_for_the_repository_and_for_one_record(client):
    for query in (
        "verb=ListMetadataFormats",
        f"verb=ListMetadataFormats&identifier=oai:cites-catalogue:{PODCAST}",
    ):
        root = oai_get(client, query)
        assert ["oai_dc"] == [e.text for e in root.iter(OAI + "metadataPrefix")]


def test_list_sets_names_every_theme_level_and_type_in_french(client):
    root = oai_get(client, "verb=ListSets")
    sets = {s.findtext(OAI + "setSpec"): s.findtext(OAI + "setName") for s in root.iter(OAI + "set")}
    assert "Thème : Évaluation" == sets["theme:evaluation"]
    assert "Niveau : Régional" == sets["level:regional"]
    assert "Type : Podcast" == sets["type:podcast"]
    assert {"theme", "level", "type"} <= set(sets)


def test_get_record_maps_the_resource_to_dublin_core_as_the_readme_documents(client):
    root = oai_get(client, f"verb=GetRecord&identifier=oai:cites-catalogue:{PODCAST}&metadataPrefix=oai_dc")
    header = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
    assert ["level:local", "type:podcast"] == [e.text for e in header.iter(OAI + "setSpec")]
    dc = root.find(".//{http://www.openarchives.org/OAI/2.0/oai_dc/}dc")
    pairs = [(e.tag.removeprefix(DC), e.text) for e in dc]
    assert [
        ("title", "Podcast Paroles de familles"),
        ("creator", "Radio Cité"),
        ("publisher", "Radio Cité"),
        ("description", "Un podcast sur la place des familles à l'école."),
        ("date", "2023"),
        ("type", "Sound"),
        ("type", "Podcast"),
        ("format", "text/html"),
        ("identifier", "https://exemple.test/podcast-familles"),
        ("identifier", f"http://localhost/ressources/{PODCAST}"),
        ("language", "fr"),
    ] == pairs


def test_a_hostile_title_is_escaped_text_and_notes_never_leave(client, site_settings):
    with Store.open(site_settings) as store:
        store.update_fields(HOSTILE, notes="note interne à ne pas publier", description="a\x0bb & <c>")
    root = oai_get(client, f"verb=GetRecord&identifier=oai:cites-catalogue:{HOSTILE}&metadataPrefix=oai_dc")
    texts = [e.text for e in root.iter() if e.tag.startswith(DC)]
    assert '<script>alert("x")</script> Évaluation & <b>gras</b>' in texts
    assert "ab & <c>" in texts
    assert not any("note interne" in (t or "") for t in texts)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "badVerb"),
        ("verb=Harvest", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&extra=1", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2025-13-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=01/06/2025", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2025-06-01&until=2025-06-02T00:00:00Z", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2025-06-02&until=2025-06-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", "badArgument"),
        ("verb=GetRecord&identifier=oai:cites-catalogue:" + PODCAST, "badArgument"),
        ("verb=ListRecords&resumptionToken=nonsense", "badResumptionToken"),
        ("verb=ListSets&resumptionToken=nonsense", "badResumptionToken"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        (
            "verb=GetRecord&identifier=oai:cites-catalogue:" + PODCAST + "&metadataPrefix=mods",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&identifier=oai:cites-catalogue:000000000000&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        ("verb=GetRecord&identifier=http://example.org/x&metadataPrefix=oai_dc", "idDoesNotExist"),
        ("verb=ListMetadataFormats&identifier=oai:cites-catalogue:000000000000", "idDoesNotExist"),
        ("verb=ListIdentifiers&metadataPrefix=oai_dc&until=2020-01-01", "noRecordsMatch"),
        ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=theme:inconnu", "noRecordsMatch"),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&set=level:local&from=2026-01-01T00:00:00Z",
            "noRecordsMatch",
        ),
    ],
)
def test_every_error_condition_has_its_code_and_a_valid_answer(client, query, code):
    root = oai_get(client, query)
    assert [code] == error_codes(root)
    request = root.find(OAI + "request")
    if code in ("badVerb", "badArgument"):
        assert {} == dict(request.attrib)


def test_from_until_and_sets_select_by_datestamp_and_vocabulary(client, site_settings):
    with raw_database(site_settings.database_path) as db:
        db.execute("UPDATE resources SET updated_at = '2025-07-14T12:30:00+02:00' WHERE id = ?", (PODCAST,))
    day = oai_get(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-07-14&until=2025-07-14")
    assert [f"oai:cites-catalogue:{PODCAST}"] == [e.text for e in day.iter(OAI + "identifier")]
    assert ["2025-07-14T10:30:00Z"] == [e.text for e in day.iter(OAI + "datestamp")]
    seconds = "from=2025-07-14T10:30:00Z&until=2025-07-14T10:30:00Z"
    assert 1 == len(
        list(oai_get(client, f"verb=ListIdentifiers&metadataPrefix=oai_dc&{seconds}").iter(OAI + "header"))
    )
    regional = oai_get(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=level:regional")
    assert all(
        "level:regional" in [s.text for s in h.iter(OAI + "setSpec")] for h in regional.iter(OAI + "header")
    )


def test_resumption_tokens_page_with_cursor_size_and_expiry_and_reject_tampering(client):
    first = oai_get(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    token = first.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert PAGE == len(list(first.iter(OAI + "header")))
    size = int(token.get("completeListSize"))
    assert ("0", True) == (token.get("cursor"), size > PAGE)
    expires = datetime.strptime(token.get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires > datetime.now(UTC)
    second = oai_get(client, f"verb=ListIdentifiers&resumptionToken={token.text}")
    assert str(PAGE) == second.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken").get("cursor")
    tampered = token.text[:-2] + ("AA" if not token.text.endswith("AA") else "BB")
    assert ["badResumptionToken"] == error_codes(
        oai_get(client, f"verb=ListIdentifiers&resumptionToken={tampered}")
    )
    assert ["badResumptionToken"] == error_codes(
        oai_get(client, f"verb=ListRecords&resumptionToken={token.text}")
    )


def test_an_expired_resumption_token_is_refused(client, monkeypatch):
    token = (
        oai_get(client, "verb=ListIdentifiers&metadataPrefix=oai_dc").find(f".//{OAI}resumptionToken").text
    )
    monkeypatch.setattr(oai, "TOKEN_LIFETIME", oai.TOKEN_LIFETIME * -1)
    root = oai_get(client, f"verb=ListIdentifiers&resumptionToken={token}")
    assert ["badResumptionToken"] == error_codes(root)


def test_post_requests_are_answered_like_get(client):
    response = client.post("/oai", data={"verb": "Identify"})
    assert "2.0" == assert_valid(response.data, *SCHEMAS).findtext(f"{OAI}Identify/{OAI}protocolVersion")


class ValidatingSickle(Sickle):
    """Sickle, checking every page it receives against the schemas."""

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        assert_valid(response.raw.encode("utf-8"), *SCHEMAS)
        return response


def test_sickle_harvests_every_record_once_while_resources_change_between_pages(live_server, site_settings):
    with Store.open(site_settings) as store:
        every_id = set(store.ids())
    harvester = ValidatingSickle(live_server.url + "/oai")
    records = harvester.ListRecords(metadataPrefix="oai_dc")
    seen = [next(records) for _ in range(PAGE)]
    started = records.oai_response.xml.findtext(OAI + "responseDate")
    delivered_ids = sorted(r.header.identifier.rsplit(":", 1)[1] for r in seen)
    waiting = sorted(every_id - set(delivered_ids))
    already, later = delivered_ids[3], waiting[-1]  # one delivered, one still to come
    with Store.open(site_settings) as store:
        store.update_fields(already, title="Titre corrigé entre deux pages")
        store.update_fields(later, title="Autre titre corrigé entre deux pages")
    seen.extend(records)

    identifiers = [r.header.identifier.rsplit(":", 1)[1] for r in seen]
    assert sorted(identifiers) == sorted(set(identifiers))  # none twice
    assert every_id == set(identifiers)  # none missing
    titles = {r.header.identifier.rsplit(":", 1)[1]: r.metadata["title"][0] for r in seen}
    assert "Autre titre corrigé entre deux pages" == titles[later]

    incremental = list(
        ValidatingSickle(live_server.url + "/oai").ListRecords(metadataPrefix="oai_dc", **{"from": started})
    )
    changed = {r.header.identifier.rsplit(":", 1)[1]: r for r in incremental}
    assert {already, later} == set(changed)
    assert "Titre corrigé entre deux pages" == changed[already].metadata["title"][0]
    assert changed[already].header.datestamp >= started


def test_a_deleted_resource_stays_harvestable_as_a_deleted_record_until_it_comes_back(client, site_settings):
    with Store.open(site_settings) as store:
        podcast = store.get(PODCAST)
        store.delete(PODCAST)
    assert "persistent" == oai_get(client, "verb=Identify").findtext(f"{OAI}Identify/{OAI}deletedRecord")
    root = oai_get(client, f"verb=GetRecord&identifier=oai:cites-catalogue:{PODCAST}&metadataPrefix=oai_dc")
    header = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
    assert "deleted" == header.get("status")
    assert ["level:local", "type:podcast"] == [e.text for e in header.iter(OAI + "setSpec")]
    assert root.find(f".//{OAI}metadata") is None
    stamp = header.findtext(OAI + "datestamp")
    listed = oai_get(client, f"verb=ListRecords&metadataPrefix=oai_dc&set=type:podcast&from={stamp}")
    assert [("deleted", f"oai:cites-catalogue:{PODCAST}")] == [
        (h.get("status"), h.findtext(OAI + "identifier")) for h in listed.iter(OAI + "header")
    ]
    with Store.open(site_settings) as store:
        store.upsert(podcast)
    back = oai_get(client, f"verb=GetRecord&identifier=oai:cites-catalogue:{PODCAST}&metadataPrefix=oai_dc")
    assert back.find(f"{OAI}GetRecord/{OAI}record/{OAI}header").get("status") is None


def test_a_withdrawn_resource_is_a_deleted_record_and_comes_back_dated_by_its_restoration(
    client, site_settings
):
    from catalogue import withdrawal

    with Store.open(site_settings) as store:
        withdrawal.withdraw(store, PODCAST, "doublon", "test")
    identifier = f"oai:cites-catalogue:{PODCAST}"
    gone = oai_get(client, f"verb=GetRecord&identifier={identifier}&metadataPrefix=oai_dc")
    header = gone.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
    assert ("deleted", ["level:local", "type:podcast"]) == (
        header.get("status"),
        [e.text for e in header.iter(OAI + "setSpec")],
    )
    withdrawn_at = header.findtext(OAI + "datestamp")
    with Store.open(site_settings) as store:
        withdrawal.restore(store, PODCAST)
    back = oai_get(client, f"verb=ListIdentifiers&metadataPrefix=oai_dc&from={withdrawn_at}")
    assert [(None, identifier)] == [
        (h.get("status"), h.findtext(OAI + "identifier")) for h in back.iter(OAI + "header")
    ]
