//! The behaviours every engine must show, each a function over a backend.

use search_index::{
    AttachedDocument, MatchedIn, SearchBackend, SearchError, SearchQuery, SearchResults, SearchSort,
};

use crate::fixtures::{ACCESSIBILITY, CONFERENCE, LODZ, RIGHTS, WORKSHOPS, articles, at, document};

async fn indexed(backend: &dyn SearchBackend) {
    backend.upsert(&articles()).await.expect("upsert fixtures");
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: 20,
        ..SearchQuery::default()
    }
}

async fn run(backend: &dyn SearchBackend, query: &SearchQuery) -> SearchResults {
    backend.search(query).await.expect("search")
}

fn ids(results: &SearchResults) -> Vec<i64> {
    results.hits.iter().map(|hit| hit.id).collect()
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

pub async fn an_inflected_query_finds_other_forms_of_its_words(backend: &dyn SearchBackend) {
    indexed(backend).await;
    // Article 2 says only "partnerstwa lokalnego" and "Partnerstwa Lokalnego".
    let results = run(backend, &query("partnerstwo lokalne ")).await;
    assert!(ids(&results).contains(&WORKSHOPS), "{results:?}");
    assert!(ids(&results).contains(&CONFERENCE), "{results:?}");
}

pub async fn a_query_without_polish_letters_finds_words_with_them(backend: &dyn SearchBackend) {
    indexed(backend).await;
    for text in ["lodz ", "Lodz ", "łódź "] {
        let results = run(backend, &query(text)).await;
        assert_eq!(ids(&results), [LODZ], "{text}: {results:?}");
    }
    let results = run(backend, &query("dworzec lodz ")).await;
    assert_eq!(ids(&results), [LODZ]);
    // Only an inflected form with ł: folding and the dictionary together.
    let inflected = document(
        60,
        "Koncert w Łodzi",
        "Zagrała orkiestra.",
        "Bilety wyprzedano.",
        "region",
        &[],
        at(2019, 6, 1),
    );
    backend.upsert(&[inflected]).await.expect("upsert");
    let results = run(backend, &query("lodz ")).await;
    assert_eq!(sorted(ids(&results)), [LODZ, 60], "{results:?}");
}

pub async fn articles_with_some_of_the_words_follow_those_with_all(backend: &dyn SearchBackend) {
    indexed(backend).await;
    backend
        .upsert(&[document(
            70,
            "Partnerstwo przy dworcu",
            "Notatka.",
            "Rozmowa o współpracy.",
            "region",
            &[],
            at(2022, 1, 1),
        )])
        .await
        .expect("upsert");
    // No fixture article has both words; the one that does comes first, and the articles
    // with the first word still follow rather than an empty page.
    let results = run(backend, &query("partnerstwo dworzec ")).await;
    assert_eq!(ids(&results).first(), Some(&70), "{results:?}");
    assert!(ids(&results).contains(&CONFERENCE), "{results:?}");
    assert!(ids(&results).contains(&WORKSHOPS), "{results:?}");
}

pub async fn stop_words_alone_do_not_make_an_article_match(backend: &dyn SearchBackend) {
    indexed(backend).await;
    backend
        .upsert(&[document(
            80,
            "Dziurkacz konduktorski",
            "Eksponat miesiąca.",
            "Opis eksponatu.",
            "kultura",
            &[],
            at(2023, 3, 1),
        )])
        .await
        .expect("upsert");
    // Several fixture articles have "w" in them; only the one with a word that carries
    // meaning matches the question.
    let results = run(
        backend,
        &query("Jak wyglądał dziurkacz konduktorski w muzeum?"),
    )
    .await;
    assert_eq!(ids(&results), [80], "{results:?}");
    assert_eq!(results.total_hits, 1, "{results:?}");
}

pub async fn a_query_of_too_many_words_is_refused(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let words = |count: usize| vec!["dworzec"; count].join(" ");
    let longest = run(backend, &query(&words(32))).await;
    assert_eq!(ids(&longest), [LODZ], "{longest:?}");
    let refused = backend.search(&query(&words(33))).await;
    assert!(
        matches!(refused, Err(SearchError::InvalidQuery(_))),
        "{refused:?}"
    );
}

pub async fn typos_are_tolerated_on_long_words_only(backend: &dyn SearchBackend) {
    indexed(backend).await;
    // One typo in a seven-letter word (a swap), two in a nine-letter one.
    let one = run(backend, &query("Struizk ")).await;
    assert!(ids(&one).contains(&CONFERENCE), "{one:?}");
    let two = run(backend, &query("brajlowksim ")).await;
    assert_eq!(ids(&two), [ACCESSIBILITY], "{two:?}");
    // A four-letter word gets no typo: "Orca" must not match "Orka".
    let short = run(backend, &query("orka ")).await;
    assert!(short.hits.is_empty(), "{short:?}");
}

/// As in Meilisearch: people seldom mistype the letter a word starts with, so a change
/// there spends two typos.
pub async fn a_typo_in_the_first_letter_counts_as_two(backend: &dyn SearchBackend) {
    indexed(backend).await;
    // Seven letters, one typo allowed: not in the first letter.
    let first = run(backend, &query("Dtruzik ")).await;
    assert!(!ids(&first).contains(&CONFERENCE), "{first:?}");
    let second = run(backend, &query("Sdruzik ")).await;
    assert!(ids(&second).contains(&CONFERENCE), "{second:?}");
    // Eleven letters, two allowed: the first letter alone, or two others.
    let first_alone = run(backend, &query("prajlowskim ")).await;
    assert_eq!(ids(&first_alone), [ACCESSIBILITY], "{first_alone:?}");
    let first_and_another = run(backend, &query("prajlowksim ")).await;
    assert!(first_and_another.hits.is_empty(), "{first_and_another:?}");
}

pub async fn the_last_word_matches_as_a_prefix_while_it_is_typed(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let typing = run(backend, &query("kontr")).await;
    assert_eq!(ids(&typing), [ACCESSIBILITY], "{typing:?}");
    let several = run(backend, &query("marszałek Stru")).await;
    assert!(ids(&several).contains(&CONFERENCE), "{several:?}");
    // A trailing space ends the word: no prefix any more.
    let finished = run(backend, &query("kontr ")).await;
    assert!(finished.hits.is_empty(), "{finished:?}");
}

pub async fn exact_forms_rank_above_other_forms_and_titles_above_bodies(
    backend: &dyn SearchBackend,
) {
    let filler = "Spotkanie odbyło się w sali konferencyjnej urzędu.";
    let body = |sentence: &str| format!("{filler} {sentence}");
    backend
        .upsert(&[
            document(
                10,
                "Spotkanie",
                "Notatka.",
                &body("Mówiono o partnerstwach miast."),
                "a",
                &[],
                at(2020, 1, 1),
            ),
            document(
                11,
                "Spotkanie",
                "Notatka.",
                &body("Mówiono o partnerstwie miast."),
                "a",
                &[],
                at(2020, 1, 1),
            ),
            document(
                12,
                "Spotkanie gmin",
                "Notatka.",
                filler,
                "a",
                &[],
                at(2020, 1, 1),
            ),
            document(
                13,
                "Spotkanie",
                "Notatka.",
                &body("Byli wójtowie gmin."),
                "a",
                &[],
                at(2020, 1, 1),
            ),
        ])
        .await
        .expect("upsert");
    // 11 has the very form typed, 10 another form of it.
    assert_eq!(ids(&run(backend, &query("partnerstwie ")).await), [11, 10]);
    // The same word in a title weighs more than in a body.
    assert_eq!(ids(&run(backend, &query("gmin ")).await), [12, 13]);
}

pub async fn typo_matches_rank_below_exact_matches(backend: &dyn SearchBackend) {
    backend
        .upsert(&[
            document(
                20,
                "Wizyta",
                "Przyjechał marszałek Strusik.",
                "Tekst.",
                "a",
                &[],
                at(2020, 1, 1),
            ),
            document(
                21,
                "Wizyta",
                "Przyjechał marszałek Struzik.",
                "Tekst.",
                "a",
                &[],
                at(2020, 1, 1),
            ),
        ])
        .await
        .expect("upsert");
    let results = run(backend, &query("Struzik ")).await;
    assert_eq!(ids(&results), [21, 20], "{results:?}");
}

pub async fn photo_captions_are_searchable(backend: &dyn SearchBackend) {
    let mut article = document(
        30,
        "Galeria",
        "Zdjęcia z wydarzenia.",
        "Tekst.",
        "a",
        &[],
        at(2020, 1, 1),
    );
    article.photo_captions = vec!["Goście konferencji w ratuszu".into()];
    backend.upsert(&[article]).await.expect("upsert");
    let results = run(backend, &query("ratusz ")).await;
    assert_eq!(ids(&results), [30], "{results:?}");
    assert!(
        results.hits[0].snippet.contains("<mark>ratuszu</mark>"),
        "{results:?}"
    );
}

pub async fn a_word_only_in_an_attachment_finds_the_article_and_says_where(
    backend: &dyn SearchBackend,
) {
    let mut with_rules = document(
        31,
        "Nabór wniosków",
        "Gmina ogłasza nabór.",
        "Szczegóły w załączniku.",
        "a",
        &[],
        at(2021, 1, 1),
    );
    with_rules.attachments = vec![
        AttachedDocument {
            title: "Formularz".into(),
            text: "Imię i nazwisko wnioskodawcy.".into(),
        },
        AttachedDocument {
            title: "Regulamin naboru".into(),
            text: "Kwalifikowalność wydatków określa paragraf 4 regulaminu.".into(),
        },
        // A long document: hits carry only its start, but all of it is searchable.
        AttachedDocument {
            title: "Załącznik techniczny".into(),
            text: format!(
                "{} Depozytariusz zamyka tekst.",
                "Opis działki. ".repeat(3_000)
            ),
        },
    ];
    let in_body = document(
        32,
        "Wydatki gminy",
        "Budżet.",
        "Kwalifikowalności wydatków dotyczy nowa uchwała.",
        "a",
        &[],
        at(2021, 2, 1),
    );
    backend
        .upsert(&[with_rules, in_body])
        .await
        .expect("upsert");
    // An inflected form finds the attachment's word, as it finds a body's.
    let results = run(backend, &query("kwalifikowalności ")).await;
    assert_eq!(sorted(ids(&results)), [31, 32], "{results:?}");
    for hit in &results.hits {
        match hit.id {
            31 => {
                assert_eq!(
                    hit.matched_in,
                    MatchedIn::Attachment {
                        title: "Regulamin naboru".into()
                    },
                    "{hit:?}"
                );
                assert!(
                    hit.snippet.contains("<mark>Kwalifikowalność</mark>"),
                    "{hit:?}"
                );
            }
            _ => assert_eq!(hit.matched_in, MatchedIn::Article, "{hit:?}"),
        }
    }
    // An attachment's title is searchable too; a match in the article itself wins.
    let by_title = run(backend, &query("regulamin ")).await;
    assert_eq!(ids(&by_title), [31], "{by_title:?}");
    let deep = run(backend, &query("depozytariusz ")).await;
    assert_eq!(ids(&deep), [31], "{deep:?}");
    let in_article = run(backend, &query("nabór ")).await;
    assert_eq!(in_article.hits[0].matched_in, MatchedIn::Article);
}

pub async fn filters_narrow_by_section_tags_and_dates(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let mut by_section = query("");
    by_section.section = Some("poradniki".into());
    assert_eq!(
        sorted(ids(&run(backend, &by_section).await)),
        [ACCESSIBILITY, RIGHTS]
    );

    let mut all_tags = query("");
    all_tags.tags = vec!["gospodarka".into(), "partnerstwo".into()];
    assert_eq!(ids(&run(backend, &all_tags).await), [CONFERENCE]);

    let mut dates = query("");
    dates.published_after = Some(at(2018, 3, 1));
    dates.published_before = Some(at(2020, 1, 15));
    // After is inclusive, before is exclusive.
    assert_eq!(sorted(ids(&run(backend, &dates).await)), [WORKSHOPS, LODZ]);

    let mut with_text = query("gospodarczego ");
    with_text.section = Some("region".into());
    assert!(run(backend, &with_text).await.hits.is_empty());
}

pub async fn facets_count_every_match_not_only_the_page(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let mut page_of_one = query("");
    page_of_one.limit = 1;
    let results = run(backend, &page_of_one).await;
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.total_hits, 5);
    let sections: Vec<_> = results
        .facets
        .sections
        .iter()
        .map(|facet| (facet.slug.as_str(), facet.count))
        .collect();
    assert_eq!(
        sections,
        [("aktualnosci", 2), ("poradniki", 2), ("region", 1)]
    );
    let gospodarka = results
        .facets
        .tags
        .iter()
        .find(|facet| facet.slug == "gospodarka");
    assert_eq!(gospodarka.map(|facet| facet.count), Some(2));
    assert_eq!(results.facets.tags.len(), 5);

    let mut filtered = query("");
    filtered.section = Some("aktualnosci".into());
    let results = run(backend, &filtered).await;
    let tags: Vec<_> = results
        .facets
        .tags
        .iter()
        .map(|facet| (facet.slug.as_str(), facet.count))
        .collect();
    assert_eq!(tags, [("gospodarka", 2), ("partnerstwo", 1)]);
}

