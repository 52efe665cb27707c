"""Rebuilds swapped in atomically, in-place updates, deletions, and the Whoosh behaviours we design around."""

import subprocess
import sys

import pytest

from catalogue.models import Resource
from index import build
from index.query import SearchQuery
from index.search import Searcher


def urls(searcher, q=""):
    return sorted(h.url for h in searcher.search(SearchQuery(q=q)).hits)


def test_rebuild_writes_a_new_generation_and_keeps_only_the_previous_one(indexed):
    store, path = indexed
    build.rebuild(store, path)
    stats = build.rebuild(store, path)
    assert stats["documents"] == 6 and stats["generation"] == "gen-000003"
    assert sorted(p.name for p in path.iterdir()) == ["CURRENT", "build.lock", "gen-000002", "gen-000003"]


def test_a_crash_during_rebuild_leaves_the_live_index_untouched(indexed, monkeypatch):
    store, path = indexed
    before = build.current_generation(path)

    def broken(doc, vocabularies):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "document_fields", broken)
    with pytest.raises(RuntimeError):
        build.rebuild(store, path)
    assert build.current_generation(path) == before
    assert sorted(p.name for p in path.iterdir()) == ["CURRENT", "build.lock", before.name]
    searcher = Searcher(path, store.vocabularies)
    assert searcher.search(SearchQuery(q="")).total == 6
    searcher.close()


def test_update_changes_one_resource_in_place_and_the_open_searcher_sees_it(indexed, searcher):
    store, path = indexed
    assert urls(searcher, "mentorat") == []
    resource = store.find_by_url("https://ex.fr/pre")
    store.update_fields(resource.id, description="Le mentorat des collégiens.")
    build.update(store, path, [resource.id])
    assert urls(searcher, "mentorat") == ["https://ex.fr/pre"]
    assert searcher.search(SearchQuery(q="")).total == 6


def test_update_removes_resources_deleted_from_the_store(indexed, searcher):
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/injep")
    store.delete(resource.id)
    build.update(store, path, [resource.id])
    assert "https://ex.fr/injep" not in urls(searcher)
    assert searcher.search(SearchQuery(q="")).facets["publisher"].values[0].value != "INJEP"
    assert "INJEP" not in [v.value for v in searcher.search(SearchQuery()).facets["publisher"].values]


def test_many_updates_and_a_merge_never_give_duplicate_hits(indexed, searcher):
    """Whoosh's Searcher.refresh() duplicates hits after a merge: we reopen instead."""
    store, path = indexed
    for n in range(12):
        store.upsert(Resource(url=f"https://ex.fr/new-{n}", title=f"Évaluation numéro {n}", level="local"))
        build.update(store, path, [store.find_by_url(f"https://ex.fr/new-{n}").id])
        found = [h.id for h in searcher.search(SearchQuery(q="évaluation", per_page=100)).hits]
        assert len(found) == len(set(found))
    ix = build.open_current(path)
    ix.optimize()
    ix.close()
    results = searcher.search(SearchQuery(q="évaluation", per_page=100))
    assert results.total == len(results.hits) == len({h.id for h in results.hits}) == 14


def test_a_rebuild_is_picked_up_by_an_open_searcher(indexed, searcher):
    store, path = indexed
    store.upsert(Resource(url="https://ex.fr/late", title="Mentorat des lycéens"))
    assert urls(searcher, "mentorat") == []
    build.rebuild(store, path)
    assert urls(searcher, "mentorat") == ["https://ex.fr/late"]


def test_segments_are_separate_files_not_compound_ones(indexed):
    """Whoosh copies every part of a compound segment into memory when it opens it."""
    store, path = indexed
    build.update(store, path, [store.find_by_url("https://ex.fr/pre").id])
    folder = build.current_generation(path)
    assert [p.name for p in folder.iterdir() if p.suffix == ".seg"] == []
    assert any(p.suffix == ".pst" for p in folder.iterdir())


def _segment_files(path) -> dict[str, bytes]:
    """The files of the live generation by extension (segment names are random)."""
    folder = build.current_generation(path)
    return {f.suffix: f.read_bytes() for f in folder.iterdir() if f.suffix in {".pst", ".trm", ".seg"}}


def test_preloaded_lengths_give_the_index_whoosh_itself_writes(indexed, monkeypatch):
    store, path = indexed
    build.rebuild(store, path)
    fast = _segment_files(path)
    monkeypatch.setattr(build, "_preload_lengths", lambda writer: None)
    build.rebuild(store, path)
    plain = _segment_files(path)
    assert {".pst", ".trm"} <= set(fast)
    assert fast == plain


def test_an_update_made_during_a_rebuild_is_in_the_new_generation(indexed, searcher):
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/pre")
    edited = []

    def edit_meanwhile(done, total):
        if done == total and not edited:  # every resource is already in the new generation
            store.update_fields(resource.id, description="Le mentorat des collégiens.")
            build.update(store, path, [resource.id])
            edited.append(build.current_generation(path).name)

    stats = build.rebuild(store, path, progress=edit_meanwhile)
    assert edited == ["gen-000001"]  # the update went to the generation live at the time
    assert stats["generation"] == "gen-000002" and stats["replayed"] == 1
    assert urls(searcher, "mentorat") == ["https://ex.fr/pre"]
    assert not (path / build.PENDING).exists() and not (path / build.REBUILDING).exists()


def test_a_marker_left_by_a_dead_rebuild_is_ignored(indexed, searcher):
    store, path = indexed
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (path / build.REBUILDING).write_text(str(dead.pid))
    resource = store.find_by_url("https://ex.fr/pre")
    store.update_fields(resource.id, description="Le mentorat des collégiens.")
    build.update(store, path, [resource.id])
    assert not (path / build.PENDING).exists()
    assert urls(searcher, "mentorat") == ["https://ex.fr/pre"]


def test_a_failed_rebuild_leaves_no_marker_and_nothing_to_replay(indexed):
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/pre")

    def update_then_fail(done, total):
        build.update(store, path, [resource.id])  # noted while the rebuild runs
        assert (path / build.PENDING).exists()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build.rebuild(store, path, progress=update_then_fail)
    assert not (path / build.PENDING).exists() and not (path / build.REBUILDING).exists()


def test_a_second_rebuild_while_one_runs_is_refused_and_changes_nothing(indexed, searcher):
    store, path = indexed
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (path / build.REBUILDING).write_text(str(other.pid))
        with pytest.raises(build.IndexBuildError, match=f"already being rebuilt \\(process {other.pid}\\)"):
            build.rebuild(store, path)
        assert (path / build.REBUILDING).read_text() == str(other.pid)  # still the other one's
        assert sorted(p.name for p in path.iterdir()) == ["CURRENT", "REBUILDING", "build.lock", "gen-000001"]
    finally:
        other.kill()
        other.wait()
    assert build.rebuild(store, path)["generation"] == "gen-000002"  # its process is gone
