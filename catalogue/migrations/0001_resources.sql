-- The resources of the catalogue, as people (or the seed catalogue) describe them.
-- List fields are JSON arrays of strings.
CREATE TABLE resources (
    id               TEXT PRIMARY KEY,
    url              TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    type             TEXT,
    themes           TEXT NOT NULL DEFAULT '[]',
    level            TEXT,
    territory        TEXT NOT NULL DEFAULT '',
    publisher        TEXT NOT NULL DEFAULT '',
    audience         TEXT NOT NULL DEFAULT '[]',
    date             TEXT NOT NULL DEFAULT '',
    language         TEXT NOT NULL DEFAULT 'fr',
    source_url       TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    suggested_themes TEXT NOT NULL DEFAULT '[]',
    added_at         TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- Former addresses of a resource (a moved link accepted by staff): still found by URL.
CREATE TABLE aliases (
    url         TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    added_at    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX aliases_resource ON aliases(resource_id);

-- Key/value facts about this data directory (e.g. when the seed catalogue was loaded).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
