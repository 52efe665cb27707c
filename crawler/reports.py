"""Reports of a check run that staff act on: JSON for machines, CSV, plain text for a cron mail, standalone HTML."""

import csv
import html
import io
import json
from collections import Counter

from catalogue.frenchdates import french_date
from catalogue.io import spreadsheet_cell
from catalogue.links import FAILING, NEUTRAL, LinkStatus, Verdict, status_label, verdict_label
from catalogue.linkwords import describe
from crawler.check import CheckResult, CheckRun

FORMATS = ("json", "html", "text", "csv")
RESULT_FIELDS = (
    "id",
    "url",
    "verdict",
    "http_status",
    "final_url",
    "error",
    "checked_at",
    "consecutive_failures",
    "first_failure_at",
    "status",
    "moved_to",
    "title",
    "publisher",
    "message",
)
GROUPS = (
    ("newly_broken", "Nouvellement cassés depuis la dernière vérification"),
    ("still_broken", "Toujours cassés"),
    ("failing", "En échec, à confirmer la nuit prochaine"),
    ("to_check", "À vérifier à la main (accès bloqué, trop de requêtes, robots.txt, document changé)"),
    ("moved", "Adresses déplacées (ancienne → nouvelle)"),
    ("fixed", "Réparés"),
)


def _row(result: CheckResult, outage: bool) -> dict:
    check, after = result.check, result.after
    status = after.status if after else ""
    first_failure_at = after.first_failure_at if after else None
    nights = after.consecutive_failures if after else 0
    message = describe(
        check.verdict, check.http_status, check.error, first_failure_at, nights, check.moved_to, status
    )
    return {
        "id": check.resource_id,
        "url": check.url,
        "verdict": check.verdict,
        "http_status": check.http_status,
        "final_url": check.final_url,
        "error": check.error,
        "checked_at": check.checked_at,
        "consecutive_failures": nights,
        "first_failure_at": first_failure_at,
        "status": status,
        "moved_to": check.moved_to,
        "title": result.title or "",
        "publisher": result.publisher or "",
        "message": message
        if not outage
        else "Non compté : le réseau était indisponible pendant la vérification.",
    }


def group_of(result: CheckResult) -> str | None:
    """Which report group a result belongs to, or None for a link that works and did not change."""
    before, after, check = result.status_before, result.status_after, result.check
    if after == LinkStatus.BROKEN:
        return "still_broken" if before == LinkStatus.BROKEN else "newly_broken"
    if check.verdict == Verdict.MOVED:
        return "moved"
    if check.verdict in NEUTRAL or check.suspect:
        return "to_check"
    if check.verdict in FAILING:
        return "failing"
    if after == LinkStatus.OK and before in (LinkStatus.TO_CHECK, LinkStatus.BROKEN):
        return "fixed"
    return None


def build(run: CheckRun) -> dict:
    """The report as a plain dict (the JSON form): times, outage, summary, results and groups."""
    rows = [_row(r, run.outage) for r in run.results]
    groups: dict[str, list[str]] = {name: [] for name, _ in GROUPS}
    if not run.outage:
        for result in run.results:
            group = group_of(result)
            if group:
                groups[group].append(result.check.resource_id)
    # On a night without network every link "fails": listing them by publisher would alarm, not inform.
    publishers = Counter(
        row["publisher"] or "(éditeur inconnu)"
        for row in rows
        if row["verdict"] not in (Verdict.OK, Verdict.MOVED) and not run.outage
    )
    return {
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "outage": run.outage,
        "reason": run.reason,
        "summary": run.summary,
        "results": rows,
        "groups": groups,
        "by_publisher": dict(publishers.most_common()),
        "exit_code": run.exit_code,
    }


def to_json(report: dict) -> str:
    """The report as indented JSON."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def to_csv(report: dict) -> str:
    """One line per checked resource, every field of the JSON results."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RESULT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in report["results"]:
        writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})  # read in a spreadsheet
    return out.getvalue()


def _headline(report: dict) -> str:
    if report["outage"]:
        why = report.get("reason") or "réseau indisponible"
        return (
            f"{why[0].upper()}{why[1:]}. Aucun lien n'est compté en échec et aucun état n'a été modifié ; "
            "la vérification reprendra la nuit prochaine."
        )
    broken = len(report["groups"]["newly_broken"]) + len(report["groups"]["still_broken"])
    total = len(report["results"])
    checked = "lien vérifié" if total <= 1 else "liens vérifiés"
    if broken:
        return f"{broken} {'lien cassé' if broken == 1 else 'liens cassés'} sur {total} {checked}."
    return f"Aucun lien cassé sur {total} {checked}."


def to_text(report: dict) -> str:
    """Plain text for a cron mail: the headline, then each group with one French sentence per link."""
    rows = {row["id"]: row for row in report["results"]}
    lines = [f"Vérification des liens du {french_date(report['started_at'])}", _headline(report), ""]
    for name, label in GROUPS:
        ids = report["groups"].get(name) or []
        if not ids:
            continue
        lines.append(f"{label} ({len(ids)}) :")
        for rid in ids:
            row = rows[rid]
            lines.append(f"  - {row['title'] or row['url']}")
            lines.append(f"    {row['url']}")
            if name == "moved" and row["moved_to"]:
                lines.append(f"    → {row['moved_to']}")
            lines.append(f"    {row['message'] if name != 'fixed' else 'Le lien fonctionne de nouveau.'}")
        lines.append("")
    if report["by_publisher"]:
        lines.append("Liens en échec par éditeur :")
        lines.extend(f"  {publisher} : {count}" for publisher, count in report["by_publisher"].items())
        lines.append("")
    lines.append(
        "Par verdict : " + ", ".join(f"{verdict_label(v)} {n}" for v, n in sorted(report["summary"].items()))
    )
    return "\n".join(lines) + "\n"


