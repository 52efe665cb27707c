"""Commands on the index: search (ranked results and facet counts) and reindex."""

import json

import click

from catalogue.cli import Context, fail, pass_context
from catalogue.cli.french import plural
from catalogue.cli.progress import Progress
from catalogue.cli.wiring import catch_up_index, rebuild_index
from catalogue.errors import VocabularyError
from catalogue.links import STATUSES, status_label
from catalogue.store import Store
from catalogue.vocabularies import fold, vocabularies_of

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
SORT_LABELS = {"relevance": "pertinence", "date": "date", "title": "titre"}


def _checked_filters(vocabularies, filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters with every label turned into its value (« Régional » -> regional); fail on the first unknown."""
    checked = {}
    for name, kind in FACET_OPTIONS.items():
        values = []
        for value in filters.get(name, []):
            if kind:
                try:
                    value = vocabularies.of(kind).check(value, f"--{name}")
                except VocabularyError as exc:
                    fail(str(exc))
            elif name == "status":
                value = _status_value(value)
            elif name == "year" and not (value.isdigit() and len(value) == 4):
                fail(f"--year {value!r} : une année s'écrit sur quatre chiffres (ex. 2022)")
            values.append(value)
        checked[name] = values
    return checked


def _status_value(text: str) -> str:
    """A link status from its value or its words (« à vérifier », « Lien cassé »)."""
    for status in STATUSES:
        label = status_label(status)
        if fold(text) in (fold(status.value), fold(label), fold(label.removeprefix("Lien "))):
            return status.value
    words = ", ".join(status_label(s).removeprefix("Lien ") for s in STATUSES)
    fail(f"--status : valeur inconnue {text!r} ; valeurs possibles : {words}")


def count_sentence(total: int, q: str) -> str:
    """The site's sentence for the number of results."""
    if total == 0:
        return "Aucune ressource ne correspond à votre recherche."
    count = f"{total:,}".replace(",", "\u202f")
    found = plural(total, "ressource trouvée", "ressources trouvées").replace(str(total), count, 1)
    return found + (f" pour « {q} »" if q else "") + "."


def _print_results(results, vocabularies) -> None:
    q = results.query
    pages = max(1, -(-results.total // q.per_page))
    heading = count_sentence(results.total, q.q)
    if results.total:
        heading += f" Page {q.page} sur {pages}."
    click.echo(heading)
    if results.suggestion and results.as_typed:
        click.echo(f"Résultats pour « {results.suggestion} » — rechercher plutôt : {results.as_typed}")
    elif results.suggestion:
        click.echo(f"Vouliez-vous dire « {results.suggestion} » ?")
    if results.fallback and results.hits:
        click.echo(results.fallback)
    if not results.hits:
        if results.total:
            click.echo(f"La page {q.page} est au-delà de la dernière ({pages}).")
        else:
            _print_hints(q)
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


def _print_hints(q) -> None:
    """What the site proposes when nothing matches."""
    click.echo("Pour trouver des ressources :")
    for name, values in q.filters.items():
        for value in values:
            click.echo(f"  - retirez le filtre --{name} {value}")
    if q.q:
        click.echo("  - vérifiez l'orthographe, ou essayez des mots plus généraux.")
    click.echo("  - `catalogue search` sans mots montre toutes les ressources.")


def _unescape(html: str) -> str:
    from html import unescape

    return unescape(html)


def register(group) -> None:
    """Add the search and reindex commands to the `catalogue` group."""

    @group.command("search")
    @click.argument("query", nargs=-1, metavar="[MOTS]...")
    @click.option(
        "--theme",
        multiple=True,
        metavar="THÈME",
        help="Thème, valeur ou libellé (répétable : l'un ou l'autre).",
    )
    @click.option(
        "--level", multiple=True, metavar="NIVEAU", help="Niveau : National, Régional, Local (répétable)."
    )
    @click.option("--type", "type_", multiple=True, metavar="TYPE", help="Type de ressource (répétable).")
    @click.option(
        "--publisher",
        multiple=True,
        metavar="ÉDITEUR",
        help="Éditeur, tel qu'écrit au catalogue (répétable).",
    )
    @click.option("--year", multiple=True, metavar="ANNÉE", help="Année, par ex. 2022 (répétable).")
    @click.option("--territory", multiple=True, metavar="TERRITOIRE", help="Territoire (répétable).")
    @click.option(
        "--status", multiple=True, metavar="ÉTAT", help="État du lien : ok, à vérifier, cassé (répétable)."
    )
    @click.option(
        "--sort",
        type=click.Choice(["relevance", "date", "title"]),
        default="relevance",
        show_default=True,
        help="Tri : pertinence (relevance), date ou titre (title).",
    )
    @click.option(
        "--page",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        metavar="N",
        help="Page de résultats.",
    )
    @click.option(
        "--per-page",
        type=click.IntRange(1, 100),
        default=20,
        show_default=True,
        metavar="N",
        help="Résultats par page (1 à 100).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Écrire la forme JSON documentée.")
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
        """Chercher dans le catalogue : résultats classés et décomptes par facette, comme sur le site."""
        from index.build import index_exists
        from index.query import SearchQuery, results_to_json
        from index.search import Searcher

        settings = ctx.settings
        vocabularies = vocabularies_of(settings)
        filters = {
            "theme": list(theme),
            "level": list(level),
            "type": list(type_),
            "publisher": list(publisher),
            "year": list(year),
            "territory": list(territory),
            "status": list(status),
        }
        filters = _checked_filters(vocabularies, filters)
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
        default=None,
        metavar="N",
        help="Processus d'écriture, chacun écrit une part de l'index "
        "(par défaut : un par cœur à partir de 2 000 ressources).",
    )
    @pass_context
    def reindex_command(ctx: Context, procs):
        """Reconstruire tout l'index de recherche (et les thèmes suggérés) ; l'index en service est remplacé d'un coup.

        Utile seulement après un changement du schéma de l'index : tout autre changement arrive
        dans l'index de lui-même."""
        with Store.open(ctx.settings) as store:
            with (
                Progress(ctx.interactive, "Thèmes suggérés") as themes,
                Progress(ctx.interactive, "Indexation") as bar,
            ):

                def themes_progress(done: int, total: int) -> None:
                    themes.update(done, total)
                    if done >= total:
                        themes.close()  # its line ends before the index's bar starts

                stats = rebuild_index(
                    store,
                    ctx.settings,
                    progress=bar.update if ctx.interactive else None,
                    themes_progress=themes_progress if ctx.interactive else None,
                    procs=procs,
                )
        if not ctx.quiet:
            click.echo(
                f"Index reconstruit : {plural(stats['documents'], 'ressource', 'ressources')} "
                f"en {stats['seconds']:.1f} s ({stats['suggested']} avec des thèmes suggérés)."
            )
