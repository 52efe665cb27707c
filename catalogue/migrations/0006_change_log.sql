-- The change log: one numbered row for every change to what the search index shows
-- (a resource created, edited, deleted or moved; its extracted text; its link status).
-- Written by triggers, so it is always in the same transaction as the change itself,
-- whoever makes it. The index records the last number it applied and catches up from
-- here (index/build.py); `at` also dates each change for harvesters.
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    resource_id  TEXT NOT NULL,
    kind         TEXT NOT NULL     -- created, updated, deleted, extraction, link
);
CREATE INDEX changes_resource ON changes(resource_id, seq);

CREATE TRIGGER changes_resource_created AFTER INSERT ON resources
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (NEW.id, 'created');
END;

CREATE TRIGGER changes_resource_updated AFTER UPDATE ON resources
BEGIN
    INSERT INTO changes(resource_id, kind) SELECT OLD.id, 'deleted' WHERE OLD.id <> NEW.id;
    INSERT INTO changes(resource_id, kind) VALUES (NEW.id, 'updated');
END;

CREATE TRIGGER changes_resource_deleted AFTER DELETE ON resources
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (OLD.id, 'deleted');
END;

CREATE TRIGGER changes_extraction_saved AFTER INSERT ON extractions
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (NEW.resource_id, 'extraction');
END;

CREATE TRIGGER changes_extraction_replaced AFTER UPDATE ON extractions
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (NEW.resource_id, 'extraction');
END;

CREATE TRIGGER changes_extraction_removed AFTER DELETE ON extractions
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (OLD.resource_id, 'extraction');
END;

CREATE TRIGGER changes_link_status_new AFTER INSERT ON link_state
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (NEW.resource_id, 'link');
END;

CREATE TRIGGER changes_link_status_changed AFTER UPDATE OF status, resource_id ON link_state
WHEN OLD.status IS NOT NEW.status OR OLD.resource_id IS NOT NEW.resource_id
BEGIN
    INSERT INTO changes(resource_id, kind) VALUES (NEW.resource_id, 'link');
END;
