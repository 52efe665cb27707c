"""Click's own words (usage, option errors, help headings) in French, and French plurals.

Click translates its messages through gettext, but only from compiled catalogues found
through the process's locale; a server under cron runs in the C locale. So the command
line gives click a translation function of its own: `install()` points the `_` and
`ngettext` names of click's modules at the table below (idempotent; messages not in the
table stay as click wrote them).
"""

import importlib

MESSAGES = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "No such option: {name}": "option inconnue : {name}",
    "No such option {name!r}.": "option inconnue {name!r}.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
    "(Did you mean one of: {possibilities}?)": "(vouliez-vous dire l'une de : {possibilities} ?)",
    "No such command {name!r}.": "commande inconnue {name!r}.",
    "Missing command.": "commande manquante.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "argument": "argument",
    "option": "option",
    "parameter": "paramètre",
    "Invalid value for {param_hint}: {message}": "valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "valeur invalide : {message}",
    "Option {name!r} requires an argument.": "l'option {name!r} demande une valeur.",
    "Option {name!r} requires {nargs} arguments.": "l'option {name!r} demande {nargs} valeurs.",
    "Option {name!r} does not take a value.": "l'option {name!r} ne prend pas de valeur.",
    "Got unexpected extra argument ({args})": "argument en trop ({args})",
    "Got unexpected extra arguments ({args})": "arguments en trop ({args})",
    "Argument {name!r} takes {nargs} values.": "l'argument {name!r} prend {nargs} valeurs.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas l'une des valeurs {choices}.",
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} n'est pas une valeur booléenne ; valeurs reconnues : {states}"
    ),
    "{value!r} does not match the format {format}.": "{value!r} ne suit pas le format {format}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n'existe pas.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} n'est pas modifiable.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Could not open file {filename!r}: {message}": "impossible d'ouvrir le fichier {filename!r} : {message}",
    "Aborted!": "Abandon.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
    "required": "obligatoire",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "(deprecated)": "(obsolète)",
    "deprecated": "obsolète",
}

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
)


def translate(message: str) -> str:
    """The French of one of click's messages (the message itself if unknown)."""
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """Click's plural messages: French takes the singular for 0 and 1."""
    return translate(singular if n <= 1 else plural)


def plural(n: int, singular: str, plural_form: str) -> str:
    """The count and its words, French style: « 0 ressource », « 1 ressource explorée », « 2 ressources »."""
    return f"{n} {singular if n <= 1 else plural_form}"


# The names click shows for an option's value (--port INTEGER) and in its errors.
TYPE_NAMES = {
    "StringParamType": "texte",
    "IntParamType": "entier",
    "FloatParamType": "nombre",
    "IntRange": "entier",
    "FloatRange": "nombre",
    "BoolParamType": "booléen",
    "UUIDParameterType": "uuid",
    "DateTime": "date",
}


def install() -> None:
    """Make click speak French (idempotent)."""
    types = importlib.import_module("click.types")
    for class_name, french_name in TYPE_NAMES.items():
        getattr(types, class_name).name = french_name
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural
