//! Search through the GraphQL API, with the embedded engine in each test's data
//! directory and, when `MEILISEARCH_URL` names a server, with Meilisearch: what editors do
//! reaches the index, and only published articles are found.

use kronika_api::config::{MeilisearchIndex, SearchEngineConfig};
use kronika_api::{App, Config};
use kronika_core::domain::{ArticleStatus, Role};
use kronika_tests::fixtures::{create_article, section_id};
use kronika_tests::{TestApp, first_error_code, on_both_databases, wait_until, with_demo_content};
use serde_json::{Value, json};

on_both_databases!(
    and_meilisearch;
    publishing_editing_and_unpublishing_reach_the_index,
    deleting_an_article_removes_it_from_the_index,
    drafts_are_never_indexed,
    scheduled_publication_reaches_the_index,
    facets_filters_and_pagination,
    absurd_queries_are_refused,
    the_index_status_is_for_editors,
    an_article_unpublished_before_the_index_hears_of_it_is_not_counted,
);

const SEARCH: &str = r#"query($q: String, $section: String, $tags: [String!], $sort: SearchSort, $first: Int, $after: String) {
  search(query: $q, section: $section, tags: $tags, sort: $sort, first: $first, after: $after) {
    totalHits tookMs endCursor hasNextPage
    hits { article { id title status } titleHighlighted snippet }
    facets { sections { slug name count } tags { slug name count } }
  }
}"#;

async fn search(app: &TestApp, variables: Value) -> Value {
    app.data(SEARCH, variables).await["search"].clone()
}

