"""Facet counts by set intersection: each facet counted with every filter but its own (disjunctive)."""

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


def selection_sets(value_sets: dict[str, dict[str, set]], filters: dict[str, list[str]]) -> dict[str, set]:
    """For each filtered facet, the documents having one of the chosen values (OR inside a facet)."""
    chosen = {}
    for name, values in filters.items():
        docs: set = set()
        for value in values:
            docs |= value_sets[name].get(value, set())
        chosen[name] = docs
    return chosen


def restrict(matches: set, chosen: dict[str, set], skip: str | None = None) -> set:
    """Matches that pass every chosen filter but the one of facet `skip`."""
    result = matches
    for name, docs in sorted(chosen.items(), key=lambda item: len(item[1])):
        if name != skip:
            result = result & docs
    return result


def count_facets(matches: set, value_sets, filters, chosen, labeller) -> dict[str, Facet]:
    """Every facet's values with their disjunctive counts, ordered by count, chosen values always kept."""
    facets = {}
    for name, label in FACETS.items():
        base = restrict(matches, chosen, skip=name)
        selected = filters.get(name, [])
        counts = {}
        for value, docs in value_sets[name].items():
            n = len(base & docs) if base else 0
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
