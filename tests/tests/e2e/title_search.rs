//! The editors' finder: `articles(filter: {titleWords})` finds articles of any status by
//! the words of their titles, in any inflected form, with or without Polish letters, the
//! last word also by its beginning; readers find only published articles by it.

use entities::article_title_term;
use kronika_core::domain::Role;
use kronika_tests::fixtures::{create_article, section_id};
use kronika_tests::{Session, TestApp, first_error_code, on_both_databases};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

on_both_databases!(
    titles_are_found_by_inflected_words_with_or_without_polish_letters,
    the_last_word_matches_by_its_beginning_and_every_word_must_match,
    a_renamed_title_is_found_by_its_new_words_and_not_its_old_ones,
    drafts_are_found_by_those_who_may_see_them_and_never_by_readers,
    articles_written_before_the_finder_get_their_terms_at_start,
    a_query_of_too_many_words_is_refused,
);

const FIND: &str = r#"query($words: String!, $status: [ArticleStatus!], $after: String, $first: Int) {
  articles(first: $first, after: $after, filter: {titleWords: $words, status: $status},
           orderBy: {field: TITLE, direction: ASC}) {
    nodes { title }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"#;

const EVERY_STATUS: [&str; 4] = ["DRAFT", "SCHEDULED", "PUBLISHED", "ARCHIVED"];

const UPDATE: &str = r#"mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { version } }
}"#;

/// The titles `session` finds by `words` among articles of every status, sorted (the
/// databases order Polish letters differently), after checking that `totalCount` agrees.
async fn found_by(app: &TestApp, session: &Session, words: &str) -> Vec<String> {
    let data = app
        .data_as(
            session,
            FIND,
            json!({"words": words, "status": EVERY_STATUS, "first": 100}),
        )
        .await;
    let mut titles = titles_of(&data);
    titles.sort();
    assert_eq!(
        data["articles"]["totalCount"],
        titles.len(),
        "totalCount for {words:?}"
    );
    titles
}

fn sorted(titles: &[&str]) -> Vec<String> {
    let mut titles: Vec<String> = titles.iter().map(|title| (*title).to_owned()).collect();
    titles.sort();
    titles
}

