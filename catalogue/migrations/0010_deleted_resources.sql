-- Resources that left the catalogue, remembered for harvesters (OAI-PMH deletedRecord =
-- persistent): a deleted or moved resource is announced as deleted, with the sets it was
-- in, instead of silently vanishing. A resource added again under the same id is no longer
-- deleted. Kept by triggers, so no caller has to remember it.
CREATE TABLE deleted_resources (
    id          TEXT PRIMARY KEY,
    deleted_at  TEXT NOT NULL,
    level       TEXT,
    type        TEXT,
    themes      TEXT NOT NULL DEFAULT '[]'
);

CREATE TRIGGER resources_remember_deleted AFTER DELETE ON resources
BEGIN
    INSERT OR REPLACE INTO deleted_resources(id, deleted_at, level, type, themes)
    VALUES (old.id, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), old.level, old.type, old.themes);
END;

CREATE TRIGGER resources_forget_deleted AFTER INSERT ON resources
BEGIN
    DELETE FROM deleted_resources WHERE id = new.id;
END;
