"""Crawler commands: crawl, add, import-page. Progress on a terminal, a summary by outcome, exit 0/1/2."""

import sys

import click

from catalogue.cli import Context, fail, pass_context
from catalogue.cli.wiring import catch_up_index, command_actor, open_changes
from catalogue.extractions import get_extraction
from catalogue.links import OUTCOME_LABELS
from catalogue.models import Resource, check_url
from catalogue.store import Store


def _progress_printer(ctx: Context):
    if not ctx.interactive:
        return None

    def show(p) -> None:
        line = f"\r[{p.done}/{p.total}] {p.host[:40]:<40} échecs : {p.failures}"
        click.echo(line, err=True, nl=False)

    return show


def _run_crawl(ctx: Context, changes, ids=None, all_resources=False, stale=None, audited=True):
    """Crawl, print the summary, announce what changed (with an audit entry unless part of a larger
    action); returns the summary. Ctrl-C keeps what is done."""
    from crawler.crawl import crawl

    show = _progress_printer(ctx)
    try:
        summary = crawl(
            changes.store, ctx.settings, ids, all_resources=all_resources, stale_days=stale, progress=show
        )
    except KeyboardInterrupt:
        if show:
            click.echo("", err=True)
        fail("crawl interrompu : ce qui est fait est enregistré ; relancez `catalogue crawl` pour continuer.")
    if show:
        click.echo("", err=True)
    if audited:
        changes.record_crawl(command_actor(*(ids or [])), list(ids or []), summary)
    else:
        changes.announce(summary.changed_ids)
    if not ctx.quiet:
        reprise = " (reprise d'un crawl interrompu)" if summary.resumed else ""
        click.echo(f"{summary.total} ressources explorées{reprise}, {len(summary.changed_ids)} à réindexer.")
        order = list(OUTCOME_LABELS)
        for outcome, count in sorted(
            summary.outcomes.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
        ):
            click.echo(f"  {OUTCOME_LABELS.get(outcome, outcome)} : {count}")
    return summary


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
    @click.argument("ids", nargs=-1)
    @click.option("--all", "all_resources", is_flag=True, help="Every resource of the catalogue.")
    @click.option(
        "--stale", type=float, metavar="DAYS", help="Resources not fetched for DAYS days (or never)."
    )
    @click.option("--no-index", is_flag=True, help="Do not reindex the changed resources afterwards.")
    @pass_context
    def crawl_command(ctx: Context, ids, all_resources, stale, no_index):
        """Fetch resources, extract their metadata and text, reindex what changed.

        Without IDS, --all or --stale: continue an interrupted crawl, else fetch the
        resources never fetched. Exit 0 if every resource answered, 1 if some failed.
        """
        with Store.open(ctx.settings) as store:
            if not no_index:
                catch_up_index(store, ctx.settings)
            changes = open_changes(store, ctx.settings, index=not no_index)
            summary = _run_crawl(ctx, changes, list(ids), all_resources, stale)
        sys.exit(1 if summary.failures else 0)

    @group.command("add")
    @click.argument("url")
    @click.option("--title", help="Title (default: the one found in the document).")
    @click.option("--theme", "themes", multiple=True, help="A theme (repeat for several).")
    @click.option("--level", help="national, regional or local.")
    @click.option("--type", "type_", help="Resource type (see `catalogue vocab types`).")
    @click.option("--no-index", is_flag=True, help="Do not update the index afterwards.")
    @pass_context
    def add_command(ctx: Context, url, title, themes, level, type_, no_index):
        """Add the resource at URL, then crawl it (its title comes from the document if not given)."""
        url = check_url(url)  # a malformed address is said now (field and value), before any work
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
    @click.argument("url")
    @click.option("--level", help="Level of the resources under no national/régional/local heading.")
    @click.option("--dry-run", is_flag=True, help="Show what would be imported; change nothing.")
    @click.option("--no-crawl", is_flag=True, help="Add the resources without fetching them.")
    @pass_context
    def import_page_command(ctx: Context, url, level, dry_run, no_crawl):
        """Add the resources linked from the page at URL (content area only), then crawl the new ones."""
        from crawler.fetch import Fetcher
        from crawler.import_page import import_page

        if level:
            with Store.open(ctx.settings) as store:
                store.vocabularies.levels.check(level, "level")
        with Store.open(ctx.settings) as store:
            with Fetcher(ctx.settings) as fetcher:
                outcome = import_page(store, fetcher, url, level=level, dry_run=True)
            if not ctx.quiet:
                verb = "seraient ajoutées" if dry_run else "ajoutées"
                click.echo(
                    f"{len(outcome.created)} ressources {verb}, {len(outcome.existing)} déjà au catalogue, "
                    f"{len(outcome.page.skipped)} liens ignorés."
                )
                for r in outcome.created:
                    click.echo(f"  + [{r.level or '-'}] {r.title[:80]} <{r.url}>")
                for r in outcome.existing:
                    click.echo(f"  = [{r.level or '-'}] {r.title[:80]} <{r.url}>")
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
