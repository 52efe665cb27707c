-- Nights that could not do their job, and resources withdrawn from the public catalogue.

-- Why a run did not change the link states, in French words for staff: the network was down
-- (status 'outage') or the run stopped on an error (status 'failed').
ALTER TABLE check_runs ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- A withdrawn resource stays in the database (its history, its audit entries) but leaves the
-- search, the exports and the feeds; its page answers 410 with the reason; its link is not checked.
CREATE TABLE withdrawals (
    resource_id  TEXT PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL DEFAULT '',
    withdrawn_at TEXT NOT NULL,
    actor        TEXT NOT NULL DEFAULT ''
);

-- A withdrawal or a restoration changes what the index shows: numbered in the change log (0006).
CREATE TRIGGER changes_resource_withdrawn AFTER INSERT ON withdrawals
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (NEW.resource_id, 'withdrawn');
END;

CREATE TRIGGER changes_resource_restored AFTER DELETE ON withdrawals
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (OLD.resource_id, 'restored');
END;
