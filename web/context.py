"""Per-request and per-process handles of the site: settings, the store on `g`, the shared searcher."""

import threading

from flask import Flask, current_app, flash, g

from catalogue.changes import Changes
from catalogue.store import Store
from catalogue.vocabularies import Vocabularies, vocabularies_of
from web.searchcache import CachedSearcher

_SEARCHER = "catalogue.searcher"
_VOCABULARIES = "catalogue.vocabularies"
_LOCK = "catalogue.searcher_lock"
_STORES = "catalogue.stores"


def get_settings():
    """The Settings of the running app."""
    return current_app.config["SETTINGS"]


def get_vocabularies() -> Vocabularies:
    """The controlled vocabularies, read once per app."""
    vocabularies = current_app.extensions.get(_VOCABULARIES)
    if vocabularies is None:
        vocabularies = vocabularies_of(get_settings())
        current_app.extensions[_VOCABULARIES] = vocabularies
    return vocabularies


def get_store() -> Store:
    """The store of this thread (waitress keeps its threads: one connection each, opened on first use)."""
    local = current_app.extensions[_STORES]
    store = getattr(local, "store", None)
    if store is None:
        store = local.store = Store(get_settings().database_path, get_vocabularies())
    return store


def end_request(exc=None) -> None:
    """Forget the request's change path; the thread's store stays open for its next request."""
    g.pop("changes", None)


def get_searcher() -> CachedSearcher:
    """The Searcher of this app (thread-safe, reopens itself when the index changed), behind a result cache,
    with a second one for resource pages' « see also » lists (which then never wait behind a search)."""
    searcher = current_app.extensions.get(_SEARCHER)
    if searcher is None:
        with current_app.extensions[_LOCK]:
            searcher = current_app.extensions.get(_SEARCHER)
            if searcher is None:
                from index.search import Searcher

                index_path, vocabularies = get_settings().index_path, get_vocabularies()
                # Warmed in the background on each new view of the index (index.search.Searcher.warm);
                # « see also » lists need no warming (no query is run).
                searcher = CachedSearcher(
                    Searcher(index_path, vocabularies, warm=True),
                    index_path,
                    related_searcher=Searcher(index_path, vocabularies),
                )
                current_app.extensions[_SEARCHER] = searcher
    return searcher


def get_services():
    """What the composition root injected (crawl_now, import_page, follow_ups…), or None."""
    return current_app.extensions.get("catalogue.services")


def service(name: str):
    """One injected service (crawl_now, import_page, follow_ups…), or None when the site runs without it."""
    services = get_services()
    if services is None:
        return None
    if isinstance(services, dict):
        return services.get(name)
    return getattr(services, name, None)


def get_changes() -> Changes:
    """The actions of this request's store, with the follow-ups the composition root subscribed."""
    if "changes" not in g:
        g.changes = Changes(get_store(), service("follow_ups") or ())
    return g.changes


def keep_index_current() -> None:
    """Before serving: let the composition root apply changes the index does not hold yet."""
    catch_up = service("keep_index_current")
    if catch_up is not None:
        catch_up()


def flash_notes(changes: Changes) -> None:
    """Tell the person what the follow-ups of their change said (the search lags a moment…)."""
    for note in changes.notes:
        flash(note[:1].upper() + note[1:] + ".", "info")


def init_app(app: Flask) -> None:
    """Register the per-thread stores, the searcher lock, the catch-up before each request (the staff pages provide `staff_home_url`)."""
    app.extensions[_LOCK] = threading.Lock()
    app.extensions[_STORES] = threading.local()
    app.before_request(keep_index_current)
    app.teardown_appcontext(end_request)
