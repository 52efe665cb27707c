"""Relevance of the product's search against a plain Whoosh StandardAnalyzer index: nDCG@10 and Recall@10.

The judged set is tests/relevance/queries.json over the seed catalogue plus
tests/relevance/documents.jsonl (resources with text, like crawled ones). Keys "sN" are the
seed's resources by line, "dN" the documents of the judged set.

    python bench/relevance.py [-v]
"""

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import fields, index, qparser  # noqa: E402
from whoosh.analysis import StandardAnalyzer  # noqa: E402

from catalogue import suggest  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from index.build import rebuild  # noqa: E402
from index.query import SearchQuery  # noqa: E402
from index.search import Searcher  # noqa: E402

JUDGED = ROOT / "tests" / "relevance"
SEED = ROOT / "catalogue" / "data" / "seed.jsonl"
K = 10


def judged_resources() -> dict[str, Resource]:
    """The resources of the judged set by key."""
    out = {}
    for n, line in enumerate(SEED.read_text(encoding="utf-8").splitlines()):
        out[f"s{n}"] = Resource.from_dict(json.loads(line))
    for line in (JUDGED / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        out[data["url"].rsplit("/", 1)[1]] = Resource.from_dict(data)
    return out


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain of a ranking at k."""
    dcg = sum((2 ** relevant.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal[:k]))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """Share of the relevant resources found in the first k."""
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def product_rankings(resources, queries, workdir: Path) -> dict[str, list[str]]:
    """Rankings of the product's search (seeded store, rebuilt index)."""
    settings = Settings({"data_dir": str(workdir / "product")}, environ={})
    key_of = {r.url: key for key, r in resources.items()}
    with Store.open(settings) as store:
        store.upsert_many(resources.values())
        key_of = {store.find_by_url(url).url: key for url, key in key_of.items()}
        suggest.apply(store)  # as `catalogue reindex` does before the build
        rebuild(store, settings.index_path)
        searcher = Searcher(settings.index_path, store.vocabularies)
        out = {}
        for entry in queries:
            hits = searcher.search(SearchQuery(q=entry["q"], per_page=K)).hits
            out[entry["q"]] = [key_of.get(h.url, h.url) for h in hits]
        searcher.close()
    return out


def baseline_rankings(resources, queries, workdir: Path) -> dict[str, list[str]]:
    """Rankings of a plain Whoosh index: StandardAnalyzer over title, description and text, OR of words."""
    schema = fields.Schema(
        key=fields.ID(stored=True),
        title=fields.TEXT(analyzer=StandardAnalyzer()),
        description=fields.TEXT(analyzer=StandardAnalyzer()),
        text=fields.TEXT(analyzer=StandardAnalyzer()),
    )
    folder = workdir / "baseline"
    folder.mkdir()
    ix = index.create_in(str(folder), schema)
    with ix.writer() as w:
        for key, r in resources.items():
            w.add_document(key=key, title=r.title, description=r.description, text=r.text)
    parser = qparser.MultifieldParser(["title", "description", "text"], schema, group=qparser.OrGroup)
    out = {}
    with ix.searcher() as s:
        for entry in queries:
            out[entry["q"]] = [hit["key"] for hit in s.search(parser.parse(entry["q"]), limit=K)]
    ix.close()
    return out


def evaluate() -> dict[str, dict[str, float]]:
    """Mean nDCG@10 and Recall@10 of the product and the baseline (and per query rankings)."""
    queries = json.loads((JUDGED / "queries.json").read_text(encoding="utf-8"))
    resources = judged_resources()
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "product": product_rankings(resources, queries, Path(tmp)),
            "baseline": baseline_rankings(resources, queries, Path(tmp)),
        }
    figures = {}
    for name, rankings in runs.items():
        n = [ndcg(rankings[e["q"]], e["relevant"]) for e in queries]
        r = [recall(rankings[e["q"]], e["relevant"]) for e in queries]
        figures[name] = {
            "ndcg": sum(n) / len(n),
            "recall": sum(r) / len(r),
            "per_query": {e["q"]: (nq, rankings[e["q"]]) for e, nq in zip(queries, n, strict=True)},
        }
    figures["queries"] = len(queries)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="Print each query's nDCG and ranking.")
    args = parser.parse_args()
    figures = evaluate()
    print(f"{figures['queries']} judged queries, k={K}")
    for name in ("product", "baseline"):
        f = figures[name]
        print(f"{name:9s} nDCG@10 {f['ndcg']:.3f}  Recall@10 {f['recall']:.3f}")
    if args.verbose:
        for q, (n, ranked) in figures["product"]["per_query"].items():
            b = figures["baseline"]["per_query"][q][0]
            print(f"  {n:.2f} (base {b:.2f})  {q!r}: {' '.join(ranked)}")


if __name__ == "__main__":
    main()
