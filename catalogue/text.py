"""Folding French text for comparison: one definition for the index, theme suggestion and the crawler."""

import unicodedata
from functools import lru_cache

_SPECIAL_FOLDS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'"})


# Words and short phrases are folded again and again (each occurrence of a word in a build):
# they are cached. Longer texts are not: a cache of whole texts grows with the catalogue (after
# a theme suggestion over 100,000 resources it held hundreds of MB).
CACHED_CHARS = 64


def fold(text: str) -> str:
    """Lowercase text without accents, ligatures spelt out, curly apostrophes straight: "Œuvre évaluée’" -> "oeuvre evaluee'"."""
    if len(text) <= CACHED_CHARS:
        return _cached_fold(text)
    return _fold(text)


def _fold(text: str) -> str:
    text = text.lower().translate(_SPECIAL_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_cached_fold = lru_cache(maxsize=200_000)(_fold)


def clear_fold_cache() -> None:
    """Forget the folded words (a build caches hundreds of thousands of them)."""
    _cached_fold.cache_clear()


def comparable(text: str | None) -> str:
    """Folded text with single spaces: for comparing phrases (link labels, titles)."""
    return " ".join(fold(text or "").split())
