"""Search speed: index build rate, index size, latency of a full results page, against SQLite FTS5.

Generates N French resources (titles, descriptions, multi-valued themes, levels, types, ~30
publishers, years, ~3 KB bodies with a long tail of 100 KB PDF-like texts), builds the
product's index and an FTS5 table of the same documents, read from the same store, then
times 200 varied queries (top 20 with snippets, disjunctive counts of every facet,
suggestion), half with filters: on the site's searcher (warmed with the synonym groups, as
the site warms each new view of the index) and, for the record, on a cold one (a one-shot
`catalogue search`).

The build is printed as a ratio to FTS5's, built from the same store right after it,
on one line `build ratio whoosh/fts5: N.NNx in wall time` (the time a person waits; the
rebuild is written in parts by one process per core, so it uses more than one core) followed by
the ratio in CPU time (this process and its children, RUSAGE_CHILDREN, on every core). On a
shared machine wall times do not compare: when FTS5, which runs on one core, got less than
80 % of a core, the line leads with the CPU-time ratio and says so. Both are always printed.
Peak RSS is the build's (theme suggestion and rebuild; the peak is reset after generating
the documents where Linux allows it): the rebuild's process, the other writers', and their sum.
Targets: build <= 10x FTS5 at 100,000 with peak RSS < 1 GB; page p95 <= 2x FTS5's.

    python bench/search.py --size 10000 [--queries 200] [--procs N] [--keep DIR [--reuse | --reuse-store]]
"""

import argparse
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue import suggest  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from catalogue.vocabularies import load_vocabularies  # noqa: E402
from index.build import index_exists, rebuild  # noqa: E402
from index.query import SearchQuery  # noqa: E402
from index.search import Searcher  # noqa: E402

THEMES = {
    "evaluation": "évaluation protocole indicateurs observatoire impact mesure résultats données évaluer suivi",
    "insertion-16-25": "insertion orientation formation apprentissage emploi jeunes stage entreprise métiers qualification",
    "parentalite": "parentalité parents familles coéducation famille soutien médiation accueil confiance dialogue",
    "gouvernance": "gouvernance pilotage troïka préfet recteur maire comité programmation budget partenaires",
    "reseau-cpo": "coordinateur chef projet opérationnel réseau animation rencontre séminaire métier fonctions",
    "continuite-educative": "continuité périscolaire extrascolaire vacances loisirs temps enfant alliance parcours centre",
    "reussite-scolaire": "réussite décrochage collège lycée élèves absentéisme remobilisation devoirs cordées scolarité",
    "lecture-langage": "lecture langage livre bibliothèque lire français illettrisme albums oral vocabulaire",
    "petite-enfance": "crèche enfance tout-petits préscolarisation maternelle éveil accueil modes garde premiers",
    "engagement": "engagement service civique volontaires citoyenneté bénévolat ambassadeurs solidarité jeunesse association",
    "mentorat": "mentorat mentor tutorat parrainage mentors bénévoles accompagnement binôme marraine réussite",
    "ouverture": "ouverture culture international Québec mobilité coopération échanges musée théâtre voyage",
}
THEME_WORDS = {t: words.split() for t, words in THEMES.items()}
DOMAIN = sorted({w for words in THEME_WORDS.values() for w in words})
FILLER = "le la les des du de un une et pour avec dans sur par au aux ce cette qui que est sont ont".split()
TYPES = load_vocabularies().types.values()
LEVELS = load_vocabularies().levels.values()
PUBLISHERS = [f"Éditeur {n}" for n in range(1, 28)] + ["ANCT", "INJEP", "IREV"]
TERRITORIES = ["", "Hauts-de-France", "Maubeuge", "Lille", "Roubaix", "Essonne", "Grigny", "Marseille"]
SYLLABLES = "ba be bi bo ca ce ci co da de di do fa fe fi ga ge la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi".split()
ENDINGS = ["", "", "tion", "ment", "ité", "eur", "ique", "age", "ance", "ée", "er", "es"]


