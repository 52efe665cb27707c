"""Fingerprints: the same bytes, the same text, a near-identical text; a different text is not a match."""

import random

from catalogue import fingerprint as fpr

WORDS = (
    "école famille quartier collège lecture parents élèves ville association réussite projet atelier".split()
)


def text(seed: int, n: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 50)) for _ in range(n))


def test_normalised_text_ignores_case_accents_spacing_and_punctuation():
    assert (
        fpr.fingerprint(None, "L'École  des PARENTS, élèves !").text_hash
        == fpr.fingerprint(None, "l ecole des parents eleves").text_hash
    )


def test_a_near_identical_text_is_similar_and_a_different_one_is_not():
    original = text(1)
    words = original.split()
    words[150] = "changé"
    assert (
        fpr.similarity(fpr.sketch(fpr.normalise(original)), fpr.sketch(fpr.normalise(" ".join(words))))
        >= fpr.NEAR_THRESHOLD
    )
    assert fpr.similarity(fpr.sketch(fpr.normalise(original)), fpr.sketch(fpr.normalise(text(2)))) < 0.2


def test_a_short_text_has_no_sketch():
    assert () == fpr.sketch(["un", "deux", "trois"])


def test_find_match_in_the_store_by_bytes_text_then_near_text(store):
    from catalogue.models import Resource

    store.upsert(Resource(url="https://a.test/1", title="Un"))
    store.upsert(Resource(url="https://a.test/2", title="Deux"))
    store.upsert(Resource(url="https://a.test/3", title="Trois"))
    fpr.save(
        store, fpr.fingerprint(b"%PDF-1 bytes", "a"), resource_id=store.find_by_url("https://a.test/1").id
    )
    fpr.save(store, fpr.fingerprint(None, text(5)), resource_id=store.find_by_url("https://a.test/2").id)
    fpr.save(store, fpr.fingerprint(None, text(9)), resource_id=store.find_by_url("https://a.test/3").id)
    assert "bytes" == fpr.find_match(store, fpr.fingerprint(b"%PDF-1 bytes", "")).how
    assert "text" == fpr.find_match(store, fpr.fingerprint(None, text(5).upper())).how
    near = text(9).split()
    near[10] = "autre"
    match = fpr.find_match(store, fpr.fingerprint(None, " ".join(near)))
    assert ("near", store.find_by_url("https://a.test/3").id) == (match.how, match.resource_id)
    assert fpr.find_match(store, fpr.fingerprint(b"other", text(11))) is None
