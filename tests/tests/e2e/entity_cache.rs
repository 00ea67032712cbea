//! The entity cache: readers' reads of content read before cost no SQL, whatever the
//! query's shape, and every kind of content change is visible in the very next read.
//! The response cache is off here, so that every request runs its resolvers.

use std::time::Duration;

use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_tests::{Backend, Session, TestApp, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    configured_by = response_cache_off;
    a_read_of_content_read_before_costs_no_statement,
    an_article_not_yet_in_memory_costs_two_statements,
    every_kind_of_change_is_visible_in_the_next_read,
    a_renamed_or_unpublished_article_is_found_as_it_now_is,
    editors_never_read_through_the_cache,
);

on_both_databases!(
    configured_by = small_entity_cache;
    the_cache_stays_within_its_bound,
);

fn response_cache_off(config: &mut Config) {
    kronika_tests::background_work_asleep(config);
    config.response_cache_ttl = Duration::ZERO;
}

fn small_entity_cache(config: &mut Config) {
    response_cache_off(config);
    config.entity_cache_mib = 1;
}

/// An article page as a frontend asks for it: every relation readers see.
const ARTICLE_PAGE: &str = "query($slug: String!) { article(slug: $slug) {
  id title slug lead body viewCount byline
  section { slug name } tags { slug name } createdBy { name }
  gallery { title cover { id } photos { id caption alt width height } }
} }";

/// Another shape of query about the same article: by id, fewer fields.
const ARTICLE_BY_ID: &str = "query($id: ID!) { article(id: $id) {
  title tags { name } gallery { photos { caption } }
} }";

async fn statements_of(app: &TestApp, query: &str, variables: Value) -> (u64, Value) {
    let before = app.statement_count();
    let data = app.data(query, variables).await;
    (app.statement_count() - before, data)
}

struct Site {
    admin: Session,
    article: entities::article::Model,
    gallery_id: i64,
    section_id: i64,
    tag_id: i64,
    author_id: i64,
}

async fn site(app: &TestApp) -> Site {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let tag = app.tag("rynek pracy").await;
    let other_tag = app.tag("partnerstwo lokalne").await;
    let gallery = app.gallery("Sesja", 2).await;
    let article = app
        .article("Sesja rady gminy", &section, &author)
        .tags(&[&tag, &other_tag])
        .gallery(&gallery)
        .create()
        .await;
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    app.settle_search_indexer().await;
    Site {
        admin,
        article,
        gallery_id: gallery.id,
        section_id: section.id,
        tag_id: tag.id,
        author_id: author.id,
    }
}

async fn a_read_of_content_read_before_costs_no_statement(app: TestApp) {
    let site = site(&app).await;
    let slug = json!({"slug": site.article.slug});
    let (cold, first) = statements_of(&app, ARTICLE_PAGE, slug.clone()).await;
    assert!(cold > 0, "the first read goes to the database");
    assert_eq!(first["article"]["tags"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        first["article"]["gallery"]["photos"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let (warm, second) = statements_of(&app, ARTICLE_PAGE, slug).await;
    assert_eq!(warm, 0, "the same query again is answered from memory");
    assert_eq!(second, first);

    let (other_shape, by_id) = statements_of(
        &app,
        ARTICLE_BY_ID,
        json!({"id": site.article.id.to_string()}),
    )
    .await;
    assert_eq!(other_shape, 0, "another shape of query about it too");
    assert_eq!(by_id["article"]["title"], first["article"]["title"]);
    assert_eq!(
        by_id["article"]["gallery"]["photos"][1]["caption"],
        first["article"]["gallery"]["photos"][1]["caption"]
    );

    // A list reads its page from the database, and the relations of the articles on it
    // from memory: the page and the count, nothing per relation.
    let list = "{ articles(first: 5) { totalCount nodes { title section { name } tags { name }
                 createdBy { name } gallery { photos { caption } } } } }";
    let (list_statements, listed) = statements_of(&app, list, json!({})).await;
    assert_eq!(listed["articles"]["totalCount"], 1);
    assert_eq!(list_statements, 2, "the page and its count only");

    // A slug nobody has is looked up every time: misses are not kept.
    let (missing, none) = statements_of(&app, ARTICLE_PAGE, json!({"slug": "nie-ma"})).await;
    assert!(none["article"].is_null());
    assert!(missing > 0);
}

