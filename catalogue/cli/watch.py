"""Commands of the sources the catalogue watches: source add/list/remove, watch, proposals (the review queue)."""

import json
import os
import sys

import click

from catalogue import proposals, sources, watchruns
from catalogue.cli import Context, fail, failure, pass_context
from catalogue.cli.check import run_lock
from catalogue.cli.french import plural
from catalogue.cli.wiring import command_actor, open_changes
from catalogue.store import Store

WATCH_LOCK = "watch.lock"


def _actor() -> str:
    return os.environ.get("USER") or "cli"


def run_watch(store, settings, source_refs=None, progress=None):
    """The watch as cron and the staff's « Lire maintenant » run it: under the watch lock (CheckLocked when
    another watch holds it), the given sources or the due ones; returns (run, reports)."""
    from crawler.watch import watch

    with run_lock(settings.data_path, WATCH_LOCK, "une veille"):
        return watch(store, settings, list(source_refs or ()) or None, progress=progress)


def register(group) -> None:
    """Add the `source`, `watch`, `proposals` and `merge` commands to the `catalogue` group."""
    _merge_command(group)

    @group.group("source")
    def source_group():
        """Les sources suivies chaque nuit (listes d'actualités, pages, flux, plans de site)."""

    @source_group.command("add")
    @click.argument("url")
    @click.option("--name", default="", help="Nom de la source (par défaut : son adresse).")
    @click.option(
        "--kind",
        type=click.Choice([k.value for k in sources.Kind]),
        help="listing (liste paginée), page (un article), feed (RSS/Atom), sitemap ; détecté s'il manque.",
    )
    @click.option("--level", help="Niveau par défaut : national, regional ou local.")
    @click.option("--theme", "themes", multiple=True, help="Thème par défaut (répétable).")
    @click.option("--publisher", default="", help="Éditeur par défaut.")
    @click.option("--territory", default="", help="Territoire par défaut.")
    @click.option(
        "--pattern",
        "url_pattern",
        default="",
        help="Plan de site : expression régulière des adresses à suivre.",
    )
    @click.option(
        "--every", "every_days", type=float, default=1.0, help="Tous les DAYS jours (1 par défaut)."
    )
    @pass_context
    def source_add(
        ctx: Context, url, name, kind, level, themes, publisher, territory, url_pattern, every_days
    ):
        """Suivre une nouvelle source ; son type est détecté s'il n'est pas donné."""
        with Store.open(ctx.settings) as store:
            source = sources.Source(
                url=url.strip(),
                kind=kind or "listing",
                name=name,
                level=level,
                themes=list(themes),
                publisher=publisher,
                territory=territory,
                url_pattern=url_pattern,
                every_days=every_days,
            )
            sources.validate_source(source, store.vocabularies)
            if not kind:
                from crawler.fetch import Fetcher
                from crawler.watch import fetch_source_kind

                with Fetcher(ctx.settings) as fetcher:
                    detected, error = fetch_source_kind(fetcher, source.url)
                if detected is None:
                    fail(f"{url} : type de source impossible à détecter ({error}) ; précisez --kind")
                source.kind = detected
            source = sources.add(store, source)
        if not ctx.quiet:
            label = sources.KIND_LABELS[sources.Kind(source.kind)]
            click.echo(
                f"Source {source.id} ajoutée : {source.label} ({label}), tous les {source.every_days:g} jour(s)."
            )

    @source_group.command("list")
    @click.option("--json", "as_json", is_flag=True, help="En JSON.")
    @pass_context
    def source_list(ctx: Context, as_json):
        """Les sources suivies, leur état et ce qu'elles ont donné."""
        with Store.open(ctx.settings) as store:
            found = sources.all_sources(store)
            counts = sources.counts(store)
        if as_json:
            rows = [{**s.to_dict(), "counts": counts.get(s.id, {})} for s in found]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not found:
            click.echo("Aucune source suivie : `catalogue source add URL` en ajoute une.")
        for s in found:
            c = counts.get(s.id, {})
            state = "à vérifier : " + s.health_reason if s.health == sources.Health.FLAGGED else "ok"
            click.echo(
                f"{s.id}\t{s.label}\t{sources.KIND_LABELS[sources.Kind(s.kind)]}\t{s.url}\t"
                f"dernier passage : {s.last_run_at or 'jamais'}\t{c.get('articles', 0)} articles, "
                f"{c.get('proposed', 0)} propositions en attente\t{state}"
            )

    @source_group.command("remove")
    @click.argument("source")
    @pass_context
    def source_remove(ctx: Context, source):
        """Ne plus suivre une source (par identifiant ou adresse) ; ses propositions restent."""
        with Store.open(ctx.settings) as store:
            removed = sources.remove(store, sources.resolve(store, source).id)
        if not ctx.quiet:
            click.echo(f"Source {removed.id} retirée : {removed.label}")

    @group.command("watch")
    @click.option(
        "--source",
        "source_refs",
        multiple=True,
        help="Cette source seulement (identifiant ou adresse ; répétable).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Le rapport en JSON sur la sortie standard.")
    @pass_context
    def watch_command(ctx: Context, source_refs, as_json):
        """Lire les sources dues, proposer les ressources nouvelles à la relecture (cron, à côté de `check`).

        Sortie 0 si tout va bien, 1 si une source est signalée ou en échec, 2 si la veille n'a pas pu tourner.
        Une veille interrompue reprend où elle s'était arrêtée.
        """

        def progress(report: dict) -> None:
            click.echo(
                f"\r\033[K{report['name'][:50]} : {report['proposed']} proposée(s)", err=True, nl=False
            )

        with Store.open(ctx.settings) as store:
            try:
                run, reports = run_watch(
                    store, ctx.settings, source_refs, progress=progress if ctx.interactive else None
                )
            except KeyboardInterrupt:
                fail(
                    "veille interrompue : ce qui est fait est enregistré ; relancez `catalogue watch` pour continuer."
                )
            if ctx.interactive:
                click.echo("", err=True)
            data = [r.to_dict() for r in reports]
            if data:  # a night with no source due changes nothing: no audit entry
                open_changes(store, ctx.settings).record_watch(command_actor(*source_refs), data)
        failing = [r for r in data if r["health"] == "flagged" or (r["errors"] and not r["proposed"])]
        code = 1 if failing else 0
        if as_json:
            click.echo(
                json.dumps(
                    {"run_id": run.id, "resumed": run.resumed, "sources": data}, ensure_ascii=False, indent=2
                )
            )
        elif not ctx.quiet:
            if run.resumed:
                click.echo("Reprise d'une veille interrompue.")
            if not data:
                click.echo("Aucune source à lire maintenant.")
            for report in data:
                click.echo("\n".join(watchruns.report_words(report)))
            pending = _pending_count(ctx)
            waiting = plural(pending, "proposition en attente", "propositions en attente")
            click.echo(f"{waiting} de relecture : `catalogue proposals`.")
        _say_failures(data, failing)
        sys.exit(code)

    @group.command("proposals")
    @click.option("--json", "as_json", is_flag=True, help="La liste en JSON.")
    @click.option(
        "--accept", "accept_ids", multiple=True, type=int, help="Accepter cette proposition (répétable)."
    )
    @click.option(
        "--reject", "reject_ids", multiple=True, type=int, help="Refuser cette proposition (répétable)."
    )
    @click.option("--accept-all", is_flag=True, help="Accepter toutes les propositions en attente.")
    @click.option(
        "--status",
        type=click.Choice(["proposed", "accepted", "rejected", "all"]),
        default="proposed",
        help="Lesquelles lister (en attente par défaut).",
    )
    @pass_context
    def proposals_command(ctx: Context, as_json, accept_ids, reject_ids, accept_all, status):
        """La file de relecture : lister, accepter ou refuser les ressources proposées par la veille."""
        actor = _actor()
        with Store.open(ctx.settings) as store:
            if accept_all:  # every pending one, but those this same command rejects
                accept_ids = [p.id for p in proposals.listing(store) if p.id not in reject_ids] + list(
                    accept_ids
                )
            overlap = set(accept_ids) & set(reject_ids)
            if overlap:
                fail(
                    f"proposition(s) à la fois acceptée(s) et refusée(s) : {', '.join(map(str, sorted(overlap)))}"
                )
            for pid in dict.fromkeys([*accept_ids, *reject_ids]):
                _check_decidable(store, pid, pid in accept_ids)  # all checked before anything changes
            changes = open_changes(store, ctx.settings)
            with changes.batch():  # the accepted resources reach the index together
                for pid in dict.fromkeys(accept_ids):
                    resource = changes.accept_proposal(actor, pid)
                    if not ctx.quiet:
                        click.echo(f"Acceptée : {pid} → ressource {resource.id} {resource.title}")
                for pid in dict.fromkeys(reject_ids):
                    changes.reject_proposal(actor, pid)
                    if not ctx.quiet:
                        click.echo(f"Refusée : {pid}")
            if accept_ids or reject_ids:
                return
            listed = proposals.listing(store, None if status == "all" else status)
        if as_json:
            click.echo(json.dumps([p.to_json() for p in listed], ensure_ascii=False, indent=2))
            return
        if not listed:
            click.echo("Aucune proposition.")
        for p in listed:
            level = p.level or "-"
            click.echo(f"{p.id}\t[{level}]\t{p.title[:80]}\t<{p.url}>\t{p.source}\t{p.level_reason}")


