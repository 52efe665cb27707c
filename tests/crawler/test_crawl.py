"""The crawl against a real local server: every fixture ends as a clear outcome, and what is stored."""

import pytest

from catalogue import extractions
from catalogue.archive import archived_copy
from catalogue.documents import iter_documents
from catalogue.models import Resource
from catalogue.store import Store
from crawler.crawl import crawl
from tests.crawler import fixtures as fx
from tests.crawler.crawl_server import EXPECTED, Versioned, fast_settings, routes
from tests.localserver import LocalServer


@pytest.fixture
def site():
    with LocalServer(routes()) as srv:
        yield srv


@pytest.fixture
def fast(tmp_path):
    return fast_settings(tmp_path)


@pytest.fixture
def db(fast):
    s = Store.open(fast)
    yield s
    s.close()


def add(store, url, **fields) -> str:
    resource, _ = store.upsert(Resource(url=url, title=fields.pop("title", url), **fields))
    return resource.id


def add_all(store, site, paths) -> dict[str, str]:
    return {path: add(store, site.url(path)) for path in paths}


def test_every_fixture_ends_as_a_clear_outcome_and_the_crawl_goes_on(site, db, fast):
    ids = add_all(db, site, EXPECTED)
    dns = add(db, "http://nulle-part.invalid/rapport.pdf")
    refused = add(db, "http://127.0.0.1:9/guide.pdf")
    summary = crawl(db, fast, all_resources=True)
    outcomes = {path: extractions.get_fetch_state(db, rid)["outcome"] for path, rid in ids.items()}
    assert EXPECTED == outcomes
    assert ("dns", "refused") == tuple(
        extractions.get_fetch_state(db, rid)["outcome"] for rid in (dns, refused)
    )
    expected_counts = {}
    for outcome in [*EXPECTED.values(), "dns", "refused"]:
        expected_counts[outcome] = expected_counts.get(outcome, 0) + 1
    assert expected_counts == summary.outcomes
    assert 7 == summary.failures
    assert [] == extractions.run_pending(db, summary.run_id)


def test_rare_words_of_pdf_docx_episode_and_html_main_text_reach_the_documents(site, db, fast):
    ids = add_all(db, site, ["/doc.pdf", "/cr.docx", "/podcast.rss", "/page.html", "/wrong-type"])
    summary = crawl(db, fast, all_resources=True)
    assert sorted(ids.values()) == sorted(summary.changed_ids)
    texts = {d.resource.url: d.full_text for d in iter_documents(db)}
    for path, word in [
        ("/doc.pdf", fx.RARE_PDF_WORD),
        ("/doc.pdf", fx.FAR_PDF_WORD),
        ("/cr.docx", fx.RARE_DOCX_WORD),
        ("/podcast.rss", fx.RARE_EPISODE_WORD),
        ("/page.html", fx.RARE_HTML_WORD),
        ("/wrong-type", "malétiqueté"),
    ]:
        assert word in texts[site.url(path)], (path, word)
    assert fx.BOILERPLATE_WORD not in texts[site.url("/page.html")]


def test_fetch_state_records_status_final_url_type_size_hash_and_redirect_chain(site, db, fast):
    rid = add(db, site.url("/redirect1"))
    crawl(db, fast, [rid])
    state = extractions.get_fetch_state(db, rid)
    body = fx.html_page(title="Page après deux redirections")
    import hashlib

    assert {
        "outcome": "ok",
        "http_status": 200,
        "final_url": site.url("/page2.html"),
        "content_type": "text/html",
        "size": len(body),
        "content_hash": hashlib.sha256(body).hexdigest(),
        "redirects": [[301, site.url("/redirect2")], [302, site.url("/page2.html")]],
        "error": "",
    } == {
        k: state[k]
        for k in (
            "outcome",
            "http_status",
            "final_url",
            "content_type",
            "size",
            "content_hash",
            "redirects",
            "error",
        )
    }


def test_podcast_episodes_are_stored_with_the_series(site, db, fast):
    rid = add(db, site.url("/podcast.rss"))
    crawl(db, fast, [rid])
    assert [
        ("Construire le protocole d'évaluation n°1", "2022-04-28", 1530.0, "https://irev.example/ep1.mp3"),
        (
            "Construire le protocole d'évaluation, et après ?",
            "2022-05-13",
            1800.0,
            "https://irev.example/ep2.mp3",
        ),
    ] == [
        (e["title"], e["date"], e["duration"], e["enclosure_url"]) for e in extractions.get_episodes(db, rid)
    ]


def test_curated_fields_are_never_overwritten_and_extracted_ones_are_kept_apart(site, db, fast):
    rid = add(
        db,
        site.url("/doc.pdf"),
        title="Titre choisi par une documentaliste",
        description="Résumé écrit à la main",
    )
    crawl(db, fast, [rid])
    resource = db.get(rid)
    assert ("Titre choisi par une documentaliste", "Résumé écrit à la main") == (
        resource.title,
        resource.description,
    )
    document = next(iter_documents(db, [rid]))
    assert ("Titre choisi par une documentaliste", "Évaluation des cités éducatives") == (
        document.title,
        document.extracted_title,
    )
    extraction = extractions.get_extraction(db, rid)
    assert ("pdf", 3, "IREV") == (extraction["kind"], extraction["page_count"], extraction["author"])


