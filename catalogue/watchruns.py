"""Watch runs and their queue of sources: an interrupted `catalogue watch` continues where it stopped."""

import json
from dataclasses import dataclass

from catalogue.linkwords import plural
from catalogue.models import now_iso
from catalogue.store import connection_of


@dataclass(frozen=True)
class Run:
    """A watch run: its id and whether it continued an interrupted one."""

    id: int
    resumed: bool


def unfinished(store) -> int | None:
    """The id of the last run that did not finish, or None."""
    row = (
        connection_of(store)
        .execute("SELECT id FROM watch_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1")
        .fetchone()
    )
    return row[0] if row else None


def open_run(store, source_ids: list[int]) -> int:
    """Start a run over these sources (an older unfinished run is closed as interrupted)."""
    db = connection_of(store)
    with store.transaction():
        db.execute("UPDATE watch_runs SET status = 'interrupted' WHERE status = 'running'")
        cur = db.execute(
            "INSERT INTO watch_runs (selection, started_at) VALUES (?, ?)",
            (json.dumps(source_ids), now_iso()),
        )
        db.executemany(
            "INSERT INTO watch_queue (run_id, source_id) VALUES (?, ?)",
            [(cur.lastrowid, s) for s in source_ids],
        )
    return cur.lastrowid


def pending(store, run_id: int) -> list[int]:
    """The sources of a run not finished yet."""
    return [
        r[0]
        for r in connection_of(store).execute(
            "SELECT source_id FROM watch_queue WHERE run_id = ? AND done = 0 ORDER BY source_id", (run_id,)
        )
    ]


def source_done(store, run_id: int, source_id: int, report: dict) -> None:
    """Mark a source of the run finished, with its report."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE watch_queue SET done = 1, report = ? WHERE run_id = ? AND source_id = ?",
            (json.dumps(report, ensure_ascii=False), run_id, source_id),
        )


def finish(store, run_id: int) -> None:
    """Close a run."""
    with store.transaction():
        connection_of(store).execute(
            "UPDATE watch_runs SET status = 'done', finished_at = ? WHERE id = ?", (now_iso(), run_id)
        )


def reports(store, run_id: int) -> list[dict]:
    """The reports of every finished source of a run."""
    rows = connection_of(store).execute(
        "SELECT report FROM watch_queue WHERE run_id = ? AND done = 1 ORDER BY source_id", (run_id,)
    )
    return [json.loads(r[0]) for r in rows]


def report_words(report: dict) -> list[str]:
    """What one source gave in a watch run (SourceReport.to_dict()), in French lines: the first says what
    was read and found, the others what is left for later, what failed and whether the source is flagged."""
    from catalogue.sources import KIND_LABELS

    kind = KIND_LABELS.get(report["kind"], report["kind"])
    if report["entry_outcome"] == "not_modified":
        seen = "inchangée depuis le dernier passage (304)"
    else:
        seen = (
            f"{plural(report['index_pages'], 'page lue', 'pages lues')}, "
            f"{plural(report['new_articles'], 'article nouveau', 'articles nouveaux')}"
        )
    lines = [
        f"{report['name']} ({kind}) : {seen} ; "
        f"{plural(report['proposed'], 'ressource proposée', 'ressources proposées')}, "
        f"{plural(report['alternates'], 'adresse alternative', 'adresses alternatives')}, "
        f"{plural(report['known'], 'déjà connue', 'déjà connues')}, "
        f"{plural(report['skipped'], 'lien écarté', 'liens écartés')}"
    ]
    if report.get("articles_deferred"):
        lines.append(
            f"  {plural(report['articles_deferred'], 'article de plus sera lu', 'articles de plus seront lus')}"
            " au prochain passage"
        )
    if report["failed_links"]:
        lines.append(
            f"  {plural(report['failed_links'], 'lien proposé', 'liens proposés')} en échec à la lecture"
        )
    for error in report["errors"][:5]:
        lines.append(f"  erreur : {error}")
    if report["health"] == "flagged":
        lines.append(f"  SOURCE SIGNALÉE : {report['health_reason']}")
    return lines
