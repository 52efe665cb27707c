"""The checker's HTML report: the site's frame with a <main>, titles linking to the staff edit page,
French plurals; the text report's headline counts in French too."""

from bs4 import BeautifulSoup

from catalogue.linkwords import describe, plural
from crawler.reports import render


def report(broken: int = 1, nights: int = 1) -> dict:
    """A report of `broken` links confirmed broken after `nights` nights, and one working link."""
    rows, ids = [], []
    for i in range(broken):
        rid = f"{i:012x}"
        ids.append(rid)
        rows.append(
            {
                "id": rid,
                "url": f"https://exemple.test/{i}",
                "verdict": "broken",
                "http_status": 404,
                "final_url": "",
                "error": "",
                "checked_at": "2026-03-04T02:30:00+00:00",
                "consecutive_failures": nights,
                "first_failure_at": "2026-03-03T02:30:00+00:00",
                "status": "casse",
                "moved_to": None,
                "title": f"Guide <n°{i}> & co",
                "publisher": "Académie",
                "message": describe("broken", 404, "", "2026-03-03T02:30:00+00:00", nights, None, "casse"),
            }
        )
    rows.append(dict(rows[0], id="ffffffffffff", verdict="ok", status="ok", title="Marche", message="ok"))
    return {
        "started_at": "2026-03-04T02:30:00+00:00",
        "finished_at": "2026-03-04T02:31:00+00:00",
        "outage": False,
        "summary": {"broken": broken, "ok": 1},
        "results": rows,
        "groups": {
            "newly_broken": ids,
            "still_broken": [],
            "failing": [],
            "to_check": [],
            "moved": [],
            "fixed": [],
        },
        "by_publisher": {"Académie": broken},
        "exit_code": 1,
    }


def test_french_plurals_say_one_night_and_two_nights():
    assert ["1 nuit", "2 nuits", "0 lien", "3 liens cassés"] == [
        plural(1, "nuit"),
        plural(2, "nuit"),
        plural(0, "lien"),
        plural(3, "lien cassé", "liens cassés"),
    ]
    assert describe("broken", 404, "", None, 1, None, "casse").endswith("en échec 1 nuit de suite.")
    assert describe("broken", 404, "", None, 2, None, "casse").endswith("en échec 2 nuits de suite.")


def test_the_headline_counts_in_french():
    assert "1 lien cassé sur 2 liens vérifiés." in render(report(1), "text")
    assert "2 liens cassés sur 3 liens vérifiés." in render(report(2), "text")


def test_the_html_report_has_the_site_frame_and_titles_link_to_the_edit_page():
    soup = BeautifulSoup(render(report(1), "html", "https://catalogue.example.org/"), "html.parser")
    assert "fr" == soup.html["lang"]
    assert soup.select_one("header.site-header") and soup.select_one("footer.site-footer")
    main = soup.select_one("main#contenu")
    assert "Vérification des liens du 4 mars 2026" == main.h1.get_text()
    link = main.select_one("td a")
    assert ("Guide <n°0> & co", "https://catalogue.example.org/equipe/ressources/000000000000/modifier") == (
        link.get_text(),
        link["href"],
    )
    assert "en échec 1 nuit de suite." in main.get_text()
    assert "1 lien cassé sur 2 liens vérifiés." in main.get_text()


def test_without_the_site_address_the_edit_links_are_relative_to_the_site():
    soup = BeautifulSoup(render(report(1), "html"), "html.parser")
    assert "/equipe/ressources/000000000000/modifier" == soup.select_one("main td a")["href"]
