-- Staff accounts (scrypt password hashes) with failed-login tracking for the lockout,
-- and the audit log of every change staff make through the site or the CLI.
CREATE TABLE users (
    name            TEXT PRIMARY KEY,
    password_hash   TEXT NOT NULL,               -- scrypt$n$r$p$salt$hash (base64)
    created_at      TEXT NOT NULL,
    last_login_at   TEXT,
    failed_logins   INTEGER NOT NULL DEFAULT 0,  -- consecutive failures since the last success
    last_failed_at  TEXT,
    locked_until    TEXT                         -- ISO time; no login before it
);

-- Who changed what, and when. No foreign key: the log outlives deleted resources and users.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,   -- e.g. resource.create, resource.edit, link.accept_moved, page.import
    resource_id  TEXT,
    before       TEXT,            -- JSON object of the changed fields before, or NULL
    after        TEXT,            -- JSON object of the changed fields after, or NULL
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_resource ON audit_log(resource_id);
