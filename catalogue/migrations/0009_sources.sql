-- Sources watched every night (news listings, single pages, feeds, sitemaps), what each
-- yielded, the review queue of proposed resources, alternate addresses of a document, and
-- the content fingerprints that recognise the same document under two addresses.

CREATE TABLE sources (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    url            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,                 -- listing, page, feed, sitemap
    level          TEXT,                          -- defaults given to what the source yields
    themes         TEXT NOT NULL DEFAULT '[]',
    publisher      TEXT NOT NULL DEFAULT '',
    territory      TEXT NOT NULL DEFAULT '',
    url_pattern    TEXT NOT NULL DEFAULT '',      -- sitemap: a regular expression the article URLs match
    every_days     REAL NOT NULL DEFAULT 1,
    added_at       TEXT NOT NULL,
    last_run_at    TEXT,
    last_ok_at     TEXT,
    health         TEXT NOT NULL DEFAULT 'ok',    -- ok, flagged
    health_reason  TEXT NOT NULL DEFAULT '',
    failed_runs    INTEGER NOT NULL DEFAULT 0,    -- runs in a row with an error or nothing found
    article_links  INTEGER                        -- article links found on the entry page last time
);

-- Every page of a source seen by the watch: its index pages (listing pages, feed, sitemaps),
-- with their validators for conditional requests, and its article pages.
CREATE TABLE source_pages (
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    url           TEXT NOT NULL,                  -- canonical form
    address       TEXT NOT NULL,                  -- as found, the one fetched
    role          TEXT NOT NULL,                  -- index, article
    status        TEXT NOT NULL DEFAULT 'pending',-- article: pending (links not read yet), done, failed
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    error         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source_id, url)
);
CREATE INDEX source_pages_pending ON source_pages(source_id, role, status);

-- The review queue: resources found by the watch, never in public search until accepted.
CREATE TABLE proposals (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    url              TEXT NOT NULL,
    canonical        TEXT NOT NULL UNIQUE,        -- a rejected address stays here and is never proposed again
    title            TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    type             TEXT,
    level            TEXT,
    level_reason     TEXT NOT NULL DEFAULT '',    -- e.g. « rubrique Au niveau régional »
    themes           TEXT NOT NULL DEFAULT '[]',  -- the source's themes
    suggested_themes TEXT NOT NULL DEFAULT '[]',
    theme_reasons    TEXT NOT NULL DEFAULT '{}',  -- JSON {theme: [trigger words]}
    publisher        TEXT NOT NULL DEFAULT '',
    territory        TEXT NOT NULL DEFAULT '',
    date             TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL DEFAULT '',    -- what the extractor saw: html, pdf, audio...
    text             TEXT NOT NULL DEFAULT '',
    content_hash     TEXT NOT NULL DEFAULT '',
    fetch_error      TEXT NOT NULL DEFAULT '',
    source_id        INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    article_url      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'proposed',  -- proposed, accepted, rejected
    found_at         TEXT NOT NULL,
    decided_at       TEXT,
    decided_by       TEXT,
    resource_id      TEXT                         -- the resource an accepted proposal became
);
CREATE INDEX proposals_status ON proposals(status, source_id, article_url);

-- Other addresses of the same document (a PDF on the centre's site and on a file host).
-- Owned by a resource, or by a proposal until it is decided.
CREATE TABLE alternate_urls (
    url          TEXT PRIMARY KEY,                -- canonical form
    original     TEXT NOT NULL,                   -- as found
    resource_id  TEXT REFERENCES resources(id) ON DELETE CASCADE,
    proposal_id  INTEGER REFERENCES proposals(id) ON DELETE CASCADE,
    added_at     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alternate_urls_resource ON alternate_urls(resource_id);
CREATE INDEX alternate_urls_proposal ON alternate_urls(proposal_id);

-- Content fingerprints: hash of the bytes, hash of the normalised text, and a MinHash sketch
-- whose bands find near-identical texts.
CREATE TABLE fingerprints (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id  TEXT UNIQUE REFERENCES resources(id) ON DELETE CASCADE,
    proposal_id  INTEGER UNIQUE REFERENCES proposals(id) ON DELETE CASCADE,
    bytes_hash   TEXT NOT NULL DEFAULT '',
    text_hash    TEXT NOT NULL DEFAULT '',
    sketch       TEXT NOT NULL DEFAULT ''         -- hex of the MinHash values, '' for a short text
);
CREATE INDEX fingerprints_bytes ON fingerprints(bytes_hash);
CREATE INDEX fingerprints_text ON fingerprints(text_hash);
CREATE TABLE fingerprint_bands (
    fingerprint_id INTEGER NOT NULL REFERENCES fingerprints(id) ON DELETE CASCADE,
    band           INTEGER NOT NULL
);
CREATE INDEX fingerprint_bands_band ON fingerprint_bands(band);
CREATE INDEX fingerprint_bands_owner ON fingerprint_bands(fingerprint_id);

-- A resource merged into another: its page answers 301 to the one kept.
CREATE TABLE resource_redirects (
    old_id     TEXT PRIMARY KEY,
    new_id     TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    merged_at  TEXT NOT NULL
);

-- Watch runs: an interrupted run continues with the sources it had not finished.
CREATE TABLE watch_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    selection   TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running'
);
CREATE TABLE watch_queue (
    run_id     INTEGER NOT NULL REFERENCES watch_runs(id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    done       INTEGER NOT NULL DEFAULT 0,
    report     TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, source_id)
);
