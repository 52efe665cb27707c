"""The seed catalogue: the resources of the IREV seed page, shipped as data, and their loading into a store.

`data/seed.jsonl` holds one resource per line (the Resource fields, without the computed
id, added_at and updated_at); `data/seed-exclusions.json` lists every link of the seed
page that is not a resource, with the reason. Loading is idempotent: a second load
writes nothing, and a seed field left empty never erases what the store already knows
(a text found later by the crawler, say).
"""

import io
import json
import logging
from importlib import resources as importlib_resources

from catalogue.errors import ImportFileError
from catalogue.io import read_resources
from catalogue.models import FIELD_NAMES, Resource, now_iso
from catalogue.vocabularies import Vocabularies, load_vocabularies

log = logging.getLogger(__name__)

SEED_FILE = "seed.jsonl"
EXCLUSIONS_FILE = "seed-exclusions.json"
SEED_META_KEY = "seed_loaded_at"
# Computed by the store: a seed line that sets them is a mistake.
COMPUTED_FIELDS = ("id", "added_at", "updated_at")
# The fields a seed line describes, compared and merged on load.
CONTENT_FIELDS = tuple(name for name in FIELD_NAMES if name not in COMPUTED_FIELDS)


def _data_text(name: str) -> str:
    return (importlib_resources.files("catalogue") / "data" / name).read_text(encoding="utf-8")


def parse_seed(
    text: str, vocabularies: Vocabularies, source: str = f"catalogue/data/{SEED_FILE}"
) -> list[Resource]:
    """Parse and validate seed lines; raise ImportFileError naming the file, line and field of the first fault."""
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            continue  # read_resources below reports it with its line and column
        if isinstance(data, dict):
            for name in COMPUTED_FIELDS:
                if name in data:
                    raise ImportFileError(
                        source,
                        number,
                        "est calculé par le catalogue : ne le mettez pas dans le catalogue initial",
                        name,
                    )
    return read_resources(io.StringIO(text), "jsonl", vocabularies, source)


def seed_resources(vocabularies: Vocabularies | None = None) -> list[Resource]:
    """The validated resources of the packaged seed catalogue, in the page's order."""
    return parse_seed(_data_text(SEED_FILE), vocabularies or load_vocabularies())


def seed_exclusions() -> list[dict]:
    """The links of the seed page that are not resources: [{link, label, url, reason}]."""
    source = f"catalogue/data/{EXCLUSIONS_FILE}"
    entries = json.loads(_data_text(EXCLUSIONS_FILE))
    for position, entry in enumerate(entries, start=1):
        for name in ("url", "reason"):
            if not str(entry.get(name) or "").strip():
                raise ImportFileError(
                    source, position, "est obligatoire et vide (numéro d'entrée, non de ligne)", name
                )
    return entries


def _merged(existing: Resource, seed: Resource) -> Resource:
    """The existing resource with every non-empty seed field laid over it."""
    merged = Resource.from_dict(existing.to_dict())
    for name in CONTENT_FIELDS:
        value = getattr(seed, name)
        if value:
            setattr(merged, name, value)
    return merged


def _same_content(a: Resource, b: Resource) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in CONTENT_FIELDS)


def load_seed(store) -> tuple[int, int]:
    """Load the seed catalogue into a store in one transaction; idempotent. Returns (created, updated)."""
    resources = seed_resources(store.vocabularies)
    with store.transaction():
        to_write = []
        for resource in resources:
            existing = store.find_by_url(resource.url)
            if existing is None:
                to_write.append(resource)
                continue
            if existing.id != resource.id:
                log.info("seed resource %s has moved to %s: left as staff set it", resource.url, existing.url)
                continue
            merged = _merged(existing, resource)
            if not _same_content(merged, existing):
                merged.updated_at = ""  # the store stamps the time of this change
                to_write.append(merged)
        created, updated = store.upsert_many(to_write)
        if to_write or store.get_meta(SEED_META_KEY) is None:
            store.set_meta(SEED_META_KEY, now_iso())
    log.info("seed catalogue loaded: %d created, %d updated", created, updated)
    return created, updated
