"""schema.org on resource pages: LearningResource plus the type that fits, never a Book by default."""

import json

import pytest
from bs4 import BeautifulSoup

from catalogue.models import Resource
from catalogue.store import Store


def json_ld(client, rid: str) -> dict:
    soup = BeautifulSoup(client.get(f"/ressources/{rid}").data, "html.parser")
    return json.loads(soup.select_one("script[type='application/ld+json']").string)


@pytest.mark.parametrize(
    ("url", "title", "type_", "expected_type", "learning"),
    [
        (
            "https://exemple.test/podcast-3",
            "Podcast n°3 – Construire le protocole",
            "podcast",
            ["LearningResource", "PodcastEpisode"],
            "podcast",
        ),
        (
            "https://exemple.test/episode.mp3",
            "Les familles à l'école",
            "podcast",
            ["LearningResource", "PodcastEpisode"],
            "podcast",
        ),
        (
            "https://exemple.test/emission",
            "Paroles de familles",
            "podcast",
            ["LearningResource", "PodcastSeries"],
            "podcast",
        ),
        (
            "https://exemple.test/replay",
            "Replay de la rencontre",
            "video",
            ["LearningResource", "VideoObject"],
            "vidéo",
        ),
        (
            "https://exemple.test/webinaire",
            "Webinaire évaluation",
            "webinaire",
            ["LearningResource", "VideoObject"],
            "webinaire",
        ),
        (
            "https://fichiers.exemple.test/guide.pdf",
            "Guide de l'évaluation",
            "guide",
            ["LearningResource", "DigitalDocument"],
            "guide méthodologique",
        ),
        (
            "https://exemple.test/rapport.pdf",
            "Rapport d'évaluation",
            "rapport",
            ["LearningResource", "Report"],
            "rapport",
        ),
        (
            "https://exemple.test/synthese",
            "Synthèse du séminaire",
            "synthese",
            ["LearningResource", "Report"],
            "synthèse",
        ),
        (
            "https://exemple.test/fiche.pdf",
            "Fiche action",
            "fiche-experience",
            ["LearningResource", "DigitalDocument"],
            "retour d'expérience",
        ),
        ("https://exemple.test/sans-type", "Sans type", None, "LearningResource", "document"),
    ],
)
def test_each_type_is_a_learning_resource_with_the_specific_type_that_fits(
    client, site_settings, url, title, type_, expected_type, learning
):
    with Store.open(site_settings) as store:
        resource, _ = store.upsert(
            Resource(url=url, title=title, type=type_, audience=["coordonnateurs"], publisher="ANCT")
        )
    data = json_ld(client, resource.id)
    assert (expected_type, learning) == (data["@type"], data["learningResourceType"])
    assert "Book" not in json.dumps(data)
    assert [{"@type": "Audience", "audienceType": "coordonnateurs"}] == data["audience"]
    assert {"@type": "Organization", "name": "ANCT"} == data["publisher"]
    assert ("fr", url) == (data["inLanguage"], data["url"])
