"""`catalogue doctor [--fix]`: does the search index agree with the database? Repairs with --fix."""

import sys
from pathlib import Path

import click

from catalogue import staffdata
from catalogue.cli import Context, pass_context
from catalogue.cli.wiring import rebuild_index
from catalogue.store import Store
from catalogue.vocabularies import load_vocabularies


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def report_lines(found) -> list[str]:
    """What `doctor` says of an Agreement, in French."""
    lines = [
        f"Base de données : {_number(found.resources)} ressources ; dernière modification n° {found.last_change}."
    ]
    if found.generation is None:
        lines.append("Index : aucun index de recherche.")
    else:
        lines.append(
            f"Index ({found.generation}) : {_number(found.documents)} documents ; "
            f"modifications appliquées jusqu'au n° {found.applied}."
        )
    problems = []
    if found.pending:
        problems.append(f"{_number(found.pending)} modification(s) en attente")
    if found.missing and found.generation is not None:
        problems.append(f"{_number(len(found.missing))} ressource(s) absente(s) de l'index")
    if found.extra:
        problems.append(f"{_number(len(found.extra))} document(s) sans ressource dans la base")
    if found.agrees:
        lines.append("Accord : l'index et la base concordent.")
    elif found.generation is not None:
        lines.append("Désaccord : " + ", ".join(problems) + ".")
        examples = [*found.missing[:5], *found.extra[:5]]
        if examples:
            lines.append("  par exemple : " + ", ".join(examples))
    if found.rebuilding:
        lines.append("Une reconstruction de l'index est en cours.")
    if found.orphans:
        lines.append(
            "Générations orphelines (reconstruction interrompue ou ancienne) : "
            + ", ".join(found.orphans)
            + "."
        )
    if found.legacy:
        lines.append("Fichiers d'une version précédente : " + ", ".join(found.legacy) + ".")
    return lines


def staff_file_refusals(settings) -> list:
    """The staff-edited files of the data directory that cannot be read (StaffFileError each)."""
    from index.synonyms import Synonyms

    checks = [(staffdata.staff_path(settings.data_path, staffdata.SYNONYMS), Synonyms.load)]
    checks.append(
        (
            settings.vocabularies or staffdata.staff_path(settings.data_path, staffdata.VOCABULARIES),
            load_vocabularies,
        )
    )
    refused = []
    for path, parse in checks:
        if path is not None and Path(path).exists():
            try:
                parse(path)
            except staffdata.StaffFileError as refusal:
                refused.append(refusal)
    return refused


def register(group) -> None:
    """Add `doctor` to the `catalogue` group."""

    @group.command("doctor")
    @click.option(
        "--fix",
        is_flag=True,
        help="Réparer : appliquer les modifications en attente, réindexer ce qui diffère, supprimer les restes.",
    )
    @pass_context
    def doctor_command(ctx: Context, fix):
        """Vérifier que l'index de recherche concorde avec la base (nombres, dernière modification appliquée,
        générations orphelines) ; code 0 si tout va bien, 1 sinon."""
        from index.consistency import examine, repair

        settings = ctx.settings
        refused = staff_file_refusals(settings)
        for refusal in refused:
            click.echo(f"Fichier refusé : {refusal} ; la dernière version valable reste en vigueur.")
        with Store.open(settings) as store:
            found = examine(store, settings.index_path)
            for line in report_lines(found):
                click.echo(line)
            if fix and not found.healthy:
                if found.generation is None:
                    rebuild_index(store, settings)
                found = repair(store, settings.index_path)
                click.echo("")
                click.echo("Après réparation :")
                for line in report_lines(found):
                    click.echo(line)
            elif not found.healthy:
                click.echo("Relancez avec --fix pour réparer.")
        sys.exit(0 if found.healthy and not refused else 1)
