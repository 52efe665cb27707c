"""One way to fold French text (catalogue/text.py): completions, vocabulary labels and the order of titles
all treat « Œuvre », « oeuvre » and « œuvre » alike, and a curly apostrophe as a straight one."""

from catalogue.completions import Candidates
from catalogue.store import title_key
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
