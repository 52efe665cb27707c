-- The link checker: its runs, every check it made, and each resource's link state.

-- One run of `catalogue check`. `night` (YYYY-MM-DD) counts failing nights: two runs of
-- one night count once. An outage run ("réseau indisponible") changes no link state.
CREATE TABLE check_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    night        TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'running',  -- running, done, outage
    total        INTEGER NOT NULL DEFAULT 0,
    summary      TEXT NOT NULL DEFAULT '{}'        -- JSON {verdict: count}
);
CREATE INDEX check_runs_night ON check_runs(night);

-- Every check made (a first check and its second opinion are two rows).
CREATE TABLE link_checks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id         INTEGER REFERENCES check_runs(id) ON DELETE CASCADE,
    resource_id    TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    checked_at     TEXT NOT NULL,
    method         TEXT NOT NULL,                  -- HEAD, GET
    verdict        TEXT NOT NULL,
    http_status    INTEGER,
    final_url      TEXT NOT NULL DEFAULT '',
    redirects      TEXT NOT NULL DEFAULT '[]',     -- JSON [[status, location], ...]
    duration       REAL NOT NULL DEFAULT 0,        -- seconds
    error          TEXT NOT NULL DEFAULT '',       -- in words, French
    content_type   TEXT NOT NULL DEFAULT '',
    content_length INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX link_checks_resource ON link_checks(resource_id, checked_at);
CREATE INDEX link_checks_run ON link_checks(run_id);

-- The current link state of each checked resource. `status` is what users see:
-- 'ok', 'a-verifier' (failing but not confirmed, blocked, rate-limited, robots) or
-- 'casse' (failing for at least confirm_nights nights in a row).
CREATE TABLE link_state (
    resource_id          TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    url                  TEXT NOT NULL,
    verdict              TEXT NOT NULL,
    status               TEXT NOT NULL,
    http_status          INTEGER,
    error                TEXT NOT NULL DEFAULT '',
    checked_at           TEXT NOT NULL,
    first_failure_at     TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,  -- failing nights in a row
    last_failure_night   TEXT,
    last_success_at      TEXT,
    content_type         TEXT NOT NULL DEFAULT '',    -- of the last successful answer
    content_length       INTEGER,
    moved_to             TEXT,                        -- proposed new address of a moved link
    status_changed_at    TEXT
);
CREATE INDEX link_state_status ON link_state(status);
