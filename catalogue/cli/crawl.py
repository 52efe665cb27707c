"""Crawler commands: crawl, add, import-page. Progress on a terminal, a summary by outcome, exit 0/1/2."""

import sys

import click

from catalogue.cli import Context, fail, failure, pass_context
from catalogue.cli.french import plural
from catalogue.cli.progress import Progress
from catalogue.cli.wiring import catch_up_index, command_actor, open_changes
from catalogue.extractions import get_extraction
from catalogue.links import OUTCOME_LABELS, outcome_label
from catalogue.models import Resource, check_url
from catalogue.store import Store
from catalogue.urls import canonical_url


def _progress_printer(ctx: Context, bar: Progress):
    if not ctx.interactive:
        return None

    def show(p) -> None:
        bar.update(p.done, p.total, f"[{p.done}/{p.total}] {p.host[:40]} · échecs : {p.failures}")

    return show


def _run_crawl(ctx: Context, changes, ids=None, all_resources=False, stale=None, audited=True):
    """Crawl, print the summary, announce what changed (with an audit entry unless part of a larger
    action); returns the summary. Ctrl-C keeps what is done."""
    from crawler.crawl import crawl

    bar = Progress(ctx.interactive, "Exploration")
    show = _progress_printer(ctx, bar)
    try:
        summary = crawl(
            changes.store, ctx.settings, ids, all_resources=all_resources, stale_days=stale, progress=show
        )
    except KeyboardInterrupt:
        bar.close()
        fail(
            "exploration interrompue : ce qui est fait est enregistré ; relancez `catalogue crawl` pour continuer."
        )
    bar.close()
    if audited:
        changes.record_crawl(command_actor(*(ids or [])), list(ids or []), summary)
    else:
        changes.announce(summary.changed_ids)
    if not ctx.quiet:
        reprise = " (reprise d'une exploration interrompue)" if summary.resumed else ""
        explored = plural(summary.total, "ressource explorée", "ressources explorées")
        click.echo(f"{explored}{reprise}, {len(summary.changed_ids)} à réindexer.")
        order = list(OUTCOME_LABELS)
        for outcome, count in sorted(
            summary.outcomes.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
        ):
            click.echo(f"  {OUTCOME_LABELS.get(outcome, outcome)} : {count}")
    _say_failures(summary)
    return summary


def _say_failures(summary) -> None:
    """Whatever --quiet says: a run without network is one line and exit 2; otherwise one line per
    resource that did not answer (the command then exits 1)."""
    if summary.outage:
        fail(
            f"exploration impossible : {summary.reason} ; les contenus déjà récupérés sont gardés, "
            "relancez la commande quand le réseau sera revenu"
        )
    for item in summary.failed:
        why = item["error"] or outcome_label(item["outcome"])
        failure(f"{item['resource_id']} <{item['url']}> : {why}")


def _fill_placeholder_titles(store, ids) -> None:
    """A resource added without a title carries its URL as title: replace it with the extracted one."""
    for rid in ids:
        resource = store.get(rid)
        extracted = get_extraction(store, rid)
        if resource.title == resource.url and extracted and extracted["title"].strip():
            store.update_fields(rid, title=extracted["title"].strip()[:300])


