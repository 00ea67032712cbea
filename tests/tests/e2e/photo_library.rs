//! The photo library of the editors: pages newest first, search without case or Polish
//! letters, who sees what, and which galleries use a photo.

use kronika_core::domain::Role;
use kronika_tests::{Session, TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    the_library_pages_through_every_photo_newest_first,
    a_search_ignores_case_and_polish_letters,
    the_library_needs_a_login_and_shows_authors_what_they_may_see,
    a_photo_says_which_galleries_use_it,
);

const LIBRARY: &str = "query($search: String, $first: Int, $after: String) { photos(search: $search, first: $first, after: $after) { totalCount edges { cursor node { id caption } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";

async fn library(
    app: &TestApp,
    session: &Session,
    search: Option<&str>,
    first: i64,
    after: Option<&str>,
) -> Value {
    let data = app
        .data_as(
            session,
            LIBRARY,
            json!({"search": search, "first": first, "after": after}),
        )
        .await;
    data["photos"].clone()
}

fn captions(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|edge| {
                    edge["node"]["caption"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn ids(page: &Value) -> Vec<i64> {
    page["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|edge| edge["node"]["id"].as_str().and_then(|id| id.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

async fn the_library_pages_through_every_photo_newest_first(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    app.gallery("Archiwum", 25).await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = library(&app, &editor, None, 10, after.as_deref()).await;
        assert_eq!(page["totalCount"], 25);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
        seen.extend(ids(&page));
        pages += 1;
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"]
            .as_str()
            .map(ToOwned::to_owned);
        assert!(pages < 5, "the pages do not end");
    }
    assert_eq!(pages, 3);
    // Made in one go, the photos share a time: the later one (higher id) comes first.
    let mut expected = seen.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(seen, expected);
    assert_eq!(seen.len(), 25);

    let bad_cursor = app
        .gql_as(&editor, LIBRARY, json!({"first": 10, "after": "nonsense"}))
        .await;
    assert_eq!(first_error_code(&bad_cursor), "BAD_USER_INPUT");
    let too_many = app.gql_as(&editor, LIBRARY, json!({"first": 1000})).await;
    assert_eq!(first_error_code(&too_many), "BAD_USER_INPUT");
}

async fn a_search_ignores_case_and_polish_letters(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    app.gallery("Łódź", 2).await;
    app.gallery("Kraków", 3).await;
    for search in ["lodz", "ŁÓDŹ", "Łodz 2"] {
        let page = library(&app, &editor, Some(search), 20, None).await;
        let mut found = captions(&page);
        found.sort();
        let expected: Vec<String> = if search.ends_with('2') {
            vec!["Łódź 2".to_owned()]
        } else {
            vec!["Łódź 1".to_owned(), "Łódź 2".to_owned()]
        };
        assert_eq!(found, expected, "{search}");
        assert_eq!(page["totalCount"], expected.len(), "{search}");
    }
    // The credit is searched too; punctuation alone searches nothing and lists all.
    assert_eq!(
        library(&app, &editor, Some("fot. test"), 20, None).await["totalCount"],
        5
    );
    assert_eq!(
        library(&app, &editor, Some(" ,. "), 20, None).await["totalCount"],
        5
    );
    assert_eq!(
        library(&app, &editor, Some("gdansk"), 20, None).await["totalCount"],
        0
    );

    // A new caption is searchable at once.
    let krakow = library(&app, &editor, Some("krakow 1"), 20, None).await;
    let photo_id = krakow["edges"][0]["node"]["id"].clone();
    app.data_as(
        &editor,
        "mutation($id: ID!) { updatePhoto(id: $id, input: {caption: \"Plac Wolności w Łodzi\", credit: \"fot. Żaneta\"}) { photo { id } } }",
        json!({"id": photo_id}),
    )
    .await;
    let found = library(&app, &editor, Some("wolnosci w lodzi"), 20, None).await;
    assert_eq!(captions(&found), ["Plac Wolności w Łodzi"]);
    let by_credit = library(&app, &editor, Some("zaneta"), 20, None).await;
    assert_eq!(by_credit["edges"][0]["node"]["id"], photo_id);
    assert_eq!(
        library(&app, &editor, Some("krakow"), 20, None).await["totalCount"],
        2
    );
}

async fn the_library_needs_a_login_and_shows_authors_what_they_may_see(app: TestApp) {
    app.gallery("Niepublikowane", 2).await;
    let anonymous = app.gql("{ photos { totalCount } }").await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
    let author = app.login_as("Adam Autor", Role::Author).await;
    // Photos no published article shows, uploaded by nobody: work in progress of others.
    assert_eq!(
        library(&app, &author, None, 20, None).await["totalCount"],
        0
    );
    let published = app.gallery("Opublikowane", 1).await;
    let section = app.section("Miasto").await;
    let writer = app.editor("Ewa Redaktor").await;
    app.article("Wystawa", &section, &writer)
        .gallery(&published)
        .create()
        .await;
    let page = library(&app, &author, None, 20, None).await;
    assert_eq!(captions(&page), ["Opublikowane 1"]);
    let editor = app.login_as("Edward Redaktor", Role::Editor).await;
    assert_eq!(
        library(&app, &editor, None, 20, None).await["totalCount"],
        3
    );
}

async fn a_photo_says_which_galleries_use_it(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    app.gallery("Łódź", 2).await;
    let page = library(&app, &editor, Some("lodz 1"), 20, None).await;
    let photo_id = page["edges"][0]["node"]["id"].clone();
    app.data_as(
        &editor,
        "mutation($ids: [ID!]) { createGallery(input: {title: \"Architektura\", photoIds: $ids}) { gallery { id } } }",
        json!({"ids": [photo_id]}),
    )
    .await;
    let used = app
        .data_as(
            &editor,
            "query($id: ID!) { photo(id: $id) { usedInGalleries { title } } }",
            json!({"id": photo_id}),
        )
        .await;
    assert_eq!(
        used["photo"]["usedInGalleries"],
        json!([{"title": "Architektura"}, {"title": "Łódź"}])
    );
    let in_library = app
        .data_as(
            &editor,
            "{ photos(search: \"lodz\") { nodes { caption usedInGalleries { title } } } }",
            json!({}),
        )
        .await;
    let nodes = in_library["photos"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), 2);
    for node in nodes {
        let expected = if node["caption"] == "Łódź 1" { 2 } else { 1 };
        assert_eq!(
            node["usedInGalleries"].as_array().map(Vec::len),
            Some(expected),
            "{node}"
        );
    }
}
