"""The crawl, add commands: summary by outcome, quiet mode, exit codes 0/1/2, reindexing what changed."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.extractions import get_fetch_state
from catalogue.models import Resource
from catalogue.store import Store
from tests.crawler import fixtures as fx
from tests.crawler.crawl_server import routes
from tests.crawler.test_import_page import CLI_ENV
from tests.localserver import LocalServer


@pytest.fixture
def site():
    with LocalServer(routes()) as srv:
        yield srv


def run(data, *args):
    return CliRunner().invoke(cli, ["--data-dir", data, *args], env=CLI_ENV)


def add_resources(data, urls) -> list[str]:
    with Store(Path(data) / "catalogue.sqlite3") as store:
        return [store.upsert(Resource(url=u, title=f"Ressource {i}"))[0].id for i, u in enumerate(urls)]


def test_add_crawls_the_resource_fills_its_title_and_search_finds_a_word_of_the_pdf_body(site, tmp_path):
    data = str(tmp_path / "data")
    result = run(data, "add", site.url("/doc.pdf"), "--theme", "evaluation", "--level", "regional")
    assert 0 == result.exit_code, result.output
    assert "récupérées : 1" in result.output
    with Store(Path(data) / "catalogue.sqlite3") as store:
        (resource,) = list(store)
    assert ("Évaluation des cités éducatives", ["evaluation"], "regional") == (
        resource.title,
        resource.themes,
        resource.level,
    )
    found = run(data, "search", fx.FAR_PDF_WORD)
    assert "Évaluation des cités éducatives" in found.output, found.output


def test_add_keeps_a_title_given_by_the_person(site, tmp_path):
    data = str(tmp_path / "data")
    assert 0 == run(data, "add", site.url("/page.html"), "--title", "Mon titre").exit_code
    with Store(Path(data) / "catalogue.sqlite3") as store:
        assert ["Mon titre"] == [r.title for r in store]


def test_add_refuses_an_unknown_level_with_exit_code_2(site, tmp_path):
    result = run(str(tmp_path / "data"), "add", site.url("/page.html"), "--level", "departemental")
    assert 2 == result.exit_code
    assert "catalogue : erreur : level : valeur inconnue 'departemental'" in result.output


def test_crawl_all_prints_a_summary_by_outcome_and_exits_1_when_some_failed(site, tmp_path):
    data = str(tmp_path / "data")
    add_resources(data, [site.url("/page.html"), site.url("/missing"), site.url("/broken.pdf")])
    result = run(data, "crawl", "--all")
    assert 1 == result.exit_code, result.output
    assert [
        "3 ressources explorées, 1 à réindexer.",
        "  récupérées : 1",
        "  erreur HTTP : 1",
        "  fichier illisible : 1",
    ] == result.stdout.splitlines()
    failed = sorted(result.stderr.splitlines())  # each failure named, in one French line
    assert 2 == len(failed) and all(line.startswith("catalogue : échec : ") for line in failed), failed
    assert f"<{site.url('/missing')}> : le serveur répond 404" in "\n".join(failed)


def test_crawl_exits_0_when_every_resource_answered_and_is_silent_with_quiet(site, tmp_path):
    data = str(tmp_path / "data")
    ids = add_resources(data, [site.url("/page.html"), site.url("/cr.docx")])
    result = run(data, "--quiet", "crawl", *ids)
    assert (0, "") == (result.exit_code, result.output)
    with Store(Path(data) / "catalogue.sqlite3") as store:
        assert ["ok", "ok"] == [get_fetch_state(store, rid)["outcome"] for rid in ids]


def test_crawl_of_an_unknown_id_exits_2(tmp_path):
    result = run(str(tmp_path / "data"), "crawl", "000000000000")
    assert 2 == result.exit_code
    assert "aucune ressource n'a l'identifiant '000000000000'" in result.output
