"""Errors of the catalogue core.

    CatalogueError
     ├── VocabularyError      a value outside a controlled vocabulary
     ├── ValidationError      a resource field that is missing or malformed
     ├── ImportFileError      a line of an import file that cannot be imported
     ├── NotFound             no resource with this id
     ├── UnknownField         a change names a field a resource does not have (or may not change)
     └── StoreError           the database cannot be opened or migrated

Each carries its context (field, value, line, resource_id) so a caller can say exactly
what is wrong; str() of each is a complete French sentence for the people who read the CLI and the site.
"""


class CatalogueError(Exception):
    """Something the catalogue could not do."""


class ValidationError(CatalogueError):
    """A resource field is missing or malformed."""

    def __init__(self, field: str, message: str, value=None):
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{field} : {message}")


class VocabularyError(ValidationError):
    """A value is not in its controlled vocabulary; the message lists the allowed values."""

    def __init__(self, field: str, value, allowed: list[str]):
        self.allowed = list(allowed)
        super().__init__(
            field, f"valeur inconnue {value!r} ; valeurs possibles : {', '.join(self.allowed)}", value
        )


class ImportFileError(CatalogueError):
    """A line of an import file cannot be imported; nothing was written."""

    def __init__(self, source: str, line: int, message: str, field: str | None = None):
        self.source = source
        self.line = line
        self.field = field
        self.message = message
        where = f"{source}, ligne {line}" + (f", champ {field!r}" if field else "")
        super().__init__(f"{where} : {message}")


class NotFound(CatalogueError):
    """No resource has this id."""

    def __init__(self, resource_id: str):
        self.resource_id = resource_id
        super().__init__(f"aucune ressource n'a l'identifiant {resource_id!r}")


class UnknownField(CatalogueError):
    """A change names a field that a resource does not have, or that cannot be changed (id, added_at)."""

    def __init__(self, field: str):
        self.field = field
        super().__init__(f"le champ {field!r} n'existe pas ou ne peut pas être modifié")


class StoreError(CatalogueError):
    """The database cannot be opened, read or migrated."""