# The site's frame (header, main, footer) in a file that needs nothing else: its colours and
# widths are the site's (web/static/site.css), written inline.
_STYLE = (
    "body{margin:0;font-family:system-ui,sans-serif;color:#1b1b1b;line-height:1.5}"
    ".wrap{max-width:60rem;margin:0 auto;padding:0 1rem}"
    ".site-header{background:#000091;color:#fff;padding:.75rem 0}.site-header a{color:#fff}"
    ".site-name{margin:0;font-weight:700}.site-sub{display:block;font-weight:400;font-size:.9rem}"
    ".skip-link{position:absolute;left:-999px}.skip-link:focus{left:1rem;top:1rem;background:#fff;color:#000091}"
    "main{padding:1rem 0 2rem}.site-footer{border-top:1px solid #ccc;padding:1rem 0;color:#3a3a3a}"
    "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;"
    "vertical-align:top}.casse{color:#a00}.a-verifier{color:#8a5a00}.ok{color:#060}main a{color:#004b9b}"
    "td.url{word-break:break-all}"
)


def edit_url(site_url: str, rid: str) -> str:
    """The staff page that edits a resource (relative to the site when its address is not known)."""
    return f"{site_url.rstrip('/')}/equipe/ressources/{rid}/modifier"


def to_html(report: dict, site_url: str = "") -> str:
    """A standalone HTML page in the site's frame, with the same groups as the text report.

    Each title links to the resource's edit page in the staff pages (`site_url` is the site's
    address, e.g. https://catalogue.example.org; without it the links are relative to the site).
    """
    esc = html.escape
    rows = {row["id"]: row for row in report["results"]}
    title = f"Vérification des liens du {esc(french_date(report['started_at']))}"
    home = esc(site_url.rstrip("/") + "/")
    parts = [
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} — Cités éducatives</title>",
        f"<style>{_STYLE}</style></head><body>",
        '<a class="skip-link" href="#contenu">Aller au contenu</a>',
        '<header class="site-header"><div class="wrap">',
        f'<p class="site-name"><a href="{home}">Catalogue des ressources'
        '<span class="site-sub">Réseau des Cités éducatives</span></a></p>',
        "</div></header>",
        '<main id="contenu" class="wrap">',
        f"<h1>{title}</h1>",
        f"<p><strong>{esc(_headline(report))}</strong></p>",
    ]
    for name, label in GROUPS:
        ids = report["groups"].get(name) or []
        if not ids:
            continue
        parts.append(f'<h2 id="{name}">{esc(label)} ({len(ids)})</h2>')
        parts.append(
            f'<table aria-labelledby="{name}"><thead><tr><th scope="col">Ressource</th><th scope="col">Adresse</th>'
            '<th scope="col">Problème</th><th scope="col">État</th></tr></thead><tbody>'
        )
        for rid in ids:
            row = rows[rid]
            url = esc(row["url"])
            target = (
                f'<br>→ <a href="{esc(row["moved_to"])}">{esc(row["moved_to"])}</a>'
                if row["moved_to"]
                else ""
            )
            message = row["message"] if name != "fixed" else "Le lien fonctionne de nouveau."
            status = row["status"]
            parts.append(
                f'<tr><td><a href="{esc(edit_url(site_url, rid))}">{esc(row["title"] or rid)}</a>'
                f"<br><small>{esc(row['publisher'])}</small></td>"
                f'<td class="url"><a href="{url}">{url}</a>{target}</td><td>{esc(message)}</td>'
                f'<td class="{esc(status)}">{esc(status_label(status))}</td></tr>'
            )
        parts.append("</tbody></table>")
    if report["by_publisher"]:
        parts.append("<h2>Liens en échec par éditeur</h2><ul>")
        parts.extend(f"<li>{esc(name)} : {count}</li>" for name, count in report["by_publisher"].items())
        parts.append("</ul>")
    parts.append("<h2>Par verdict</h2><ul>")
    parts.extend(f"<li>{esc(verdict_label(v))} : {n}</li>" for v, n in sorted(report["summary"].items()))
    parts.append("</ul></main>")
    parts.append(
        '<footer class="site-footer"><div class="wrap"><p>Catalogue des ressources du réseau des Cités '
        "éducatives : rapport de la vérification nocturne des liens.</p></div></footer></body></html>"
    )
    return "\n".join(parts) + "\n"


def render(report: dict, fmt: str, site_url: str = "") -> str:
    """The report in one of FORMATS (`site_url` makes the HTML report's edit links absolute)."""
    renderers = {"json": to_json, "csv": to_csv, "text": to_text}
    if fmt == "html":
        return to_html(report, site_url)
    if fmt not in renderers:
        raise ValueError(f"format de rapport inconnu {fmt!r} ; formats connus : {', '.join(FORMATS)}")
    return renderers[fmt](report)
