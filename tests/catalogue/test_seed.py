"""The seed catalogue: every link of the seed page accounted for, valid lines, levels per section, idempotent load."""

import json
import re
import unicodedata
from importlib import resources as importlib_resources
from pathlib import Path

import pytest

from catalogue.errors import ImportFileError
from catalogue.models import FIELD_NAMES
from catalogue.seed import SEED_META_KEY, load_seed, parse_seed, seed_exclusions, seed_resources
from catalogue.store import Store
from catalogue.vocabularies import default_path, load_vocabularies

PAGE = (Path(__file__).parents[1] / "fixtures" / "seed_page.txt").read_text(encoding="utf-8")
SOURCE_URL = "https://www.irev.fr/node/236929/point-sur-lactualite-des-cites-educatives-0"
SEED_LINES = (
    (importlib_resources.files("catalogue") / "data" / "seed.jsonl").read_text(encoding="utf-8").splitlines()
)


def page_parts(page: str) -> tuple[str, str]:
    """The body of the page and its "Liens" list."""
    body, _, links = page.partition("\nLiens\n")
    return body, links


def numbered_links(page: str) -> dict[int, str]:
    """The "Liens" list: link number -> address (an empty entry takes the next non-blank line, as [26] does)."""
    _, links = page_parts(page)
    lines = links.splitlines()
    found = {}
    for index, line in enumerate(lines):
        match = re.match(r"^- \[(\d+)\]\s*(\S*)\s*$", line)
        if not match:
            continue
        target = match.group(2)
        if not target:
            target = next(candidate.strip() for candidate in lines[index + 1 :] if candidate.strip())
        found[int(match.group(1))] = target.strip("<>")
    return found


def bare_addresses(page: str) -> list[str]:
    """Every http(s) address written out in the body of the page, in order of appearance."""
    body, _ = page_parts(page)
    return list(dict.fromkeys(re.findall(r"https?://[^\s<>]+", body)))


NUMBERED = numbered_links(PAGE)
BARE = bare_addresses(PAGE)
EVALUATION_ADDRESSES = [url for url in BARE if url != SOURCE_URL]
SEED = {r.url: r for r in seed_resources()}
EXCLUSIONS = seed_exclusions()


