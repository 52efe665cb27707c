"""Rebuilds swapped in atomically, in-place updates, deletions, and the Whoosh behaviours we design around."""

import subprocess
import sys
from contextlib import contextmanager

import pytest

from catalogue.models import Resource
from index import build, shards
from index.query import SearchQuery
from index.search import Searcher


def generations(path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.name.startswith(build.PREFIX))


def urls(searcher, q=""):
    return sorted(h.url for h in searcher.search(SearchQuery(q=q)).hits)


def test_rebuild_writes_a_new_generation_and_keeps_only_the_previous_one(indexed):
    store, path = indexed
    build.rebuild(store, path)
    stats = build.rebuild(store, path)
    assert stats["documents"] == 6 and stats["generation"] == "gen-000003"
    assert generations(path) == ["gen-000002", "gen-000003"]


def test_a_crash_during_rebuild_leaves_the_live_index_untouched(indexed, monkeypatch):
    store, path = indexed
    before = build.current_generation(path)

    def broken(doc, vocabularies):
        raise RuntimeError("disk full")

    monkeypatch.setattr(shards, "document_fields", broken)
    with pytest.raises(RuntimeError):
        build.rebuild(store, path)
    assert build.current_generation(path) == before
    assert generations(path) == [before.name]
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
    monkeypatch.setattr(shards, "_preload_lengths", lambda writer: None)
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


def test_a_change_nobody_reindexed_is_applied_by_the_next_catch_up(indexed, searcher):
    """A process killed between its store commit and its index update: the change log keeps the change."""
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/pre")
    store.update_fields(resource.id, description="Le mentorat des collégiens.")
    store.delete(store.find_by_url("https://ex.fr/injep").id)
    assert urls(searcher, "mentorat") == []
    caught = build.catch_up(store, path)
    assert (caught.resources, caught.applied, caught.waiting) == (2, store.last_change(), False)
    assert urls(searcher, "mentorat") == ["https://ex.fr/pre"]
    assert "https://ex.fr/injep" not in urls(searcher)
    assert build.catch_up(store, path).resources == 0  # nothing left


def test_a_failed_rebuild_keeps_the_updates_made_meanwhile_in_the_live_generation(indexed, searcher):
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/pre")

    def update_then_fail(done, total):
        store.update_fields(resource.id, description="Le mentorat des collégiens.")
        build.update(store, path)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build.rebuild(store, path, progress=update_then_fail)
    assert generations(path) == ["gen-000001"]
    assert urls(searcher, "mentorat") == ["https://ex.fr/pre"]


HOLD_LOCK = """
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""


@contextmanager
def lock_held_by_another_process(path):
    """A real process holding an OS lock on `path`, killed (-9) when the block ends."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    ) as other:
        try:
            assert other.stdout.readline() == "held\n"
            yield other
        finally:
            other.kill()


def test_a_second_rebuild_while_one_runs_is_refused_and_changes_nothing(indexed, searcher):
    store, path = indexed
    with lock_held_by_another_process(path / "rebuild.lock"):
        with pytest.raises(build.IndexBuildError, match="déjà en reconstruction"):
            build.rebuild(store, path)
        assert generations(path) == ["gen-000001"]
    assert build.rebuild(store, path)["generation"] == "gen-000002"  # its process is gone: so is its lock


@pytest.mark.parametrize("marker", ["", "0", "1", "not a pid"])
def test_marker_files_of_earlier_versions_never_block_a_rebuild(indexed, marker):
    store, path = indexed
    (path / "REBUILDING").write_text(marker)
    (path / "PENDING").write_text("x\n" * 1000)
    assert build.rebuild(store, path)["generation"] == "gen-000002"
    assert not (path / "REBUILDING").exists() and not (path / "PENDING").exists()


def test_a_killed_rebuilds_half_written_generation_is_discarded_and_the_live_one_kept(indexed, searcher):
    store, path = indexed
    build.rebuild(store, path)  # live gen-000002, previous gen-000001
    half = path / "gen-000003"
    half.mkdir()
    (half / "_MAIN_1.toc").write_bytes(b"half")
    stats = build.rebuild(store, path)
    assert stats["generation"] == "gen-000003" and stats["documents"] == 6
    assert generations(path) == ["gen-000002", "gen-000003"]  # the previous live one is kept
    assert searcher.search(SearchQuery()).total == 6


def test_a_change_while_another_process_writes_the_index_waits_for_it(indexed, searcher):
    store, path = indexed
    resource = store.find_by_url("https://ex.fr/pre")
    with lock_held_by_another_process(path / "update.lock"):
        store.update_fields(resource.id, description="Le mentorat des collégiens.")
        caught = build.catch_up(store, path, timeout=0.2)
        assert caught.waiting and caught.resources == 0
        assert urls(searcher, "mentorat") == []
    assert build.catch_up(store, path).resources == 1
    assert urls(searcher, "mentorat") == ["https://ex.fr/pre"]


def test_an_index_written_by_an_earlier_version_is_refused_by_updates_and_rebuilt_by_init(indexed, settings):
    """After an upgrade that changed fields or analysis, updating the old index would mix two schemas."""
    from click.testing import CliRunner

    from catalogue.cli import cli

    store, path = indexed
    live = build.current_generation(path)
    assert build.index_current(path)
    (live / "SCHEMA").unlink()  # as a generation written before schema versions were recorded
    assert not build.index_current(path)
    resource = store.find_by_url("https://ex.fr/pre")
    store.update_fields(resource.id, description="Le mentorat des collégiens.")
    with pytest.raises(build.IndexOutdated):
        build.catch_up(store, path)

    result = CliRunner().invoke(cli, ["--data-dir", str(settings.data_path), "init"])
    assert result.exit_code == 0, result.output
    assert build.index_current(path) and build.current_generation(path) != live
    assert build.catch_up(store, path).resources == 0  # the rebuilt index holds the change