/// The cold path: an article whose section, byline and tags are in memory (they are
/// shared by many articles) is read with its gallery and tag ids in one statement, and
/// its photos in another.
async fn an_article_not_yet_in_memory_costs_two_statements(app: TestApp) {
    let tags = [
        app.tag("rynek pracy").await,
        app.tag("partnerstwo lokalne").await,
    ];
    let section = app.section("Aktualności").await;
    let author = app.editor("Anna Nowak").await;
    let mut articles = Vec::new();
    for number in 0..3 {
        let gallery = app.gallery(&format!("Sesja {number}"), 3).await;
        let article = app
            .article(&format!("Sesja numer {number}"), &section, &author)
            .tags(&[&tags[0], &tags[1]])
            .gallery(&gallery)
            .create()
            .await;
        articles.push(article);
    }
    let plain = app
        .article("Komunikat bez galerii", &section, &author)
        .create()
        .await;
    let (first, others) = articles.split_at(1);
    app.settle_search_indexer().await;
    // What articles share is read once, with the first page.
    app.data(ARTICLE_PAGE, json!({"slug": first[0].slug})).await;

    let (statements, data) =
        statements_of(&app, ARTICLE_PAGE, json!({"slug": others[0].slug})).await;
    assert_eq!(data["article"]["title"], "Sesja numer 1");
    assert_eq!(
        data["article"]["tags"],
        json!([{"slug": "partnerstwo-lokalne", "name": "partnerstwo lokalne"},
               {"slug": "rynek-pracy", "name": "rynek pracy"}])
    );
    assert_eq!(
        data["article"]["gallery"]["photos"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        statements, 2,
        "the article with its gallery and tags, then its photos"
    );

    let (statements, data) =
        statements_of(&app, ARTICLE_BY_ID, json!({"id": others[1].id.to_string()})).await;
    assert_eq!(data["article"]["title"], "Sesja numer 2");
    assert_eq!(statements, 2, "by id too");

    let (statements, data) = statements_of(&app, ARTICLE_PAGE, json!({"slug": plain.slug})).await;
    assert!(data["article"]["gallery"].is_null());
    assert_eq!(data["article"]["tags"], json!([]));
    assert_eq!(statements, 1, "without a gallery, one statement");
}

/// Reads the article page as a reader and checks `expected` holds at once.
async fn next_read(app: &TestApp, slug: &str, what: &str, expected: impl Fn(&Value) -> bool) {
    let data = app.data(ARTICLE_PAGE, json!({"slug": slug})).await;
    assert!(expected(&data), "after {what}, the next read shows {data}");
}

async fn every_kind_of_change_is_visible_in_the_next_read(app: TestApp) {
    let site = site(&app).await;
    let slug = site.article.slug.clone();
    let admin = &site.admin;
    app.data(ARTICLE_PAGE, json!({"slug": slug})).await;

    app.data_as(
        admin,
        "mutation($id: ID!, $version: Int!) { updateArticle(id: $id, expectedVersion: $version,
           input: {title: \"Sesja Rady Gminy – porządek obrad\"}) { article { version } } }",
        json!({"id": site.article.id.to_string(), "version": site.article.version}),
    )
    .await;
    next_read(&app, &slug, "an edit", |data| {
        data["article"]["title"] == "Sesja Rady Gminy – porządek obrad"
    })
    .await;

    app.data_as(
        admin,
        "mutation($id: ID!) { renameSection(id: $id, name: \"Wiadomości\") { section { name } } }",
        json!({"id": site.section_id.to_string()}),
    )
    .await;
    next_read(&app, &slug, "a section rename", |data| {
        data["article"]["section"]["name"] == "Wiadomości"
    })
    .await;

    app.data_as(
        admin,
        "mutation($id: ID!) { renameTag(id: $id, name: \"praca\") { tag { name } } }",
        json!({"id": site.tag_id.to_string()}),
    )
    .await;
    next_read(&app, &slug, "a tag rename", |data| {
        data["article"]["tags"].to_string().contains("\"praca\"")
    })
    .await;

    app.data_as(
        admin,
        "mutation($id: ID!) { updateGallery(id: $id, input: {title: \"Sesja absolutoryjna\"}) { gallery { id } } }",
        json!({"id": site.gallery_id.to_string()}),
    )
    .await;
    next_read(&app, &slug, "a gallery change", |data| {
        data["article"]["gallery"]["title"] == "Sesja absolutoryjna"
    })
    .await;

    let photos =
        app.data(ARTICLE_PAGE, json!({"slug": slug})).await["article"]["gallery"]["photos"].clone();
    app.data_as(
        admin,
        "mutation($id: ID!) { updatePhoto(id: $id, input: {caption: \"Radni przy stole\"}) { photo { id } } }",
        json!({"id": photos[1]["id"]}),
    )
    .await;
    next_read(&app, &slug, "a photo's new caption", |data| {
        data["article"]["gallery"]["photos"][1]["caption"] == "Radni przy stole"
    })
    .await;
    app.data_as(
        admin,
        "mutation($gallery: ID!, $photos: [ID!]!) { updateGallery(id: $gallery, input: {photoIds: $photos}) { gallery { id } } }",
        json!({"gallery": site.gallery_id.to_string(), "photos": [photos[1]["id"], photos[0]["id"]]}),
    )
    .await;
    next_read(&app, &slug, "a new photo order", |data| {
        data["article"]["gallery"]["photos"][0]["id"] == photos[1]["id"]
    })
    .await;

    app.data_as(
        admin,
        "mutation($id: ID!) { updateAccount(id: $id, input: {name: \"Anna Nowak-Kowalska\"}) { account { id } } }",
        json!({"id": site.author_id.to_string()}),
    )
    .await;
    next_read(&app, &slug, "an account rename", |data| {
        data["article"]["createdBy"]["name"] == "Anna Nowak-Kowalska"
    })
    .await;

    assert_eq!(
        app.beacon(site.article.id, &kronika_tests::views::reader_user_agent(1))
            .await,
        reqwest::StatusCode::NO_CONTENT
    );
    app.flush_views().await;
    next_read(&app, &slug, "a view flush", |data| {
        data["article"]["viewCount"] == 1
    })
    .await;

    app.data_as(
        admin,
        "mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }",
        json!({"id": site.article.id.to_string()}),
    )
    .await;
    next_read(&app, &slug, "unpublishing", |data| {
        data["article"].is_null()
    })
    .await;
    let by_id = app
        .data(ARTICLE_BY_ID, json!({"id": site.article.id.to_string()}))
        .await;
    assert!(by_id["article"].is_null(), "by id too: {by_id}");
    // Its gallery and photos, held in memory while it was published, are not reachable
    // by id now: visibility is decided by the database, not by what memory holds.
    let reachable = app
        .data(
            "query($gallery: ID!, $photo: ID!) { gallery(id: $gallery) { title photos { caption } }
               photo(id: $photo) { caption } }",
            json!({"gallery": site.gallery_id.to_string(), "photo": photos[0]["id"]}),
        )
        .await;
    assert!(
        reachable["gallery"].is_null() && reachable["photo"].is_null(),
        "an unpublished article's gallery is hidden: {reachable}"
    );
}

async fn a_renamed_or_unpublished_article_is_found_as_it_now_is(app: TestApp) {
    let site = site(&app).await;
    let old_slug = site.article.slug.clone();
    app.data(ARTICLE_PAGE, json!({"slug": old_slug})).await;
    app.data_as(
        &site.admin,
        "mutation($id: ID!, $version: Int!) { updateArticle(id: $id, expectedVersion: $version,
           input: {slug: \"sesja-nadzwyczajna\"}) { article { version } } }",
        json!({"id": site.article.id.to_string(), "version": site.article.version}),
    )
    .await;
    let by_new = app
        .data(ARTICLE_PAGE, json!({"slug": "sesja-nadzwyczajna"}))
        .await;
    assert_eq!(by_new["article"]["slug"], "sesja-nadzwyczajna");
    // The old slug, cached before the rename, still finds the article: with its new
    // slug, for the frontend to redirect.
    let by_old = app.data(ARTICLE_PAGE, json!({"slug": old_slug})).await;
    assert_eq!(by_old["article"]["slug"], "sesja-nadzwyczajna");

    app.data_as(
        &site.admin,
        "mutation($id: ID!) { deleteArticle(id: $id) { article { status } } }",
        json!({"id": site.article.id.to_string()}),
    )
    .await;
    for slug in [old_slug.as_str(), "sesja-nadzwyczajna"] {
        let gone = app.data(ARTICLE_PAGE, json!({"slug": slug})).await;
        assert!(gone["article"].is_null(), "{slug}: {gone}");
    }
}

async fn editors_never_read_through_the_cache(app: TestApp) {
    let site = site(&app).await;
    let slug = json!({"slug": site.article.slug});
    app.data(ARTICLE_PAGE, slug.clone()).await;
    let (reader, _) = statements_of(&app, ARTICLE_PAGE, slug.clone()).await;
    assert_eq!(reader, 0);

    let before = app.statement_count();
    let seen = app.data_as(&site.admin, ARTICLE_PAGE, slug).await;
    assert!(
        app.statement_count() - before > 2,
        "an editor's read goes to the database"
    );
    assert_eq!(seen["article"]["title"], "Sesja rady gminy");
}

async fn the_cache_stays_within_its_bound(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    // 200 articles of about 20 kB of body: 4 MB read, four times the 1 MiB bound.
    let paragraph = "Rada gminy przyjęła uchwałę w sprawie partnerstwa lokalnego. ".repeat(320);
    let mut slugs = Vec::new();
    for number in 0..200 {
        let article = app
            .article(&format!("Uchwała numer {number}"), &section, &author)
            .body(&format!("<p>{paragraph}</p>"))
            .create()
            .await;
        slugs.push(article.slug);
    }
    for slug in &slugs {
        let data = app.data(ARTICLE_PAGE, json!({"slug": slug})).await;
        assert_eq!(data["article"]["slug"], *slug);
    }
    let held = app.app.entity_cache().weighted_bytes();
    assert!(held > 0, "the cache holds something");
    assert!(
        held <= 1024 * 1024,
        "the cache holds {held} bytes, above its 1 MiB bound"
    );
}

/// Two servers on one PostgreSQL database with the response cache off: a view flush and
/// an account rename on one reach the other's entity cache through `NOTIFY`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_flushes_and_account_renames_reach_the_other_replica() {
    let Some(first) = TestApp::spawn_with_shared_state(Backend::Postgres, response_cache_off).await
    else {
        return;
    };
    let site = site(&first).await;
    let second = first.spawn_sharing_database(response_cache_off).await;
    let slug = json!({"slug": site.article.slug});
    // Warm, and proven warm: the second replica answers from memory. (It listens before
    // it serves, so it has no reason to drop what it cached.)
    second.data(ARTICLE_PAGE, slug.clone()).await;
    let (warm, _) = statements_of(&second, ARTICLE_PAGE, slug.clone()).await;
    assert_eq!(warm, 0);

    first
        .beacon(site.article.id, &kronika_tests::views::reader_user_agent(1))
        .await;
    first.flush_views().await;
    second
        .read_until_fresh(ARTICLE_PAGE, &slug, |data| {
            data["article"]["viewCount"] == 1
        })
        .await;

    first
        .data_as(
            &site.admin,
            "mutation($id: ID!) { updateAccount(id: $id, input: {name: \"Anna Kowalska\"}) { account { id } } }",
            json!({"id": site.author_id.to_string()}),
        )
        .await;
    second
        .read_until_fresh(ARTICLE_PAGE, &slug, |data| {
            data["article"]["createdBy"]["name"] == "Anna Kowalska"
        })
        .await;
}