fn titles_of(data: &Value) -> Vec<String> {
    data["articles"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {data}"))
        .iter()
        .map(|node| node["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const PARTNERSHIP: &str = "Partnerstwa lokalnego w Łodzi";
const WORKSHOPS: &str = "Warsztaty w Mińsku Mazowieckim";
const EXCHANGE: &str = "Łódź i Warszawa wymieniają doświadczenia";

/// Three drafts and an editor who may see them.
async fn three_drafts(app: &TestApp) -> Session {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(app, &admin).await;
    for title in [PARTNERSHIP, WORKSHOPS, EXCHANGE] {
        create_article(app, &editor, &section, title).await;
    }
    editor
}

async fn titles_are_found_by_inflected_words_with_or_without_polish_letters(app: TestApp) {
    let editor = three_drafts(&app).await;
    for (words, expected) in [
        ("partnerstwo lokalne ", vec![PARTNERSHIP]),
        ("partnerstwem lokalnym ", vec![PARTNERSHIP]),
        ("Łódź ", vec![PARTNERSHIP, EXCHANGE]),
        ("lodz ", vec![PARTNERSHIP, EXCHANGE]),
        ("ŁODZI ", vec![PARTNERSHIP, EXCHANGE]),
        ("mazowieckiego ", vec![WORKSHOPS]),
        ("minsku mazowiecki ", vec![WORKSHOPS]),
        ("warsztat ", vec![WORKSHOPS]),
        ("doświadczenie ", vec![EXCHANGE]),
        ("doswiadczenie ", vec![EXCHANGE]),
        // Complete words (a space after the last) match whole words only.
        ("partn ", vec![]),
        ("Kraków ", vec![]),
    ] {
        assert_eq!(
            found_by(&app, &editor, words).await,
            sorted(&expected),
            "{words:?}"
        );
    }
    let everything = found_by(&app, &editor, "").await;
    assert_eq!(everything.len(), 3, "no words, no condition");
}

async fn the_last_word_matches_by_its_beginning_and_every_word_must_match(app: TestApp) {
    let editor = three_drafts(&app).await;
    for (words, expected) in [
        ("partn", vec![PARTNERSHIP]),
        ("Łód", vec![PARTNERSHIP, EXCHANGE]),
        ("lokalnego partn", vec![PARTNERSHIP]),
        // "Warszawa" and "Warsztaty" both begin so, but only one title also has Łódź.
        ("warsz", vec![WORKSHOPS, EXCHANGE]),
        ("lodz warsz", vec![EXCHANGE]),
        // Only the last word is a beginning: "partn" is no word of any title.
        ("partn lodz", vec![]),
        ("partnerstwo krakow", vec![]),
        // The stop words "w" and "i" are not required.
        ("warsztaty w minsku", vec![WORKSHOPS]),
    ] {
        assert_eq!(
            found_by(&app, &editor, words).await,
            sorted(&expected),
            "{words:?}"
        );
    }

    // Pages of the matches neither overlap nor leave gaps.
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data_as(
                &editor,
                FIND,
                json!({"words": "lodz", "status": EVERY_STATUS, "first": 1, "after": after}),
            )
            .await;
        paged.extend(titles_of(&data));
        if data["articles"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["articles"]["pageInfo"]["endCursor"].clone();
    }
    paged.sort();
    assert_eq!(paged, sorted(&[PARTNERSHIP, EXCHANGE]));
}

async fn a_renamed_title_is_found_by_its_new_words_and_not_its_old_ones(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Nabór wniosków o dotacje").await;
    let id = article["id"].clone();
    assert_eq!(
        found_by(&app, &admin, "wniosek").await,
        ["Nabór wniosków o dotacje"]
    );

    app.data_as(
        &admin,
        UPDATE,
        json!({"id": id, "version": 1, "input": {"title": "Konkurs grantowy dla organizacji"}}),
    )
    .await;
    assert_eq!(
        found_by(&app, &admin, "wniosek").await,
        Vec::<String>::new()
    );
    assert_eq!(found_by(&app, &admin, "nabor").await, Vec::<String>::new());
    assert_eq!(
        found_by(&app, &admin, "organizacja grant").await,
        ["Konkurs grantowy dla organizacji"]
    );

    // An edit of something else leaves the title's terms alone.
    app.data_as(
        &admin,
        UPDATE,
        json!({"id": id, "version": 2, "input": {"lead": "Nowy wstęp."}}),
    )
    .await;
    assert_eq!(
        found_by(&app, &admin, "konkurs").await,
        ["Konkurs grantowy dla organizacji"]
    );

    // Restoring the first version brings its title back, and its words.
    let history = app
        .data_as(
            &admin,
            "query($id: ID!) { article(id: $id) { revisions { id } } }",
            json!({"id": id}),
        )
        .await;
    let rename = history["article"]["revisions"][1]["id"].clone();
    app.data_as(
        &admin,
        "mutation($id: ID!) { restoreRevision(revisionId: $id) { article { title } } }",
        json!({"id": rename}),
    )
    .await;
    assert_eq!(
        found_by(&app, &admin, "wnioski").await,
        ["Nabór wniosków o dotacje"]
    );
    assert_eq!(
        found_by(&app, &admin, "konkurs").await,
        Vec::<String>::new()
    );
}

async fn drafts_are_found_by_those_who_may_see_them_and_never_by_readers(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let author = app.login_as("Alicja Autorka", Role::Author).await;
    let other_author = app.login_as("Olek Autor", Role::Author).await;
    let section = section_id(&app, &admin).await;
    let published = create_article(&app, &admin, &section, "Festiwal nauki w Toruniu").await;
    app.data_as(
        &admin,
        "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }",
        json!({"id": published["id"]}),
    )
    .await;
    create_article(&app, &admin, &section, "Festiwal nauki: program (szkic)").await;
    create_article(&app, &author, &section, "Festiwal nauki: wolontariusze").await;

    let everything = [
        "Festiwal nauki w Toruniu",
        "Festiwal nauki: program (szkic)",
        "Festiwal nauki: wolontariusze",
    ];
    assert_eq!(
        found_by(&app, &admin, "festiwalu nauk").await,
        sorted(&everything)
    );
    assert_eq!(
        found_by(&app, &author, "festiwalu nauk").await,
        sorted(&["Festiwal nauki w Toruniu", "Festiwal nauki: wolontariusze"]),
        "an author finds published articles and her own drafts"
    );
    assert_eq!(
        found_by(&app, &other_author, "festiwalu nauk").await,
        ["Festiwal nauki w Toruniu"]
    );

    for status in [json!(null), json!(EVERY_STATUS), json!(["DRAFT"])] {
        let data = app
            .data(
                FIND,
                json!({"words": "festiwalu nauk", "status": status, "first": 100}),
            )
            .await;
        let expected: &[&str] = if status == json!(["DRAFT"]) {
            &[]
        } else {
            &["Festiwal nauki w Toruniu"]
        };
        assert_eq!(titles_of(&data), expected, "a reader asking for {status}");
        assert_eq!(data["articles"]["totalCount"], expected.len());
    }
}

/// Articles written before the table existed have no terms; the next start gives them
/// theirs, and a start after that has nothing to do.
async fn articles_written_before_the_finder_get_their_terms_at_start(mut app: TestApp) {
    let editor = three_drafts(&app).await;
    article_title_term::Entity::delete_many()
        .exec(app.db())
        .await
        .unwrap_or_else(|error| panic!("delete terms: {error}"));
    assert_eq!(found_by(&app, &editor, "lodz").await, Vec::<String>::new());

    app.shutdown().await;
    let restarted = app.spawn_sharing_database(|_| {}).await;
    assert_eq!(
        found_by(&restarted, &editor, "lodz").await,
        sorted(&[PARTNERSHIP, EXCHANGE])
    );
    assert_eq!(
        found_by(&restarted, &editor, "mazowieckie warsztat").await,
        [WORKSHOPS]
    );
    let filled = kronika_core::content::title_terms::backfill(restarted.db())
        .await
        .unwrap_or_else(|error| panic!("backfill: {error}"));
    assert_eq!(filled, 0, "nothing is missing any more");
}

async fn a_query_of_too_many_words_is_refused(app: TestApp) {
    let editor = three_drafts(&app).await;
    let words = "partnerstwo ".repeat(13);
    let response = app
        .gql_as(
            &editor,
            FIND,
            json!({"words": words, "status": EVERY_STATUS, "first": 10}),
        )
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{response}");
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "filter.titleWords",
        "{response}"
    );
    let twelve = "partnerstwo ".repeat(12);
    assert_eq!(found_by(&app, &editor, &twelve).await, [PARTNERSHIP]);
}
