"""Changes staff make, each written with its audit entry in one transaction, then reindexed."""

import dataclasses
import logging

from catalogue import audit
from catalogue.models import Resource
from index import build
from web.context import get_settings
from web.staff.forms import EDITABLE

log = logging.getLogger(__name__)


def reindex(store, ids: list[str]) -> bool:
    """Bring the index up to date for these resources; False when there is no index yet."""
    try:
        build.update(store, get_settings().index_path, ids)
    except build.IndexMissing:
        log.warning("no index yet: resources %s will be indexed by the next `catalogue reindex`", ids)
        return False
    return True


def _editable(resource: Resource) -> dict:
    return {name: getattr(resource, name) for name in EDITABLE}


def create_resource(store, actor: str, values: dict) -> Resource:
    """Add a resource and its audit entry, then index it."""
    with store.transaction():
        resource, _ = store.upsert(Resource(**values))
        audit.record(store, actor, "resource.create", resource.id, after=_editable(resource))
    reindex(store, [resource.id])
    return resource


def edit_resource(store, actor: str, rid: str, values: dict) -> tuple[Resource, bool]:
    """Change a resource's editable fields (not its address) with an audit entry of what changed; reindex.

    Returns the resource and whether anything changed.
    """
    values = {k: v for k, v in values.items() if k != "url"}
    with store.transaction():
        current = _editable(store.get(rid))
        before, after = audit.diff(current, {**current, **values})
        if not after:
            return store.get(rid), False
        resource = store.update_fields(rid, **after)
        audit.record(store, actor, "resource.edit", rid, before=before, after=after)
    reindex(store, [rid])
    return resource, True


def record_crawl(store, actor: str, ids: list[str], summary) -> None:
    """Note a "crawl now" in the audit log and reindex what the crawl changed."""
    audit.record(
        store, actor, "resource.crawl", ids[0] if len(ids) == 1 else None, detail=summary_text(summary)
    )
    reindex(store, ids)


def record_import(store, actor: str, url: str, level: str | None, report, ids: list[str]) -> None:
    """Note a page import in the audit log and index the resources it added or changed."""
    detail = f"{url} (niveau : {level or 'non précisé'}) : {summary_text(report)}"
    audit.record(store, actor, "page.import", None, detail=detail[:2000])
    if ids:
        reindex(store, ids)


def summary_text(value) -> str:
    """A service's summary or report in one line (its scalar fields when it is a dict or a dataclass)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if isinstance(item, dict):
                parts.extend(f"{k} = {v}" for k, v in item.items())
            elif not isinstance(item, list):
                parts.append(f"{key} = {item}")
        return ", ".join(parts)
    return str(value)
