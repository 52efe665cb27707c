"""Searching the index: one Searcher per process, shared by threads, reopened only when the index changed.

Searches are serialised by a lock: Whoosh readers share file positions, and the work is
pure Python under the GIL, so concurrency would add risk without speed. The searcher is
never `refresh()`ed (a Whoosh 2.7.5 bug returns duplicate hits after a merge): a new one
is opened when the live generation or its segments changed, and the old one closed.
Matching goes through index.evaluate (whole posting lists, Whoosh's scores); each snapshot
keeps bounded caches (term scores, positions and offsets of shown documents, stored fields,
matches and facet counts of recent searches), dropped with it.
"""

import logging
import os
import re
import threading
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.query import FuzzyTerm

from catalogue import staffdata
from catalogue.links import status_label
from catalogue.staffdata import SYNONYMS
from catalogue.vocabularies import Vocabularies
from index import querybuild
from index.analysis import fold, related_forms, word_forms
from index.build import IndexMissing, current_generation, open_current
from index.evaluate import Evaluator, WordList, term_documents
from index.facets import count_facets, restrict, selection_sets
from index.postings import LRU
from index.query import Hit, SearchQuery, SearchResults
from index.ranking import CANDIDATES, coordinate, proximity_factors
from index.schema import FACET_FIELDS, FIELD_WEIGHTS
from index.scoring import CachedBM25F
from index.snippets import analysed_spans, body_spans, make_snippet
from index.synonyms import Synonyms
from index.synonyms import default_path as synonyms_default_path

log = logging.getLogger(__name__)

# Per searcher: term positions/offsets read for pages (entries), stored fields of shown documents.
VALUES_CACHED = 20_000
STORED_CACHED = 2_000
# Per searcher: matches and facet counts of recent (words, filters), shared by their pages and sorts.
SEARCHES_CACHED = 32
FALLBACK_ANY = "Aucune ressource ne contient tous les mots : voici celles qui en contiennent au moins un."
FALLBACK_FUZZY = "Aucune ressource ne contient ces mots : voici celles qui contiennent des mots proches."


def _existing_terms(q, reader, evaluator=None) -> set[tuple[str, bytes]]:
    """The (field, term) pairs of a query present in the index.

    Whoosh's Query.existing_terms() reuses its `fieldname` argument as a loop variable and
    skips the leaves of every field but the first: not usable on multi-field queries.
    Fuzzy leaves are expanded once per searcher (by `evaluator`, when given).
    """
    found = set()
    for leaf in q.leaves():
        if evaluator is not None and isinstance(leaf, FuzzyTerm):
            expanded = [(leaf.field(), w) for w in evaluator.expansion(leaf)]
        else:
            expanded = leaf.expanded_terms(reader, phrases=True)
        for fieldname, text in expanded:
            term = reader.schema[fieldname].to_bytes(text) if isinstance(text, str) else text
            if (fieldname, term) in reader:
                found.add((fieldname, term))
    return found


def index_version(index_path: Path) -> tuple:
    """What changes whenever the live index changes: its generation and its table-of-contents files."""
    folder = current_generation(index_path)
    if folder is None:
        return ()
    with os.scandir(folder) as entries:
        tocs = sorted(e.name for e in entries if e.name.endswith(".toc"))
    return (folder.name, *tocs)