class Vocabulary:
    """Words of the synthetic texts: stop words, a Zipf-distributed general vocabulary, topic words."""

    def __init__(self, rng, size=4000):
        general = set()
        while len(general) < size:
            general.add(
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) + rng.choice(ENDINGS)
            )
        self.general = sorted(general)
        rng.shuffle(self.general)
        weights = [1 / (rank + 1) for rank in range(len(self.general))]
        total, acc, self.cum = sum(weights), 0.0, []
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def sentence(self, rng, topic: list[str], n: int) -> str:
        words = []
        general = rng.choices(self.general, cum_weights=self.cum, k=n)
        for i in range(n):
            x = rng.random()
            if x < 0.08:
                words.append(rng.choice(topic))
            elif x < 0.10:
                words.append(rng.choice(DOMAIN))
            elif x < 0.40:
                words.append(rng.choice(FILLER))
            else:
                words.append(general[i])
        return " ".join(words).capitalize() + "."

    def text(self, rng, topic, chars: int) -> str:
        parts, size = [], 0
        while size < chars:
            s = self.sentence(rng, topic, rng.randint(8, 20))
            parts.append(s)
            size += len(s) + 1
        return " ".join(parts)


def generate(n: int, seed: int = 7):
    """N synthetic resources on one to three themes each, reproducibly."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(rng)
    for i in range(n):
        themes = rng.sample(list(THEMES), rng.randint(1, 3))
        topic = [w for t in themes for w in THEME_WORDS[t]]
        long_tail = rng.random() < 0.01
        yield Resource(
            url=f"https://bench.test/r/{i}",
            title=vocabulary.sentence(rng, topic + topic, rng.randint(4, 9))[:-1],
            description=vocabulary.sentence(rng, topic, rng.randint(15, 30)),
            type=rng.choice(TYPES),
            # A quarter without curated themes: they get suggested ones.
            themes=themes if rng.random() < 0.75 else [],
            level=rng.choice(LEVELS),
            publisher=rng.choice(PUBLISHERS),
            territory=rng.choice(TERRITORIES),
            date=f"{rng.randint(2012, 2024)}-{rng.randint(1, 12):02d}",
            text=vocabulary.text(rng, topic, 100_000 if long_tail else rng.randint(2_000, 4_000)),
        )


def queries(count: int, seed: int = 11) -> list[SearchQuery]:
    """Varied queries: one to three topic words, accents dropped or a typo in some, half with filters."""
    from index.analysis import fold

    rng = random.Random(seed)
    out = []
    for i in range(count):
        theme = rng.choice(list(THEMES))
        words = rng.sample(THEME_WORDS[theme], rng.choice([1, 1, 2, 2, 3]))
        if i % 4 == 1:
            words = [fold(w) for w in words]
        if i % 10 == 3 and len(words[0]) > 5:
            words[0] = words[0][:2] + words[0][3:]
        filters = {}
        if i % 2:
            filters["level"] = [rng.choice(LEVELS)]
            if i % 3 == 0:
                filters["theme"] = [rng.choice(list(THEMES))]
        out.append(SearchQuery(q=" ".join(words), filters=filters, per_page=20))
    return out


def fts5_build(path: Path, resources) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, description, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.execute("CREATE TABLE meta (rowid INTEGER PRIMARY KEY, level, type, publisher, year, territory)")
    conn.execute("CREATE TABLE themes (rowid INTEGER, theme)")
    with conn:
        for n, r in enumerate(resources, 1):
            conn.execute(
                "INSERT INTO docs(rowid, title, description, body) VALUES (?, ?, ?, ?)",
                (n, r.title, r.description, r.text),
            )
            conn.execute(
                "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
                (n, r.level, r.type, r.publisher, r.date[:4], r.territory),
            )
            conn.executemany("INSERT INTO themes VALUES (?, ?)", [(n, t) for t in r.themes])
    conn.execute("CREATE INDEX themes_rowid ON themes(rowid)")
    return conn


def fts5_page(conn, sq: SearchQuery):
    """The same page from FTS5: top 20 by bm25 with snippets, count, facet counts by GROUP BY."""
    match = " ".join('"' + w.replace('"', "") + '"' for w in sq.q.split())
    where, params = ["docs MATCH ?"], [match]
    if "level" in sq.filters:
        where.append("m.level IN ({})".format(",".join("?" * len(sq.filters["level"]))))
        params += sq.filters["level"]
    if "theme" in sq.filters:
        where.append(
            "m.rowid IN (SELECT rowid FROM themes WHERE theme IN ({}))".format(
                ",".join("?" * len(sq.filters["theme"]))
            )
        )
        params += sq.filters["theme"]
    cond = " AND ".join(where)
    base = f"FROM docs JOIN meta m ON m.rowid = docs.rowid WHERE {cond}"
    conn.execute(
        f"SELECT docs.rowid, docs.title, snippet(docs, 2, '<mark>', '</mark>', '…', 24) {base} "
        "ORDER BY bm25(docs, 5.0, 2.0, 1.0) LIMIT 20",
        params,
    ).fetchall()
    conn.execute(f"SELECT count(*) {base}", params).fetchone()
    for col in ("level", "type", "publisher", "year", "territory"):
        conn.execute(f"SELECT m.{col}, count(*) {base} GROUP BY m.{col}", params).fetchall()
    conn.execute(
        f"SELECT t.theme, count(*) FROM themes t WHERE t.rowid IN (SELECT docs.rowid {base}) GROUP BY t.theme",
        params,
    ).fetchall()


def store_resources(store, batch: int = 500):
    """The store's resources, read a batch at a time (as the index build reads them)."""
    ids = store.ids()
    for start in range(0, len(ids), batch):
        yield from store.iter_resources(ids[start : start + batch])


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the processes writing parts of the index)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def reset_peak_rss() -> None:
    """Start counting this process's peak RSS again (Linux: VmHWM), so that it is the build's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # elsewhere ru_maxrss keeps the peak of the whole run (the generation included)


def peak_rss_mb() -> float:
    """This process's peak RSS since reset_peak_rss() where Linux allows it, else since it started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="Number of resources (default 10000).")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--procs",
        type=int,
        default=None,
        help="Processes writing the index (default: the product's, one per core).",
    )
    parser.add_argument("--keep", help="Work in this folder and keep it (default: a temporary folder).")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="With --keep: reuse the stores and indexes built by an earlier run.",
    )
    parser.add_argument(
        "--reuse-store",
        action="store_true",
        help="With --keep: reuse the resources stored by an earlier run of the same --size (generating "
        "100,000 takes 16 minutes), and build the index and FTS5 again.",
    )
    args = parser.parse_args()
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings({"data_dir": str(workdir / "data")}, environ={})
    reuse = args.reuse and index_exists(settings.index_path) and (workdir / "fts5.sqlite3").exists()
    if reuse:
        with Store.open(settings) as store:
            vocabularies = store.vocabularies
        print(f"reusing the store and indexes of {workdir}", flush=True)
    else:
        vocabularies = build(args, settings)
    measure(args, settings, vocabularies, workdir, reuse)


