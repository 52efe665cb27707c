"""Site benchmark: the real server (`catalogue serve`, waitress) on the seed plus 10,000 generated resources,
driven by 16 concurrent clients for 60 s over searches with facets and resource pages, and
the same load on a minimal reference app (bench/reference_app.py: SQLite FTS5, facets by SQL
GROUP BY, a plain Jinja template) under the same waitress settings, in the same run: both
servers run side by side, driven one at a time in alternating slices (--rounds, ABBA order),
so that a change of the shared machine's load during the run weighs on both alike.

Prints requests/s, median and p95 latency per kind of page, and errors, for both, and ours as
ratios to the reference ("ratio_to_reference"). Targets, as ratios that hold on any machine:
search-page p95 <= 1.5x the reference's, resource pages <= 1.2x, no error. Everything runs
on 127.0.0.1.

    python bench/web.py [--size 10000] [--clients 16] [--seconds 60] [--threads 8] [--workers 1]
                        [--think 0] [--keep DIR] [--rounds 4]

Clients send their next request as soon as the last one is answered (--think 0): a closed
loop, the hardest reading of "16 concurrent clients". --think gives each client a random
pause of mean THINK seconds, like a person reading a page.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import reference_app  # noqa: E402
from catalogue import suggest  # noqa: E402
from catalogue.models import Resource  # noqa: E402
from catalogue.seed import load_seed  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.store import Store  # noqa: E402
from catalogue.vocabularies import load_vocabularies  # noqa: E402
from index.build import index_exists, rebuild  # noqa: E402

# Common words of the field, drawn with a Zipf-like law: the first ones in most documents, the last
# ones in few. Theme keywords (from the vocabulary file) come from the resource's own themes only,
# so a query on a theme word matches a fraction of the catalogue, as in a real one.
GENERAL = (
    "projet quartier école collège élèves enfants jeunes acteurs partenaires territoire action actions "
    "dispositif accompagnement équipe ville cité éducative éducation national local régional réseau "
    "rencontre séminaire atelier présentation outil outils guide ressources retour expérience pratique "
    "pratiques enjeux objectifs public publics moyens financement budget appel projets structure "
    "association associations centre social maison quartier prioritaire politique contrat collectivité "
    "commune mairie département région préfecture rectorat académie inspection enseignant enseignants "
    "professeurs directeur principal conseiller animateur animateurs éducateur éducateurs médiateur "
    "santé sport culture numérique égalité chances mobilité transport logement emploi insertion "
    "citoyenneté laïcité prévention sécurité violence harcèlement climat scolaire absentéisme réussite "
    "parcours orientation stage métier métiers entreprise entreprises formation apprentissage diplôme "
    "lycée lycéens collégiens écoliers maternelle primaire élémentaire classe classes devoirs soutien "
    "aide accueil inscription cantine restauration activité activités loisirs vacances été mercredi "
    "soir week-end bibliothèque médiathèque musée théâtre musique danse cinéma lecture écriture langue "
    "français mathématiques sciences histoire géographie anglais internationale coopération échange "
    "volontaire bénévole bénévoles mentor tuteur parrain marraine famille familles parents mère père "
    "enfance crèche bébé petite santé psychologue infirmière médecin handicap inclusion diagnostic "
    "évaluation indicateur bilan rapport étude enquête analyse données chiffres résultats impact "
    "gouvernance pilotage comité instance coordination chef coordinateur troïka préfet recteur maire "
    "élu élus convention charte label labellisation programme plan stratégie feuille route calendrier "
    "année scolaire rentrée trimestre semaine journée heure temps durée lieu espace salle local locaux "
    "innovation expérimentation essaimage modélisation capitalisation valorisation communication "
    "site page document fiche vidéo podcast webinaire replay compte rendu synthèse recueil article"
).split()
FILLER = "le la les des du de un une et pour avec dans sur par au aux ce cette qui que est sont ont".split()
THEMES = load_vocabularies().themes.values()
TYPES = load_vocabularies().types.values()
LEVELS = load_vocabularies().levels.values()
QUERIES = [
    "",
    "évaluation",
    "evaluation",
    "parentalité",
    "décrochage scolaire",
    "mentorat",
    "lecture",
    "petite enfance",
    "protocole d'évaluation",
    "insertion professionnelle",
    "numérique",
    "culture sport",
    "gouvernance pilotage",
    "service civique",
    "orientation",
    "famille",
    "collège",
    "harcèlement",
]
ZIPF = [1 / (rank + 1) ** 0.9 for rank in range(len(GENERAL))]


def theme_words() -> dict[str, list[str]]:
    """The keywords of each theme, from the vocabulary file."""
    return {t.value: [t.label.lower(), *t.keywords] for t in load_vocabularies().themes.terms}


def sentence(rng: random.Random, n: int, topical: list[str]) -> str:
    words = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.35:
            words.append(rng.choice(FILLER))
        elif roll < 0.45 and topical:
            words.append(rng.choice(topical))
        else:
            words.append(rng.choices(GENERAL, weights=ZIPF)[0])
    return " ".join(words).capitalize() + "."


def generated(size: int, rng: random.Random) -> list[Resource]:
    """`size` French resources with ~3 KB of text, about their own themes, facet values spread out."""
    keywords = theme_words()
    resources = []
    for i in range(size):
        themes = rng.sample(THEMES, rng.choice((1, 1, 2, 3)))
        topical = [w for t in themes for w in keywords[t]]
        resources.append(
            Resource(
                url=f"https://bench.example/ressources/{i:06d}",
                title=sentence(rng, rng.randint(4, 10), topical)[:-1],
                description=sentence(rng, 30, topical),
                type=rng.choice(TYPES),
                themes=themes,
                level=rng.choice(LEVELS),
                publisher=f"Éditeur {rng.randint(1, 30)}",
                territory=rng.choice(["", "Hauts-de-France", "Maubeuge", "Lille", "Essonne", "Marseille"]),
                date=f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}",
                text=" ".join(
                    sentence(rng, rng.randint(12, 20), topical) for _ in range(rng.randint(15, 30))
                ),
            )
        )
    return resources


def prepare(data_dir: Path, size: int, reindex: bool = False) -> Settings:
    """A data directory with the seed and `size` generated resources, indexed (reused when already there)."""
    settings = Settings({"data_dir": str(data_dir), "secret_key": "bench"}, environ={})
    with Store.open(settings) as store:
        if store.get_meta("bench_size") != str(size):
            started = time.monotonic()
            load_seed(store)
            store.upsert_many(generated(size, random.Random(42)))
            store.set_meta("bench_size", str(size))
            print(f"store: {store.count()} resources in {time.monotonic() - started:.1f} s", flush=True)
        if (
            reindex
            or not index_exists(settings.index_path)
            or store.get_meta("bench_indexed") != str(store.count())
        ):
            started = time.monotonic()
            suggest.apply(store)  # as `catalogue reindex` does before the build
            stats = rebuild(store, settings.index_path)
            store.set_meta("bench_indexed", str(store.count()))
            print(f"index: {stats['documents']} documents in {time.monotonic() - started:.1f} s", flush=True)
    return settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_reference(settings: Settings) -> Path:
    """The reference app's FTS5 database of the same resources (rebuilt when the store changed)."""
    path = Path(settings.data_path) / "reference.sqlite3"
    with Store.open(settings) as store:
        if not path.exists() or store.get_meta("bench_reference") != str(store.count()):
            started = time.monotonic()
            count = reference_app.build(store, path)
            store.set_meta("bench_reference", str(store.count()))
            print(f"reference: {count} resources in FTS5 in {time.monotonic() - started:.1f} s", flush=True)
    return path