class _Snapshot:
    """A point-in-time view of one generation, with the caches computed on it."""

    def __init__(self, folder: Path, index_path):
        self.folder = folder
        self.ix = open_current(index_path)
        self.searcher = self.ix.searcher(weighting=CachedBM25F())
        self.evaluator = Evaluator(self.searcher)
        WordList(self.searcher.reader()).install()
        self.values = LRU(VALUES_CACHED)
        self.stored = LRU(STORED_CACHED)
        self.counted = LRU(SEARCHES_CACHED)
        self._value_sets = None
        self._live = None
        self._ranks = {}

    @property
    def reader(self):
        return self.searcher.reader()

    def reopen_if_changed(self) -> bool:
        """Open a new searcher when the index got new segments; True if so."""
        if self.searcher.up_to_date():
            return False
        old = self.searcher
        self.searcher = self.ix.searcher(weighting=CachedBM25F())
        self.evaluator = Evaluator(self.searcher)
        WordList(self.searcher.reader()).install()
        self.values = LRU(VALUES_CACHED)
        self.stored = LRU(STORED_CACHED)
        self.counted = LRU(SEARCHES_CACHED)
        old.close()
        self._value_sets, self._live, self._ranks = None, None, {}
        return True

    @property
    def size(self) -> int:
        return self.evaluator.size

    def _mask(self, docnums: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[docnums] = True
        return mask

    def live(self) -> np.ndarray:
        """The mask of the documents not deleted."""
        if self._live is None:
            self._live = self._mask(np.fromiter(self.reader.all_doc_ids(), dtype=np.int64))
        return self._live

    def value_sets(self) -> dict[str, dict[str, np.ndarray]]:
        """For each facet, the mask of the documents of each value (deleted documents excluded)."""
        if self._value_sets is None:
            reader = self.reader
            sets = {}
            for name, fieldname in FACET_FIELDS.items():
                sets[name] = {
                    term.decode("utf-8"): self._mask(term_documents(reader, fieldname, term))
                    for term in reader.lexicon(fieldname)
                }
                sets[name] = {v: d for v, d in sets[name].items() if d.any()}
            self._value_sets = sets
        return self._value_sets

    def rank(self, fieldname: str) -> np.ndarray:
        """For every document number, the rank of its value in a sortable column (equal values, equal ranks)."""
        if fieldname not in self._ranks:
            reader = self.reader
            # An index of no document has no columns: Whoosh's empty reader raises NotImplementedError.
            values = list(reader.column_reader(fieldname)) if reader.doc_count_all() else []
            _, ranks = np.unique(np.asarray(values, dtype=object), return_inverse=True)
            self._ranks[fieldname] = np.asarray(ranks, dtype=np.int64).reshape(-1)
        return self._ranks[fieldname]

    def close(self):
        self.searcher.close()
        self.ix.close()


class Searcher:
    """Searches the live index of `index_path`; thread-safe; close() when done."""

    def __init__(
        self,
        index_path,
        vocabularies: Vocabularies,
        synonyms: Synonyms | None = None,
        *,
        synonyms_path=None,
        warm: bool = False,
    ):
        self.index_path = Path(index_path)
        self.vocabularies = vocabularies
        self._synonyms_given = synonyms
        # The staff's copy in the data directory (the index folder's parent), else the packaged file.
        self.synonyms_path = Path(synonyms_path) if synonyms_path else self.index_path.parent / SYNONYMS
        self.synonyms = None
        self._synonyms_mtime = None
        self.synonyms = synonyms or self._load_synonyms()
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        # A long-lived searcher (the site's) warms every new view of the index in the background.
        self._warm_in_background = warm

    def _load_synonyms(self) -> Synonyms:
        """The synonyms file, read again when staff edited it (no reindex needed); a malformed edit is
        refused (logged with its line) and the version in force stays."""
        path = self.synonyms_path if self.synonyms_path.exists() else synonyms_default_path()
        mtime = (str(path), path.stat().st_mtime)
        if mtime != self._synonyms_mtime:
            loaded, refusal = staffdata.load(self.synonyms_path, synonyms_default_path(), Synonyms.load)
            if refusal is None or self.synonyms is None:
                self.synonyms = loaded
            self._synonyms_mtime = mtime
        return self.synonyms

    def close(self) -> None:
        """Release the open index."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    def _current(self) -> _Snapshot:
        folder = current_generation(self.index_path)
        if folder is None:
            raise IndexMissing(self.index_path)
        snap = self._snapshot
        if snap is not None and snap.folder == folder:
            if snap.reopen_if_changed() and self._warm_in_background:
                self._start_warming(snap)
            return snap
        new = _Snapshot(folder, self.index_path)
        if snap is not None:
            snap.close()
        self._snapshot = new
        if self._warm_in_background:
            self._start_warming(new)
        return new

    def warm(self) -> int:
        """Run every synonym group once, so that the postings and phrase matches of all their forms
        are in the caches of the current view of the index; the number of groups run.

        Every query containing a word of a group searches all its forms (often phrases, whose
        positions are decoded document by document): a search server runs such warming queries
        on each new searcher so that the first users after an index change do not pay for them.
        One group at a time under the lock: searches go on meanwhile.
        """
        with self._lock:
            if self._synonyms_given is None:
                self._load_synonyms()
            snap = self._current()
            evaluator, groups = snap.evaluator, list(self.synonyms.groups)
        return self._warm_groups(snap, evaluator, groups)

    def _start_warming(self, snap: _Snapshot) -> None:
        args = (snap, snap.evaluator, list(self.synonyms.groups))
        threading.Thread(target=self._warm_groups, args=args, name="search-warming", daemon=True).start()

    def _warm_groups(self, snap: _Snapshot, evaluator, groups) -> int:
        done = 0
        for group in groups:
            with self._lock:
                if self._snapshot is not snap or snap.evaluator is not evaluator:
                    break  # a newer view of the index is warmed by its own thread
                try:
                    parsed = querybuild.parse(group[0].text, self.synonyms)
                    for clause in parsed.clauses:
                        self._run(snap, querybuild.clause_query(clause))
                except Exception:  # noqa: BLE001 - warming only saves time: searches work without it
                    log.warning("warming stopped at the synonym group %r", group[0].text, exc_info=True)
                    break
            done += 1
        log.debug("warmed %d synonym groups of %s", done, snap.folder.name)
        return done

    def label(self, facet: str, value: str) -> str:
        """The French label of a facet value."""
        if facet == "theme":
            return self.vocabularies.themes.label(value)
        if facet == "level":
            return self.vocabularies.levels.label(value)
        if facet == "type":
            return self.vocabularies.types.label(value)
        if facet == "status":
            return status_label(value)
        return value

    def search(self, sq: SearchQuery) -> SearchResults:
        """Run a search: a page of hits, the total, disjunctive facet counts, suggestion and fallback."""
        with self._lock:
            if self._synonyms_given is None:
                self._load_synonyms()
            return self._search(self._current(), sq)

    def _run(self, snap: _Snapshot, q) -> dict[int, float]:
        """Every match of a query with its score (shared with the evaluator's cache: not to be changed)."""
        return snap.evaluator.scores(q)

    def thesaurus(self) -> list[str]:
        """Every word and phrase of the synonym groups, as written (read again when staff edited them)."""
        with self._lock:
            if self._synonyms_given is None:
                self._load_synonyms()
            return [variant.text for group in self.synonyms.groups for variant in group]

    def ids(self, sq: SearchQuery) -> list[str]:
        """The ids of every result of a search, in its order: no page, snippet, facet or suggestion is
        computed (feeds and exports need only the ids)."""
        with self._lock:
            if self._synonyms_given is None:
                self._load_synonyms()
            snap = self._current()
            parsed, _, _, (found, _executed, fallback, complete, _facets, final) = self._counted(snap, sq)
            words = querybuild.proximity_words(parsed) if fallback != FALLBACK_FUZZY else []
            wanted = int(np.count_nonzero(final))
            order = self._order(snap, sq.sort, found.copy(), final, words, complete, wanted)
            stored = snap.stored
            ids = []
            for docnum in order:
                fields = stored.get(docnum)
                ids.append(fields["id"] if fields is not None else snap.reader.stored_fields(docnum)["id"])
            return ids

    def related(self, filters: dict[str, list[str]], limit: int) -> list[Hit]:
        """The `limit` most recent resources passing these filters, as a search sorted by date would
        list them, without the query, facet counts or suggestion a search page needs (a resource
        page's « see also »)."""
        with self._lock:
            snap = self._current()
            final = restrict(snap.live(), selection_sets(snap.value_sets(), filters))
            nothing = np.zeros(snap.size)
            order = self._order(snap, "date", nothing, final, [], nothing.astype(bool), limit)
            return self._hits(snap, order, nothing, None)

    def _counted(self, snap: _Snapshot, sq: SearchQuery):
        """The parsed query (corrected), the corrections, the corrected text, and the matches and
        counts: (found, executed, fallback, complete, facets, final)."""
        parsed = querybuild.parse(sq.q, self.synonyms)
        # Unknown words with a confident correction are searched as corrected.
        corrections = self._corrections(snap, parsed) if not parsed.empty else {}
        suggestion = _replaced(sq.q, corrections) if corrections else None
        if suggestion is not None:
            parsed = querybuild.parse(suggestion, self.synonyms)
        value_sets = snap.value_sets()
        chosen = selection_sets(value_sets, sq.filters)
        # Other pages and sorts of a search share its matches and counts.
        key = (sq.q, tuple(sorted((k, tuple(v)) for k, v in sq.filters.items())), self.synonyms)
        counted = snap.counted.get(key)
        if counted is None:
            found, matches, executed, fallback, complete = self._matches(snap, parsed, chosen)
            facets = count_facets(matches, value_sets, sq.filters, chosen, self.label)
            final = restrict(matches, chosen)
            counted = snap.counted[key] = (found, executed, fallback, complete, facets, final)
        return parsed, corrections, suggestion, counted

    def _search(self, snap: _Snapshot, sq: SearchQuery) -> SearchResults:
        parsed, corrections, suggestion, counted = self._counted(snap, sq)
        found, executed, fallback, complete, facets, final = counted
        found = found.copy()  # the proximity reward changes it
        words = querybuild.proximity_words(parsed) if fallback != FALLBACK_FUZZY else []
        page = self._page(snap, sq, found, final, words, complete)
        hits = self._hits(snap, page, found, executed)
        return SearchResults(
            query=sq,
            total=int(np.count_nonzero(final)),
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            fallback=fallback,
            as_typed=_replaced(sq.q, {w: f'"{w}"' for w in corrections}) if suggestion else None,
        )

    def _matches(self, snap: _Snapshot, parsed, chosen: dict):
        """Every document's score (a vector), the mask of the candidates, the query run, the fallback
        message and the mask of the candidates with every concept.

        Candidates match any concept of the query (index.ranking.coordinate scores them);
        when none passes the filters, words within a typo or two of the unknown words are tried.
        """
        if parsed.empty:
            nothing = np.zeros(snap.size)
            return nothing, snap.live(), None, None, nothing.astype(bool)
        concepts = [querybuild.clause_query(c) for c in parsed.clauses]
        found, complete = coordinate(
            [self._run(snap, q) for q in concepts], [c.required for c in parsed.clauses]
        )
        matches = found > 0
        executed = concepts[0] if len(concepts) == 1 else wq.Or(concepts)
        fallback = None if complete.any() or len(concepts) == 1 else FALLBACK_ANY
        if not restrict(matches, chosen).any():
            fuzzy = querybuild.fuzzy_query(parsed, lambda forms: self._known(snap.reader, forms))
            if fuzzy is not None:
                found, executed, fallback = self._run(snap, fuzzy), fuzzy, FALLBACK_FUZZY
                matches = found > 0
        return found, matches, executed, fallback, complete

    def _page(
        self, snap, sq: SearchQuery, found: np.ndarray, final: np.ndarray, words, complete
    ) -> list[int]:
        ordered = self._order(snap, sq.sort, found, final, words, complete, sq.page * sq.per_page)
        return ordered[(sq.page - 1) * sq.per_page :]

    def _order(
        self, snap, sort: str, found: np.ndarray, final: np.ndarray, words, complete: np.ndarray, wanted: int
    ) -> list[int]:
        """The first `wanted` matches (`final`, a mask) in the order of `sort`: relevance with a
        proximity reward, date, title; ties by date, then document number."""
        docs = np.flatnonzero(final)
        dates = snap.rank("date_sort")
        if sort == "title":
            return _first(docs, wanted, snap.rank("title_sort")[docs], docs)
        scores = found[docs]
        if sort == "date" or not found.any():
            return _first(docs, wanted, -dates[docs], -scores, docs)
        ordered = _first(docs, max(wanted, CANDIDATES), -scores, -dates[docs], docs)
        if len(words) > 1:
            head = ordered[:CANDIDATES]
            # Only a resource with every word can have them close together.
            factors = proximity_factors(snap.reader, words, [d for d in head if complete[d]], snap.values)
            for d, factor in factors.items():
                found[d] *= factor
            head.sort(key=lambda d: (found[d], dates[d], -d), reverse=True)
            ordered[:CANDIDATES] = head
        return ordered[:wanted]

    def _hits(self, snap, docnums: list[int], found: np.ndarray, executed) -> list[Hit]:
        reader = snap.reader
        terms = []
        if executed is not None:
            terms = sorted(t for f, t in _existing_terms(executed, reader, snap.evaluator) if f == "body")
            if not terms:
                # A fuzzy fallback searches the spelling field: highlight the body forms of its words.
                terms = self._body_terms_of_spelling(snap, executed)
        spans = body_spans(reader, terms, docnums, snap.values) if terms else {}
        forms = {t.decode("utf-8") for t in terms}
        if executed is not None:
            forms |= {
                t for leaf in executed.leaves() for _, t in leaf.terms(phrases=True) if isinstance(t, str)
            }
        hits = []
        for docnum in docnums:
            stored = snap.stored.get(docnum)
            if stored is None:
                stored = snap.stored[docnum] = reader.stored_fields(docnum)
            meta = stored.get("meta", {})
            body = stored.get("text", "")
            # The body field also indexes the description after the text: keep the text's own spans.
            text, snippet_spans = body, [s for s in spans.get(docnum, []) if s[1] <= len(body)]
            description = meta.get("description", "")
            if not snippet_spans and forms and description:
                described = analysed_spans(description, forms)
                if described or not body:
                    text, snippet_spans = description, described
            elif not body:
                text = description
            hits.append(
                Hit(
                    id=stored["id"],
                    url=meta.get("url", ""),
                    title=stored.get("title", ""),
                    description=description,
                    type=meta.get("type"),
                    themes=list(meta.get("themes", [])),
                    suggested_themes=list(meta.get("suggested_themes", [])),
                    level=meta.get("level"),
                    publisher=meta.get("publisher", ""),
                    date=meta.get("date", ""),
                    territory=meta.get("territory", ""),
                    status=meta.get("status", ""),
                    score=float(found[docnum]),
                    snippet=make_snippet(text, snippet_spans),
                )
            )
        return hits

    def _body_terms_of_spelling(self, snap, executed) -> list[bytes]:
        reader = snap.reader
        terms = set()
        for fieldname, text in _existing_terms(executed, reader, snap.evaluator):
            if fieldname == "spell":
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                terms.update(f.encode("utf-8") for f in word_forms(word))
        return sorted(terms)

    def _known(self, reader, forms: list[str]) -> bool:
        return any(reader.doc_frequency(name, form) for name in FIELD_WEIGHTS for form in forms)

    def _corrections(self, snap, parsed) -> dict[str, str]:
        """Unknown words (in no resource) and their confident corrections, accents restored.

        A word found in the catalogue, however rare (a place, a name), is never corrected;
        nor a quoted or `+`required word, nor a number.
        """
        reader = snap.reader
        corrector = snap.searcher.corrector("spell")
        replacements = {}
        # A word of the synonyms file (an acronym, say) is known even if no resource spells it.
        synonym_words = {w for c in parsed.clauses if c.variants for w in c.text.split()}
        for original, forms in parsed.plain:
            folded = fold(original)
            if (
                len(folded) < 3
                or any(c.isdigit() for c in folded)
                or original in synonym_words
                or original in parsed.literal
                or self._known(reader, related_forms(forms))
            ):
                continue
            found = corrector.suggest(folded, limit=1, maxdist=1 if len(folded) < 6 else 2, prefix=1)
            if found:
                replacements[original] = self._display_form(reader, found[0])
        return replacements

    def _display_form(self, reader, folded: str) -> str:
        """The most frequent accented spelling of a folded word (the word itself if none)."""
        best, best_count = folded, 0
        for term in reader.expand_prefix("spell", folded + "|"):
            accented = term.decode("utf-8").split("|", 1)[1]
            count = reader.doc_frequency("spell", term)
            if count > best_count:
                best, best_count = accented, count
        return best


def _first(docs: np.ndarray, wanted: int, *keys: np.ndarray) -> list[int]:
    """The first `wanted` of `docs` ordered by `keys` (the first key first, all ascending), as document numbers.

    Only the documents that can be among the first are sorted: those whose first key is at
    most the `wanted`-th smallest (ties included).
    """
    if wanted < len(docs):
        threshold = np.partition(keys[0], wanted - 1)[wanted - 1]
        keep = keys[0] <= threshold
        docs, keys = docs[keep], [k[keep] for k in keys]
    order = np.lexsort(keys[::-1])[:wanted]
    return docs[order].tolist()


def _replaced(typed: str, replacements: dict[str, str]) -> str | None:
    """The typed query with words replaced (None if nothing changed)."""
    text = typed
    for original, fixed in replacements.items():
        text = re.sub(rf"(?<![\w+\"]){re.escape(original)}(?![\w\"])", fixed, text)
    return text if text != typed else None