# FTS5 builds on one core: below this share of a core the machine was shared and wall times do not compare.
UNSHARED_CORE_SHARE = 0.8


def print_build_ratio(whoosh: tuple[float, float], fts5: tuple[float, float], generation: float) -> None:
    """The build as a ratio to FTS5's: (CPU seconds, wall seconds) of each."""
    cpu = f"{whoosh[0] / fts5[0]:.2f}x in CPU time ({whoosh[0]:.1f} s / {fts5[0]:.1f} s, children included)"
    wall = f"{whoosh[1] / fts5[1]:.2f}x in wall time ({whoosh[1]:.1f} s / {fts5[1]:.1f} s)"
    share = fts5[0] / fts5[1] if fts5[1] else 1.0
    if share >= UNSHARED_CORE_SHARE:
        print(f"build ratio whoosh/fts5: {wall}; {cpu}; FTS5 had {share:.0%} of a core")
    else:
        print(
            f"build ratio whoosh/fts5: {cpu}; {wall}, not comparable: "
            f"the machine is shared (FTS5 had {share:.0%} of a core)"
        )
    # Before this ratio existed, FTS5 was timed while it generated the documents it wrote.
    print(
        f"generating the documents alone: {generation:.1f} s CPU "
        f"(FTS5 timed with it, as before: ratio {whoosh[0] / (fts5[0] + generation):.2f}x)",
        flush=True,
    )


