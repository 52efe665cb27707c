"""The resource form: from submitted fields to a Resource, and every field's fault as a French message."""

from dataclasses import fields, replace

from catalogue.changes import EDITABLE
from catalogue.errors import ValidationError, VocabularyError
from catalogue.models import Resource, validate
from catalogue.vocabularies import Vocabularies

# Labels of the fields a person edits (catalogue.changes.EDITABLE), in display order.
LABELS = {
    "url": "Adresse (URL)",
    "title": "Titre",
    "description": "Description",
    "type": "Type de ressource",
    "themes": "Thèmes",
    "level": "Niveau",
    "territory": "Territoire",
    "publisher": "Éditeur",
    "audience": "Publics",
    "date": "Date",
    "language": "Langue",
    "source_url": "Page où la ressource a été trouvée",
    "notes": "Notes internes",
}
MESSAGES = {
    "url": "Indiquez une adresse complète commençant par http:// ou https://.",
    "title": "Le titre est obligatoire.",
    "date": "Indiquez la date sous la forme AAAA, AAAA-MM ou AAAA-MM-JJ (par exemple 2023 ou 2023-04).",
    "source_url": "Indiquez une adresse complète commençant par http:// ou https://, ou laissez vide.",
}
_PLACEHOLDER_URL = "https://adresse.invalid/"


def from_form(form) -> dict:
    """The editable fields of a submitted form, as Resource values (lists split on ';')."""
    values = {}
    for name in EDITABLE:
        if name == "themes":
            values[name] = [v for v in form.getlist("themes") if v]
        elif name == "audience":
            values[name] = [v.strip() for v in form.get("audience", "").split(";") if v.strip()]
        elif name in ("type", "level"):
            values[name] = form.get(name) or None
        else:
            values[name] = form.get(name, "").strip()
    values["language"] = values["language"] or "fr"
    return values


def to_form(resource: Resource) -> dict:
    """The values to show in the form for a resource."""
    values = {name: getattr(resource, name) for name in EDITABLE}
    values["audience"] = "; ".join(resource.audience)
    return values


def message(exc: ValidationError, vocabularies: Vocabularies) -> str:
    """The French message shown next to the field at fault."""
    if isinstance(exc, VocabularyError):
        kind = {"themes": "themes", "level": "levels", "type": "types"}.get(exc.field)
        allowed = [vocabularies.of(kind).label(v) for v in exc.allowed] if kind else exc.allowed
        return f"« {exc.value} » n'est pas une valeur autorisée. Valeurs possibles : {', '.join(allowed)}."
    return MESSAGES.get(exc.field, f"Valeur non valable : {exc.message}.")


def field_errors(values: dict, vocabularies: Vocabularies) -> dict[str, str]:
    """Every field's fault, by field name ({} when the values make a valid resource)."""
    errors: dict[str, str] = {}
    defaults = {f.name: f.default for f in fields(Resource) if not callable(f.default_factory)}
    candidate = Resource(**{**values, "url": values.get("url") or ""})
    for _ in range(len(EDITABLE) + 1):
        try:
            validate(replace(candidate, id=""), vocabularies)
            return errors
        except ValidationError as exc:
            name = exc.field if exc.field in EDITABLE else "url"
            if name in errors:  # the same fault again: stop rather than loop
                return errors
            errors[name] = message(exc, vocabularies)
            if name == "url":
                candidate.url = _PLACEHOLDER_URL
            elif name in ("themes", "audience"):
                setattr(candidate, name, [])
            elif name == "title":
                candidate.title = "titre"
            else:
                setattr(candidate, name, defaults.get(name, ""))
    return errors