fn titles(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits in {results:#}"))
        .iter()
        .map(|hit| {
            hit["article"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Waits until the background indexer has emptied the outbox, as a reader would wait for
/// a change to become searchable.
async fn indexed(app: &TestApp) {
    wait_until("the search outbox drains", async || {
        let status = kronika_core::search::outbox::status(app.db())
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        status.backlog == 0
    })
    .await;
}

async fn publish(app: &TestApp, session: &kronika_tests::Session, id: &Value) {
    app.data_as(
        session,
        "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }",
        json!({"id": id}),
    )
    .await;
}

async fn publishing_editing_and_unpublishing_reach_the_index(app: TestApp) {
    let admin = app.login_as("Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Warsztaty dla gmin").await;
    let id = article["id"].clone();
    publish(&app, &admin, &id).await;
    indexed(&app).await;
    let found = search(&app, json!({"q": "warsztatach"})).await;
    assert_eq!(titles(&found), ["Warsztaty dla gmin"], "{found:#}");
    assert!(
        found["hits"][0]["titleHighlighted"]
            .as_str()
            .is_some_and(|title| title.contains("<mark>Warsztaty</mark>")),
        "{found:#}"
    );

    let version = app
        .data(
            "query($id: ID!) { article(id: $id) { version } }",
            json!({"id": id}),
        )
        .await["article"]["version"]
        .clone();
    app.data_as(
        &admin,
        "mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) { updateArticle(id: $id, input: $input, expectedVersion: $version) { article { title } } }",
        json!({"id": id, "input": {"title": "Szkolenia dla powiatów"}, "version": version}),
    )
    .await;
    indexed(&app).await;
    assert_eq!(
        titles(&search(&app, json!({"q": "powiat"})).await),
        ["Szkolenia dla powiatów"]
    );
    assert!(titles(&search(&app, json!({"q": "warsztaty"})).await).is_empty());

    app.data_as(
        &admin,
        "mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }",
        json!({"id": id}),
    )
    .await;
    indexed(&app).await;
    let gone = search(&app, json!({"q": "szkolenia"})).await;
    assert_eq!(gone["totalHits"], 0, "{gone:#}");
}

async fn deleting_an_article_removes_it_from_the_index(app: TestApp) {
    let admin = app.login_as("Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let id = create_article(&app, &admin, &section, "Konkurs grantowy").await["id"].clone();
    publish(&app, &admin, &id).await;
    indexed(&app).await;
    assert_eq!(
        titles(&search(&app, json!({"q": "konkursu"})).await),
        ["Konkurs grantowy"]
    );
    app.data_as(
        &admin,
        "mutation($id: ID!) { deleteArticle(id: $id) { article { status } } }",
        json!({"id": id}),
    )
    .await;
    indexed(&app).await;
    assert!(titles(&search(&app, json!({"q": "konkursu"})).await).is_empty());
}

async fn drafts_are_never_indexed(app: TestApp) {
    let editor = app.editor("Redaktor").await;
    let section = app.section("Aktualności").await;
    app.article("Tajny szkic budżetu", &section, &editor)
        .status(ArticleStatus::Draft)
        .create()
        .await;
    app.article("Zaplanowany budżet", &section, &editor)
        .status(ArticleStatus::Scheduled)
        .create()
        .await;
    app.article("Jawny budżet", &section, &editor)
        .create()
        .await;
    indexed(&app).await;
    assert_eq!(
        titles(&search(&app, json!({"q": "budżet"})).await),
        ["Jawny budżet"]
    );
}

async fn scheduled_publication_reaches_the_index(app: TestApp) {
    let admin = app.login_as("Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let id = create_article(&app, &admin, &section, "Dożynki gminne").await["id"].clone();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    app.data_as(
        &admin,
        "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { article { status } } }",
        json!({"id": id, "at": at}),
    )
    .await;
    indexed(&app).await;
    assert!(titles(&search(&app, json!({"q": "dożynki"})).await).is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // Published outside GraphQL, as the scheduler does: the service itself reports the
    // change, which wakes the indexer.
    let published =
        kronika_core::editing::lifecycle::publish_due(app.app.content_store(), chrono::Utc::now())
            .await
            .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(published.len(), 1);
    indexed(&app).await;
    assert_eq!(
        titles(&search(&app, json!({"q": "dożynek"})).await),
        ["Dożynki gminne"]
    );
}

async fn facets_filters_and_pagination(app: TestApp) {
    let editor = app.editor("Redaktor").await;
    let news = app.section("Aktualności").await;
    let events = app.section("Wydarzenia").await;
    let culture = app.tag("Kultura").await;
    for hour in 0..5 {
        app.article(&format!("Festiwal numer {hour}"), &news, &editor)
            .published_hours_after_base(hour)
            .tags(&[&culture])
            .create()
            .await;
    }
    app.article("Festiwal w terenie", &events, &editor)
        .published_hours_after_base(10)
        .create()
        .await;
    indexed(&app).await;

    let all = search(&app, json!({"q": "festiwalu", "first": 4})).await;
    assert_eq!(all["totalHits"], 6);
    assert_eq!(all["hasNextPage"], true);
    let sections = &all["facets"]["sections"];
    assert!(
        sections.as_array().is_some_and(|facets| facets
            .contains(&json!({"slug": "aktualnosci", "name": "Aktualności", "count": 5}))),
        "{all:#}"
    );
    assert_eq!(
        all["facets"]["tags"],
        json!([{"slug": "kultura", "name": "Kultura", "count": 5}])
    );
    let next = search(
        &app,
        json!({"q": "festiwalu", "first": 4, "after": all["endCursor"]}),
    )
    .await;
    assert_eq!(titles(&next).len(), 2);
    assert_eq!(next["hasNextPage"], false);
    let mut every: Vec<String> = titles(&all);
    every.extend(titles(&next));
    every.sort();
    every.dedup();
    assert_eq!(every.len(), 6, "pages neither overlap nor leave gaps");

    let in_events = search(&app, json!({"q": "festiwal", "section": "wydarzenia"})).await;
    assert_eq!(titles(&in_events), ["Festiwal w terenie"]);
    let tagged = search(&app, json!({"q": "festiwal", "tags": ["kultura"]})).await;
    assert_eq!(tagged["totalHits"], 5);

    // A blank query lists newest first.
    let newest = search(&app, json!({"q": "  ", "first": 2})).await;
    assert_eq!(titles(&newest), ["Festiwal w terenie", "Festiwal numer 4"]);
}

async fn absurd_queries_are_refused(app: TestApp) {
    let long = "partnerstwo ".repeat(1_000);
    let response = app.gql_with(SEARCH, json!({"q": long})).await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    let response = app.gql_with(SEARCH, json!({"q": "x", "first": 1000})).await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    let response = app
        .gql_with(SEARCH, json!({"q": "x", "after": "garbage"}))
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
}

async fn the_index_status_is_for_editors(app: TestApp) {
    const STATUS: &str = "{ searchIndexStatus { backlog lagSeconds oldestPendingAt lastError } }";
    let anonymous = app.gql(STATUS).await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
    let author = app.login_as("Autorka", Role::Author).await;
    assert_eq!(
        first_error_code(&app.gql_as(&author, STATUS, json!({})).await),
        "FORBIDDEN"
    );
    let editor = app.login_as("Redaktor", Role::Editor).await;
    indexed(&app).await;
    let status = app.data_as(&editor, STATUS, json!({})).await;
    assert_eq!(
        status["searchIndexStatus"],
        json!({"backlog": 0, "lagSeconds": 0, "oldestPendingAt": null, "lastError": null})
    );
}

on_both_databases!(
    and_meilisearch, configured_by = with_demo_content;
    demo_content_is_searchable_in_any_inflected_form,
    a_rebuild_swaps_in_a_complete_index,
);
// A rebuild requested from outside is the embedded engine's way round its one-writer
// lock; Meilisearch has none to go round.
on_both_databases!(
    configured_by = with_demo_content;
    a_rebuild_requested_from_outside_is_run_by_the_server,
);

/// The seed article says "partnerstwa lokalnego" and "partnerstwie lokalnym"; a reader
/// types another case, or no Polish letters.
async fn demo_content_is_searchable_in_any_inflected_form(app: TestApp) {
    indexed(&app).await;
    for query in [
        "partnerstwem lokalnym",
        "partnerstwo lokalne",
        "wspolnej sprawy",
    ] {
        let found = search(&app, json!({"q": query})).await;
        assert!(
            titles(&found)
                .iter()
                .any(|title| title == "Razem dla wspólnej sprawy"),
            "{query}: {found:#}"
        );
    }
}

on_both_databases!(
    configured_by = unreachable_engine;
    an_unreachable_engine_never_fails_a_write_and_the_backlog_drains_later,
);

/// Meilisearch on a loopback port nobody listens on.
fn unreachable_engine(config: &mut Config) {
    config.search = SearchEngineConfig::Meilisearch {
        url: "http://127.0.0.1:9"
            .parse()
            .unwrap_or_else(|_| panic!("url")),
        api_key: None,
        index: MeilisearchIndex::default(),
        rerank_depth: 0,
    };
    config.search_retry_max_delay = std::time::Duration::from_secs(1);
}

/// Writes succeed while the engine is down; the outbox keeps the changes across a
/// restart, and a server with a working engine delivers them.
async fn an_unreachable_engine_never_fails_a_write_and_the_backlog_drains_later(mut app: TestApp) {
    let admin = app.login_as("Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let id = create_article(&app, &admin, &section, "Budowa drogi powiatowej").await["id"].clone();
    publish(&app, &admin, &id).await;
    let down = app.gql(SEARCH).await;
    assert_eq!(first_error_code(&down), "SEARCH_UNAVAILABLE");
    let mut status = Value::Null;
    wait_until("the indexer records the engine's failure", async || {
        status = app
            .data_as(
                &admin,
                "{ searchIndexStatus { backlog lastError } }",
                json!({}),
            )
            .await["searchIndexStatus"]
            .clone();
        !status["lastError"].is_null()
    })
    .await;
    assert_eq!(status["backlog"], 1, "{status:#}");
    assert!(!status["lastError"].is_null(), "{status:#}");
    app.shutdown().await;

    // A restart with a working engine: the pending row survived and is delivered.
    let restarted = app
        .spawn_sharing_database(|config| {
            config.search = SearchEngineConfig::Embedded;
        })
        .await;
    indexed(&restarted).await;
    assert_eq!(
        titles(&search(&restarted, json!({"q": "drogą powiatową"})).await),
        ["Budowa drogi powiatowej"]
    );
}

/// `App::deliver_search_outbox` is what `kronika reindex` and the tests share with the
/// worker; a rebuild leaves exactly the published articles in the index.
async fn a_rebuild_swaps_in_a_complete_index(app: TestApp) {
    indexed(&app).await;
    let before = search(&app, json!({"q": ""})).await["totalHits"].clone();
    let report = kronika_core::search::rebuild::rebuild(app.db(), app.app.search_engine().as_ref())
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(json!(report.indexed), before);
    App::deliver_search_outbox(&app.app)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let after = search(&app, json!({"q": "partnerstwo"})).await;
    assert!(
        titles(&after)
            .iter()
            .any(|t| t == "Razem dla wspólnej sprawy"),
        "{after:#}"
    );
}

/// `kronika reindex` while a server holds the embedded index leaves a rebuild request in
/// the outbox; the server's indexer rebuilds, and searches answer the same afterwards.
async fn a_rebuild_requested_from_outside_is_run_by_the_server(app: TestApp) {
    indexed(&app).await;
    let before = search(&app, json!({"q": "partnerstwo"})).await;
    let request = kronika_core::search::outbox::enqueue_rebuild(app.db())
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        kronika_core::search::rebuild::wait_for_server(
            app.db(),
            request,
            std::time::Duration::from_millis(50),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("the server did not take the rebuild request"))
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(outcome, kronika_core::search::rebuild::ServerRebuild::Done);
    indexed(&app).await;
    let after = search(&app, json!({"q": "partnerstwo"})).await;
    assert_eq!(after["totalHits"], before["totalHits"], "{after:#}");
    assert_eq!(titles(&after), titles(&before));
}

/// Between the commit that unpublishes an article and the indexer's delivery, the index
/// still holds it. Changing the status behind the indexer's back holds that moment still:
/// the hit is dropped, and the total must not count it either.
async fn an_article_unpublished_before_the_index_hears_of_it_is_not_counted(app: TestApp) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let admin = app.login_as("Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let kept = create_article(&app, &admin, &section, "Warsztaty dla gmin").await["id"].clone();
    let withdrawn =
        create_article(&app, &admin, &section, "Warsztaty dla szkół").await["id"].clone();
    publish(&app, &admin, &kept).await;
    publish(&app, &admin, &withdrawn).await;
    indexed(&app).await;
    let withdrawn_id: i64 = withdrawn
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an id: {withdrawn}"));
    entities::article::Entity::update_many()
        .col_expr(
            entities::article::Column::Status,
            Expr::value(ArticleStatus::Draft.as_str()),
        )
        .filter(entities::article::Column::Id.eq(withdrawn_id))
        .exec(app.db())
        .await
        .unwrap_or_else(|error| panic!("{error}"));

    let both = search(&app, json!({"q": "warsztaty"})).await;
    assert_eq!(titles(&both), ["Warsztaty dla gmin"], "{both:#}");
    assert_eq!(both["totalHits"], 1, "{both:#}");
    let only_the_withdrawn = search(&app, json!({"q": "szkół"})).await;
    assert_eq!(
        only_the_withdrawn["hits"],
        json!([]),
        "{only_the_withdrawn:#}"
    );
    assert_eq!(only_the_withdrawn["totalHits"], 0, "{only_the_withdrawn:#}");
    assert_eq!(only_the_withdrawn["hasNextPage"], false);
}