def register(group) -> None:
    """Add this module's commands to the `catalogue` group."""

    @group.command("crawl")
    @click.argument("ids", nargs=-1, metavar="[ID]...")
    @click.option("--all", "all_resources", is_flag=True, help="Toutes les ressources du catalogue.")
    @click.option(
        "--stale",
        type=float,
        metavar="JOURS",
        help="Les ressources non récupérées depuis JOURS jours (ou jamais).",
    )
    @click.option("--no-index", is_flag=True, help="Ne pas réindexer ensuite les ressources modifiées.")
    @pass_context
    def crawl_command(ctx: Context, ids, all_resources, stale, no_index):
        """Explorer des ressources : les récupérer, extraire leurs métadonnées et leur texte, réindexer.

        Sans ID, --all ni --stale : reprendre une exploration interrompue, sinon récupérer
        les ressources jamais récupérées. Code de sortie : 0 si toutes ont répondu, 1 sinon.
        """
        with Store.open(ctx.settings) as store:
            if not no_index:
                catch_up_index(store, ctx.settings)
            changes = open_changes(store, ctx.settings, index=not no_index)
            summary = _run_crawl(ctx, changes, list(ids), all_resources, stale)
        sys.exit(1 if summary.failures else 0)

    @group.command("add")
    @click.argument("url", metavar="ADRESSE")
    @click.option("--title", metavar="TITRE", help="Titre (par défaut : celui du document).")
    @click.option(
        "--theme", "themes", multiple=True, metavar="THÈME", help="Un thème, valeur ou libellé (répétable)."
    )
    @click.option("--level", metavar="NIVEAU", help="National, Régional ou Local (valeur ou libellé).")
    @click.option("--type", "type_", metavar="TYPE", help="Type de ressource (voir `catalogue vocab types`).")
    @click.option("--no-index", is_flag=True, help="Ne pas mettre l'index à jour ensuite.")
    @pass_context
    def add_command(ctx: Context, url, title, themes, level, type_, no_index):
        """Ajouter la ressource à ADRESSE, puis l'explorer (son titre vient du document s'il n'est pas donné)."""
        from crawler.netguard import GuardRefusal
        from crawler.netguard import check_url as guard

        url = check_url(url)  # a malformed address is said now (field and value), before any work
        try:
            guard(url, ctx.settings.allow_private_networks, dns_timeout=ctx.settings.connect_timeout)
        except GuardRefusal as refusal:
            if refusal.outcome in ("forbidden_address", "invalid"):  # nothing is written
                fail(f"{url} : {refusal}")
        with Store.open(ctx.settings) as store:
            if store.find_by_url(url) is not None:
                fail(f"{url} est déjà au catalogue (id {store.find_by_url(url).id})")
            resource = Resource(url=url, title=title or url, themes=list(themes), level=level, type=type_)
            changes = open_changes(store, ctx.settings, index=not no_index)
            with changes.batch():  # one announcement: the resource as added and crawled
                resource = changes.create(command_actor(url), resource)
                summary = _run_crawl(ctx, changes, [resource.id], audited=False)
                _fill_placeholder_titles(store, [resource.id])
            if not ctx.quiet:
                click.echo(f"Ajoutée : {resource.id} {store.get(resource.id).title}")
        sys.exit(1 if summary.failures else 0)

    @group.command("import-page")
    @click.argument("url", metavar="ADRESSE")
    @click.option(
        "--level", metavar="NIVEAU", help="Niveau des ressources placées sous aucun titre de niveau."
    )
    @click.option("--dry-run", is_flag=True, help="Montrer ce qui serait importé, sans rien changer.")
    @click.option("--no-crawl", is_flag=True, help="Ajouter les ressources sans les récupérer.")
    @pass_context
    def import_page_command(ctx: Context, url, level, dry_run, no_crawl):
        """Ajouter les ressources liées depuis la page à ADRESSE (zone de contenu), puis explorer les nouvelles."""
        from crawler.fetch import Fetcher
        from crawler.import_page import import_page

        if level:
            with Store.open(ctx.settings) as store:
                level = store.vocabularies.levels.check(level, "level")
        with Store.open(ctx.settings) as store:
            with Fetcher(ctx.settings) as fetcher:
                outcome = import_page(store, fetcher, url, level=level, dry_run=True)
            if not ctx.quiet:
                if dry_run:
                    created = plural(
                        len(outcome.created), "ressource serait ajoutée", "ressources seraient ajoutées"
                    )
                else:
                    created = plural(len(outcome.created), "ressource ajoutée", "ressources ajoutées")
                click.echo(
                    f"{created}, {len(outcome.existing)} déjà au catalogue, "
                    f"{plural(len(outcome.page.skipped), 'lien ignoré', 'liens ignorés')}."
                )
                decided = {c.canonical: c.heading for c in outcome.page.candidates}
                for mark, found in (("+", outcome.created), ("=", outcome.existing)):
                    for r in found:
                        level = store.vocabularies.levels.label(r.level) if r.level else "niveau inconnu"
                        heading = decided.get(canonical_url(r.url))
                        why = f" — titre « {heading[:60]} »" if heading else ""
                        click.echo(f"  {mark} [{level}{why}] {r.title[:80]} <{r.url}>")
                for s in outcome.page.skipped:
                    click.echo(f"  - ignoré ({s.reason}) : {s.text[:50]} <{s.href}>")
            if dry_run:
                return
            changes = open_changes(store, ctx.settings)
            with changes.batch():  # one announcement: the new resources as added and crawled
                ids = changes.import_page(command_actor(url), url, level, outcome.created)
                if no_crawl or not ids:
                    return
                summary = _run_crawl(ctx, changes, ids, audited=False)
                _fill_placeholder_titles(store, ids)
        sys.exit(1 if summary.failures else 0)
