"""A source's health after a run: gone, failing for N runs, nothing found, structure changed."""

import pytest

from crawler.watchhealth import SourceReport, judge


def report(**values) -> SourceReport:
    return SourceReport(source_id=1, name="S", url="https://s.test/", kind="listing", **values)


@pytest.mark.parametrize(
    "values, failures_before, expected",
    [
        ({"entry_outcome": "ok", "entry_links": 12}, 2, ("ok", "", 0)),
        ({"entry_outcome": "not_modified"}, 1, ("ok", "", 0)),
        (
            {"entry_outcome": "http", "entry_status": 404},
            0,
            ("flagged", "l'adresse de la source n'existe plus (le serveur répond 404)", 1),
        ),
        ({"entry_outcome": "timeout", "errors": ["s : délai dépassé"]}, 0, ("ok", "", 1)),
        (
            {"entry_outcome": "timeout", "errors": ["s : délai dépassé"]},
            2,
            ("flagged", "en échec depuis 3 passages (s : délai dépassé)", 3),
        ),
        (
            {"entry_outcome": "ok", "entry_links": 0, "previous_links": 20},
            0,
            (
                "flagged",
                "structure modifiée : aucun lien d'article trouvé sur la page, il y en avait 20 au passage précédent",
                1,
            ),
        ),
        ({"entry_outcome": "ok", "entry_links": 0, "previous_links": 2}, 0, ("ok", "", 1)),
        (
            {"entry_outcome": "ok", "entry_links": 0},
            2,
            ("flagged", "aucun article trouvé depuis 3 passages", 3),
        ),
    ],
)
def test_health_of_a_source_after_a_run(values, failures_before, expected):
    judged = judge(report(failed_runs=failures_before, **values), failure_runs=3)
    assert expected == (judged.health, judged.health_reason, judged.failed_runs)


def test_host_lines_give_work_only_to_hosts_with_a_free_slot_candidates_first_hosts_in_turn():
    from crawler.watchhealth import HostLines

    lines = HostLines(per_host=1)
    lines.put("a", "index", "a-index")
    lines.put("a", "candidate", "a-candidate")
    lines.put("b", "article", "b-article")
    assert ("a", "candidate", "a-candidate") == lines.take()
    assert ("b", "article", "b-article") == lines.take()
    assert lines.take() is None  # a is busy, b has nothing left
    lines.done("a")
    assert ("a", "index", "a-index") == lines.take()
