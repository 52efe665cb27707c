"""Commands on the catalogue itself: init, import, export, show, vocab."""

import io
import json
import sys
from pathlib import Path

import click

from catalogue import staffdata
from catalogue.cli import Context, fail, pass_context
from catalogue.cli.boundary import check_output_path
from catalogue.cli.french import plural
from catalogue.cli.wiring import catch_up_index, command_actor, open_changes, rebuild_index
from catalogue.errors import NotFound
from catalogue.io import FORMATS, detect_format, export_resources, read_import
from catalogue.spreadsheet import decode
from catalogue.store import Store
from catalogue.vocabularies import KINDS, vocabularies_of
from catalogue.vocabularies import default_path as vocabularies_default


def install_staff_files(settings) -> list[str]:
    """Copy the packaged vocabularies and synonyms into the data directory for the staff to edit (never
    over their copy); returns the names copied."""
    from index.synonyms import default_path as synonyms_default

    files = [(staffdata.SYNONYMS, synonyms_default())]
    if not settings.vocabularies:  # a file named in the settings is the one in force
        files.append((staffdata.VOCABULARIES, vocabularies_default()))
    return [name for name, default in files if staffdata.install_default(settings.data_path, name, default)]


def ensure_initialised(ctx: Context) -> dict:
    """Load the seed catalogue into a new data directory and build a missing index. Idempotent."""
    from catalogue.seed import load_seed
    from index.build import index_current

    report = {"seeded": None, "indexed": None, "staff_files": install_staff_files(ctx.settings)}
    with Store.open(ctx.settings) as store:
        if store.get_meta("seed_loaded_at") is None and store.count() == 0:
            report["seeded"] = load_seed(store)
        # A missing index, or one written by an earlier version (other fields, other analysis).
        if report["seeded"] or not index_current(ctx.settings.index_path):
            report["indexed"] = rebuild_index(store, ctx.settings)
        else:
            catch_up_index(store, ctx.settings)
    return report


