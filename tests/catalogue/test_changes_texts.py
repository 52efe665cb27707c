"""A change of link status alone (a check run) goes to the index, not to the suggested themes."""

from types import SimpleNamespace

from catalogue.changes import Changes


def test_a_check_run_skips_the_follow_ups_that_only_care_about_texts(store):
    called = []

    def suggestions(store, ids):
        called.append(("suggestions", ids))

    suggestions.texts_only = True

    def index(store, ids):
        called.append(("index", ids))

    changes = Changes(store, [suggestions, index])
    run = SimpleNamespace(summary={"ok": 1}, changed_ids=["aaaaaaaaaaaa"])
    changes.record_check("système", run)
    changes.announce(["bbbbbbbbbbbb"])
    assert [
        ("index", ["aaaaaaaaaaaa"]),
        ("suggestions", ["bbbbbbbbbbbb"]),
        ("index", ["bbbbbbbbbbbb"]),
    ] == called
