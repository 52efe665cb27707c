"""Searching the sample index: variants, synonyms, facets, snippets, suggestions, fallbacks, sorts."""

import threading

import pytest

from catalogue.models import Resource
from index.build import IndexMissing
from index.query import SearchQuery
from index.search import FALLBACK_ANY, FALLBACK_FUZZY, Searcher


def ids(results):
    return [h.url.rsplit("/", 1)[1] for h in results.hits]


def facet_counts(results, name):
    return {v.value: (v.count, v.selected) for v in results.facets[name].values}


def test_accent_case_and_inflection_variants_return_the_same_first_page(searcher):
    pages = [
        ids(searcher.search(SearchQuery(q=q))) for q in ("evaluation", "évaluations", "Evaluer", "EVALUATION")
    ]
    assert pages[0][:2] == ["guide-memo", "injep"] or pages[0][:2] == ["injep", "guide-memo"]
    assert all(page == pages[0] for page in pages)


def test_acronym_finds_resources_that_only_spell_it_out(searcher):
    assert ids(searcher.search(SearchQuery(q="PRE"))) == ["pre"]


def test_spelled_out_form_finds_the_acronym_and_stage_de_3e_finds_troisieme(searcher):
    assert "cpo" in ids(searcher.search(SearchQuery(q="CPO")))
    assert ids(searcher.search(SearchQuery(q="stage de troisième"))) == ["cpo"]


def test_title_match_ranks_above_body_match(searcher):
    assert ids(searcher.search(SearchQuery(q="parents")))[0] == "parents"


def test_choosing_a_level_keeps_the_other_levels_visible_with_their_counts(searcher):
    results = searcher.search(SearchQuery(q="", filters={"level": ["regional"]}))
    assert {h.level for h in results.hits} == {"regional"}
    assert results.total == 2
    assert facet_counts(results, "level") == {
        "regional": (2, True),
        "national": (2, False),
        "local": (2, False),
    }
    # Other facets are counted within the chosen level only.
    assert facet_counts(results, "publisher") == {"IREV": (1, False), "Observatoire de l'Essonne": (1, False)}


def test_values_inside_a_facet_are_ored_and_facets_are_anded(searcher):
    results = searcher.search(SearchQuery(filters={"level": ["regional", "local"], "publisher": ["IREV"]}))
    assert sorted(ids(results)) == ["cpo", "pre"]


def test_a_chosen_value_stays_visible_at_zero(searcher):
    results = searcher.search(SearchQuery(q="INJEP", filters={"type": ["video"]}))
    assert results.total == 0
    assert ("video", 0, True) in [(v.value, v.count, v.selected) for v in results.facets["type"].values]


def test_facet_labels_come_from_the_vocabularies(searcher):
    results = searcher.search(SearchQuery(q=""))
    labels = {v.value: v.label for v in results.facets["level"].values}
    assert labels == {"national": "National", "regional": "Régional", "local": "Local"}


def test_a_word_found_only_80_kb_into_a_text_gets_a_highlighted_snippet(searcher):
    results = searcher.search(SearchQuery(q="cordées"))
    # "pre" follows through its theme's keywords (« cordées de la réussite »), not its text.
    assert ids(results) == ["rapport-long", "pre"]
    assert "<mark>cordées</mark>" in results.hits[0].snippet


def test_snippets_are_html_escaped(searcher):
    snippet = searcher.search(SearchQuery(q="guide memo protocole")).hits[0].snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


def test_a_misspelt_word_is_searched_as_its_accented_correction_and_the_word_as_typed_stays_one_click_away(
    searcher,
):
    results = searcher.search(SearchQuery(q="evaluasion"))
    assert results.suggestion == "évaluation"
    assert results.fallback is None
    assert ids(results) == ids(searcher.search(SearchQuery(q="évaluation")))
    assert results.as_typed == '"evaluasion"'
    as_typed = searcher.search(SearchQuery(q=results.as_typed))
    assert as_typed.suggestion is None and as_typed.fallback == FALLBACK_FUZZY


def test_a_query_with_one_unknown_word_falls_back_to_any_word(searcher):
    results = searcher.search(SearchQuery(q="protocole xylophone"))
    assert results.fallback == FALLBACK_ANY and results.total == 2


def test_known_words_get_no_suggestion(searcher):
    assert searcher.search(SearchQuery(q="évaluation")).suggestion is None