def build(args, settings):
    """Generate and store the resources, build the index; the vocabularies of the store."""
    start = time.monotonic()
    with Store.open(settings) as store:
        stored = len(store.ids()) if args.reuse_store else 0
        if stored == args.size:
            print(f"reusing the {stored} resources stored by an earlier run", flush=True)
        elif stored:
            sys.exit(f"--reuse-store: the store holds {stored} resources, not {args.size}")
        else:
            # Streamed: the peak RSS below is the store's and the index build's, not the generator's.
            store.upsert_many(generate(args.size))
            print(
                f"{args.size} resources generated and stored in {time.monotonic() - start:.0f} s", flush=True
            )
        reset_peak_rss()
        start, cpu = time.monotonic(), cpu_seconds()
        suggest.apply(store)  # as `catalogue reindex` does before the build
        stats = rebuild(store, settings.index_path, procs=args.procs)
        seconds = time.monotonic() - start
        args.build_times = (cpu_seconds() - cpu, seconds)
        vocabularies = store.vocabularies
    # The processes writing the other parts of the index are children: their largest peak, once each.
    own, children = peak_rss_mb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = stats["processes"] - 1
    print(
        f"build: {stats['documents']} documents in {seconds:.1f} s = {stats['documents'] / seconds:.0f} documents/s "
        f"(theme suggestion included, {stats['segments']} segment(s)), index {stats['bytes'] / 1e6:.0f} MB, "
        f"peak RSS {own:.0f} MB (rebuild's process), {workers} other writer(s) x {children:.0f} MB at most: "
        f"{own + workers * children:.0f} MB together at most",
        flush=True,
    )
    return vocabularies


def measure(args, settings, vocabularies, workdir: Path, reuse: bool) -> None:
    """Time the same queries on our index and on FTS5, and print the figures."""
    qs = queries(args.queries)
    # A searcher as a one-shot `catalogue search` has it: opened, nothing decoded beforehand.
    searcher = Searcher(settings.index_path, vocabularies)
    searcher.search(SearchQuery(q="évaluation"))  # opens the index, computes the length norms
    cold = timed(searcher.search, qs)
    searcher.close()
    # The site's searcher: warmed in the background on each new view of the index.
    searcher = Searcher(settings.index_path, vocabularies)
    searcher.search(SearchQuery(q="évaluation"))
    start, cpu = time.monotonic(), cpu_seconds()
    groups = searcher.warm()
    print(
        f"warming, as the site does on each new view of the index: {groups} synonym groups in "
        f"{time.monotonic() - start:.1f} s ({cpu_seconds() - cpu:.1f} s CPU)",
        flush=True,
    )
    ours = timed(searcher.search, qs)
    plain = [q for q in qs if not q.filters]
    filtered = [q for q in qs if q.filters]
    totals = [searcher.search(q).total for q in qs[:20]]
    searcher.close()
    start, cpu = time.monotonic(), cpu_seconds()
    if reuse:
        conn = sqlite3.connect(workdir / "fts5.sqlite3")
    else:
        (workdir / "fts5.sqlite3").unlink(missing_ok=True)
        with Store.open(settings) as store:
            conn = fts5_build(workdir / "fts5.sqlite3", store_resources(store))
    fts_build = time.monotonic() - start
    if not reuse:
        fts_cpu = cpu_seconds() - cpu
        cpu = cpu_seconds()
        for _ in generate(args.size):
            pass
        print_build_ratio(args.build_times, (fts_cpu, fts_build), cpu_seconds() - cpu)
    fts5_page(conn, qs[0])
    theirs = timed(lambda q: fts5_page(conn, q), qs)
    conn.close()
    med, p95 = summary(ours)
    fmed, fp95 = summary(theirs)
    ours_plain = summary([ours[i] for i, q in enumerate(qs) if not q.filters])
    ours_filtered = summary([ours[i] for i, q in enumerate(qs) if q.filters])
    print(
        f"whoosh page, warmed searcher ({len(qs)} queries: {len(plain)} without filters, {len(filtered)} with): "
        f"median {med:.1f} ms, p95 {p95:.1f} ms "
        f"(without filters {ours_plain[0]:.1f}/{ours_plain[1]:.1f}, with {ours_filtered[0]:.1f}/{ours_filtered[1]:.1f})"
    )
    cmed, cp95 = summary(cold)
    print(
        f"whoosh page, cold searcher (a one-shot search, nothing decoded beforehand): median {cmed:.1f} ms, p95 {cp95:.1f} ms"
    )
    print(f"fts5 page: median {fmed:.1f} ms, p95 {fp95:.1f} ms (built in {fts_build:.1f} s)")
    print(f"ratio whoosh/fts5: median {med / fmed:.2f}x, p95 {p95 / fp95:.2f}x; first totals {totals[:8]}")
    print(f"ratio whoosh cold/fts5: median {cmed / fmed:.2f}x, p95 {cp95 / fp95:.2f}x")


if __name__ == "__main__":
    main()