pub async fn a_blank_query_lists_the_newest_first(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let results = run(backend, &query("  ")).await;
    assert_eq!(
        ids(&results),
        [RIGHTS, ACCESSIBILITY, LODZ, WORKSHOPS, CONFERENCE]
    );
}

pub async fn newest_sort_orders_matches_by_date(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let mut newest = query("gospodarczego ");
    newest.sort = SearchSort::Newest;
    assert_eq!(ids(&run(backend, &newest).await), [WORKSHOPS, CONFERENCE]);
}

pub async fn pages_are_disjoint_and_cover_every_match(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let mut page = query("");
        page.offset = offset;
        page.limit = 2;
        let results = run(backend, &page).await;
        assert_eq!(results.total_hits, 5);
        seen.extend(ids(&results));
    }
    assert_eq!(seen, [RIGHTS, ACCESSIBILITY, LODZ, WORKSHOPS, CONFERENCE]);
    let mut beyond = query("");
    beyond.offset = 10;
    let results = run(backend, &beyond).await;
    assert!(results.hits.is_empty());
    assert_eq!(results.total_hits, 5);
}

/// Paging through a search by relevance shows every match once, however deep the pages
/// go: on Meilisearch the first pages are re-ranked (with candidates its own order puts
/// further down) and deeper ones continue in its order, and no article may show twice
/// or never.
pub async fn relevance_pages_show_every_match_once(backend: &dyn SearchBackend) {
    const MATCHES: i64 = 130;
    let documents: Vec<_> = (1..=MATCHES)
        .map(|id| {
            // Scores that differ: "lokalne" in a third of them, "partnerstwo" up to five
            // times, the words in the title of some.
            let title = if id % 7 == 0 {
                format!("Partnerstwo numer {id}")
            } else {
                format!("Komunikat numer {id}")
            };
            let mut body = "Partnerstwo gmin. ".repeat(1 + (id % 5) as usize);
            if id % 3 == 0 {
                body.push_str("Działania lokalne i inne sprawy.");
            }
            body.push_str(&" Treść komunikatu.".repeat((id % 11) as usize));
            document(
                id,
                &title,
                "Lead.",
                &body,
                "aktualnosci",
                &[],
                at(2021, 1, 1) + chrono::Duration::minutes(id),
            )
        })
        .collect();
    backend.upsert(&documents).await.expect("upsert");
    let mut seen = Vec::new();
    for offset in (0..150).step_by(10) {
        let mut page = query("partnerstwo lokalne ");
        page.offset = offset;
        page.limit = 10;
        let results = run(backend, &page).await;
        assert_eq!(results.total_hits, MATCHES as usize, "offset {offset}");
        seen.extend(ids(&results));
    }
    let distinct: std::collections::HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        seen.len(),
        "an article shown twice: {seen:?}"
    );
    assert_eq!(sorted(seen), (1..=MATCHES).collect::<Vec<_>>());
}

