"""Relevance of the product's search against two plain Whoosh baselines: nDCG@10 and Recall@10.

The judged set is tests/relevance/queries.json over the seed catalogue plus
tests/relevance/documents.jsonl (resources with text, like crawled ones). Keys "sN" are the
seed's resources by line, "dN" the documents of the judged set. Each query belongs to a
fixed half: "tuning" (the ranking may be tuned on it) or "test" (never looked at while
tuning), and to a kind (keywords, question, organisation, number, everyday, long).

Systems, same documents, same run:
- product: the product's search, resources with their curated themes;
- untagged: the product, themes removed (as a new resource before anyone tags it), so only
  suggested themes (computed by catalogue.suggest) can bridge words;
- french: plain Whoosh, French accent folding + Snowball stemming, one OR query over title
  and text, BM25F;
- standard: plain Whoosh StandardAnalyzer, OR of words over title, description and text.

Theme suggestion is measured on the documents whose themes are labelled (micro precision,
recall, F1 of the themes suggested once the labels are removed).

    python bench/relevance.py [-v] [--half tuning|test]
"""

import argparse
import json
import math
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import fields, index, qparser  # noqa: E402
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StandardAnalyzer, StemFilter  # noqa: E402
from whoosh.support.charset import accent_map  # noqa: E402

from catalogue import suggest  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from catalogue.vocabularies import load_vocabularies  # noqa: E402
from index.build import rebuild  # noqa: E402
from index.query import SearchQuery  # noqa: E402
from index.search import Searcher  # noqa: E402

JUDGED = ROOT / "tests" / "relevance"
SEED = ROOT / "catalogue" / "data" / "seed.jsonl"
K = 10
SYSTEMS = ("product", "untagged", "french", "standard")
HALVES = ("tuning", "test")
KINDS = ("keywords", "question", "organisation", "number", "everyday", "long")


