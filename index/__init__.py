"""The Whoosh index of the catalogue: French analysis, facets, highlighting, suggestions.

Modules, by what they do:

    query        the plain query/result objects shared with the CLI and the site (the contract)
    build        rebuild() (new generation, swapped in atomically) and update() in place
    search       Searcher: one per process, thread-safe, reopened when the index changed
    schema       the Whoosh fields and how a catalogue Document fills them
    analysis     French analysis: folding, elisions, stop words, stems without accent loss
    synonyms     the field's acronyms and synonyms (data/synonyms.json, edited by staff)
    querybuild   typed text -> Whoosh queries (words, "phrases", synonyms, fallbacks)
    scoring      BM25F with precomputed length norms (same scores, faster)
    ranking      proximity re-ranking of the first results
    facets       disjunctive facet counts by set intersection
    snippets     highlighted, escaped snippets from the offsets stored in the index
"""