def test_quoted_phrases_match_exactly(searcher):
    assert ids(searcher.search(SearchQuery(q='"place des parents"'))) == ["parents"]
    assert "parents" not in ids(searcher.search(SearchQuery(q='"parents à la place"')))


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("date", ["cpo", "parents", "pre", "injep", "guide-memo", "rapport-long"]),
        ("title", ["injep", "guide-memo", "parents", "rapport-long", "cpo", "pre"]),
    ],
)
def test_sorts_by_date_newest_first_and_by_title(searcher, sort, expected):
    assert ids(searcher.search(SearchQuery(sort=sort))) == expected


def test_pages_split_the_results(searcher):
    first = ids(searcher.search(SearchQuery(sort="date", per_page=4)))
    second = ids(searcher.search(SearchQuery(sort="date", per_page=4, page=2)))
    assert first + second == ids(searcher.search(SearchQuery(sort="date")))


def test_suggested_themes_are_counted_but_kept_apart_in_the_hit(searcher):
    hit = searcher.search(SearchQuery(q="parentalité coéducation")).hits[0]
    assert hit.themes == [] and "parentalite" in hit.suggested_themes
    counts = facet_counts(searcher.search(SearchQuery(q="")), "theme")
    assert counts["parentalite"][0] >= 1


def test_threads_share_one_searcher(searcher):
    errors, totals = [], []

    def work():
        try:
            for q in ("evaluation", "PRE", "parents", ""):
                totals.append((q, searcher.search(SearchQuery(q=q)).total))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(totals)) == 4


def test_a_missing_index_says_to_run_reindex(settings, store):
    searcher = Searcher(settings.index_path, store.vocabularies)
    with pytest.raises(IndexMissing, match="catalogue reindex"):
        searcher.search(SearchQuery(q="x"))


def test_data_is_escaped_in_snippets(indexed, settings):
    from index.build import update

    store, path = indexed
    resource, _ = store.upsert(
        Resource(
            url="https://ex.fr/xss", title="Atelier", text="Un atelier <script>alert(1)</script> de théâtre."
        )
    )
    update(store, path, [resource.id])
    searcher = Searcher(path, store.vocabularies)
    snippet = searcher.search(SearchQuery(q="théâtre")).hits[0].snippet
    searcher.close()
    assert snippet == "Un atelier &lt;script&gt;alert(1)&lt;/script&gt; de <mark>théâtre</mark>."


def test_long_facets_are_truncated_and_say_so(store, settings):
    from index.build import rebuild

    store.upsert_many(
        Resource(url=f"https://ex.fr/p{n}", title=f"Ressource {n}", publisher=f"Éditeur {n:02d}")
        for n in range(12)
    )
    rebuild(store, settings.index_path)
    searcher = Searcher(settings.index_path, store.vocabularies)
    facet = searcher.search(SearchQuery(filters={"publisher": ["Éditeur 11"]})).facets["publisher"]
    searcher.close()
    assert facet.truncated and len(facet.values) == 11
    assert ("Éditeur 11", True) in [(v.value, v.selected) for v in facet.values]


def test_words_close_together_rank_first(indexed, settings):
    from index.build import update

    store, path = indexed
    near, _ = store.upsert(
        Resource(
            url="https://ex.fr/near",
            title="Note",
            text="Le budget du théâtre. " + "Autre sujet. " * 30 + "Un mot.",
        )
    )
    far, _ = store.upsert(
        Resource(
            url="https://ex.fr/far", title="Note", text="Le budget. " + "Autre sujet. " * 30 + "Un théâtre."
        )
    )
    update(store, path, [near.id, far.id])
    searcher = Searcher(path, store.vocabularies)
    assert ids(searcher.search(SearchQuery(q="budget théâtre")))[:2] == ["near", "far"]
    searcher.close()


@pytest.mark.parametrize("sort", ["relevance", "date", "title"])
@pytest.mark.parametrize("q", ["", "parentalité", "rencontre réseau"])
def test_ids_only_gives_every_result_in_the_order_of_the_pages(searcher, q, sort):
    """Feeds and exports take the ids without snippets, facets or suggestion: same results, same order."""
    paged = []
    for page in (1, 2, 3):
        paged += [h.id for h in searcher.search(SearchQuery(q=q, sort=sort, page=page, per_page=2)).hits]
    assert paged == searcher.ids(SearchQuery(q=q, sort=sort))


