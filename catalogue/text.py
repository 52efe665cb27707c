"""Folding French text for comparison: one definition for the index, theme suggestion and the crawler."""

import re
import unicodedata
from functools import lru_cache

# Replaced one after the other (str.replace finds a character at C speed, where str.translate
# looks up every character of a French text); no replacement holds another's character.
_SPECIAL_FOLDS = (("œ", "oe"), ("æ", "ae"), ("ß", "ss"), ("’", "'"), ("‘", "'"))
# Once decomposed, an accent is a combining mark after its letter. The marks of Latin letters,
# U+0300-U+036F but U+034F (not a mark), are cut from the UTF-8 bytes in one pass; any other mark
# can only be in a run of non-ASCII characters.
_LATIN_MARKS = re.compile(rb"\xcc[\x80-\xbf]|\xcd[\x80-\x8e\x90-\xaf]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


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
    text = text.lower()
    for special, plain in _SPECIAL_FOLDS:
        if special in text:
            text = text.replace(special, plain)
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    # surrogatepass: a lone surrogate (a text read back from an old database) goes through as it is.
    encoded = decomposed.encode("utf-8", "surrogatepass")
    decomposed = _LATIN_MARKS.sub(b"", encoded).decode("utf-8", "surrogatepass")
    if decomposed.isascii():
        return decomposed
    return _NON_ASCII.sub(_without_marks, decomposed)


def _without_marks(run: re.Match) -> str:
    return "".join(c for c in run.group() if not unicodedata.combining(c))


_cached_fold = lru_cache(maxsize=200_000)(_fold)


def clear_fold_cache() -> None:
    """Forget the folded words (a build caches hundreds of thousands of them)."""
    _cached_fold.cache_clear()


def comparable(text: str | None) -> str:
    """Folded text with single spaces: for comparing phrases (link labels, titles)."""
    return " ".join(fold(text or "").split())
