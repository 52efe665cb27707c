"""The Whoosh index of the catalogue: French analysis, facets, highlighting, suggestions."""