/// Meilisearch counts at most `maxTotalHits` matches (1,000 by default) and pages no
/// further; a reader's "2,400 results" and page 120 must not depend on the engine.
pub async fn more_than_a_thousand_matches_are_counted_and_paged(backend: &dyn SearchBackend) {
    const MATCHES: i64 = 1_200;
    let documents: Vec<_> = (1..=MATCHES)
        .map(|id| {
            document(
                id,
                &format!("Komunikat numer {id}"),
                "Lead.",
                "Treść komunikatu.",
                "aktualnosci",
                &[],
                at(2020, 1, 1) + chrono::Duration::minutes(id),
            )
        })
        .collect();
    for batch in documents.chunks(400) {
        backend.upsert(batch).await.expect("upsert");
    }
    for text in ["", "komunikat "] {
        let mut deep = query(text);
        deep.offset = 1_150;
        deep.limit = 100;
        let results = run(backend, &deep).await;
        assert_eq!(results.total_hits, MATCHES as usize, "{text:?}");
        assert_eq!(results.hits.len(), 50, "{text:?}: the last page");
        assert_eq!(
            results.facets.sections[0].count, MATCHES as usize,
            "{text:?}"
        );
    }
}

pub async fn titles_and_snippets_are_highlighted_escaped_html(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let results = run(backend, &query("lodz dworca ")).await;
    assert_eq!(
        results.hits[0].title_highlighted,
        "<mark>Łódź</mark> otwiera nowy <mark>dworzec</mark>"
    );
    assert!(
        results.hits[0]
            .snippet
            .contains("Mieszkańcy <mark>Łodzi</mark> mogą"),
        "{results:?}"
    );
    backend
        .upsert(&[document(
            40,
            "<script>alert(1)</script> & Łódź",
            "Lead.",
            "Body.",
            "a",
            &[],
            at(2020, 1, 1),
        )])
        .await
        .expect("upsert");
    let results = run(backend, &query("alert ")).await;
    assert_eq!(
        results.hits[0].title_highlighted,
        "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; Łódź"
    );
}