def start_server(
    data_dir: Path, port: int, threads: int, workers: int = 1, reference: Path | None = None
) -> subprocess.Popen:
    """`catalogue serve` (or, given its database, the reference app) in its own process, waiting until it answers."""
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "CATALOGUE_SECRET_KEY": "bench"}
    if reference is None:
        command = ["-c", "from catalogue.cli import main; main()", "-q", "serve"]
    else:
        command = [str(ROOT / "bench" / "reference_app.py"), "--db", str(reference)]
    process = subprocess.Popen(
        [sys.executable, *command, "--port", str(port), "--threads", str(threads), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            return process
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or busy starting
            if process.poll() is not None:
                raise SystemExit("the server stopped before answering") from None
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not answer within 120 s")


def search_request(rng: random.Random) -> tuple[str, dict]:
    """A search page as people use it: words or none, 0-2 facets ticked, sometimes page 2-3 or a sort."""
    params = {"q": rng.choice(QUERIES)}
    for facet, values in rng.sample(
        [("theme", THEMES), ("level", LEVELS), ("type", TYPES)], rng.choice((0, 1, 1, 2))
    ):
        params[facet] = rng.choice(values)
    if rng.random() < 0.2:
        params["page"] = rng.choice((2, 3))
    if rng.random() < 0.1:
        params["sort"] = rng.choice(("date", "title"))
    return "/recherche", params


async def _get(reader, writer, host: str, target: str) -> int:
    """One GET on a keep-alive connection; returns the status once the whole body is read."""
    writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        raise ValueError("an answer without a length on a keep-alive connection")
    return status


async def client(
    host: str, port: int, ids: list[str], until: float, seed: int, samples: list, errors: list, think: float
) -> None:
    """One user: 70 % search pages, 30 % resource pages, one keep-alive connection, `think` s between pages.

    The clients are coroutines on one event loop, writing raw HTTP/1.1: a few tens of microseconds
    of CPU per page, so the load generator takes little of the two cores the server runs on
    (16 threads of `requests` took about a fifth of a core and queued behind one GIL).
    """
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < until:
            if rng.random() < 0.7:
                kind, (path, params) = "search", search_request(rng)
            else:
                kind, path, params = "resource", f"/ressources/{rng.choice(ids)}", {}
            target = path + ("?" + urlencode(params) if params else "")
            started = time.perf_counter()
            try:
                status = await _get(reader, writer, f"{host}:{port}", target)
                samples.append((kind, time.perf_counter() - started))
                if status != 200:
                    errors.append((kind, status, target))
            except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                errors.append((kind, type(exc).__name__, target))
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))
    finally:
        writer.close()


