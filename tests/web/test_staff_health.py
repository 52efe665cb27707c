"""The link-health page: counts, the SVG chart of the nights, failing links, accepting a moved address."""

import re
from datetime import UTC, datetime, timedelta

from catalogue import audit, linkhealth
from catalogue.frenchdates import french_date
from catalogue.models import Resource
from catalogue.store import Store
from index import build
from tests.web.staff_fixtures import *  # noqa: F403  (the fixtures)
from tests.web.staff_fixtures import check_record, csrf_of
from web.staff import chart

NEW_URL = "https://exemple.fr/nouvelle-adresse-du-guide.pdf"


def run_night(store, when, results):
    run = linkhealth.start_run(store, when)
    linkhealth.record_run(store, run, results, outage=False, confirm_nights=2, finished_at=when)


def seed_checks(settings, guide_id):
    """Two nights: the guide moved, a second resource broken both nights (so cassé)."""
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(settings) as store:
        broken, _ = store.upsert(Resource(url="https://exemple.fr/rapport-disparu", title="Rapport disparu"))
        for days_ago in (1, 0):
            when = (now - timedelta(days=days_ago)).isoformat()
            run_night(
                store,
                when,
                [
                    check_record(
                        guide_id,
                        "https://exemple.fr/guide-evaluation.pdf",
                        "moved",
                        when,
                        http_status=301,
                        moved_to=NEW_URL,
                    ),
                    check_record(broken.id, broken.url, "broken", when, http_status=404),
                ],
            )
        build.rebuild(store, settings.index_path)
    return broken.id


def test_link_health_without_any_check_says_so(staff):
    html = staff.get("/equipe/liens").get_data(as_text=True)
    assert "Aucun lien n'a encore été vérifié" in html
    assert "Aucune nuit de vérification enregistrée." in html


def test_link_health_shows_counts_the_chart_the_failing_and_the_moved(staff, staff_app, resource_id):
    broken_id = seed_checks(staff_app.config["SETTINGS"], resource_id)
    html = staff.get("/equipe/liens").get_data(as_text=True)
    counts = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', html))
    assert {"Déplacée": "1", "Introuvable (404, 410)": "1"} == counts
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert len(re.findall(r'<rect class="serie-', html)) == 4  # two nights, two series each
    failing = html.split('id="echecs-titre"')[1].split('id="deplaces-titre"')[0]
    assert f"/equipe/ressources/{broken_id}/modifier" in failing
    assert '<span class="badge badge-bad">Lien cassé</span>' in failing
    assert '<td class="num" data-label="Jours en échec">2</td>' in failing  # failing for 2 days
    moved = html.split('id="deplaces-titre"')[1]
    assert NEW_URL in moved and f"/equipe/liens/{resource_id}/accepter" in moved


def test_accepting_a_moved_address_changes_the_resource_logs_it_and_reindexes(staff, staff_app, resource_id):
    settings = staff_app.config["SETTINGS"]
    seed_checks(settings, resource_id)
    response = staff.post(f"/equipe/liens/{resource_id}/accepter", data={"csrf_token": csrf_of(staff)})
    assert (302, "/equipe/liens#deplaces") == (response.status_code, response.headers["Location"])
    with Store.open(settings) as store:
        moved = store.find_by_url("https://exemple.fr/guide-evaluation.pdf")
        entries = audit.entries(store)
    assert (NEW_URL, "Guide de l'évaluation") == (moved.url, moved.title)
    assert [("alice", "link.accept_moved", moved.id)] == [(e.actor, e.action, e.resource_id) for e in entries]
    assert (
        {"url": "https://exemple.fr/guide-evaluation.pdf", "id": resource_id},
        {"url": NEW_URL, "id": moved.id},
    ) == (entries[0].before, entries[0].after)
    ix = build.open_current(settings.index_path)
    try:
        with ix.searcher() as searcher:
            assert (None, "Guide de l'évaluation") == (
                searcher.document(id=resource_id),
                searcher.document(id=moved.id)["title"],
            )
    finally:
        ix.close()
    assert "Aucune ressource déplacée." in staff.get("/equipe/liens").get_data(as_text=True)


def test_accepting_a_link_that_did_not_move_is_refused_with_a_message(staff, staff_app, resource_id):
    response = staff.post(f"/equipe/liens/{resource_id}/accepter", data={"csrf_token": csrf_of(staff)})
    assert response.status_code == 302
    assert "n&#39;a pas pu être acceptée" in staff.get("/equipe/liens").get_data(as_text=True)
    with Store.open(staff_app.config["SETTINGS"]) as store:
        assert audit.count(store) == 0


def test_chart_stacks_the_series_of_each_night_and_labels_days():
    result = chart.build(
        [
            ("2026-03-01", {"ok": 8, "broken": 2}),
            ("2026-03-02", {}),
            ("2026-03-03", {"ok": 5, "moved": 1, "blocked": 1, "timeout": 3}),
        ]
    )
    assert [
        ("2026-03-01", [8, 2, 0]),
        ("2026-03-02", [0, 0, 0]),
        ("2026-03-03", [6, 4, 0]),
    ] == result.rows
    assert ["ok", "warn", "ok", "warn"] == [b.series for b in result.bars]
    first_night = result.bars[:2]
    assert first_night[0].y == first_night[1].y + first_night[1].height  # stacked, no gap
    assert (0, 5, 10) == tuple(v for _, v in result.y_ticks)
    assert ["03/03"] == [label for _, label in result.x_labels]  # one a week, counted back from the last
    assert "03/03 : Lien à vérifier × 4" == result.bars[-1].title


