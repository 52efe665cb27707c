-- Themes suggested from a resource's text (catalogue/suggest.py), with the words that
-- triggered each one: the explanation shown beside a suggestion. Replaced on each run;
-- a resource whose themes a person set has no rows here.
CREATE TABLE theme_suggestions (
    resource_id  TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    theme        TEXT NOT NULL,
    score        REAL NOT NULL,
    words        TEXT NOT NULL DEFAULT '[]',   -- JSON list of the keywords found, most frequent first
    computed_at  TEXT NOT NULL,
    PRIMARY KEY (resource_id, theme)
);
