"""The command line speaks French to people: help, errors, plurals, labels as well as codes."""

import re

import click
import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.cli.french import plural

# Words that only an English sentence has; none of them is a French word.
ENGLISH = re.compile(
    r"\b(the|of|and|to|for|with|from|this|that|resources?|show|print|do not|default|usage|error|"
    r"commands?|page's|every|only|when|which|links?)\b",
    re.IGNORECASE,
)


def _commands(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def _texts(command):
    yield command.help or ""
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            yield param.help or ""


COMMANDS = [(" ".join(path), command) for path, command in _commands(cli)]


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_and_option_has_a_french_help_text(path, command):
    texts = list(_texts(command))
    assert all(t.strip() for t in texts), f"{path}: a command or option has no help text"
    english = [t for t in texts if ENGLISH.search(t.replace("--", " "))]
    assert [] == english, path


@pytest.mark.parametrize("path", ["", *[p for p, _ in COMMANDS]])
def test_every_help_page_uses_click_words_in_french(path):
    result = CliRunner().invoke(cli, [*path.split(), "--help"], prog_name="catalogue")
    assert 0 == result.exit_code
    assert result.output.startswith("Utilisation : catalogue")
    for english in (
        "Usage:",
        "Show this message",
        "Commands:",
        "COMMAND [ARGS]",
        r"\bTEXT\b",
        r"\bINTEGER\b",
    ):
        assert not re.search(english, result.output), (path, english)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["search", "--bogus"], "Erreur : option inconnue '--bogus'."),
        (["nope"], "Erreur : commande inconnue 'nope'."),
        (["show"], "Erreur : Argument manquant 'ID|ADRESSE'."),
        (
            ["search", "--page", "zéro"],
            "Erreur : valeur invalide pour '--page' : 'zéro' n'est pas un entier valide.",
        ),
    ],
)
def test_click_usage_errors_are_french_and_exit_2(args, expected, tmp_path):
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), *args])
    assert (2, True) == (result.exit_code, expected in result.output), result.output


@pytest.mark.parametrize(
    "n, expected",
    [(0, "0 ressource explorée"), (1, "1 ressource explorée"), (2, "2 ressources explorées")],
)
def test_plurals_take_the_singular_for_zero_and_one(n, expected):
    assert expected == plural(n, "ressource explorée", "ressources explorées")


@pytest.fixture
def run(tmp_path):
    data_dir = str(tmp_path / "data")

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, ["--data-dir", data_dir, *args], input=input)

    return invoke


def test_reimporting_unchanged_data_reports_no_update_and_keeps_the_dates(run, tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text(
        "url,title,level,themes\nhttps://ex.example/a,A,regional,evaluation\nhttps://ex.example/b,B,,\n",
        encoding="utf-8",
    )
    assert f"{csv} : 2 ressources ajoutées, 0 mise à jour.\n" == run("import", "--no-index", str(csv)).output
    before = run("export").output
    assert f"{csv} : 0 ressource ajoutée, 0 mise à jour.\n" == run("import", "--no-index", str(csv)).output
    assert before == run("export").output
    csv.write_text("url,title\nhttps://ex.example/a,A changé\n", encoding="utf-8")
    assert f"{csv} : 0 ressource ajoutée, 1 mise à jour.\n" == run("import", "--no-index", str(csv)).output


def test_labels_are_accepted_where_codes_are_and_stored_as_codes(run, tmp_path):
    line = '{"url": "https://ex.example/a", "title": "A", "level": "Régional", "themes": ["Évaluation"]}\n'
    assert 0 == run("import", "--no-index", "-", input=line).exit_code
    assert ("regional", ["evaluation"]) == _level_and_themes(
        run("show", "--json", "https://ex.example/a").output
    )


def _level_and_themes(shown):
    import json

    data = json.loads(shown)
    return data["level"], data["themes"]


def test_search_takes_labels_and_says_what_the_site_says_when_nothing_matches(run):
    assert 0 == run("--quiet", "init").exit_code
    by_label = run("search", "--level", "Régional", "--status", "à vérifier", "--json")
    by_code = run("search", "--level", "regional", "--status", "a-verifier", "--json")
    assert (0, by_code.output) == (by_label.exit_code, by_label.output)
    nothing = run("search", "zzzqqqxxx", "--level", "Local")
    assert nothing.output.startswith(
        "Aucune ressource ne correspond à votre recherche.\nPour trouver des ressources :"
    )
    assert "retirez le filtre --level local" in nothing.output


def test_search_with_a_spelling_mistake_shows_the_correction_searched_and_the_results(run):
    assert 0 == run("--quiet", "init").exit_code
    out = run("search", "evaluasion").output
    assert 'Résultats pour « évaluation » — rechercher plutôt : "evaluasion"' in out.splitlines()[1]
    assert "\n1. " in out
