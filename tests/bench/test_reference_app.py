"""The site benchmark's reference app: the same search page from FTS5, facets counted by SQL GROUP BY."""

from bench import reference_app
from catalogue.models import Resource

RESOURCES = [
    Resource(
        url="https://ref.test/1",
        title="Protocole d'évaluation",
        description="Mesurer l'impact",
        type="guide",
        level="national",
        themes=["evaluation"],
        publisher="ANCT",
        date="2022-04",
        text="Un protocole pour évaluer les actions.",
    ),
    Resource(
        url="https://ref.test/2",
        title="Évaluer le mentorat",
        type="guide",
        level="local",
        themes=["evaluation", "mentorat"],
        publisher="IREV",
        date="2023-01",
        text="Le mentorat des collégiens.",
    ),
    Resource(
        url="https://ref.test/3",
        title="Lire en famille",
        type="video",
        level="local",
        themes=["lecture-langage"],
        publisher="ANCT",
        date="2021",
        text="La lecture partagée.",
    ),
]


def client(store, tmp_path):
    store.upsert_many(RESOURCES)
    path = tmp_path / "reference.sqlite3"
    assert reference_app.build(store, path) == 3
    return reference_app.create_app(str(path)).test_client()


def counts(data: dict, facet: str) -> dict:
    (panel,) = [f for f in data["facets"] if f["name"] == facet]
    return {v["value"]: v["count"] for v in panel["values"]}


def test_words_without_accents_match_and_facets_are_counted_without_their_own_filter(store, tmp_path):
    client(store, tmp_path)
    conn = reference_app.sqlite3.connect(tmp_path / "reference.sqlite3")
    data = reference_app.search_page(conn, "evaluation protocole", {}, "relevance", 1)
    assert (data["total"], [h["id"] for h in data["hits"]]) == (1, [RESOURCES[0].id])
    assert data["hits"][0]["snippet"] == "Un <mark>protocole</mark> pour évaluer les actions."
    data = reference_app.search_page(conn, "", {"level": ["local"]}, "date", 1)
    assert [h["id"] for h in data["hits"]] == [RESOURCES[1].id, RESOURCES[2].id]
    # The level facet ignores its own filter; the others count the two local resources.
    assert counts(data, "level") == {"local": 2, "national": 1}
    assert counts(data, "theme") == {"evaluation": 1, "mentorat": 1, "lecture-langage": 1}
    assert counts(data, "type") == {"guide": 1, "video": 1}
    conn.close()


def test_the_reference_serves_the_search_and_resource_pages(store, tmp_path):
    web = client(store, tmp_path)
    page = web.get("/recherche?q=mentorat&level=local")
    assert page.status_code == 200
    assert "1 ressources trouvées" in page.get_data(as_text=True)
    page = web.get(f"/ressources/{RESOURCES[0].id}")
    assert page.status_code == 200
    assert "Protocole d&#39;évaluation" in page.get_data(as_text=True)
    assert RESOURCES[1].id in page.get_data(as_text=True)  # shares a theme: seen in "Voir aussi"
    assert web.get("/ressources/000000000000").status_code == 404
