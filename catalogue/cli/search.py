"""Commands on the index: search (ranked results and facet counts) and reindex."""

import json

import click

from catalogue.cli import Context, fail, pass_context
from catalogue.cli.wiring import catch_up_index, rebuild_index
from catalogue.links import STATUSES
from catalogue.store import Store
from catalogue.vocabularies import load_vocabularies

# CLI option -> (facet name, vocabulary checked or None).
FACET_OPTIONS = {
    "theme": "themes",
    "level": "levels",
    "type": "types",
    "publisher": None,
    "year": None,
    "territory": None,
    "status": None,
}


def _check_values(vocabularies, filters: dict[str, list[str]]) -> None:
    for name, kind in FACET_OPTIONS.items():
        allowed = vocabularies.of(kind).values() if kind else (list(STATUSES) if name == "status" else None)
        for value in filters.get(name, []):
            if allowed is not None and value not in allowed:
                fail(f"--{name} {value!r} : valeur inconnue ; valeurs possibles : {', '.join(allowed)}")
            if name == "year" and not (value.isdigit() and len(value) == 4):
                fail(f"--year {value!r} : une année s'écrit sur quatre chiffres (ex. 2022)")


def _print_results(results, vocabularies) -> None:
    q = results.query
    pages = max(1, -(-results.total // q.per_page))
    click.echo(f"{results.total} ressource(s) pour « {q.q} » — page {q.page}/{pages}")
    if results.fallback:
        click.echo(results.fallback)
    if results.suggestion:
        click.echo(f"Vouliez-vous dire : « {results.suggestion} » ?")
    start = (q.page - 1) * q.per_page
    for n, hit in enumerate(results.hits, start + 1):
        click.echo("")
        click.echo(f"{n}. {hit.title}")
        details = [
            vocabularies.types.label(hit.type) if hit.type else "",
            vocabularies.levels.label(hit.level) if hit.level else "",
            hit.publisher,
            hit.date,
        ]
        click.echo("   " + " · ".join(d for d in details if d))
        labels = vocabularies.themes.label
        themes = [labels(t) for t in hit.themes] + [f"{labels(t)} (suggéré)" for t in hit.suggested_themes]
        if themes:
            click.echo("   Thèmes : " + ", ".join(themes))
        click.echo(f"   {hit.url}")
        if hit.snippet:
            snippet = hit.snippet.replace("<mark>", "[").replace("</mark>", "]")
            click.echo("   " + _unescape(snippet))
    for facet in results.facets.values():
        if not facet.values:
            continue
        click.echo("")
        click.echo(f"{facet.label} :")
        for v in facet.values:
            mark = "[x]" if v.selected else "[ ]"
            click.echo(f"  {mark} {v.label} ({v.count})" + (f" — {v.value}" if v.value != v.label else ""))
        if facet.truncated:
            click.echo("  …")


def _unescape(html: str) -> str:
    from html import unescape

    return unescape(html)


def register(group) -> None:
    """Add the search and reindex commands to the `catalogue` group."""

    @group.command("search")
    @click.argument("query", nargs=-1)
    @click.option("--theme", multiple=True, help="Theme value (repeatable: OR).")
    @click.option("--level", multiple=True, help="Level: national, regional, local (repeatable).")
    @click.option("--type", "type_", multiple=True, help="Resource type value (repeatable).")
    @click.option("--publisher", multiple=True, help="Publisher, as written in the catalogue (repeatable).")
    @click.option("--year", multiple=True, help="Year, e.g. 2022 (repeatable).")
    @click.option("--territory", multiple=True, help="Territory (repeatable).")
    @click.option("--status", multiple=True, help="Link status: ok, a-verifier, casse (repeatable).")
    @click.option(
        "--sort", type=click.Choice(["relevance", "date", "title"]), default="relevance", show_default=True
    )
    @click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
    @click.option("--per-page", type=click.IntRange(1, 100), default=20, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the documented JSON form.")
    @pass_context
    def search_command(
        ctx: Context,
        query,
        theme,
        level,
        type_,
        publisher,
        year,
        territory,
        status,
        sort,
        page,
        per_page,
        as_json,
    ):
        """Search the catalogue: ranked results and facet counts."""
        from index.build import index_exists
        from index.query import SearchQuery, results_to_json
        from index.search import Searcher

        settings = ctx.settings
        vocabularies = load_vocabularies(settings.vocabularies)
        filters = {
            "theme": list(theme),
            "level": list(level),
            "type": list(type_),
            "publisher": list(publisher),
            "year": list(year),
            "territory": list(territory),
            "status": list(status),
        }
        _check_values(vocabularies, filters)
        sq = SearchQuery(q=" ".join(query), filters=filters, sort=sort, page=page, per_page=per_page)
        if index_exists(settings.index_path):
            with Store.open(settings) as store:
                catch_up_index(store, settings)
        searcher = Searcher(settings.index_path, vocabularies)
        try:
            results = searcher.search(sq)
        finally:
            searcher.close()
        if as_json:
            click.echo(json.dumps(results_to_json(results), ensure_ascii=False, indent=2))
        else:
            _print_results(results, vocabularies)

    @group.command("reindex")
    @click.option(
        "--procs",
        type=click.IntRange(1, 8),
        default=1,
        show_default=True,
        help="Writer processes; 2 speeds up very large catalogues (more memory).",
    )
    @pass_context
    def reindex_command(ctx: Context, procs):
        """Rebuild the whole search index (and the suggested themes); the live index is swapped atomically.

        Needed only after a change of the index's schema: every other change reaches the index by itself."""
        with Store.open(ctx.settings) as store:
            if ctx.interactive:
                # On stderr, like every progress display: stdout may be a file or a pipe.
                progress_file = click.get_text_stream("stderr")
                with click.progressbar(
                    length=max(1, store.count()), label="Indexation", file=progress_file
                ) as bar:
                    state = {"done": 0}

                    def progress(done, total):
                        bar.update(done - state["done"])
                        state["done"] = done

                    stats = rebuild_index(store, ctx.settings, progress=progress, procs=procs)
            else:
                stats = rebuild_index(store, ctx.settings, procs=procs)
        if not ctx.quiet:
            click.echo(
                f"Index reconstruit : {stats['documents']} ressources en {stats['seconds']:.1f} s "
                f"({stats['suggested']} avec des thèmes suggérés)."
            )
