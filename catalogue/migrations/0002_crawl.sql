-- What the crawler learnt about each resource, kept apart from what people curated.

-- The outcome of the last fetch of each resource (one row per resource, replaced on each fetch).
CREATE TABLE fetch_state (
    resource_id   TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    outcome       TEXT NOT NULL,              -- ok, not_modified, http, timeout, dns, ..., extraction
    http_status   INTEGER,
    final_url     TEXT NOT NULL DEFAULT '',
    content_type  TEXT NOT NULL DEFAULT '',
    size          INTEGER,
    content_hash  TEXT NOT NULL DEFAULT '',   -- SHA-256 of the body of the last good fetch
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    fetched_at    TEXT NOT NULL,
    last_ok_at    TEXT,                       -- when the resource last answered with content
    error         TEXT NOT NULL DEFAULT '',   -- the fetch or extraction error, in words
    redirects     TEXT NOT NULL DEFAULT '[]'  -- JSON list of the redirect chain
);
CREATE INDEX fetch_state_fetched_at ON fetch_state(fetched_at);

-- Metadata and text extracted from the last good copy; never mixed into the resources table.
CREATE TABLE extractions (
    resource_id  TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,               -- html, video, pdf, docx, feed, audio, text
    title        TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    date         TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    page_count   INTEGER,
    duration     REAL,                        -- seconds (audio, video)
    metadata     TEXT NOT NULL DEFAULT '{}',  -- JSON: OpenGraph, JSON-LD, tags, ...
    text         TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '',
    extracted_at TEXT NOT NULL
);

-- Episodes of a podcast feed, searchable with their series.
CREATE TABLE episodes (
    resource_id    TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    date           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    duration       REAL,
    enclosure_url  TEXT NOT NULL DEFAULT '',
    enclosure_type TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (resource_id, position)
);

-- Crawl runs and their queue: an interrupted run continues with its pending resources.
CREATE TABLE crawl_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    selection   TEXT NOT NULL,                -- JSON of what was asked (ids, all, stale)
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running'   -- running (or interrupted), done
);
CREATE TABLE crawl_queue (
    run_id      INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    done        INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT,
    changed     INTEGER NOT NULL DEFAULT 0,  -- its indexable content changed: reindex it
    PRIMARY KEY (run_id, resource_id)
);
CREATE INDEX crawl_queue_pending ON crawl_queue(run_id, done);

-- The content-addressed archive: one file per distinct body, under the archive folder.
CREATE TABLE archive_blobs (
    content_hash TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    stored_at    TEXT NOT NULL
);
CREATE INDEX archive_blobs_stored_at ON archive_blobs(stored_at);

-- The last good copy of each resource, pointing into the archive.
CREATE TABLE archive_copies (
    resource_id  TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL REFERENCES archive_blobs(content_hash) ON DELETE CASCADE,
    content_type TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    fetched_at   TEXT NOT NULL
);
CREATE INDEX archive_copies_hash ON archive_copies(content_hash);
