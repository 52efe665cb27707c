"""A small cache of recent search results and « see also » lists in front of the app's Searchers, emptied
when the index changes.

Pages repeat the same searches (the home page's counts, theme links, "Voir aussi", a
shared URL); the catalogue changes rarely (a nightly crawl, a staff edit). The index's
version is read from its files on every search (the live generation and its Whoosh
table-of-contents files), so an update or a rebuild is seen by the next request.
"""

import threading
from pathlib import Path

from cachetools import LRUCache

from index.query import SearchQuery, SearchResults
from index.search import index_version

DEFAULT_SIZE = 512
# « See also » lists are a few hits each; resources sharing the same themes share one.
RELATED_SIZE = 2048


def query_key(query: SearchQuery) -> tuple:
    """A hashable key of everything that shapes a search's results."""
    filters = tuple((name, tuple(values)) for name, values in sorted(query.filters.items()))
    return (query.q, filters, query.sort, query.page, query.per_page)


class CachedSearcher:
    """Wraps a Searcher (same `search`/`related`/`close`); results are shared read-only between requests.

    « See also » lists may come from a second Searcher of the same index (`related_searcher`):
    a Searcher runs one call at a time, and a resource page should not wait behind a whole
    search (facets, snippets) to list five resources.
    """

    def __init__(
        self,
        searcher,
        index_path,
        size: int = DEFAULT_SIZE,
        related_size: int = RELATED_SIZE,
        related_searcher=None,
    ):
        self.searcher = searcher
        self.related_searcher = related_searcher or searcher
        self.index_path = Path(index_path)
        self.size = size
        self._lock = threading.Lock()
        # One LRU per kind: the many small « see also » lists never push searches out.
        self._entries = {"search": LRUCache(maxsize=size), "related": LRUCache(maxsize=related_size)}
        self._version: tuple | None = None
        self.hits = self.misses = 0

    def search(self, query: SearchQuery, *, cache: bool = True) -> SearchResults:
        """The results of a query, from the cache when the index has not changed since."""
        if not cache:
            with self._lock:
                self.misses += 1
            return self.searcher.search(query)
        return self._cached("search", query_key(query), lambda: self.searcher.search(query))

    def _cached(self, kind: str, key: tuple, compute):
        """The cached value of `key` for the index's current version, else `compute()` (then kept)."""
        version = index_version(self.index_path)
        with self._lock:
            if version != self._version:
                for entries in self._entries.values():
                    entries.clear()
                self._version = version
            found = self._entries[kind].get(key)
            if found is not None:
                self.hits += 1
                return found
            self.misses += 1
        value = compute()
        with self._lock:
            if version == self._version:
                self._entries[kind][key] = value  # the least recently used goes beyond the LRU's size
        return value

    def ids(self, query: SearchQuery) -> list[str]:
        """The ids of every result of a query, in order (not cached: feeds and exports are rare)."""
        return self.searcher.ids(query)

    def related(self, filters: dict[str, list[str]], limit: int) -> list:
        """A resource page's « see also »: the most recent resources passing these filters, computed
        once per index version (resources sharing themes share it; the order of values does not matter)."""
        key = (tuple((name, tuple(sorted(values))) for name, values in sorted(filters.items())), limit)
        return self._cached("related", key, lambda: self.related_searcher.related(filters, limit))

    def thesaurus(self) -> list[str]:
        """The synonym groups' words and phrases (never cached: staff edits apply at once)."""
        return self.searcher.thesaurus()

    def close(self) -> None:
        """Close the underlying searchers and forget the cached results."""
        with self._lock:
            for entries in self._entries.values():
                entries.clear()
        self.searcher.close()
        if self.related_searcher is not self.searcher:
            self.related_searcher.close()