def judged_resources() -> dict[str, Resource]:
    """The resources of the judged set by key."""
    out = {}
    for n, line in enumerate(SEED.read_text(encoding="utf-8").splitlines()):
        out[f"s{n}"] = Resource.from_dict(json.loads(line))
    for line in (JUDGED / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        out[data["url"].rsplit("/", 1)[1]] = Resource.from_dict(data)
    return out


def judged_queries() -> list[dict]:
    """The judged queries: q, kind, half and relevant {key: grade}."""
    return json.loads((JUDGED / "queries.json").read_text(encoding="utf-8"))


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
    """Rankings of the product's search (seeded store, themes suggested, rebuilt index)."""
    settings = Settings({"data_dir": str(workdir)}, environ={})
    with Store.open(settings) as store:
        store.upsert_many(resources.values())
        key_of = {store.find_by_url(r.url).url: key for key, r in resources.items()}
        suggest.apply(store)
        rebuild(store, settings.index_path)
        searcher = Searcher(settings.index_path, store.vocabularies)
        out = {}
        for entry in queries:
            hits = searcher.search(SearchQuery(q=entry["q"], per_page=K)).hits
            out[entry["q"]] = [key_of.get(h.url, h.url) for h in hits]
        searcher.close()
    return out


def plain_whoosh_rankings(resources, queries, workdir: Path, analyzer, texts) -> dict[str, list[str]]:
    """Rankings of a plain Whoosh index: one OR query over the fields `texts(resource)` gives, BM25F."""
    names = list(texts(next(iter(resources.values()))))
    schema = fields.Schema(key=fields.ID(stored=True), **{n: fields.TEXT(analyzer=analyzer) for n in names})
    workdir.mkdir()
    ix = index.create_in(str(workdir), schema)
    with ix.writer() as w:
        for key, r in resources.items():
            w.add_document(key=key, **texts(r))
    parser = qparser.MultifieldParser(names, schema, group=qparser.OrGroup)
    out = {}
    with ix.searcher() as s:
        for entry in queries:
            out[entry["q"]] = [hit["key"] for hit in s.search(parser.parse(entry["q"]), limit=K)]
    ix.close()
    return out


def french_analyzer():
    """The French baseline's analysis: words, lowercase, accents folded, French Snowball stems."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StemFilter(lang="fr")


def suggestion_figures(resources) -> dict:
    """Micro precision, recall and F1 of suggested themes on the resources with labelled themes."""
    vocabularies = load_vocabularies()
    suggester = suggest.ThemeSuggester(vocabularies.themes)
    tp = fp = fn = 0
    per_theme: dict[str, list[int]] = {}
    unsuggested = 0
    for r in resources.values():
        if not r.themes or not r.url.startswith("https://relevance.test/"):
            continue
        found = {s.theme for s in suggester.suggest(r.title, r.description, r.text)}
        unsuggested += not found
        labelled = set(r.themes)
        tp += len(found & labelled)
        fp += len(found - labelled)
        fn += len(labelled - found)
        for theme in labelled:
            per_theme.setdefault(theme, [0, 0])
            per_theme[theme][0] += theme in found
            per_theme[theme][1] += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall_ = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall_ / (precision + recall_) if precision + recall_ else 0.0
    return {
        "precision": precision,
        "recall": recall_,
        "f1": f1,
        "unsuggested": unsuggested,
        "per_theme": {t: found / total for t, (found, total) in sorted(per_theme.items())},
    }


def evaluate() -> dict:
    """Per system the rankings and per-query nDCG@10 and Recall@10; and the suggestion figures."""
    queries = judged_queries()
    resources = judged_resources()
    untagged = {key: replace(r, themes=[]) for key, r in resources.items()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runs = {
            "product": product_rankings(resources, queries, tmp / "product"),
            "untagged": product_rankings(untagged, queries, tmp / "untagged"),
            "french": plain_whoosh_rankings(
                resources,
                queries,
                tmp / "french",
                french_analyzer(),
                lambda r: {"title": r.title, "text": f"{r.description}\n{r.text}"},
            ),
            "standard": plain_whoosh_rankings(
                resources,
                queries,
                tmp / "standard",
                StandardAnalyzer(),
                lambda r: {"title": r.title, "description": r.description, "text": r.text},
            ),
        }
    figures = {"queries": queries, "suggestion": suggestion_figures(resources)}
    for name, rankings in runs.items():
        figures[name] = {
            e["q"]: {
                "ndcg": ndcg(rankings[e["q"]], e["relevant"]),
                "recall": recall(rankings[e["q"]], e["relevant"]),
                "ranked": rankings[e["q"]],
            }
            for e in queries
        }
    return figures


def mean(figures: dict, system: str, measure: str, half: str | None = None, kind: str | None = None):
    """Mean of a measure over the queries of a half and/or a kind (None if there is none)."""
    values = [
        figures[system][e["q"]][measure]
        for e in figures["queries"]
        if (half is None or e["half"] == half) and (kind is None or e["kind"] == kind)
    ]
    return sum(values) / len(values) if values else None


def _cell(value) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def report(figures: dict, verbose: bool = False, half: str | None = None) -> str:
    """The figures as a plain-text table: per half, per system, nDCG@10 and Recall@10, per kind."""
    lines = []
    queries = figures["queries"]
    halves = (half,) if half else (*HALVES, None)
    for h in halves:
        chosen = [e for e in queries if h is None or e["half"] == h]
        lines.append(f"{h or 'all'} half: {len(chosen)} judged queries, k={K}")
        lines.append(
            f"  {'system':9s} {'nDCG@10':>7s} {'R@10':>6s}  "
            + " ".join(f"{k[:8]:>8s}" for k in KINDS)
            + "   (nDCG@10 per kind; queries: "
            + " ".join(str(sum(e["kind"] == k for e in chosen)) for k in KINDS)
            + ")"
        )
        for system in SYSTEMS:
            kinds = " ".join(f"{_cell(mean(figures, system, 'ndcg', h, k)):>8s}" for k in KINDS)
            lines.append(
                f"  {system:9s} {_cell(mean(figures, system, 'ndcg', h)):>7s} "
                f"{_cell(mean(figures, system, 'recall', h)):>6s}  {kinds}"
            )
    s = figures["suggestion"]
    lines.append(
        f"theme suggestion (labelled documents, labels removed): precision {s['precision']:.3f}"
        f"  recall {s['recall']:.3f}  F1 {s['f1']:.3f}  without any suggestion {s['unsuggested']}"
    )
    lines.append("  recall per theme: " + ", ".join(f"{t} {r:.2f}" for t, r in s["per_theme"].items()))
    if verbose:
        for e in queries:
            if half and e["half"] != half:
                continue
            p, u, f = (figures[n][e["q"]] for n in ("untagged", "product", "french"))
            lines.append(
                f"  [{e['half'][:4]} {e['kind'][:5]}] untagged {p['ndcg']:.2f} product {u['ndcg']:.2f}"
                f" french {f['ndcg']:.2f}  {e['q']!r}: {' '.join(p['ranked'])}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="Print each query's nDCG and ranking.")
    parser.add_argument("--half", choices=HALVES, help="Only this half (default: both, then all).")
    args = parser.parse_args()
    print(report(evaluate(), args.verbose, args.half))


if __name__ == "__main__":
    main()
