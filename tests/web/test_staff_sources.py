"""Staff pages of the watch: sources (add, remove, flagged ones say why) and the review queue (grouped,
explained, accepted with edits or rejected one by one or by selection; audited; public only once accepted)."""

import html

import pytest

from catalogue import audit, proposals, sources
from catalogue.store import Store
from crawler.watch import watch
from index.query import SearchQuery
from index.search import Searcher
from tests.crawler.watch_site import WatchSite
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import csrf_of


@pytest.fixture
def site():
    with WatchSite() as s:
        yield s


@pytest.fixture
def watched(staff_app, site):
    """The staff site's data directory after a first watch of the two centres' listing and feed."""
    settings = staff_app.config["SETTINGS"]
    with Store.open(settings) as store:
        sources.add(
            store, sources.Source(url=site.a.url("/actualites"), kind="listing", name="IREV actualités")
        )
        sources.add(store, sources.Source(url=site.b.url("/feed.xml"), kind="feed", name="CRPV billets"))
        watch(store, settings)
    return settings


def post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_of(client), **data})


def entries(settings, action):
    with Store.open(settings) as store:
        return [e for e in audit.entries(store, limit=500) if e.action == action]


def test_pages_need_a_login(anonymous):
    for url in ("/equipe/sources", "/equipe/propositions", "/equipe/propositions/1"):
        assert anonymous.get(url).status_code == 302


def test_adding_a_source_with_its_kind_lists_it_and_is_audited(staff, staff_app, site):
    response = post(
        staff,
        "/equipe/sources",
        {
            "url": site.a.url("/actualites"),
            "name": "IREV",
            "kind": "listing",
            "level": "regional",
            "every_days": "7",
        },
    )
    assert 302 == response.status_code
    page = html.unescape(staff.get("/equipe/sources").get_data(as_text=True))
    assert "IREV" in page and "liste d'actualités" in page and "tous les 7 jours" in page
    (entry,) = entries(staff_app.config["SETTINGS"], "source.add")
    assert ("alice", "listing") == (entry.actor, entry.after["kind"])


@pytest.mark.parametrize(
    "data, message",
    [
        ({"url": "ftp://exemple.fr/"}, "commençant par http:// ou https://"),
        (
            {"url": "https://exemple.fr/", "kind": "listing", "every_days": "chaque lundi"},
            "fréquence en jours",
        ),
        ({"url": "https://exemple.fr/", "kind": "sitemap", "url_pattern": "(["}, "Motif d'adresses invalide"),
        ({"url": "https://exemple.fr/"}, "la détection n'est pas disponible ici"),
    ],
)
def test_a_bad_source_is_refused_in_french_and_nothing_is_added(staff, staff_app, data, message):
    response = post(staff, "/equipe/sources", {"every_days": "1", **data})
    assert 422 == response.status_code
    assert message in html.unescape(response.get_data(as_text=True))
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert [] == sources.all_sources(store)


def test_the_kind_is_detected_through_the_injected_service(tmp_path, site, staff_template):
    from catalogue.cli.serve import SiteServices
    from tests.web.staff_fixtures import login, make_app, staff_settings

    settings = staff_settings(tmp_path)
    app = make_app(settings, services=SiteServices(settings), template=staff_template)
    client = app.test_client()
    login(client)
    assert (
        302
        == post(client, "/equipe/sources", {"url": site.b.url("/feed.xml"), "every_days": "1"}).status_code
    )
    with Store.open(settings) as store:
        assert ["feed"] == [s.kind for s in sources.all_sources(store)]


def test_removing_a_source_keeps_its_proposals_and_is_audited(staff, watched):
    with Store.open(watched) as store:
        before = len(proposals.listing(store))
    assert 302 == post(staff, "/equipe/sources/1/retirer", {}).status_code
    with Store.open(watched) as store:
        assert [2] == [s.id for s in sources.all_sources(store)]
        assert before == len(proposals.listing(store))
    assert 1 == len(entries(watched, "source.remove"))


def test_a_flagged_source_says_why_on_the_sources_page(staff, watched, site):
    site.night = 2
    site.b.routes["/feed.xml"] = site.b.routes["/nope"] = None
    del site.b.routes["/feed.xml"]
    with Store.open(watched) as store:
        watch(store, watched, ["2"])
    page = html.unescape(staff.get("/equipe/sources").get_data(as_text=True))
    assert "À vérifier" in page and "n'existe plus (le serveur répond 404)" in page


def test_the_review_queue_groups_by_source_and_article_and_explains_level_themes_and_twins(
    staff, watched, site
):
    page = html.unescape(staff.get("/equipe/propositions").get_data(as_text=True))
    assert page.index("IREV actualités") < page.index("CRPV billets")
    assert "Trouvées dans" in page and site.a.url("/actualites/article-1") in page
    assert "rubrique « Au niveau régional »" in page
    assert "mots trouvés" in page
    assert "Aussi à l'adresse" in page and "fichier identique (mêmes octets)" in page


