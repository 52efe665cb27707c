"""What follows every change, subscribed once for the CLI and the site: suggested themes, then the index.

Part of the composition root: the one place that ties the catalogue's changes
(catalogue/changes.py) to the index, which the catalogue core does not know.
"""

import logging
import shlex

import click

from catalogue import suggest
from catalogue.changes import Actor, Changes

log = logging.getLogger(__name__)

# Said to a person whose change is saved while another process writes the index.
INDEX_DELAYED = "enregistré ; la recherche sera à jour dans un instant"
INDEX_MISSING = "enregistré ; l'index de recherche n'existe pas encore : lancez « catalogue reindex »"


def suggest_themes(store, ids: list[str]) -> None:
    """Follow-up: recompute the suggested themes of the changed resources still in the store."""
    present = store.present_ids(ids)
    if present:
        suggest.apply(store, [rid for rid in ids if rid in present])


suggest_themes.texts_only = True  # a change of link status alone (a check) changes no suggestion


def index_update(settings, *, timeout: float | None = None, build_missing: bool = True):
    """Follow-up: bring the index up to date with the change log (or build it when there is none)."""
    from index.build import WRITER_TIMEOUT, IndexBuildError, IndexMissing, catch_up

    wait = WRITER_TIMEOUT if timeout is None else timeout

    def update_index(store, ids: list[str]) -> str | None:
        try:
            caught = catch_up(store, settings.index_path, timeout=wait)
        except IndexMissing:
            if build_missing:
                rebuild_index(store, settings)
                return None
            log.warning("no index yet: %d changed resources will be indexed by `catalogue reindex`", len(ids))
            return INDEX_MISSING
        except IndexBuildError as exc:
            log.warning("index not updated now (%s): the change log keeps the changes", exc)
            return INDEX_DELAYED
        return INDEX_DELAYED if caught.waiting else None

    return update_index


def follow_ups(settings, *, timeout: float | None = None, build_missing: bool = True) -> list:
    """The follow-ups of a change, in order: suggested themes, then the index update."""
    return [suggest_themes, index_update(settings, timeout=timeout, build_missing=build_missing)]


def open_changes(store, settings, *, index: bool = True, build_missing: bool = True) -> Changes:
    """The actions on this store with the follow-ups of the CLI (`index=False`: suggested themes only;
    `build_missing=False`: a missing index is left for `catalogue reindex` instead of built now)."""
    if not index:
        return Changes(store, [suggest_themes])
    return Changes(store, follow_ups(settings, build_missing=build_missing))


def command_actor(*words: str) -> Actor:
    """The system user, with the command being run and its main arguments (for the audit log)."""
    ctx = click.get_current_context(silent=True)
    path = ["catalogue", *(ctx.command_path.split()[1:] if ctx is not None else [])]
    return Actor.system(shlex.join([*path, *words]))


def rebuild_index(store, settings, *, progress=None, procs: int | None = None, themes_progress=None) -> dict:
    """Recompute every suggested theme, then rebuild the whole index (stats, with "suggested");
    `themes_progress(done, total)` and `progress(done, total)` follow each step."""
    from index.build import rebuild

    suggested = suggest.apply(store, progress=themes_progress)
    stats = rebuild(store, settings.index_path, progress=progress, procs=procs)
    stats["suggested"] = suggested
    return stats


def catch_up_index(store, settings, *, timeout: float = 5.0) -> None:
    """Before serving or writing: apply what the store changed since the index last caught up (a process
    killed after its store commit left it there). Nothing to do when there is no index yet."""
    from index.build import IndexMissing, catch_up

    try:
        catch_up(store, settings.index_path, timeout=timeout)
    except IndexMissing:
        pass