def _check_decidable(store, pid: int, accepting: bool) -> None:
    """Fail (exit 2, nothing changed) on an unknown proposal, one already decided, or one already catalogued."""
    proposal = proposals.get(store, pid)
    if proposal.status != proposals.Status.PROPOSED:
        fail(f"la proposition {pid} est déjà {proposals.STATUS_LABELS[proposals.Status(proposal.status)]}")
    if accepting and store.find_by_url(proposal.url) is not None:
        fail(f"la proposition {pid} : {proposal.url} est déjà au catalogue ; refusez-la")


def _merge_command(group) -> None:
    @group.command("merge")
    @click.argument("keep")
    @click.argument("duplicate")
    @pass_context
    def merge_command(ctx: Context, keep, duplicate):
        """Fusionner la ressource DUPLICATE (catalogée deux fois) dans KEEP : les champs de KEEP sont gardés,
        l'adresse de DUPLICATE en devient une adresse alternative, son ancienne page renvoie vers KEEP."""
        with Store.open(ctx.settings) as store:
            kept, dropped = (store.find_by_url(r) or store.get(r) for r in (keep, duplicate))
            changes = open_changes(store, ctx.settings)
            resource = changes.merge(_actor(), kept.id, dropped.id)
        if not ctx.quiet:
            click.echo(f"Fusionnée : {dropped.id} → {resource.id} {resource.title}")


def _say_failures(data: list[dict], failing: list[dict]) -> None:
    """Whatever --quiet says: a watch without network is one line and exit 2; otherwise one line per
    source flagged or failing (the command then exits 1)."""
    from crawler.outage import is_outage, outage_reason

    attempts = [(r["url"], r["entry_outcome"]) for r in data]
    if is_outage(attempts):
        fail(
            f"veille impossible : {outage_reason(attempts, 'source', 'sources')} ; "
            "relancez `catalogue watch` quand le réseau sera revenu"
        )
    for report in failing:
        where = f"source {report['source_id']} <{report['url']}>"
        if report["name"] != report["url"]:
            where = f"source {report['source_id']} « {report['name']} » <{report['url']}>"
        if report["health"] == "flagged":
            failure(f"{where} signalée : {report['health_reason']}")
            continue
        errors = report["errors"]
        more = f" (et {len(errors) - 1} autre(s) erreur(s))" if len(errors) > 1 else ""
        failure(f"{where} : {errors[0].removeprefix(report['url'] + ' : ')}{more}")


def _pending_count(ctx: Context) -> int:
    with Store.open(ctx.settings) as store:
        return proposals.count_pending(store)
