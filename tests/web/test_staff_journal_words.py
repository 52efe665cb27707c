"""The audit log as staff read it: every channel with its actor (a login, or the system user and the
command), labels instead of codes, dates in words, a link to the resource, summaries in French."""

import html as htmllib
import json
import re

from click.testing import CliRunner

from catalogue.cli import cli
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import csrf_of
from web.staff.journalview import value_words, when_words

FORM = {
    "title": "Guide de l'évaluation",
    "description": "Un guide pour évaluer.",
    "type": "guide",
    "level": "regional",
    "themes": ["evaluation", "insertion-16-25"],
    "publisher": "",
    "territory": "",
    "audience": "",
    "date": "2024-03",
    "language": "fr",
    "source_url": "",
    "notes": "",
}


def journal_text(client) -> str:
    page = client.get("/equipe/journal").get_data(as_text=True)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_an_edit_shows_labels_dates_in_words_and_no_program_values(staff, staff_app, resource_id):
    staff.post(f"/equipe/ressources/{resource_id}/modifier", data={**FORM, "csrf_token": csrf_of(staff)})
    text = " ".join(journal_text(staff).split())
    assert "Évaluation → Évaluation, Orientation, formation et insertion des 16-25 ans" in text
    assert "National → Régional" in text and "(vide) → mars 2024" in text
    assert "['" not in text and "insertion-16-25" not in text
    assert re.search(r"\d{1,2} \w+ 20\d\d à \d\d h \d\d \(UTC\)", text)


def test_command_line_changes_are_in_the_journal_with_the_system_user_and_the_command(
    staff, staff_app, tmp_path
):
    data = str(staff_app.config["SETTINGS"].data_path)
    line = json.dumps({"url": "https://exemple.fr/nouveau", "title": "Nouveau guide", "level": "Local"})
    assert (
        0
        == CliRunner()
        .invoke(cli, ["--data-dir", data, "import", "-", "--no-index"], input=line + "\n")
        .exit_code
    )
    assert (
        0 == CliRunner().invoke(cli, ["--data-dir", data, "withdraw", "https://exemple.fr/nouveau"]).exit_code
    )
    text = " ".join(journal_text(staff).split())
    assert "système Retrait du catalogue Nouveau guide" in text
    assert "catalogue withdraw https://exemple.fr/nouveau" in text
    assert "Import d'un fichier" in text and "catalogue import" in text


def test_values_in_words():
    from catalogue.vocabularies import load_vocabularies

    vocabularies = load_vocabularies()
    assert "Régional" == value_words("level", "regional", vocabularies)
    assert "Évaluation, Parentalité et place des familles" == value_words(
        "themes", ["evaluation", "parentalite"], vocabularies
    )
    assert "(vide)" == value_words("audience", [], vocabularies)
    assert "avril 2022" == value_words("date", "2022-04", vocabularies)
    assert "5 décembre 2026 à 02 h 30 (UTC)" == when_words("2026-12-05T02:30:00+00:00")