pub async fn updates_and_deletes_are_visible_at_once(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let mut changed = articles().remove(2);
    changed.title = "Kraków otwiera nowy dworzec".into();
    changed.lead = "Mieszkańcy Krakowa mogą już korzystać z dworca.".into();
    backend.upsert(&[changed]).await.expect("update");
    assert!(run(backend, &query("lodz ")).await.hits.is_empty());
    assert_eq!(ids(&run(backend, &query("krakow ")).await), [LODZ]);
    // An update replaces the document: still five in all.
    assert_eq!(run(backend, &query("")).await.total_hits, 5);

    backend.delete(&[LODZ, 999]).await.expect("delete");
    assert!(run(backend, &query("krakow ")).await.hits.is_empty());
    assert_eq!(run(backend, &query("")).await.total_hits, 4);
}

pub async fn a_rebuild_replaces_the_index_only_when_finished(backend: &dyn SearchBackend) {
    indexed(backend).await;
    let mut rebuild = backend.start_rebuild().await.expect("start rebuild");
    let fresh = articles()
        .into_iter()
        .filter(|article| article.id != LODZ)
        .collect::<Vec<_>>();
    rebuild.add(&fresh).await.expect("add");
    // Searches keep answering from the live index while the new one fills.
    assert_eq!(ids(&run(backend, &query("lodz ")).await), [LODZ]);
    // A write during the rebuild reaches both indexes, so the swap does not lose it.
    let late = document(
        50,
        "Nowy artykuł o Gdańsku",
        "Lead.",
        "Treść.",
        "region",
        &[],
        at(2022, 1, 1),
    );
    backend
        .upsert(&[late])
        .await
        .expect("upsert during rebuild");
    rebuild.finish().await.expect("finish");
    assert!(run(backend, &query("lodz ")).await.hits.is_empty());
    assert_eq!(ids(&run(backend, &query("gdańsk ")).await), [50]);
    assert_eq!(run(backend, &query("")).await.total_hits, 5);
}

pub async fn an_empty_index_answers_with_no_hits(backend: &dyn SearchBackend) {
    backend.health().await.expect("healthy");
    let results = run(backend, &query("cokolwiek ")).await;
    assert_eq!(results.total_hits, 0);
    assert!(results.hits.is_empty());
    assert!(results.facets.sections.is_empty());
}
