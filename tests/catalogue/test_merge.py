"""Merging a resource catalogued twice: the kept fields win, the other's address becomes an alternate and
an alias, its page id redirects, its proposals follow; audited; never with itself."""

import pytest

from catalogue import audit, merge, proposals
from catalogue.changes import Changes
from catalogue.models import Resource


@pytest.fixture
def two(store):
    keep, _ = store.upsert(
        Resource(
            url="https://centre.test/guide.pdf",
            title="Guide (titre choisi)",
            themes=["evaluation"],
            level="regional",
        )
    )
    drop, _ = store.upsert(
        Resource(
            url="https://hebergeur.test/f/guide.pdf",
            title="guide.pdf",
            description="Le guide de l'évaluation des cités.",
            themes=["parentalite"],
            level="national",
            publisher="IREV",
        )
    )
    proposals.add_alternate(
        store, "https://miroir.test/guide.pdf", resource_id=drop.id, reason="fichier identique"
    )
    return keep, drop


def test_merge_keeps_a_person_s_fields_fills_empty_ones_and_joins_themes(store, two):
    keep, drop = two
    announced = []
    merged = Changes(store, [lambda s, ids: announced.extend(ids)]).merge("camille", keep.id, drop.id)
    assert ("Guide (titre choisi)", "regional", "Le guide de l'évaluation des cités.", "IREV") == (
        merged.title,
        merged.level,
        merged.description,
        merged.publisher,
    )
    assert ["evaluation", "parentalite"] == merged.themes
    assert [keep.id, drop.id] == announced


def test_the_duplicate_s_address_finds_the_kept_resource_and_its_page_redirects(store, two):
    keep, drop = two
    Changes(store).merge("camille", keep.id, drop.id)
    assert keep.id == store.find_by_url(drop.url).id
    assert keep.id == merge.merged_into(store, drop.id)
    assert {"https://hebergeur.test/f/guide.pdf", "https://miroir.test/guide.pdf"} == {
        a["url"] for a in proposals.alternates(store, keep.id)
    }
    assert 1 == store.count()


def test_merge_is_audited_with_the_duplicate_s_fields(store, two):
    keep, drop = two
    Changes(store).merge("camille", keep.id, drop.id)
    (entry,) = [e for e in audit.entries(store) if e.action == "resource.merge"]
    assert ("camille", keep.id, "guide.pdf") == (entry.actor, entry.resource_id, entry.before["title"])
    assert {
        "description": "Le guide de l'évaluation des cités.",
        "publisher": "IREV",
    }.items() <= entry.after.items()


def test_a_resource_is_never_merged_with_itself(store, two):
    keep, _ = two
    with pytest.raises(merge.MergeError, match="elle-même"):
        Changes(store).merge("camille", keep.id, keep.id)
    assert 2 == store.count()


def test_cli_merge_by_address_and_an_unknown_one_is_a_clear_error(settings, two):
    from click.testing import CliRunner

    from catalogue.cli import cli

    keep, drop = two
    args = ["--data-dir", str(settings.data_path), "merge"]
    unknown = CliRunner().invoke(cli, [*args, keep.id, "0123456789ab"])
    assert 2 == unknown.exit_code and "0123456789ab" in unknown.output
    done = CliRunner().invoke(cli, [*args, keep.url, drop.url])
    assert 0 == done.exit_code, done.output
    assert f"Fusionnée : {drop.id} → {keep.id}" in done.output
