"""French text analysis for the index: folding, elisions, stop words, stemming without accent loss.

The analyzers built here are pickled into the index schema: the filter classes must keep
this import path (index.analysis) or existing indexes stop opening.

Each word is indexed under two forms at the same position: "fold then stem" (the form a
query without accents produces) and "stem then fold" (which keeps the stemmer's handling
of accented suffixes: évaluée, parentalité). Both forms of a query word are searched.
"""

import re
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token, Tokenizer
from whoosh.lang.snowball.french import FrenchStemmer

from catalogue.text import clear_fold_cache, fold

# Words, and number ranges such as 16-25 or 2021/2022 kept as one token.
TOKEN_PATTERN = r"\d+(?:[-–/]\d+)+|\w+"
RANGE = re.compile(r"^\d+(?:[-–/]\d+)+$")

# Checked French stop list: articles, pronouns, prepositions, auxiliaries, elided letters.
# Left out on purpose: "été" (summer), "pas", "même", "plus" (phrases such as "plus jeune âge").
STOP_WORDS = frozenset(
    """
    a à au aux avec c ce ces cet cette ceux celle celles celui chez d dans de des du
    dont donc elle elles en entre es est et eu eux il ils j je l la le les leur leurs lui
    m ma mais me mes moi mon n ne ni nos notre nous on ont ou où par pour qu que qui quoi
    s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y
    ai aie aient ait as avaient avais avait avez aviez avions avons ayant
    sera seront serait etait était étaient etaient
    aussi ainsi comme afin lors jusqu lorsqu puisqu quelqu
    """.split()
)

# Words of asking: not what a question is about, so not matched (kept inside quoted phrases).
QUESTION_WORDS = frozenset(
    """
    comment quel quels quelle quelles pourquoi quand combien lequel laquelle lesquels lesquelles
    existe existent existe-t-il faut peut peuvent pouvons puis peux doit doivent dois
    t est-ce ça cela ceci
    """.split()
)

# Stems of one family that the Snowball stemmer leaves apart (verb and noun of the field's
# key words): a query for one also searches the others. Accompagner/accompagnement,
# évaluer/évaluation and orienter/orientation already share their stem.
FAMILIES = (
    ("suivr", "suiv", "suivent"),
    ("inser", "insert"),
    ("form", "format"),
    ("parent", "parental", "parentalit"),
)
_FAMILY_OF = {stem: family for family in FAMILIES for stem in family}

# A range of numbers however it is written (16-25, 16–25, 16/25, 16 à 25, with or without
# "ans"): searched as one token, "16-25".
_QUERY_RANGE = re.compile(r"(?<![\w-])(\d+)\s*(?:[-–/]|\s(?:à|a|au)\s)\s*(\d+)(?:\s*ans\b)?", re.IGNORECASE)


_STEMMER = FrenchStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The French Snowball stem of a lowercase word."""
    return _STEMMER.stem(word)


def word_forms(word: str) -> list[str]:
    """The indexed forms of one lowercase word: fold-then-stem first, then stem-then-fold if different."""
    if word.isdigit() or RANGE.match(word):
        return [word]
    folded_first = stem(fold(word))
    stemmed_first = fold(stem(word))
    if stemmed_first == folded_first:
        return [folded_first]
    return [folded_first, stemmed_first]


class FrenchFormsFilter(Filter):
    """Emit each word's folded stems at one position; number ranges also as their parts when indexing."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if RANGE.match(text):
                t.text = _dashed(text)
                yield t
                if t.mode != "query":
                    for part in re.split(r"[-–/]", text):
                        t.text = part
                        yield t
                continue
            for form in word_forms(text):
                t.text = form
                yield t


class SpellingFilter(Filter):
    """Folded words; for words that carry accents, also "folded|original" so display can restore them."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            original = t.text
            t.text = fold(original)
            yield t
            if t.text != original:
                t.text = f"{t.text}|{original}"
                yield t


# FoldFilter and AccentPairFilter are no longer used by new indexes; they stay so that
# indexes built with them (their schema pickles these classes) still open.
class FoldFilter(Filter):
    """Fold accents and case, without stemming."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


class AccentPairFilter(Filter):
    """Emit "folded|original" for words that carry accents, so display can restore them."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            folded = fold(t.text)
            if folded != t.text and len(folded) > 2:
                t.text = f"{folded}|{t.text}"
                yield t


class _OnePassTokenizer(Tokenizer):
    """A tokenizer that also does its filters' work: Whoosh's call, words() does the rest."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        matches = (_TOKEN if tokenize else _WHOLE).finditer(value)
        return self.words(
            t, matches, positions, chars, keeporiginal, removestops, start_pos, start_char, mode
        )

    def words(self, t, matches, positions, chars, keeporiginal, removestops, start_pos, start_char, mode):
        raise NotImplementedError


