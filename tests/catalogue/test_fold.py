"""One way to fold French text (catalogue/text.py): completions, vocabulary labels and the order of titles
all treat « Œuvre », « oeuvre » and « œuvre » alike, and a curly apostrophe as a straight one."""

import unicodedata

from catalogue.completions import Candidates
from catalogue.store import title_key
from catalogue.text import fold
from catalogue.vocabularies import fold as label_key


def test_a_completion_typed_with_oe_finds_a_title_written_with_the_ligature():
    candidates = Candidates(["Œuvres de Molière", "Sœurs et frères", "Orientation"])
    assert (["Œuvres de Molière"], ["Sœurs et frères"], ["Œuvres de Molière"]) == (
        candidates.complete("oeuv"),
        candidates.complete("soeur"),
        candidates.complete("œuv"),
    )


def test_a_vocabulary_label_is_found_whatever_the_ligature_and_the_apostrophe():
    assert label_key("Œuvre d’art") == label_key("oeuvre d'art") == label_key("OEUVRE-D-ART")


def test_titles_are_ordered_as_a_person_would_with_the_ligature_spelt_out():
    titles = ["Zèbre", "Paris", "Œuvres complètes", "Orientation", "élève"]
    assert ["élève", "Œuvres complètes", "Orientation", "Paris", "Zèbre"] == sorted(titles, key=title_key)


def reference_fold(text: str) -> str:
    """fold() as first written: per character, slow on long texts, the definition the fast one must keep."""
    text = text.lower().translate(str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'"}))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def test_long_texts_fold_as_the_per_character_definition_does_for_every_code_point():
    # Blocks longer than the cached length, each code point also after a letter and before a mark.
    blocks = [
        "".join(f"e{chr(c)}\u0301" for c in range(start, min(start + 400, 0x110000)))
        for start in range(0, 0x110000, 400)
    ]
    assert [reference_fold(b) for b in blocks] == [fold(b) for b in blocks]


def test_a_long_french_text_folds_as_the_per_character_definition_does():
    text = "Œuvre d’art ÉVALUÉE, « cœur » Straße‘ — l’ÉTÉ à Noël, ﬁn ² ½ Ⅻ. " * 20
    assert reference_fold(text) == fold(text)