def guess_text(raw: bytes) -> str | None:
    """The text of bytes in an encoding neither UTF-8 nor Windows-1252, as charset-normalizer reads it."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return None if best is None else str(best)


def _created_updated(created: int, updated: int) -> str:
    return (
        f"{plural(created, 'ressource ajoutée', 'ressources ajoutées')}, "
        f"{plural(updated, 'mise à jour', 'mises à jour')}"
    )


def register(group) -> None:
    """Add this module's commands to the `catalogue` group."""

    @group.command("init")
    @pass_context
    def init_command(ctx: Context):
        """Créer le dossier de données, y charger le catalogue initial s'il est vide, construire l'index."""
        report = ensure_initialised(ctx)
        settings = ctx.settings
        if not ctx.quiet:
            if report["seeded"]:
                created, updated = report["seeded"]
                click.echo(f"Catalogue initial chargé : {_created_updated(created, updated)}.")
            else:
                click.echo("Catalogue déjà initialisé : rien à charger.")
            if report["indexed"]:
                click.echo(
                    f"Index construit : {plural(report['indexed'].get('documents', 0), 'ressource', 'ressources')}."
                )
            for name in report["staff_files"]:
                click.echo(f"Fichier modifiable par l'équipe : {settings.data_path / name}")
            click.echo(f"Dossier de données : {settings.data_path}")

    @group.command("import")
    @click.argument("file", metavar="FICHIER", type=click.Path(dir_okay=False, allow_dash=True))
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        help="jsonl ou csv (par défaut : d'après le nom du fichier).",
    )
    @click.option("--no-index", is_flag=True, help="Ne pas mettre l'index à jour ensuite.")
    @pass_context
    def import_command(ctx: Context, file, fmt, no_index):
        """Importer les ressources de FICHIER (JSON Lines ou CSV ; - pour l'entrée standard).

        Tout ou rien, par adresse : une ressource déjà au catalogue est mise à jour. Une ligne
        marquée retirée (colonnes withdrawn_at, withdrawn_reason, withdrawn_by de
        `catalogue export --withdrawn`) retire sa ressource ; un import ne remet jamais au
        catalogue une ressource retirée (c'est `catalogue restore`).
        """
        if file == "-":
            name, raw = "<stdin>", sys.stdin.buffer.read()
        else:
            name = file
            try:
                raw = Path(file).read_bytes()
            except OSError as exc:
                fail(f"impossible de lire {file} : {exc.strerror or exc}")
        content = decode(raw, name, guess_text)  # UTF-8, or what a spreadsheet wrote (Windows-1252…)
        fmt = fmt or detect_format(name, content[:200])
        with Store.open(ctx.settings) as store:
            if not no_index:
                catch_up_index(store, ctx.settings)
            resources, withdrawals = read_import(io.StringIO(content), fmt, store.vocabularies, name)
            changes = open_changes(store, ctx.settings, index=not no_index)
            created, updated, _ids, withdrawn = changes.import_batch(
                command_actor(name), resources, name, withdrawals
            )
        if not ctx.quiet:
            also = f", {plural(len(withdrawn), 'retirée', 'retirées')} du catalogue" if withdrawn else ""
            click.echo(f"{name} : {_created_updated(created, updated)}{also}.")

    @group.command("export")
    @click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True, help="Format."
    )
    @click.option(
        "-o",
        "--output",
        metavar="FICHIER",
        type=click.Path(dir_okay=False, writable=True),
        help="Fichier à écrire (par défaut : la sortie standard).",
    )
    @click.option(
        "--withdrawn",
        is_flag=True,
        help="Inclure les ressources retirées du catalogue, marquées comme telles (date, motif et auteur "
        "du retrait) ; `catalogue import` de ce fichier les garde retirées.",
    )
    @pass_context
    def export_command(ctx: Context, fmt, output, withdrawn):
        """Exporter toutes les ressources (tous les champs, thèmes suggérés compris), par identifiant."""
        if output:
            check_output_path(output, "--output")
        with Store.open(ctx.settings) as store:
            if output:
                tmp = Path(output + ".tmp")
                with tmp.open("w", encoding="utf-8", newline="") as out:
                    export_resources(store, out, fmt, withdrawn=withdrawn)
                tmp.replace(output)
            else:
                export_resources(store, sys.stdout, fmt, withdrawn=withdrawn)

    @group.command("show")
    @click.argument("ref", metavar="ID|ADRESSE")
    @click.option("--json", "as_json", is_flag=True, help="Écrire la ressource en JSON.")
    @pass_context
    def show_command(ctx: Context, ref, as_json):
        """Afficher une ressource, par son identifiant ou son adresse."""
        with Store.open(ctx.settings) as store:
            resource = store.find_by_url(ref) if "://" in ref else None
            if resource is None:
                try:
                    resource = store.get(ref)
                except NotFound:
                    fail(f"aucune ressource n'a l'identifiant ou l'adresse {ref!r}")
            if as_json:
                click.echo(json.dumps(resource.to_dict(), ensure_ascii=False, indent=2))
                return
            vocab = store.vocabularies
            click.echo(resource.title)
            click.echo(f"  {resource.url}")
            rows = [
                ("id", resource.id),
                ("type", vocab.types.label(resource.type) if resource.type else ""),
                ("niveau", vocab.levels.label(resource.level) if resource.level else ""),
                ("thèmes", ", ".join(vocab.themes.label(t) for t in resource.themes)),
                ("thèmes suggérés", ", ".join(vocab.themes.label(t) for t in resource.suggested_themes)),
                ("éditeur", resource.publisher),
                ("territoire", resource.territory),
                ("public", ", ".join(resource.audience)),
                ("date", resource.date),
                ("source", resource.source_url),
                ("description", resource.description),
                ("notes", resource.notes),
            ]
            for label, value in rows:
                if value:
                    click.echo(f"  {label:16} {value}")

    @group.command("vocab")
    @click.argument("kind", metavar="[themes|levels|types]", type=click.Choice(KINDS), required=False)
    @pass_context
    def vocab_command(ctx: Context, kind):
        """Lister les vocabulaires contrôlés (thèmes, niveaux, types) : valeur et libellé."""
        vocabularies = vocabularies_of(ctx.settings)
        for k in [kind] if kind else KINDS:
            click.echo(f"{k}:")
            for term in vocabularies.of(k).terms:
                click.echo(f"  {term.value:22} {term.label}")
