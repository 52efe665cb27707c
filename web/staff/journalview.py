"""The audit log as people read it: dates in words, vocabulary labels instead of codes, lists as text."""

from web.display import french_date

EMPTY = "(vide)"
VOCABULARY_FIELDS = {"themes": "themes", "suggested_themes": "themes", "level": "levels", "type": "types"}


def when_words(stamp: str) -> str:
    """« 5 décembre 2026 à 02 h 30 (UTC) » for an ISO time stamp."""
    day = french_date(stamp[:10])
    time = stamp[11:16]
    return f"{day} à {time.replace(':', ' h ')} (UTC)" if len(time) == 5 else day


def value_words(name: str, value, vocabularies) -> str:
    """A field's value as a person reads it: labels for vocabulary codes, lists joined, dates in words."""
    if value is None or value == "" or value == []:
        return EMPTY
    kind = VOCABULARY_FIELDS.get(name)
    if kind:
        vocabulary = vocabularies.of(kind)
        values = value if isinstance(value, list) else [value]
        return ", ".join(vocabulary.label(str(v)) for v in values)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name == "date" and isinstance(value, str) and value[:4].isdigit():
        return french_date(value)
    return str(value)


def entry_view(entry, vocabularies, field_labels: dict) -> dict:
    """What the journal shows of one audit entry: when, who, the changed fields in words, the detail."""
    changes = [
        {
            "label": field_labels.get(name, name),
            "before": value_words(name, old, vocabularies),
            "after": value_words(name, new, vocabularies),
        }
        for name, old, new in entry.changed_fields()
    ]
    return {
        "at": entry.at,
        "when": when_words(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "resource_id": entry.resource_id,
        "has_before": entry.before is not None,
        "changes": changes,
        "detail": entry.detail,
    }
