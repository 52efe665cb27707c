-- Staff sessions kept on the server, so that logging out, a password change, removing an account
-- or "end all sessions" really ends them (a copied cookie is worth nothing afterwards).
-- Only a hash of the token is stored: reading the database gives no live session.
CREATE TABLE staff_sessions (
    token_hash  TEXT PRIMARY KEY,                 -- SHA-256 of the cookie's token, hex
    user_name   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL                     -- ISO time; the session ends then whatever the cookie says
);
CREATE INDEX staff_sessions_user ON staff_sessions(user_name);

-- Failed logins by the name typed, whether an account has it or not (so an unknown name is
-- answered exactly as a known one): after a few failures, each attempt must wait a delay that
-- doubles up to a cap. A success, `user unlock` or `user passwd` clears the row.
CREATE TABLE login_failures (
    name            TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,             -- consecutive failures since the last success
    last_failed_at  TEXT NOT NULL,
    retry_at        TEXT                          -- ISO time; no attempt is checked before it
);
CREATE INDEX login_failures_last ON login_failures(last_failed_at);

-- The lockout moved to login_failures.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN last_failed_at;
ALTER TABLE users DROP COLUMN locked_until;
