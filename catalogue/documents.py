"""What the index receives for each resource: the curated record plus what was extracted and checked.

The crawler's tables (extracted text, episodes) and the link checker's (link status) are
joined here, so the index depends on the catalogue core only.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from catalogue.extractions import get_episodes, get_extraction
from catalogue.linkhealth import status_map
from catalogue.models import Resource


@dataclass
class Document:
    """A resource as the index sees it.

    `extracted_*` come from the crawler and never replace what a person set; the index
    uses them where the curated field is empty, and always searches `extracted_text`.
    `link_status` is the tri-state shown to users: "ok", "a-verifier", "casse" or "" (never checked).
    """

    resource: Resource
    extracted_title: str = ""
    extracted_description: str = ""
    extracted_text: str = ""
    episodes: list[dict] = field(default_factory=list)  # podcast episodes: title, date, description
    link_status: str = ""

    @property
    def id(self) -> str:
        return self.resource.id

    @property
    def title(self) -> str:
        return self.resource.title or self.extracted_title

    @property
    def description(self) -> str:
        return self.resource.description or self.extracted_description

    @property
    def full_text(self) -> str:
        """Every body of text known for the resource: curated, extracted and episodes."""
        parts = [self.resource.text, self.extracted_text]
        for ep in self.episodes:
            parts.append(" ".join(str(ep.get(k) or "") for k in ("title", "description")))
        return "\n\n".join(p for p in parts if p)


def iter_documents(store, ids: Iterable[str] | None = None) -> Iterator[Document]:
    """The documents of every resource of a store (or of these ids)."""
    ids = None if ids is None else list(ids)
    statuses = _link_statuses(store, ids)
    for resource in store.iter_resources(ids):
        document = Document(resource=resource)
        _add_extraction(store, document)
        document.link_status = statuses.get(resource.id, "")
        yield document


def _link_statuses(store, ids: list[str] | None) -> dict[str, str]:
    """The link checker's tri-state by resource id (migration 0003), read once per iteration."""
    return status_map(store, ids)


def _add_extraction(store, document: Document) -> None:
    """Fill the extracted fields and episodes from the crawler's tables (migration 0002)."""
    extracted = get_extraction(store, document.id)
    if extracted is not None:
        document.extracted_title = extracted["title"]
        document.extracted_description = extracted["description"]
        document.extracted_text = extracted["text"]
    document.episodes = get_episodes(store, document.id)
