"""Folding French text: what it gives, and what it keeps in memory."""

import tracemalloc

from catalogue.text import clear_fold_cache, comparable, fold


def test_fold_lowercases_strips_accents_and_spells_out_ligatures():
    assert fold("Œuvre évaluée’") == "oeuvre evaluee'"
    assert fold("ÉLÈVES " * 20) == "eleves " * 20  # longer than a word: same folding
    assert comparable("  Réussite   ÉDUCATIVE ") == "reussite educative"


def test_folding_long_texts_does_not_keep_them():
    """Theme suggestion folds every resource's text: a cache of whole texts grew with the catalogue."""
    clear_fold_cache()
    texts = [f"Évaluation n° {n} : " + "parentalité et réussite éducative " * 100 for n in range(300)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for text in texts:
            assert fold(text).startswith("evaluation n")
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 100_000  # 300 folded texts of 3.4 KB would be 1 MB