def test_a_resource_answering_more_of_the_query_ranks_above_one_repeating_a_single_word(store, settings):
    from index.build import rebuild

    store.upsert_many(
        [
            Resource(
                url="https://ex.fr/repeat",
                title="Les parents, les parents, les parents",
                text="Parents. " * 40,
            ),
            Resource(
                url="https://ex.fr/answer",
                title="Guide",
                text="Aider les parents à suivre la scolarité de leurs enfants au collège.",
            ),
        ]
    )
    rebuild(store, settings.index_path)
    with_searcher = Searcher(settings.index_path, store.vocabularies)
    try:
        results = with_searcher.search(SearchQuery(q="parents scolarité collège"))
        assert ids(results) == ["answer", "repeat"]
        assert results.fallback is None
    finally:
        with_searcher.close()


def test_every_resource_matching_any_concept_is_listed_those_with_all_first(searcher):
    results = searcher.search(SearchQuery(q="protocole évaluation Maubeuge"))
    found = ids(results)
    assert set(found) >= {"guide-memo", "injep", "pre"}
    assert found.index("guide-memo") < found.index("pre")


@pytest.mark.parametrize(
    "query", ["+protocole évaluation", '"protocole" évaluation', "évaluation +protocole"]
)
def test_a_plus_or_quoted_word_is_required(searcher, query):
    assert set(ids(searcher.search(SearchQuery(q=query)))) == {"guide-memo", "injep"}


def test_a_plus_word_is_never_corrected(searcher):
    results = searcher.search(SearchQuery(q="+evaluasion"))
    assert results.suggestion is None


def test_question_words_do_not_count_as_words_to_match(searcher):
    question = ids(searcher.search(SearchQuery(q="comment faut-il rédiger un protocole ?")))
    assert question[:2] == ids(searcher.search(SearchQuery(q="rédiger protocole")))[:2]
    assert question[0] == "guide-memo"


def test_a_rare_word_of_the_catalogue_is_not_corrected(searcher):
    # "Maubeuge" appears once: a place, not a typo of another word.
    results = searcher.search(SearchQuery(q="maubeuge"))
    assert results.suggestion is None and ids(results) == ["pre"]


def test_an_untagged_resource_is_found_through_its_suggested_themes_and_a_persons_themes_replace_them(
    store, settings
):
    from catalogue import suggest
    from index.build import rebuild

    minutes = (
        "Le comité de pilotage a réuni la troïka. La labellisation et le comité de pilotage sont confirmés."
    )
    store.upsert_many(
        [
            Resource(url="https://ex.fr/untagged", title="Relevé de décisions", text=minutes),
            Resource(
                url="https://ex.fr/tagged", title="Relevé de décisions", text=minutes, themes=["evaluation"]
            ),
            Resource(url="https://ex.fr/other", title="Autre document", text="Les acteurs du quartier."),
        ]
    )
    suggest.apply(store)
    rebuild(store, settings.index_path)
    s = Searcher(settings.index_path, store.vocabularies)
    try:
        # No text says « mobilisation des acteurs »: a keyword of the suggested theme (gouvernance) does.
        # ("other" follows: it has « acteurs », one of the two words.)
        assert ids(s.search(SearchQuery(q="mobilisation des acteurs"))) == ["untagged", "other"]
        # The person's theme (évaluation) replaces the suggestion.
        assert ids(s.search(SearchQuery(q="indicateurs"))) == ["tagged"]
    finally:
        s.close()


def test_ids_for_feeds_and_exports_search_the_correction_like_the_page(searcher):
    page = [h.id for h in searcher.search(SearchQuery(q="evaluasion")).hits]
    assert page and searcher.ids(SearchQuery(q="evaluasion")) == page


@pytest.mark.parametrize(
    "filters",
    [{"theme": ["evaluation"]}, {"theme": ["evaluation", "parentalite"]}, {"type": ["guide"]}, {}],
)
def test_related_lists_what_a_search_sorted_by_date_lists_first_without_counting_facets(searcher, filters):
    """A resource page's « see also » took a whole faceted search; the ids-only path keeps its answer."""
    page = searcher.search(SearchQuery(q="", filters=filters, sort="date", per_page=3))
    assert [h.id for h in page.hits] == [h.id for h in searcher.related(filters, 3)]
    assert [h.title for h in page.hits] == [h.title for h in searcher.related(filters, 3)]