def test_accepting_one_makes_it_public_and_audited_and_rejecting_a_selection_remembers_them(staff, watched):
    with Store.open(watched) as store:
        pending = proposals.listing(store)
    pdf = next(p for p in pending if p.url.endswith(".pdf"))
    others = [p for p in pending if p is not pdf][:2]
    assert 302 == post(staff, "/equipe/propositions", {"accepter": str(pdf.id)}).status_code
    response = staff.post(
        "/equipe/propositions",
        data={"csrf_token": csrf_of(staff), "action": "refuser", "selection": [str(p.id) for p in others]},
        follow_redirects=True,
    )
    assert "2 propositions refusées" in html.unescape(response.get_data(as_text=True))
    with Store.open(watched) as store:
        resource = store.find_by_url(pdf.url)
        assert resource is not None and [] == [r for r in store if r.url in {p.url for p in others}]
        assert {"rejected"} == {proposals.get(store, p.id).status for p in others}
        searcher = Searcher(watched.index_path, store.vocabularies)
        try:
            hits = searcher.search(SearchQuery(q="xylocopeanthracite"))
        finally:
            searcher.close()
    assert [resource.id] == [h.id for h in hits.hits]
    assert 1 == len(entries(watched, "proposal.accept")) and 2 == len(entries(watched, "proposal.reject"))
    page = staff.get(f"/equipe/ressources/{resource.id}/modifier")
    assert 200 == page.status_code


def test_accepting_with_edits_keeps_the_person_s_title_and_level(staff, watched):
    with Store.open(watched) as store:
        first = proposals.listing(store)[0]
    form = html.unescape(staff.get(f"/equipe/propositions/{first.id}").get_data(as_text=True))
    assert first.title in form
    response = post(
        staff,
        f"/equipe/propositions/{first.id}",
        {"title": "Titre revu par l'équipe", "level": "local", "themes": "evaluation", "date": "2024"},
    )
    assert 302 == response.status_code
    with Store.open(watched) as store:
        resource = store.find_by_url(first.url)
    assert ("Titre revu par l'équipe", "local", ["evaluation"], "2024") == (
        resource.title,
        resource.level,
        resource.themes,
        resource.date,
    )
    (entry,) = entries(watched, "proposal.accept")
    assert "modifiés" in entry.detail


def test_a_bad_edit_is_refused_in_french_and_nothing_is_accepted(staff, watched):
    with Store.open(watched) as store:
        first = proposals.listing(store)[0]
    response = post(staff, f"/equipe/propositions/{first.id}", {"title": "", "date": "hier"})
    assert 422 == response.status_code
    text = html.unescape(response.get_data(as_text=True))
    assert "Le titre est obligatoire." in text and "AAAA-MM-JJ" in text
    with Store.open(watched) as store:
        assert "proposed" == proposals.get(store, first.id).status


def merge_pair(settings):
    from catalogue.models import Resource

    with Store.open(settings) as store:
        keep = store.ids()[0]
        drop, _ = store.upsert(
            Resource(url="https://hebergeur.test/guide.pdf", title="guide.pdf", publisher="IREV")
        )
    return keep, drop.id


def test_staff_merge_a_duplicate_then_its_page_answers_301_and_the_kept_page_lists_its_address(
    staff, staff_app
):
    settings = staff_app.config["SETTINGS"]
    keep, drop = merge_pair(settings)
    response = post(
        staff, f"/equipe/ressources/{keep}/fusionner", {"autre": "https://hebergeur.test/guide.pdf"}
    )
    assert 302 == response.status_code
    old = staff.get(f"/ressources/{drop}")
    assert (301, f"/ressources/{keep}") == (old.status_code, old.headers["Location"])
    try:
        page = html.unescape(staff.get(f"/ressources/{keep}").get_data(as_text=True))
    finally:
        staff_app.extensions["catalogue.searcher"].close()  # the public page opened the index
    assert "aussi disponible à l'adresse" in page and "https://hebergeur.test/guide.pdf" in page
    (entry,) = entries(settings, "resource.merge")
    assert "alice" == entry.actor


def test_staff_merge_refuses_an_unknown_or_the_same_resource(staff, staff_app):
    keep, _ = merge_pair(staff_app.config["SETTINGS"])
    for other, message in (
        (keep, "C'est la même ressource"),
        ("https://nulle-part.test/", "Aucune ressource"),
    ):
        response = post(staff, f"/equipe/ressources/{keep}/fusionner", {"autre": other})
        assert 422 == response.status_code and message in html.unescape(response.get_data(as_text=True))