def test_an_unchanged_resource_is_asked_conditionally_and_not_downloaded_again(site, db, fast):
    rid = add(db, site.url("/doc.pdf"))
    first = crawl(db, fast, [rid])
    assert [rid] == first.changed_ids
    second = crawl(db, fast, all_resources=True)
    assert ({"not_modified": 1}, []) == (second.outcomes, second.changed_ids)
    asked = [headers.get("If-None-Match") for method, path, headers in site.log if path == "/doc.pdf"]
    assert [None, '"v1"'] == asked


def test_a_changed_hash_re_extracts_and_reports_only_that_resource(site, db, fast):
    doc, page = add(db, site.url("/doc.pdf")), add(db, site.url("/page.html"))
    crawl(db, fast, all_resources=True)
    versioned: Versioned = site.routes["/doc.pdf"]
    versioned.body, versioned.etag = fx.pdf_bytes(pages=1, rare_word="nouveauvocable"), '"v2"'
    summary = crawl(db, fast, all_resources=True)
    assert [doc] == summary.changed_ids  # the page's bytes are the same: no re-extraction, no reindex
    assert "nouveauvocable" in extractions.get_extraction(db, doc)["text"]
    assert {"ok": 2} == summary.outcomes
    assert page not in summary.changed_ids


def test_an_interrupted_crawl_continues_with_what_is_left(site, db, tmp_path):
    settings = fast_settings(tmp_path, global_concurrency=1, per_host_concurrency=1)
    paths = [
        "/doc.pdf",
        "/cr.docx",
        "/podcast.rss",
        "/episode.mp3",
        "/page.html",
        "/video.html",
        "/gzip.html",
    ]
    ids = add_all(db, site, paths)
    seen = []

    def interrupt_after_three(progress):
        seen.append(progress.resource_id)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crawl(db, settings, all_resources=True, progress=interrupt_after_three)
    done_first = set(seen)
    assert 3 == sum(1 for rid in ids.values() if extractions.get_fetch_state(db, rid) is not None)
    fetched_before = len(site.log)
    summary = crawl(db, settings)  # a bare crawl resumes the interrupted run
    refetched = {path for _, path, _ in site.log[fetched_before:]}
    assert summary.resumed
    assert not refetched & {path for path, rid in ids.items() if rid in done_first}
    assert ({"ok": 7}, 7) == (summary.outcomes, summary.total)
    assert sorted(ids.values()) == sorted(summary.changed_ids)  # including those done before the interruption
    assert extractions.unfinished_run(db) is None


def test_the_archive_keeps_the_last_good_copy_when_the_link_breaks(site, db, fast):
    rid = add(db, site.url("/page.html"))
    crawl(db, fast, [rid])
    path, content_type, fetched_at = archived_copy(db, fast, rid)
    assert (fx.html_page(), "text/html; charset=utf-8") == (path.read_bytes(), content_type)
    site.routes["/page.html"] = site.routes["/missing"]
    summary = crawl(db, fast, [rid])
    assert {"http": 1} == summary.outcomes
    assert (path, fetched_at) == archived_copy(db, fast, rid)[::2]
    assert fx.html_page() == path.read_bytes()


def test_the_archive_removes_the_oldest_copies_beyond_its_size_limit(site, db, tmp_path):
    sizes = len(site.routes["/doc.pdf"].body), len(site.routes["/cr.docx"].body)
    settings = fast_settings(tmp_path, archive_max_bytes=max(sizes) + 100)  # room for one, not both
    first, second = add(db, site.url("/doc.pdf")), add(db, site.url("/cr.docx"))
    crawl(db, settings, [first])
    assert archived_copy(db, settings, first) is not None
    crawl(db, settings, [second])
    assert archived_copy(db, settings, first) is None
    assert archived_copy(db, settings, second) is not None
    files = [p for p in settings.archive_path.rglob("*") if p.is_file()]
    assert 1 == len(files)


def test_the_archive_can_be_turned_off(site, db, tmp_path):
    settings = fast_settings(tmp_path, archive=False)
    rid = add(db, site.url("/page.html"))
    crawl(db, settings, [rid])
    assert archived_copy(db, settings, rid) is None


def test_stale_selects_only_resources_not_fetched_recently(site, db, fast):
    fresh, never = add(db, site.url("/page.html")), add(db, site.url("/video.html"))
    crawl(db, fast, [fresh])
    summary = crawl(db, fast, stale_days=1)
    assert (1, [never]) == (summary.total, summary.changed_ids)


def test_a_bare_crawl_with_nothing_interrupted_fetches_the_resources_never_fetched(site, db, fast):
    done, new = add(db, site.url("/page.html")), add(db, site.url("/cr.docx"))
    crawl(db, fast, [done])
    summary = crawl(db, fast)
    assert (False, 1, [new]) == (summary.resumed, summary.total, summary.changed_ids)


def test_a_private_address_is_refused_when_not_allowed_and_the_crawl_goes_on(site, db, tmp_path):
    settings = fast_settings(tmp_path, allow_private_networks=False)
    private, unresolvable = add(db, site.url("/page.html")), add(db, "http://ailleurs.invalid/page")
    summary = crawl(db, settings, all_resources=True)
    assert {"forbidden_address": 1, "dns": 1} == summary.outcomes
    assert [] == [entry for entry in site.log if entry[1] == "/page.html"]  # nothing was sent to it
    assert "forbidden_address" == extractions.get_fetch_state(db, private)["outcome"]
    assert "dns" == extractions.get_fetch_state(db, unresolvable)["outcome"]
