-- Dates stored before they were validated at the model (issue 11), brought within the rules
-- of catalogue.models.validate: an impossible `added_at` or `updated_at` ("zzzz",
-- "9999-12-31" pinned first in the feed, before 2000) becomes the time of this migration; an
-- impossible `date` (not YYYY[-MM[-DD]], or a year outside 1800-2100) is emptied. Each UPDATE
-- touches only the rows it repairs, so the change log (0006) reindexes those only.
-- (Control characters of older texts are removed when a resource is read: catalogue.models.)
UPDATE resources SET added_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
WHERE added_at <> '' AND (
    julianday(added_at) IS NULL
    OR julianday(added_at) < julianday('2000-01-01')
    OR julianday(added_at) > julianday('now', '+1 day')
);

UPDATE resources SET updated_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
WHERE updated_at <> '' AND (
    julianday(updated_at) IS NULL
    OR julianday(updated_at) < julianday('2000-01-01')
    OR julianday(updated_at) > julianday('now', '+1 day')
);

UPDATE resources SET date = ''
WHERE date <> '' AND (
    NOT (date GLOB '[0-9][0-9][0-9][0-9]'
         OR date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'
         OR date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')
    OR CAST(substr(date, 1, 4) AS INTEGER) NOT BETWEEN 1800 AND 2100
);
