"""The link checker falls back on a resource's alternate addresses when its main address breaks."""

from catalogue import linkhealth, proposals
from catalogue.models import Resource
from crawler.check import run_check
from tests.localserver import Response


def test_a_broken_address_with_a_working_alternate_is_moved_to_it(store, settings, server):
    server.routes["/copie/guide.pdf"] = Response(body=b"%PDF-1.4 guide", content_type="application/pdf")
    resource, _ = store.upsert(Resource(url=server.url("/guide.pdf"), title="Guide"))
    proposals.add_alternate(
        store, server.url("/copie/guide.pdf"), resource_id=resource.id, reason="fichier identique"
    )
    run = run_check(store, settings, [resource.id])
    (final,) = [r.check for r in run.results]
    assert ("moved", server.url("/copie/guide.pdf")) == (final.verdict, final.moved_to)
    assert "adresse alternative" in final.error
    assert server.url("/copie/guide.pdf") == linkhealth.state_of(store, resource.id).moved_to


def test_a_broken_address_whose_alternates_fail_too_stays_broken(store, settings, server):
    resource, _ = store.upsert(Resource(url=server.url("/guide.pdf"), title="Guide"))
    proposals.add_alternate(store, server.url("/aussi-absent.pdf"), resource_id=resource.id)
    (final,) = run_check(store, settings, [resource.id]).results
    assert "broken" == final.check.verdict
