"""Folding French text for comparison: one definition for the index, theme suggestion and the crawler."""

import unicodedata
from functools import lru_cache

_SPECIAL_FOLDS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lowercase text without accents, ligatures spelt out, curly apostrophes straight: "Œuvre évaluée’" -> "oeuvre evaluee'"."""
    text = text.lower().translate(_SPECIAL_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def comparable(text: str | None) -> str:
    """Folded text with single spaces: for comparing phrases (link labels, titles)."""
    return " ".join(fold(text or "").split())
