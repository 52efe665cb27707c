"""The catalogue core: resources, vocabularies, the SQLite store, import and export."""

__version__ = "0.1.0"
