"""Facet counts by intersecting document masks: each facet counted with every filter but its own (disjunctive).

A mask is a numpy vector of booleans over document numbers: the documents having a facet
value, the matches of a search. Intersections and counts run in C over the whole catalogue.
"""

import numpy as np

from index.query import FACETS, Facet, FacetValue

# Values shown per facet before it is truncated.
FACET_LIMITS = {
    "theme": 30,
    "level": 10,
    "type": 20,
    "publisher": 10,
    "year": 15,
    "territory": 10,
    "status": 5,
}


def selection_sets(
    value_sets: dict[str, dict[str, np.ndarray]], filters: dict[str, list[str]]
) -> dict[str, np.ndarray]:
    """For each filtered facet, the mask of the documents having one of the chosen values (OR inside a facet)."""
    chosen = {}
    for name, values in filters.items():
        masks = [value_sets[name][value] for value in values if value in value_sets[name]]
        chosen[name] = np.logical_or.reduce(masks) if masks else None
    return chosen


def restrict(
    matches: np.ndarray, chosen: dict[str, np.ndarray | None], skip: str | None = None
) -> np.ndarray:
    """Matches that pass every chosen filter but the one of facet `skip`."""
    result = matches
    for name, docs in chosen.items():
        if name != skip:
            result = result & docs if docs is not None else np.zeros_like(matches)
    return result


def count_facets(matches: np.ndarray, value_sets, filters, chosen, labeller) -> dict[str, Facet]:
    """Every facet's values with their disjunctive counts, ordered by count, chosen values always kept."""
    facets = {}
    for name, label in FACETS.items():
        base = restrict(matches, chosen, skip=name)
        anything = bool(base.any())
        selected = filters.get(name, [])
        counts = {}
        for value, docs in value_sets[name].items():
            n = int(np.count_nonzero(base & docs)) if anything else 0
            if n or value in selected:
                counts[value] = n
        for value in selected:
            counts.setdefault(value, 0)
        ordered = sorted(counts.items(), key=lambda item: (-item[1], labeller(name, item[0]).lower()))
        limit = FACET_LIMITS.get(name, 10)
        shown = ordered[:limit]
        # A chosen value stays visible even beyond the limit.
        shown += [item for item in ordered[limit:] if item[0] in selected]
        facets[name] = Facet(
            name=name,
            label=label,
            values=[FacetValue(v, labeller(name, v), c, v in selected) for v, c in shown],
            truncated=len(ordered) > limit,
        )
    return facets
