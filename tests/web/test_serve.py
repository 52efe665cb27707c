"""`catalogue serve` and the services it injects into the site (crawl now, import a page), on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from catalogue.changes import Changes
from catalogue.cli import cli
from catalogue.cli.serve import SiteServices, build_app
from catalogue.store import Store
from catalogue.urls import resource_id
from tests.localserver import Response

PAGE = """<html><body><main><h2>Ressources nationales</h2>
<p><a href="{base}/guide-potager">Guide du potager pédagogique</a> : un guide pour créer un potager à l'école.</p>
<p><a href="{base}/rapport-compost">Rapport sur le compostage scolaire</a></p>
</main></body></html>"""
GUIDE = "<html><head><title>Guide du potager pédagogique</title></head><body><p>Semer, arroser, récolter avec les élèves : le potager pédagogique.</p></body></html>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_is_a_command_with_host_port_and_threads():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert 0 == result.exit_code
    assert all(option in result.output for option in ("--host", "--port", "--threads"))


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_on_first_start_loads_the_seed_builds_the_index_and_serves(tmp_path, workers):
    port = free_port()
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(tmp_path / "data"), "CATALOGUE_SECRET_KEY": "x"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from catalogue.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/api/search", params={"q": "evaluation"}, timeout=5
                )
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        titles = [h["title"] for h in response.json()["results"]]
        # Several connections: with two workers the kernel spreads them; every one is answered.
        page = f"http://127.0.0.1:{port}/ressources/{response.json()['results'][0]['id']}"
        for _ in range(6):
            with requests.Session() as session:
                assert 200 == session.get(page, timeout=5).status_code
        assert any(t.startswith("Guide-Mémo pour la rédaction") for t in titles)
        assert (tmp_path / "data" / "catalogue.sqlite3").exists()
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_import_page_service_previews_and_the_recorded_import_is_indexed(server, settings):
    from index.build import rebuild

    base = server.base_url
    server.routes["/ressources"] = Response(body=PAGE.format(base=base).encode())
    with Store.open(settings) as store:
        rebuild(store, settings.index_path)
    services = SiteServices(settings)
    preview = services.import_page(server.url("/ressources"), level="national", dry_run=True)
    assert ["Guide du potager pédagogique", "Rapport sur le compostage scolaire"] == [
        r.title for r in preview.created
    ]
    with Store.open(settings) as store:
        assert 0 == store.count()
        # What the staff import page does with the service's outcome: one change, followed up as wired.
        outcome = services.import_page(server.url("/ressources"), level="national", dry_run=False)
        Changes(store, services.follow_ups).import_page(
            "alice", server.url("/ressources"), "national", outcome.created
        )
    app = build_app(settings)
    found = app.test_client().get("/api/search?q=potager").get_json()
    assert [resource_id(f"{base}/guide-potager")] == [h["id"] for h in found["results"]]
    app.extensions["catalogue.searcher"].close()


def test_crawl_now_service_fetches_the_resource_and_the_recorded_crawl_is_indexed(server, settings):
    from index.build import rebuild

    server.routes["/guide"] = Response(body=GUIDE.encode())
    url = server.url("/guide")
    with Store.open(settings) as store:
        from catalogue.models import Resource

        store.upsert(Resource(url=url, title="Un guide", level="national"))
        rebuild(store, settings.index_path)
    services = SiteServices(settings)
    summary = services.crawl_now([resource_id(url)])
    assert 1 == summary.total
    with Store.open(settings) as store:
        Changes(store, services.follow_ups).record_crawl("alice", [resource_id(url)], summary)
    app = build_app(settings)
    found = app.test_client().get("/api/search?q=arroser").get_json()
    assert [resource_id(url)] == [h["id"] for h in found["results"]]
    app.extensions["catalogue.searcher"].close()
