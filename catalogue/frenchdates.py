"""Dates in French words, the one formatter of the site, the reports and the link-health sentences."""

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(value: str | None) -> str:
    """A full or partial ISO date in French words: "2022" → "2022", "2022-04" → "avril 2022",
    "2026-03-01T02:00:00+00:00" → "1er mars 2026"; "" for nothing, the value itself when unreadable."""
    if not value:
        return ""
    parts = value[:10].split("-")
    try:
        if len(parts) == 1:
            return parts[0]
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 2:
            return f"{month} {parts[0]}"
        day = int(parts[2])
        return f"{'1er' if day == 1 else day} {month} {parts[0]}"
    except (ValueError, IndexError):
        return value
