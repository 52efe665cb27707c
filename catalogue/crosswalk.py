"""How a resource reads in other vocabularies: DCMI Type, media type, RIS, BibTeX, schema.org.

One table per target, keyed by our type value; a type added to the vocabulary later falls
back to the `DEFAULT` row (a text), so no output ever breaks on it. The OAI-PMH records, the
Dublin Core meta tags, COinS, RIS, BibTeX and the JSON-LD of a resource all read this module.
"""

import re
from dataclasses import dataclass

from catalogue.models import Resource


@dataclass(frozen=True)
class TypeMapping:
    """Our type in other vocabularies."""

    dcmi: str  # DCMI Type Vocabulary (http://purl.org/dc/dcmitype/)
    ris: str  # RIS TY
    bibtex: str  # BibTeX entry type
    schema: str  # schema.org type added to LearningResource ("" = none fits)
    learning: str  # schema.org learningResourceType, in French


DEFAULT = TypeMapping("Text", "GEN", "misc", "", "document")
TYPES = {
    "video": TypeMapping("MovingImage", "VIDEO", "misc", "VideoObject", "vidéo"),
    "webinaire": TypeMapping("MovingImage", "VIDEO", "misc", "VideoObject", "webinaire"),
    "podcast": TypeMapping("Sound", "SOUND", "misc", "PodcastSeries", "podcast"),
    "guide": TypeMapping("Text", "GEN", "manual", "DigitalDocument", "guide méthodologique"),
    "rapport": TypeMapping("Text", "RPRT", "techreport", "Report", "rapport"),
    "synthese": TypeMapping("Text", "RPRT", "techreport", "Report", "synthèse"),
    "compte-rendu": TypeMapping("Text", "RPRT", "techreport", "Report", "compte rendu"),
    "dispositif": TypeMapping("Text", "ELEC", "misc", "WebPage", "présentation de dispositif"),
    "fiche-experience": TypeMapping("Text", "ELEC", "misc", "Article", "retour d'expérience"),
    "article": TypeMapping("Text", "ELEC", "misc", "Article", "article"),
    "recueil": TypeMapping("Collection", "ELEC", "misc", "Collection", "recueil de ressources"),
}

# Media types by the address's file extension; a page without one is HTML.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".xml": "application/rss+xml",
    ".rss": "application/rss+xml",
}
# An episode rather than the whole show: « n°3 », « épisode 2 », « #4 », or an audio file.
EPISODE = re.compile(r"(?:\bn\s*°\s*\d+|\bépisode\s*\d+|\bep\.?\s*\d+|#\d+)", re.IGNORECASE)


def mapping(resource: Resource) -> TypeMapping:
    """The row of the resource's type (the DEFAULT row for no type or a type added later)."""
    return TYPES.get(resource.type or "", DEFAULT)


def media_type(resource: Resource) -> str:
    """The media type of the resource's address (from its extension; text/html for a page)."""
    path = resource.url.split("?", 1)[0].split("#", 1)[0].lower()
    for extension, value in MEDIA_TYPES.items():
        if path.endswith(extension):
            return value
    return "text/html"


def is_episode(resource: Resource) -> bool:
    """Whether a podcast resource is one episode (numbered title, or an audio file) rather than a series."""
    return bool(EPISODE.search(resource.title)) or media_type(resource).startswith("audio/")


def schema_type(resource: Resource) -> str:
    """The specific schema.org type of a resource ("" when none fits better than LearningResource).

    A guide is a `DigitalDocument` (never a `Book`: none of ours has an ISBN or a printer);
    a podcast is a `PodcastEpisode` when it is one episode.
    """
    name = mapping(resource).schema
    if name == "PodcastSeries" and is_episode(resource):
        return "PodcastEpisode"
    if name in ("Report", "Article", "WebPage") and media_type(resource) != "text/html":
        return "Report" if name == "Report" else "DigitalDocument"
    return name


# Characters XML 1.0 forbids (control characters but tab, newline and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """A value safe to write in XML 1.0 (forbidden control characters dropped)."""
    return _NOT_XML.sub("", value or "")


def dublin_core(resource: Resource, vocabularies, page_url: str) -> list[tuple[str, str]]:
    """The resource in simple Dublin Core, as (element, value) pairs: the mapping the README documents.

    Only public fields: never `notes`, `text` or the staff's link health.
    """
    kind = mapping(resource)
    pairs = [("title", resource.title)]
    if resource.publisher:
        pairs += [("creator", resource.publisher), ("publisher", resource.publisher)]
    pairs += [("subject", vocabularies.themes.label(theme)) for theme in resource.themes]
    if resource.description:
        pairs.append(("description", resource.description))
    if resource.date:
        pairs.append(("date", resource.date))
    pairs.append(("type", kind.dcmi))
    if resource.type:
        pairs.append(("type", vocabularies.types.label(resource.type)))
    pairs.append(("format", media_type(resource)))
    pairs += [("identifier", resource.url), ("identifier", page_url)]
    pairs.append(("language", resource.language or "fr"))
    if resource.territory:
        pairs.append(("coverage", resource.territory))
    if resource.source_url:
        pairs.append(("relation", resource.source_url))
    return [(name, xml_text(value)) for name, value in pairs]
