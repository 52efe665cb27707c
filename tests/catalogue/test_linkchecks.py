"""Check and LinkState: typed with the link vocabulary, frozen, stored and read back unchanged."""

import dataclasses

import pytest

from catalogue import linkhealth
from catalogue.linkchecks import Check, LinkState
from catalogue.links import LinkStatus, Verdict
from catalogue.models import Resource

NIGHT1, NIGHT2 = "2026-03-03T02:30:00+00:00", "2026-03-04T02:30:00+00:00"


def test_a_check_is_typed_with_the_vocabulary_and_refuses_an_unknown_verdict():
    check = Check("r", "https://ex.fr/", NIGHT1, "moved", redirects=[[301, "https://ex.fr/b"]], error=None)
    assert (Verdict.MOVED, ((301, "https://ex.fr/b"),), "") == (check.verdict, check.redirects, check.error)
    with pytest.raises(ValueError):
        Check("r", "https://ex.fr/", NIGHT1, "casse")
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.verdict = Verdict.OK


def test_checks_and_states_read_back_from_the_store_are_those_written(store):
    resource, _ = store.upsert(Resource(url="https://ex.fr/guide.pdf", title="Guide"))
    head = Check(
        resource.id,
        resource.url,
        NIGHT1,
        Verdict.BROKEN,
        method="HEAD",
        http_status=404,
        final_url=resource.url,
        redirects=((302, "https://ex.fr/b"),),
        duration=0.25,
        error="introuvable",
        attempts=2,
    )
    for when in (NIGHT1, NIGHT2):
        first = head.but(checked_at=when)
        second = first.but(method="GET", attempts=1)
        run = linkhealth.start_run(store, when)
        final = second.but(requests=(first, second))
        [(before, after)] = linkhealth.record_run(store, run, [final], outage=False, confirm_nights=2)
    assert [second, first] == linkhealth.history(store, resource.id)[:2]
    assert after == linkhealth.state_of(store, resource.id)
    assert (LinkStatus.TO_CHECK, LinkStatus.BROKEN, 2, NIGHT1) == (
        before.status,
        after.status,
        after.consecutive_failures,
        after.first_failure_at,
    )
    assert isinstance(after, LinkState) and "en échec 2 nuits de suite" in after.verdict_text
