"""The judged set: the product's nDCG@10 must stay at the level reached, and clearly ahead of plain Whoosh."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Reached on 2026-12-05 with 92 queries over 80 documents and the seed, after the one-ranking
# change: product 0.933 (themes removed 0.932); on the test half 0.915 / 0.916 against the
# French fold + stem baseline 0.852 and the StandardAnalyzer baseline 0.693.
REACHED_NDCG = 0.93
MARGIN = 0.02


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_relevance", ROOT / "bench" / "relevance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_judged_set_has_at_least_90_queries_of_known_kinds_whose_judged_resources_exist():
    bench = load_bench()
    queries = bench.judged_queries()
    keys = set(bench.judged_resources())
    assert len(queries) >= 90
    assert [e["q"] for e in queries if not set(e["relevant"]) <= keys] == []
    assert {e["kind"] for e in queries} == set(bench.KINDS)
    assert {(e["kind"], e["half"]) for e in queries} == {(k, h) for k in bench.KINDS for h in bench.HALVES}


def test_product_ndcg_stays_at_the_reached_level_and_ahead_of_both_baselines_on_the_test_half():
    bench = load_bench()
    figures = bench.evaluate()
    assert bench.mean(figures, "product", "ndcg") >= REACHED_NDCG - MARGIN
    for system in ("product", "untagged"):
        ndcg = bench.mean(figures, system, "ndcg", "test")
        assert ndcg >= bench.mean(figures, "french", "ndcg", "test") + 0.03, system
        assert ndcg >= bench.mean(figures, "standard", "ndcg", "test") + 0.15, system


def test_every_judged_query_belongs_to_the_tuning_or_the_test_half_and_the_halves_are_balanced():
    queries = json.loads((ROOT / "tests" / "relevance" / "queries.json").read_text(encoding="utf-8"))
    halves = [e.get("half") for e in queries]
    assert set(halves) == {"tuning", "test"}
    assert abs(halves.count("tuning") - halves.count("test")) <= len(queries) // 5
