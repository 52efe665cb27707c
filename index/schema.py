"""The Whoosh schema of the catalogue index and how a Document becomes an index entry."""

from whoosh import fields

from catalogue.documents import Document
from catalogue.suggest import EXCLUDED_PREFIX
from catalogue.vocabularies import Vocabularies
from index.analysis import fold, french_analyzer, spelling_analyzer

# Facet name (as in index.query.FACETS) -> index field holding its values.
# Bump when a field or an analyser changes: a live index of another version is rebuilt by
# `catalogue init` / `catalogue serve` and refused by updates (IndexOutdated), never half-updated.
SCHEMA_VERSION = 2

FACET_FIELDS = {
    "theme": "f_theme",
    "level": "f_level",
    "type": "f_type",
    "publisher": "f_publisher",
    "year": "f_year",
    "territory": "f_territory",
    "status": "f_status",
}
# Text fields searched, with their weight: title above the rest. Each field searched costs
# about as much as the first (Whoosh matches in Python), so the body field also indexes,
# after the text, the description twice (it weighs more), the publisher and the territory;
# its stored `text` keeps the offsets of snippets right. The topics field holds the labels
# and keywords of the resource's themes (those a person chose, else the suggested ones):
# a low-weight bridge from the field's words to resources that use other words.
FIELD_WEIGHTS = {"title": 5.0, "body": 1.0, "topics": 0.3}
DESCRIPTION_REPEAT = 2
# Between two keywords of the topics field: a word of its own, so that no phrase spans two keywords.
KEYWORD_GAP = " _ "
# Only the first part of a very long body feeds the spelling dictionary ("did you mean").
SPELLING_TEXT_CHARS = 20_000


def build_schema() -> fields.Schema:
    """A new schema (the analyzers are pickled into the index)."""
    text = french_analyzer()
    facet = {name: fields.ID(stored=False) for name in FACET_FIELDS.values()}
    facet["f_theme"] = fields.KEYWORD(stored=False, commas=True, lowercase=False, scorable=False)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=text, stored=True, phrase=True),
        body=fields.TEXT(analyzer=text, phrase=True, chars=True),
        text=fields.STORED(),
        topics=fields.TEXT(analyzer=text, phrase=True),
        spell=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
        meta=fields.STORED(),
        date_sort=fields.ID(sortable=True),
        title_sort=fields.ID(sortable=True),
        **facet,
    )


def document_fields(doc: Document, vocabularies: Vocabularies) -> dict:
    """The field values of one document, ready for writer.update_document()."""
    r = doc.resource
    themes = list(r.themes)
    suggested = [] if themes else [t for t in r.suggested_themes if t not in themes]
    title = doc.title or r.url
    description = doc.description
    body = doc.full_text
    # Publisher and territory: searched with the description.
    extra = [description] * DESCRIPTION_REPEAT
    searched_body = "\n\n".join([body] + extra + [r.publisher, r.territory, (r.date or "")[:4]])
    meta = {
        "url": r.url,
        "description": description,
        "type": r.type,
        "themes": themes,
        "suggested_themes": suggested,
        "level": r.level,
        "publisher": r.publisher,
        "date": r.date,
        "territory": r.territory,
        "status": doc.link_status or "",
    }
    values = {
        "id": r.id,
        "title": title,
        "body": searched_body,
        "text": body,
        "topics": topics_text(themes or suggested, vocabularies),
        "spell": f"{title}\n{description}\n{body[:SPELLING_TEXT_CHARS]}",
        "meta": meta,
        "date_sort": r.date or "0000",
        "title_sort": fold(title)[:200] or "~",
        "f_theme": ",".join(themes + suggested),
    }
    single = {
        "f_level": r.level,
        "f_type": r.type,
        "f_publisher": r.publisher,
        "f_year": r.date[:4] if r.date else "",
        "f_territory": r.territory,
        "f_status": doc.link_status,
    }
    values.update({k: v for k, v in single.items() if v})
    if not values["f_theme"]:
        del values["f_theme"]
    return {k: v for k, v in values.items() if v != ""}


def topics_text(themes: list[str], vocabularies: Vocabularies) -> str:
    """The labels and keywords of these themes, one theme a paragraph."""
    parts = []
    for value in themes:
        term = vocabularies.themes.get(value)
        if term is not None:
            words = [k for k in term.keywords if not k.startswith(EXCLUDED_PREFIX)]
            parts.append(KEYWORD_GAP.join([term.label, *words]))
    return KEYWORD_GAP.join(parts)
