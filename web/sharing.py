"""Open Graph and Twitter card tags, so a shared link shows a card (title, description, site)."""

SITE_NAME = "Catalogue des ressources des Cités éducatives"
DESCRIPTION_CHARS = 300


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"


def card(title: str, description: str, url: str, kind: str = "article") -> list[tuple[str, str, str]]:
    """The card of a page as (attribute, name, content): `property` for Open Graph, `name` for Twitter."""
    description = _short(description)
    tags = [
        ("property", "og:type", kind),
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:locale", "fr_FR"),
        ("property", "og:title", title),
        ("property", "og:url", url),
    ]
    if description:
        tags.append(("property", "og:description", description))
    tags += [("name", "twitter:card", "summary"), ("name", "twitter:title", title)]
    if description:
        tags.append(("name", "twitter:description", description))
    return tags