def test_chart_shows_a_night_as_the_table_does_unconfirmed_failures_to_check_confirmed_ones_broken():
    """A failing link is « à vérifier » until confirmed: the chart must not paint it red before the table does."""
    summary = {"ok": 5, "broken": 3, "statuses": {"ok": 5, "a-verifier": 2, "casse": 1}}
    result = chart.build([("2026-03-03", summary)])
    assert [("2026-03-03", [5, 2, 1])] == result.rows
    assert [("ok", "Lien valide"), ("warn", "Lien à vérifier"), ("bad", "Lien cassé")] == result.legend


def test_chart_of_no_night_is_empty():
    assert ([], []) == (chart.build([]).bars, chart.build([]).rows)


def test_chart_labels_one_night_a_week_ending_on_the_last_and_rounds_its_scale():
    nights = [(f"2026-03-{d:02d}", {"ok": 41}) for d in range(1, 16)]
    result = chart.build(nights)
    assert ["01/03", "08/03", "15/03"] == [label for _, label in result.x_labels]
    assert (0, 25, 50) == tuple(v for _, v in result.y_ticks)
    assert max(b.x + b.width for b in result.bars) <= result.width - chart.MARGIN_RIGHT


def suspect_night(settings, rid):
    """Two nights: the guide was a 2 MB PDF, then a 15-byte one (what the checker calls suspect)."""
    url = "https://exemple.fr/guide-evaluation.pdf"
    now = datetime.now(UTC).replace(microsecond=0)
    first, second = ((now - timedelta(days=d)).isoformat() for d in (1, 0))
    with Store.open(settings) as store:
        run_night(
            store,
            first,
            [check_record(rid, url, "ok", first, content_type="application/pdf", content_length=2_000_000)],
        )
        reason = "le document pesait 1,9 Mo, il ne pèse plus que 15 octets"
        shrunk = check_record(
            rid,
            url,
            "ok",
            second,
            content_type="application/pdf",
            content_length=15,
            suspect=True,
            error=reason,
        )
        run_night(store, second, [shrunk])


def test_a_suspect_document_is_listed_with_its_reason_and_can_be_accepted(staff, staff_app, resource_id):
    settings = staff_app.config["SETTINGS"]
    suspect_night(settings, resource_id)
    html = staff.get("/equipe/liens").get_data(as_text=True)
    failing = html.split('id="echecs-titre"')[1].split('id="deplaces-titre"')[0]
    assert "Le lien répond, mais le document a changé : le document pesait 1,9 Mo" in failing
    assert f"/equipe/liens/{resource_id}/accepter-document" in failing
    response = staff.post(
        f"/equipe/liens/{resource_id}/accepter-document", data={"csrf_token": csrf_of(staff)}
    )
    assert response.status_code == 302
    with Store.open(settings) as store:
        state = linkhealth.state_of(store, resource_id)
        entries = audit.entries(store)
    assert (state.status, state.content_length, state.error) == ("ok", 15, "")
    assert [("alice", "link.accept_document")] == [(e.actor, e.action) for e in entries]
    assert entries[0].before == {"content_type": "application/pdf", "content_length": 2_000_000}
    assert "Aucun lien en échec." in staff.get("/equipe/liens").get_data(as_text=True)


def test_accepting_a_document_that_is_not_suspect_is_refused_with_a_message(staff, staff_app, resource_id):
    seed_checks(staff_app.config["SETTINGS"], resource_id)  # moved, not suspect
    response = staff.post(
        f"/equipe/liens/{resource_id}/accepter-document", data={"csrf_token": csrf_of(staff)}
    )
    assert response.status_code == 302
    assert "n&#39;a pas pu être accepté" in staff.get("/equipe/liens").get_data(as_text=True)
    response = staff.post("/equipe/liens/inconnu/accepter-document", data={"csrf_token": csrf_of(staff)})
    assert response.status_code == 404


def test_a_night_without_network_is_shown_in_words_and_on_the_chart(staff, staff_app, resource_id):
    today = datetime.now(UTC).replace(hour=2, minute=30, second=0, microsecond=0)
    when = today.isoformat()
    with Store.open(staff_app.config["SETTINGS"]) as store:
        run = linkhealth.start_run(store, when)
        results = [check_record(resource_id, "https://exemple.fr/guide-evaluation.pdf", "dns", when)]
        reason = "réseau indisponible : 1 liens sur 1 injoignables"
        linkhealth.record_run(
            store, run, results, outage=True, confirm_nights=2, finished_at=when, reason=reason
        )
    html = staff.get("/equipe/liens").get_data(as_text=True)
    day = french_date(when).rsplit(" ", 1)[0]
    sentence = f"nuit du {day} : réseau indisponible, aucun état modifié"
    assert f"{sentence}</time> — {reason}" in html
    assert '<rect class="serie-perdue"' in html and f"<title>{sentence}</title>" in html
    assert "Aucune nuit de vérification enregistrée." not in html