async def drive(host, port, ids, seconds, clients, think) -> tuple[list, list, float]:
    """Run the clients for `seconds`; (samples, errors, measured seconds)."""
    samples, errors = [], []
    until = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(client(host, port, ids, until, n, samples, errors, think) for n in range(clients)))
    return samples, errors, time.monotonic() - started


def summarise(samples: list, seconds: float) -> dict:
    report = {}
    for kind in ("search", "resource", "all"):
        times = sorted(t for k, t in samples if kind in ("all", k))
        if not times:
            continue
        report[kind] = {
            "requests": len(times),
            "per_second": round(len(times) / seconds, 1),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1),
        }
    return report


def start_warm(args, data_dir: Path, reference: Path | None = None) -> tuple[subprocess.Popen, int]:
    """Start one server (ours, or the reference given its database) and warm it; (process, port)."""
    port = free_port()
    server = start_server(data_dir, port, args.threads, args.workers, reference)
    try:
        for _ in range(20):  # warm the searcher's caches (and the reference's page cache)
            requests.get(f"http://127.0.0.1:{port}/recherche", params={"q": "évaluation"}, timeout=30)
    except BaseException:
        stop(server)
        raise
    return server, port


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def run_loads(
    args, data_dir: Path, ids: list[str], reference: Path | None = None
) -> tuple[dict, dict | None]:
    """Drive our server and the reference (both started, then idle when not driven) in alternating
    slices, ABBA order, `args.seconds` each in all: a change of the machine's load during the run
    falls on both alike. Returns (ours, reference's) figures."""
    names = ["ours"] if reference is None else ["ours", "reference"]
    rounds = args.rounds if reference is not None else 1
    servers = {}
    try:
        servers["ours"] = start_warm(args, data_dir)
        if reference is not None:
            servers["reference"] = start_warm(args, data_dir, reference)
        collected = {name: {"samples": [], "errors": [], "seconds": 0.0, "cpu": 0.0} for name in names}
        for n in range(rounds):
            for name in names if n % 2 == 0 else names[::-1]:
                _server, port = servers[name]
                cpu_before = time.process_time()
                samples, errors, seconds = asyncio.run(
                    drive("127.0.0.1", port, ids, args.seconds / rounds, args.clients, args.think)
                )
                got = collected[name]
                got["samples"] += samples
                got["errors"] += errors
                got["seconds"] += seconds
                got["cpu"] += time.process_time() - cpu_before
    finally:
        for server, _port in servers.values():
            stop(server)
    figures = {
        name: {
            "seconds": round(got["seconds"], 1),
            "load_generator_cpu_seconds": round(got["cpu"], 1),
            "errors": len(got["errors"]),
            "first_errors": got["errors"][:5],
            **summarise(got["samples"], got["seconds"]),
        }
        for name, got in collected.items()
    }
    return figures["ours"], figures.get("reference")


def ratios(ours: dict, reference: dict) -> dict:
    """Our p95 per kind of page and our throughput, as ratios to the reference's."""

    def ratio(a, b):
        return round(a / b, 2) if b else None

    return {
        "search_p95": ratio(ours["search"]["p95_ms"], reference["search"]["p95_ms"]),
        "resource_p95": ratio(ours["resource"]["p95_ms"], reference["resource"]["p95_ms"]),
        "per_second": ratio(ours["all"]["per_second"], reference["all"]["per_second"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause of a client between pages, in s")
    parser.add_argument("--keep", help="data directory to build once and reuse")
    parser.add_argument(
        "--reindex", action="store_true", help="rebuild the kept index (after a change of index code)"
    )
    parser.add_argument("--no-reference", action="store_true", help="drive only our site")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="alternating slices of the load per server (ABBA order), so that a change of the machine's load falls on both",
    )
    args = parser.parse_args()

    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="bench-web-")
    data_dir = Path(args.keep or tmp.name)
    try:
        settings = prepare(data_dir, args.size, args.reindex)
        reference_db = None if args.no_reference else prepare_reference(settings)
        with Store.open(settings) as store:
            ids = store.ids()
        ours, reference = run_loads(args, data_dir, ids, reference_db)
    finally:
        if tmp:
            tmp.cleanup()
    report = {
        "resources": len(ids),
        "clients": args.clients,
        "waitress_threads": args.threads,
        "server_processes": args.workers,
        "think_seconds": args.think,
        "rounds": args.rounds if reference is not None else 1,
        **ours,
    }
    if reference is not None:
        report["reference"] = reference
        report["ratio_to_reference"] = ratios(ours, reference)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "web.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
