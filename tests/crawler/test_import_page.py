"""import-page: the resources of a page like the seed's, with their levels, titles and skipped links."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.seed import seed_resources
from catalogue.store import Store
from catalogue.urls import canonical_url
from crawler.import_page import LevelTracker, heading_level, parse_page
from tests.crawler import fixtures as fx
from tests.localserver import LocalServer, Response

SEED_PAGE = Path(__file__).parent / "fixtures" / "seed_page.html"
SEED_PAGE_URL = "https://www.irev.fr/node/236929/point-sur-lactualite-des-cites-educatives-0"
CLI_ENV = {
    "CATALOGUE_ALLOW_PRIVATE_NETWORKS": "1",
    "CATALOGUE_CONNECT_TIMEOUT": "1",
    "CATALOGUE_READ_TIMEOUT": "0.5",
    "CATALOGUE_DEADLINE": "1.5",
    "CATALOGUE_RETRIES": "0",
    "CATALOGUE_PER_HOST_DELAY": "0",
}


def seed_urls_and_levels() -> set[tuple[str, str]]:
    return {(canonical_url(r.url), r.level) for r in seed_resources()}


def test_the_seed_like_page_gives_the_urls_and_levels_of_the_bundled_seed_catalogue():
    page = parse_page(SEED_PAGE.read_bytes(), SEED_PAGE_URL)
    assert seed_urls_and_levels() == {(c.canonical, c.level) for c in page.candidates}
    assert len(page.candidates) == len({c.canonical for c in page.candidates})


def test_the_seed_like_page_skips_non_resources_with_their_reason():
    page = parse_page(SEED_PAGE.read_bytes(), SEED_PAGE_URL)
    reasons = [(s.text, s.reason) for s in page.skipped if not s.text.startswith(("Favoris", "Afficher"))]
    assert [
        ("Cliquez ici", "page de connexion ou d'inscription"),
        ("ici", "page de connexion ou d'inscription"),
        ("m.giraldi@irev.fr", "adresse électronique (mailto)"),
        ("Partager sur Facebook", "partage sur les réseaux sociaux"),
        ("Partager sur Twitter", "partage sur les réseaux sociaux"),
        ("03 20 25 25 25", "numéro de téléphone (tel)"),
        ("Haut de page", "ancre dans la même page"),
    ] == reasons
    assert {"lien javascript"} == {s.reason for s in page.skipped if s.text == "Favoris +"}
    assert {"ancre dans la même page"} == {s.reason for s in page.skipped if s.text.startswith("Afficher")}


def test_titles_come_from_the_context_when_the_link_text_says_nothing():
    page = parse_page(SEED_PAGE.read_bytes(), SEED_PAGE_URL)
    titles = {c.url: (c.title, c.title_from) for c in page.candidates}
    assert ("L'accueil des nouvelles cités labellisées", "context") == titles[
        "https://anctv.anct.gouv.fr/Rencontre-nationale-des-Cites-educatives/8076ba2957.html"
    ]
    assert ("Premier rapport du CNOE pour les cités éducatives", "context") == titles[
        "https://irev.fr/thematiques/education-jeunesse-parentalite/cites-educatives/premier-rapport-du-cnoe-pour-les-cites"
    ]
    assert (
        "Analyse des protocoles de suivi et d'évaluation des « cités éducatives » INJEP",
        "context",
    ) == titles[
        "http://biblio.reseau-recl.org/index.php?lvl=notice_display&id=33755"  # a bare address, not a link
    ]
    assert ("Cordées de la réussite", "link") == titles[
        "https://agence-cohesion-territoires.gouv.fr/les-cordees-de-la-reussite-253"
    ]
    assert titles["https://www.irev.fr/sites/default/files/atoms/files/synthese_cpo_vfinale_avril_2022.pdf"][
        0
    ].startswith("LES CHEF-FES DE PROJET OPÉRATIONNEL DES CITÉS ÉDUCATIVES")


def test_one_resource_per_canonical_url_keeps_the_title_of_the_link_that_names_it():
    html = """<html><body><main><h2>Au niveau local</h2>
    <p>Le rapport d'activité 2021 de la cité éducative. <a href="https://ville.example/rapport.pdf?utm_source=news">Téléchargement</a></p>
    <p>Voir aussi <a href="http://www.ville.example/rapport.pdf">Rapport d'activité 2021</a>.</p>
    </main></body></html>"""
    page = parse_page(html, "https://ville.example/actualites")
    assert [("https://ville.example/rapport.pdf?utm_source=news", "Rapport d'activité 2021", "local")] == [
        (c.url, c.title, c.level) for c in page.candidates
    ]


def test_only_the_content_area_is_read_and_level_falls_back_to_the_option():
    html = """<html><body><header><nav><a href="/agenda">Agenda</a></nav></header>
    <main><p>Un guide : <a href="https://ex.example/guide.pdf">Guide de l'évaluation</a></p></main>
    <footer><a href="/mentions">Mentions légales</a></footer></body></html>"""
    page = parse_page(html, "https://ex.example/page", default_level="regional")
    assert [("https://ex.example/guide.pdf", "Guide de l'évaluation", "regional")] == [
        (c.url, c.title, c.level) for c in page.candidates
    ]


@pytest.mark.parametrize(
    "href, text, reason",
    [
        ("mailto:a@b.fr", "a@b.fr", "adresse électronique (mailto)"),
        ("tel:+33100000000", "Appeler", "numéro de téléphone (tel)"),
        ("javascript:void(0)", "Menu", "lien javascript"),
        ("#haut", "Haut", "ancre dans la même page"),
        (
            "https://ex.example/user/login?destination=node/1",
            "Espace membres",
            "page de connexion ou d'inscription",
        ),
        ("https://ex.example/inscription", "Formulaire", "page de connexion ou d'inscription"),
        ("https://www.linkedin.com/shareArticle?url=x", "LinkedIn", "partage sur les réseaux sociaux"),
        ("https://ex.example/flag/favoris/12", "Favoris +", "bouton « Favoris »"),
        ("ftp://ex.example/file", "Fichier", "adresse non web (ftp:)"),
    ],
)
def test_non_resources_are_skipped_with_their_reason(href, text, reason):
    page = parse_page(
        f'<html><body><main><p><a href="{href}">{text}</a></p></main></body></html>', "https://ex.example/p"
    )
    assert ([], [(href, reason)]) == (page.candidates, [(s.href, s.reason) for s in page.skipped])


@pytest.fixture
def seed_site():
    with LocalServer({"/actualite": Response(200, SEED_PAGE.read_bytes())}) as srv:
        yield srv


def test_cli_import_page_dry_run_lists_the_seed_resources_and_writes_nothing(seed_site, tmp_path):
    data = str(tmp_path / "data")
    result = CliRunner().invoke(
        cli, ["--data-dir", data, "import-page", seed_site.url("/actualite"), "--dry-run"], env=CLI_ENV
    )
    assert 0 == result.exit_code, result.output
    assert "30 ressources seraient ajoutées, 0 déjà au catalogue" in result.output
    with Store(Path(data) / "catalogue.sqlite3") as store:
        assert 0 == store.count()


def test_cli_import_page_adds_the_resources_and_the_crawl_of_unreachable_addresses_fails_cleanly(
    seed_site, tmp_path
):
    data = str(tmp_path / "data")
    result = CliRunner().invoke(
        cli, ["--data-dir", data, "import-page", seed_site.url("/actualite")], env=CLI_ENV
    )
    # No site of the page can be reached from the test machine: the crawl says the network is down.
    assert 2 == result.exit_code, result.output
    assert "30 ressources ajoutées" in result.stdout
    assert result.stderr.startswith("catalogue : erreur : exploration impossible : réseau indisponible")
    with Store(Path(data) / "catalogue.sqlite3") as store:
        assert seed_urls_and_levels() == {(canonical_url(r.url), r.level) for r in store}
        assert {seed_site.url("/actualite")} == {r.source_url for r in store}
        from catalogue.extractions import get_fetch_state

        outcomes = {get_fetch_state(store, rid)["outcome"] for rid in store.ids()}
    assert outcomes <= {"dns", "timeout", "refused", "forbidden_address", "tls", "http", "error"}, outcomes
    assert outcomes != {"error"}


def test_cli_import_page_crawls_the_new_resources_and_a_second_import_adds_nothing(tmp_path):
    with LocalServer() as site:
        site.routes["/page"] = Response(
            200,
            f"""<html><body><main><h2>AU NIVEAU NATIONAL</h2>
        <p>Le guide : <a href="{site.url("/guide.pdf")}">Guide de l'évaluation</a></p>
        <p>Le compte rendu : <a href="{site.url("/cr.docx")}">Compte rendu du 3 mars</a></p></main></body></html>""".encode(),
        )
        site.routes["/guide.pdf"] = Response(200, fx.pdf_bytes(), content_type="application/pdf")
        site.routes["/cr.docx"] = Response(200, fx.docx_bytes(), content_type="application/octet-stream")
        data = str(tmp_path / "data")
        first = CliRunner().invoke(cli, ["--data-dir", data, "import-page", site.url("/page")], env=CLI_ENV)
        second = CliRunner().invoke(cli, ["--data-dir", data, "import-page", site.url("/page")], env=CLI_ENV)
    assert (0, 0) == (first.exit_code, second.exit_code), first.output + second.output
    assert "0 ressource ajoutée, 2 déjà au catalogue" in second.output
    found = CliRunner().invoke(cli, ["--data-dir", data, "search", fx.RARE_DOCX_WORD], env=CLI_ENV)
    assert "Compte rendu du 3 mars" in found.output, found.output


@pytest.mark.parametrize(
    "heading, level",
    [
        ("... AU NIVEAU NATIONAL", "national"),
        ("Au niveau régional", "regional"),
        ("» Cadrage national :", "national"),
        ("» Exemples nationaux :", "national"),
        ("» Ressources régionales :", "regional"),
        ("Dans les territoires", "local"),
        ("Au niveau local", "local"),
        ("Observatoires départementaux", "local"),
        ("RÉGIONAL", "regional"),
        ("» Outils méthodologiques :", None),
        ("L'actualité nationale et régionale", None),  # two levels: says none
        ("Rencontre nationale des cités, au niveau régional", "regional"),  # "au niveau" is explicit
    ],
)
def test_a_heading_states_a_level_with_a_word_of_its_own(heading, level):
    assert level == heading_level(heading)


SUBSECTIONS = """<main>
<h2>Au niveau régional</h2>
<p>» Ressources régionales :</p><p><a href="https://ex.example/podcast">Podcast du réseau</a></p>
<p>» Cadrage national :</p><p><a href="https://ex.example/injep">Analyse de l'INJEP</a></p>
<p>» Outils méthodologiques :</p><p><a href="https://ex.example/outil">Un outil</a></p>
<p>Guide-Mémo, Observatoire départemental de l'Essonne :</p><p><a href="https://ex.example/guide">ici</a></p>
<h3>Dans les territoires</h3><p><a href="https://ex.example/maubeuge">Maubeuge</a></p>
<h2>Au niveau national</h2><p><a href="https://ex.example/anct">ANCT</a></p>
</main>"""


def test_the_nearest_heading_decides_and_a_sub_heading_ends_at_the_next_of_its_rank():
    page = parse_page(SUBSECTIONS, "https://ex.example/page")
    assert [
        ("podcast", "regional", "» Ressources régionales :"),
        ("injep", "national", "» Cadrage national :"),
        ("outil", "regional", "Au niveau régional"),
        ("guide", "local", "Guide-Mémo, Observatoire départemental de l'Essonne"),
        ("maubeuge", "local", "Dans les territoires"),
        ("anct", "national", "Au niveau national"),
    ] == [(c.url.rsplit("/", 1)[1], c.level, c.heading) for c in page.candidates]


def test_the_level_tracker_goes_back_to_the_section_after_a_sub_section():
    levels = LevelTracker("local")
    assert ("local", "") == (levels.level, levels.heading_text)
    levels.heading(2, "AU NIVEAU RÉGIONAL")
    levels.heading(8, "» Cadrage national :")
    assert ("national", "» Cadrage national :") == (levels.level, levels.heading_text)
    levels.heading(8, "» Outils :")
    assert ("regional", "AU NIVEAU RÉGIONAL") == (levels.level, levels.heading_text)
    levels.heading(1, "Une autre page")
    assert "local" == levels.level


def test_cli_dry_run_says_which_heading_decided_each_level(seed_site, tmp_path):
    data = str(tmp_path / "data")
    result = CliRunner().invoke(
        cli, ["--data-dir", data, "import-page", seed_site.url("/actualite"), "--dry-run"], env=CLI_ENV
    )
    assert "  + [National — titre « » Cadrage national : »] Analyse des protocoles" in result.output
    assert "[Local — titre « Guide-Mémo pour la rédaction d'un protocole" in result.output