def fold(text: str) -> str:
    """Lower case without accents, as a search for `evaluation` sees a text."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def test_the_page_parser_finds_links_1_to_26_each_referenced_in_the_body():
    body, _ = page_parts(PAGE)
    referenced = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert (list(range(1, 27)), set(range(1, 27))) == (sorted(NUMBERED), referenced)
    assert NUMBERED[26].startswith("mailto:m.giraldi@irev.fr")


def test_the_page_parser_finds_the_eight_evaluation_addresses_and_the_source_address():
    assert 9 == len(BARE)
    assert SOURCE_URL == BARE[-1]


@pytest.mark.parametrize("number", sorted(NUMBERED))
def test_every_numbered_link_is_exactly_one_of_a_seed_resource_or_an_exclusion(number):
    url = NUMBERED[number]
    excluded = [e for e in EXCLUSIONS if e["url"] == url]
    assert (url in SEED) != bool(excluded)
    if excluded:
        assert [number] == [e["link"] for e in excluded]


@pytest.mark.parametrize("url", BARE)
def test_every_bare_address_is_exactly_one_of_a_seed_resource_or_an_exclusion(url):
    excluded = [e for e in EXCLUSIONS if e["url"] == url]
    assert (url in SEED) != bool(excluded)


def test_the_seed_and_the_exclusions_together_are_exactly_the_links_of_the_page():
    page_links = set(NUMBERED.values()) | set(BARE)
    seed_urls = set(SEED)
    excluded_urls = {e["url"] for e in EXCLUSIONS}
    assert (page_links, set()) == (seed_urls | excluded_urls, seed_urls & excluded_urls)
    assert len(SEED_LINES) == len(SEED), "two seed lines share a URL"


def test_exclusions_are_the_bookmark_button_the_login_platform_the_registration_the_mailto_and_the_page():
    expected = {4: NUMBERED[4], 24: NUMBERED[24], 25: NUMBERED[25], 26: NUMBERED[26], None: SOURCE_URL}
    assert expected == {e["link"]: e["url"] for e in EXCLUSIONS}
    assert "https://www.irev.fr/javascript%3A%3B" == NUMBERED[4]
    assert all(len(e["reason"]) > 30 for e in EXCLUSIONS)


@pytest.mark.parametrize("number", range(1, len(SEED_LINES) + 1))
def test_every_seed_line_has_the_model_field_order_and_validates(number):
    data = json.loads(SEED_LINES[number - 1])
    expected_order = [name for name in FIELD_NAMES if name in data]
    assert expected_order == list(data)
    assert not {"id", "added_at", "updated_at"} & set(data)
    assert (SOURCE_URL, "fr") == (data["source_url"], data["language"])
    [resource] = parse_seed(SEED_LINES[number - 1], load_vocabularies())
    assert data["url"] == resource.url


# The sub-headings of the page's RÉGIONAL section that state a level of their own, and the resource
# whose own label names a département's work: the nearest heading decides (import_page's rules).
SUBSECTION_LEVELS = {
    "http://biblio.reseau-recl.org/index.php?lvl=notice_display&id=33755": "national",  # » Cadrage national
    "https://irev.fr/thematiques/education-jeunesse-parentalite/cites-educatives/premier-rapport-du-cnoe-pour-les-cites": (
        "national"  # » Cadrage national
    ),
    "https://www.irev.fr/sites/default/files/atoms/files/ressources_evaluation_cite_educative.pdf": (
        "national"  # » Exemples nationaux
    ),
    "https://drive.google.com/file/d/1O7hgA-EmUJoVdlHyaGcyq118MUNh9zT8/view": "local",  # Observatoire départemental
}


def test_levels_follow_the_nearest_heading_above_each_link():
    body, _ = page_parts(PAGE)
    regional_start = body.index("AU NIVEAU RÉGIONAL")
    number_of = {url: n for n, url in NUMBERED.items()}

    def position(url: str) -> int:
        return body.index(f"[{number_of[url]}]") if url in number_of else body.index(url)

    expected = {url: "national" if position(url) < regional_start else "regional" for url in SEED}
    expected.update(SUBSECTION_LEVELS)
    assert expected == {url: r.level for url, r in SEED.items()}
    assert (22, 7, 1) == tuple(
        sum(level == x for level in expected.values()) for x in ("national", "regional", "local")
    )


def test_the_injep_and_cnoe_reports_are_national_and_the_essonne_guide_is_local():
    by_title = {r.title: r.level for r in SEED.values()}
    assert (
        "national"
        == by_title["Analyse des protocoles de suivi et d'évaluation des « cités éducatives » (INJEP)"]
    )
    assert "national" == by_title["Premier rapport du CNOE pour les cités éducatives"]
    assert "local" == next(level for title, level in by_title.items() if title.startswith("Guide-Mémo"))


TYPES_BY_NUMBER = {
    1: "video", 2: "video", 3: "synthese", 5: "video", 6: "video", 7: "video",
    **dict.fromkeys(range(8, 20), "dispositif"),
    20: "video", 21: "compte-rendu", 22: "compte-rendu", 23: "recueil",
}  # fmt: skip


def test_numbered_resources_have_the_type_their_link_announces():
    assert TYPES_BY_NUMBER == {n: SEED[url].type for n, url in NUMBERED.items() if url in SEED}


def test_evaluation_addresses_are_evaluation_resources_of_their_sub_section():
    assert [(SUBSECTION_LEVELS.get(url, "regional"), True) for url in EVALUATION_ADDRESSES] == [
        (SEED[url].level, "evaluation" in SEED[url].themes) for url in EVALUATION_ADDRESSES
    ]


@pytest.mark.parametrize(
    ("number", "present", "absent"),
    [
        (3, ["Éléments de synthèse du séminaire", "fin 2021"], ["Compte rendu"]),
        (21, ["6 avril 2022", "Maubeuge", "lis avec moi", "Compte rendu 3", "Animation IREV"], ["03 mars 2022", "Météo du jour"]),
        (22, ["Compte rendu de la réunion du 03 mars 2022", "Météo du jour", "Maubeuge", "Lis avec moi"], ["Compte rendu 3", "6 avril"]),
        (23, ["Guide-Mémo pour la rédaction d'un protocole d'évaluation", "» Cadrage national"], ["Recueil de ressources"]),
    ],
)  # fmt: skip
def test_documents_inlined_on_the_page_carry_their_own_transcription_text(number, present, absent):
    text = SEED[NUMBERED[number]].text
    missing, stray = [p for p in present if p not in text], [a for a in absent if a in text]
    assert ([], []) == (missing, stray)


def test_the_evaluation_collection_text_lists_every_evaluation_address():
    text = SEED[NUMBERED[23]].text
    assert (8, []) == (len(EVALUATION_ADDRESSES), [url for url in EVALUATION_ADDRESSES if url not in text])


def test_only_the_documents_inlined_on_the_page_have_a_text():
    assert {NUMBERED[n] for n in (3, 21, 22, 23)} == {url for url, r in SEED.items() if r.text}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (
            "https://drive.google.com/file/d/1O7hgA-EmUJoVdlHyaGcyq118MUNh9zT8/view",
            "guide-memo pour la redaction d'un protocole d'evaluation",
        ),
        (
            "http://biblio.reseau-recl.org/index.php?lvl=notice_display&id=33755",
            "analyse des protocoles de suivi et d'evaluation",
        ),
    ],
)
def test_the_guide_memo_and_the_injep_analysis_carry_evaluation_in_their_title(url, words):
    resource = SEED[url]
    assert (True, True) == (words in fold(resource.title), "evaluation" in fold(resource.description))


@pytest.mark.parametrize(
    ("bad_line", "field", "message"),
    [
        ('{"url": "https://ex.example/a", "title": "A", "level": "departemental"}', "level", "national, regional, local"),
        ('{"url": "https://ex.example/a", "title": "A", "type": "film"}', "type", "valeurs possibles : video"),
        ('{"url": "https://ex.example/a", "title": ""}', "title", "est obligatoire"),
        ('{"url": "https://ex.example/a", "title": "A", "id": "0123456789ab"}', "id", "calculé par le catalogue"),
        ('{"url": "https://ex.example/a", "title": "A", "date": "avril 2022"}', "date", "AAAA"),
        ('{"url": "https://ex.example/a", "title": "A",}', None, "JSON invalide"),
        ('{"url": "https://ex.example/a", "titre": "A"}', None, "colonne(s) inconnue(s) 'titre'"),
    ],
)  # fmt: skip
def test_a_malformed_seed_line_is_refused_naming_file_line_and_field(bad_line, field, message):
    text = SEED_LINES[0] + "\n" + bad_line + "\n"
    with pytest.raises(ImportFileError) as info:
        parse_seed(text, load_vocabularies())
    error = info.value
    assert ("catalogue/data/seed.jsonl", 2, field) == (error.source, error.line, error.field)
    assert str(error).startswith("catalogue/data/seed.jsonl, ligne 2")
    assert message in str(error)


def test_loading_the_seed_into_an_empty_store_creates_every_resource_and_marks_the_meta(store):
    assert None is store.get_meta(SEED_META_KEY)
    assert (len(SEED), 0) == load_seed(store)
    assert sorted(r.id for r in SEED.values()) == sorted(store.ids())
    stored = {r.url: r for r in store}
    assert {url: r.to_dict() | {"added_at": "", "updated_at": ""} for url, r in SEED.items()} == {
        url: r.to_dict() | {"added_at": "", "updated_at": ""} for url, r in stored.items()
    }
    assert store.get_meta(SEED_META_KEY)


def test_loading_the_seed_twice_changes_nothing(store):
    load_seed(store)
    before = ([r.to_dict() for r in store], store.get_meta(SEED_META_KEY))
    assert (0, 0) == load_seed(store)
    assert before == ([r.to_dict() for r in store], store.get_meta(SEED_META_KEY))


def test_reloading_restores_seed_fields_and_keeps_what_the_seed_leaves_empty(store):
    load_seed(store)
    replay = store.find_by_url(NUMBERED[1])
    store.update_fields(replay.id, title="Titre modifié", text="Texte trouvé plus tard par le robot.")
    assert (0, 1) == load_seed(store)
    after = store.get(replay.id)
    assert (SEED[NUMBERED[1]].title, "Texte trouvé plus tard par le robot.", replay.added_at) == (
        after.title,
        after.text,
        after.added_at,
    )


def test_a_seed_that_does_not_fit_the_store_vocabularies_writes_nothing(tmp_path):
    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["types"] = [t for t in data["types"] if t["value"] != "recueil"]
    vocabulary_file = tmp_path / "vocabularies.json"
    vocabulary_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with Store(tmp_path / "catalogue.db", load_vocabularies(vocabulary_file)) as narrow:
        with pytest.raises(ImportFileError) as info:
            load_seed(narrow)
        assert ("type", 0, None) == (info.value.field, narrow.count(), narrow.get_meta(SEED_META_KEY))
