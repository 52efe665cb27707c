"""`catalogue search` and `catalogue reindex` through click, on the seed catalogue."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from catalogue.cli import cli
from index.generations import current_generation


@pytest.fixture
def seeded(tmp_path):
    """A data directory with the seed catalogue loaded and indexed by `catalogue init`."""
    data = str(tmp_path / "data")
    result = CliRunner().invoke(cli, ["--data-dir", data, "--quiet", "init"])
    assert result.exit_code == 0, result.output
    return data


def run(data, *args):
    return CliRunner().invoke(cli, ["--data-dir", data, *args])


def test_evaluation_without_accent_lists_the_guide_memo_and_the_injep_analysis(seeded):
    out = json.loads(run(seeded, "search", "evaluation", "--json").output)
    titles = [r["title"] for r in out["results"]]
    assert any(t.startswith("Guide-Mémo pour la rédaction d'un protocole d'évaluation") for t in titles)
    assert any(t.startswith("Analyse des protocoles de suivi et d'évaluation") for t in titles)
    assert out["total"] == len(out["results"])


def test_choosing_regional_leaves_regional_resources_and_updates_the_other_counts(seeded):
    everything = json.loads(run(seeded, "search", "", "--json").output)
    regional = json.loads(run(seeded, "search", "", "--level", "regional", "--json").output)
    assert {r["level"] for r in regional["results"]} == {"regional"}
    levels = {v["value"]: v["count"] for v in regional["facets"]["level"]}
    assert levels == {v["value"]: v["count"] for v in everything["facets"]["level"]}
    assert len(levels) >= 2
    type_total = sum(v["count"] for v in regional["facets"]["type"])
    assert type_total <= regional["total"] < everything["total"]


def test_json_has_the_documented_keys(seeded):
    out = json.loads(run(seeded, "search", "CPO", "--json", "--per-page", "2").output)
    assert set(out) >= {
        "query",
        "total",
        "results",
        "facets",
        "suggestion",
        "fallback",
        "page",
        "per_page",
        "sort",
    }
    assert set(out["results"][0]) >= {
        "id",
        "url",
        "title",
        "description",
        "type",
        "themes",
        "level",
        "publisher",
        "date",
        "score",
        "snippet",
        "suggested_themes",
    }
    assert set(out["facets"]) == {"theme", "level", "type", "publisher", "year", "territory", "status"}


def test_an_unknown_level_is_refused_with_the_allowed_values(seeded):
    result = run(seeded, "search", "x", "--level", "departemental")
    assert result.exit_code == 2
    assert "national, regional, local" in result.output


def test_text_output_is_in_french_with_facets(seeded):
    result = run(seeded, "search", "evaluasion")
    assert result.exit_code == 0
    assert 'Résultats pour « évaluation » — rechercher plutôt : "evaluasion"' in result.output
    assert "Niveau :" in result.output


def test_reindex_rebuilds_quietly(seeded):
    result = run(seeded, "--quiet", "reindex")
    assert result.exit_code == 0 and result.output == ""
    assert "Index reconstruit" in run(seeded, "reindex").output


def test_search_without_index_says_to_run_reindex(tmp_path):
    result = run(str(tmp_path / "empty"), "search", "x")
    assert result.exit_code == 2 and "catalogue reindex" in result.output


def test_reindex_in_parts_gives_the_same_results(seeded):
    before = json.loads(run(seeded, "search", "evaluation", "--json").output)
    result = run(seeded, "reindex", "--procs", "2")
    assert result.exit_code == 0, result.output
    assert "Index reconstruit" in result.output
    ix = whoosh_index.open_dir(str(current_generation(Path(seeded) / "index")))
    try:
        assert len(ix._segments()) == 2
    finally:
        ix.close()
    assert json.loads(run(seeded, "search", "evaluation", "--json").output) == before
    refused = run(seeded, "reindex", "--procs", "0")
    assert refused.exit_code == 2 and "--procs" in refused.output