class FrenchTokenizer(_OnePassTokenizer):
    """The French analysis in one pass: words, lowercase, stop words, folded stems.

    Produces exactly the tokens of RegexTokenizer | LowercaseFilter | StopFilter(renumber)
    | FrenchFormsFilter (the composed chain of earlier indexes, still importable above),
    at about half the cost: one generator instead of four, and each distinct word's forms
    computed once.
    """

    def words(self, t, matches, positions, chars, keeporiginal, removestops, start_pos, start_char, mode):
        indexing = mode != "query"
        pos = None
        for n, match in enumerate(matches):
            word = match.group().lower()
            if keeporiginal:
                t.original = match.group()
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if word in STOP_WORDS:
                if removestops:
                    continue
                # Kept but marked, in their analysed forms, as the composed chain did.
                t.stopped = True
                if positions:
                    t.pos = start_pos + n
            else:
                t.stopped = False
                if positions:
                    # StopFilter(renumber=True): the first kept word keeps its place, the next follow it.
                    pos = start_pos + n if pos is None else pos + 1
                    t.pos = pos
            for form in _index_forms(word) if indexing else _query_forms(word):
                t.text = form
                yield t


class SpellingTokenizer(_OnePassTokenizer):
    """The spelling dictionary's analysis in one pass: folded words of three letters or more,
    not stop words, and "folded|original" for words with accents (as the composed
    RegexTokenizer | LowercaseFilter | StopFilter(minsize=3) | SpellingFilter did)."""

    def words(self, t, matches, positions, chars, keeporiginal, removestops, start_pos, start_char, mode):
        for n, match in enumerate(matches):
            word = match.group().lower()
            if keeporiginal:
                t.original = match.group()
            if positions:
                t.pos = start_pos + n
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if len(word) < 3 or word in STOP_WORDS:
                if removestops:
                    continue
                t.stopped = True
            else:
                t.stopped = False
            for form in _spelling_forms(word):
                t.text = form
                yield t


_TOKEN = re.compile(TOKEN_PATTERN)
_WHOLE = re.compile(r".+", re.S)  # tokenize=False: the value is one word


def _dashed(word: str) -> str:
    """A range with hyphens only: 16/25 and 16–25 are 16-25."""
    return word.replace("–", "-").replace("/", "-")


@lru_cache(maxsize=200_000)
def _index_forms(word: str) -> tuple[str, ...]:
    if RANGE.match(word):
        return (_dashed(word), *re.split(r"[-–/]", word))
    return tuple(word_forms(word))


@lru_cache(maxsize=50_000)
def _query_forms(word: str) -> tuple[str, ...]:
    return (_dashed(word),) if RANGE.match(word) else tuple(word_forms(word))


@lru_cache(maxsize=200_000)
def _spelling_forms(word: str) -> tuple[str, ...]:
    folded = fold(word)
    return (folded,) if folded == word else (folded, f"{folded}|{word}")


def clear_caches() -> None:
    """Forget the words cached by a build (hundreds of thousands after a big catalogue): their
    memory, and the time the garbage collector spends walking them at every full collection."""
    clear_fold_cache()
    for cached in (stem, _index_forms, _query_forms, _spelling_forms):
        cached.cache_clear()


def french_analyzer():
    """The analyzer of the searched text fields."""
    return FrenchTokenizer()


def spelling_analyzer():
    """Folded, unstemmed words of three letters or more (the dictionary of "did you mean"), with accent pairs."""
    return SpellingTokenizer()


def composed_french_analyzer():
    """The four-stage chain that FrenchTokenizer replaces (kept as its reference in tests)."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=True)
        | FrenchFormsFilter()
    )


def composed_spelling_analyzer():
    """The four-stage chain that SpellingTokenizer replaces (kept as its reference in tests)."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=3, renumber=False)
        | SpellingFilter()
    )


def normalise_ranges(text: str) -> str:
    """Number ranges written as one token: "de 16 à 25 ans" -> "de 16-25"."""
    return _QUERY_RANGE.sub(_range, text)


def _range(m: re.Match) -> str:
    low, high = m.group(1), m.group(2)
    # "en 2022 à 10 h" is a year and an hour, not a range.
    return f"{low}-{high}" if int(high) > int(low) else m.group(0)


def related_forms(forms: list[str]) -> list[str]:
    """A word's searched forms and the other stems of its family (suivre -> suivi)."""
    out = list(forms)
    for form in forms:
        out.extend(f for f in _FAMILY_OF.get(form, ()) if f not in out)
    return out


def query_words(text: str, questions: bool = True) -> list[tuple[str, list[str]]]:
    """The words of a query, each with its searched forms; stop words dropped, and the words
    of asking too unless `questions` (or unless every word is one); ranges as one token."""
    analyzer = french_analyzer()
    text = normalise_ranges(text)
    out: list[tuple[str, list[str]]] = []
    last_pos = None
    for token in analyzer(text, mode="query", positions=True, chars=True, removestops=True):
        original = text[token.startchar : token.endchar]
        if token.pos == last_pos:
            out[-1][1].append(token.text)
        else:
            out.append((original, [token.text]))
            last_pos = token.pos
    if not questions:
        kept = [w for w in out if w[0].lower() not in QUESTION_WORDS]
        return kept or out
    return out
