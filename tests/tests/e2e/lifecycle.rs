//! The article life cycle through the GraphQL API: create, edit, publish (now or on a
//! schedule), unpublish, delete, restore; slugs; conflicts; sanitising.

use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_tests::fixtures::{CREATE_ARTICLE as CREATE, create_article, section_id};
use kronika_tests::{TestApp, first_error_code, on_both_databases, wait_until};
use serde_json::{Value, json};

on_both_databases!(
    a_draft_is_private_until_an_editor_publishes_it,
    slugs_come_from_polish_titles_and_stay_unique,
    a_renamed_published_article_is_still_found_by_its_old_slug,
    a_stale_update_is_refused_and_changes_nothing,
    publishing_in_the_past_is_refused,
    unpublishing_and_deleting_hide_an_article_until_an_admin_restores_it,
    validation_errors_name_the_field,
    markdown_bodies_are_stored_as_sanitised_html,
    the_classic_xss_vectors_do_not_survive,
    sections_and_tags_are_created_renamed_and_deleted_when_empty,
);

const PUBLISH: &str = r#"mutation($id: ID!, $at: DateTime) {
  publishArticle(id: $id, at: $at) { article { status publishedAt version } }
}"#;
const UPDATE: &str = r#"mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { slug title version updatedBy { name } } }
}"#;
const PUBLIC_READ: &str =
    r#"query($slug: String!) { article(slug: $slug) { id slug title status } }"#;

async fn a_draft_is_private_until_an_editor_publishes_it(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &editor, &section, "Razem dla wspólnej sprawy").await;
    assert_eq!(article["status"], "DRAFT");
    assert_eq!(article["createdBy"]["name"], "Ewa Redaktor");
    assert_eq!(
        article["byline"], "Ewa Redaktor",
        "the byline defaults to the author"
    );

    let slug = json!({"slug": "razem-dla-wspolnej-sprawy"});
    assert_eq!(
        app.data(PUBLIC_READ, slug.clone()).await["article"],
        json!(null)
    );
    let seen_by_editor = app.data_as(&editor, PUBLIC_READ, slug.clone()).await;
    assert_eq!(seen_by_editor["article"]["status"], "DRAFT");

    let published = app
        .data_as(&editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    assert_eq!(
        published["publishArticle"]["article"]["status"],
        "PUBLISHED"
    );
    assert_eq!(published["publishArticle"]["article"]["version"], 2);
    let public = app.data(PUBLIC_READ, slug).await;
    assert_eq!(public["article"]["title"], "Razem dla wspólnej sprawy");
    let again = app
        .gql_as(&editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    assert_eq!(
        first_error_code(&again),
        "CONFLICT",
        "publishing twice would log a second publication"
    );
}

async fn slugs_come_from_polish_titles_and_stay_unique(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let first = create_article(&app, &admin, &section, "Żółta łódź na Wiśle").await;
    let second = create_article(&app, &admin, &section, "Żółta łódź na Wiśle").await;
    assert_eq!(first["slug"], "zolta-lodz-na-wisle");
    assert_eq!(second["slug"], "zolta-lodz-na-wisle-2");
    let by_hand = app
        .data_as(
            &admin,
            CREATE,
            json!({"input": {"sectionId": section, "title": "Inny", "slug": "wlasny-adres"}}),
        )
        .await;
    assert_eq!(by_hand["createArticle"]["article"]["slug"], "wlasny-adres");
    let taken = app
        .gql_as(&admin, CREATE, json!({"input": {"sectionId": section, "title": "Jeszcze inny", "slug": "wlasny-adres"}}))
        .await;
    assert_eq!(first_error_code(&taken), "BAD_USER_INPUT");
    assert_eq!(taken["errors"][0]["extensions"]["field"], "input.slug");
}

async fn a_renamed_published_article_is_still_found_by_its_old_slug(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Stary tytuł").await;
    app.data_as(&admin, PUBLISH, json!({"id": article["id"]}))
        .await;
    let renamed = app
        .data_as(&admin, UPDATE, json!({"id": article["id"], "version": 2, "input": {"title": "Nowy tytuł", "slug": "nowy-tytul"}}))
        .await;
    assert_eq!(renamed["updateArticle"]["article"]["slug"], "nowy-tytul");
    assert_eq!(
        renamed["updateArticle"]["article"]["updatedBy"]["name"],
        "Adam Admin"
    );
    let by_old_slug = app.data(PUBLIC_READ, json!({"slug": "stary-tytul"})).await;
    assert_eq!(
        by_old_slug["article"]["slug"], "nowy-tytul",
        "the frontend can redirect"
    );
    // Nobody else can take the old slug while it still points at the article.
    let taken = app
        .gql_as(
            &admin,
            CREATE,
            json!({"input": {"sectionId": section, "title": "X", "slug": "stary-tytul"}}),
        )
        .await;
    assert_eq!(first_error_code(&taken), "BAD_USER_INPUT");
}

async fn a_stale_update_is_refused_and_changes_nothing(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Wersja pierwsza").await;
    app.data_as(
        &admin,
        UPDATE,
        json!({"id": article["id"], "version": 1, "input": {"title": "Wersja druga"}}),
    )
    .await;
    let stale = app
        .gql_as(
            &admin,
            UPDATE,
            json!({"id": article["id"], "version": 1, "input": {"title": "Nadpisanie"}}),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT");
    let current = app
        .data_as(
            &admin,
            "query($id: ID!) { article(id: $id) { title version } }",
            json!({"id": article["id"]}),
        )
        .await;
    assert_eq!(
        current["article"],
        json!({"title": "Wersja druga", "version": 2})
    );
}

async fn publishing_in_the_past_is_refused(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Z przeszłości").await;
    let refused = app
        .gql_as(
            &admin,
            PUBLISH,
            json!({"id": article["id"], "at": "2001-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(first_error_code(&refused), "BAD_USER_INPUT");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "at");
}

async fn unpublishing_and_deleting_hide_an_article_until_an_admin_restores_it(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &editor, &section, "Do wycofania").await;
    let id = json!({"id": article["id"]});
    app.data_as(&editor, PUBLISH, id.clone()).await;
    let slug = json!({"slug": "do-wycofania"});
    assert_eq!(
        app.data(PUBLIC_READ, slug.clone()).await["article"]["status"],
        "PUBLISHED"
    );

    app.data_as(
        &editor,
        "mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }",
        id.clone(),
    )
    .await;
    assert_eq!(
        app.data(PUBLIC_READ, slug.clone()).await["article"],
        json!(null)
    );

    let deleted = app
        .data_as(
            &editor,
            "mutation($id: ID!) { deleteArticle(id: $id) { article { status } } }",
            id.clone(),
        )
        .await;
    assert_eq!(deleted["deleteArticle"]["article"]["status"], "ARCHIVED");
    let restore = "mutation($id: ID!) { restoreArticle(id: $id) { article { status } } }";
    let refused = app.gql_as(&editor, restore, id.clone()).await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
    let restored = app.data_as(&admin, restore, id).await;
    assert_eq!(restored["restoreArticle"]["article"]["status"], "DRAFT");
}

async fn validation_errors_name_the_field(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    for (input, field) in [
        (json!({"sectionId": section, "title": "   "}), "input.title"),
        (
            json!({"sectionId": "999999", "title": "Tytuł"}),
            "input.sectionId",
        ),
        (
            json!({"sectionId": section, "title": "Tytuł", "tagIds": ["424242"]}),
            "input.tagIds",
        ),
        (
            json!({"sectionId": section, "title": "Tytuł", "slug": "Zły Slug"}),
            "input.slug",
        ),
        (
            json!({"sectionId": section, "title": "x".repeat(301)}),
            "input.title",
        ),
    ] {
        let response = app.gql_as(&admin, CREATE, json!({"input": input})).await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{input}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{input}"
        );
    }
}

async fn markdown_bodies_are_stored_as_sanitised_html(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let created = app
        .data_as(
            &admin,
            CREATE,
            json!({"input": {"sectionId": section, "title": "Markdown", "bodyFormat": "MARKDOWN",
                "body": "## Plan\n\n* jeden\n* dwa\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>"}}),
        )
        .await;
    let body = created["createArticle"]["article"]["body"]
        .as_str()
        .unwrap_or_default();
    assert!(body.contains(r#"<h2 id="plan">Plan</h2>"#), "{body}");
    assert!(body.contains("<li>jeden</li>"), "{body}");
    assert!(
        !body.contains("javascript") && !body.contains("onerror"),
        "{body}"
    );
}

/// The classic vectors from the OWASP XSS filter evasion cheat sheet.
async fn the_classic_xss_vectors_do_not_survive(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let vectors = [
        "<script>alert('XSS')</script>",
        "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
        "<a href=\"jav&#x09;ascript:alert('XSS');\">x</a>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert('XSS')>",
        "<body onload=alert('XSS')>",
        "<iframe src=\"javascript:alert('XSS');\"></iframe>",
        "<div style=\"background-image: url(javascript:alert('XSS'))\">x</div>",
        "<p style=\"color:red\">styled</p>",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><input type=submit></form>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    ];
    for (index, vector) in vectors.iter().enumerate() {
        let created = app
            .data_as(&admin, CREATE, json!({"input": {"sectionId": section, "title": format!("XSS {index}"), "body": vector}}))
            .await;
        let body = created["createArticle"]["article"]["body"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        for forbidden in [
            "<script",
            "javascript:",
            "onerror",
            "onload",
            "<iframe",
            "style=",
            "<style",
            "<svg",
            "<meta",
            "<object",
            "<embed",
            "<form",
            "data:text",
        ] {
            assert!(
                !body.contains(forbidden),
                "{vector:?} left {forbidden:?} in {body:?}"
            );
        }
    }
}

async fn sections_and_tags_are_created_renamed_and_deleted_when_empty(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let renamed = app
        .data_as(&admin, r#"mutation($id: ID!) { renameSection(id: $id, name: "Wiadomości") { section { slug name } } }"#, json!({"id": section}))
        .await;
    assert_eq!(
        renamed["renameSection"]["section"],
        json!({"slug": "aktualnosci", "name": "Wiadomości"})
    );
    let tag = app
        .data_as(
            &admin,
            r#"mutation { createTag(input: {name: "Rynek pracy"}) { tag { id slug } } }"#,
            json!({}),
        )
        .await;
    let tag_id = tag["createTag"]["tag"]["id"].clone();
    assert_eq!(tag["createTag"]["tag"]["slug"], "rynek-pracy");
    app.data_as(
        &admin,
        CREATE,
        json!({"input": {"sectionId": section, "title": "Z tagiem", "tagIds": [tag_id]}}),
    )
    .await;

    let busy_section = app
        .gql_as(
            &admin,
            "mutation($id: ID!) { deleteSection(id: $id) }",
            json!({"id": section}),
        )
        .await;
    assert_eq!(first_error_code(&busy_section), "CONFLICT");
    let busy_tag = app
        .gql_as(
            &admin,
            "mutation($id: ID!) { deleteTag(id: $id) }",
            json!({"id": tag_id}),
        )
        .await;
    assert_eq!(first_error_code(&busy_tag), "CONFLICT");

    let empty = app
        .data_as(
            &admin,
            r#"mutation { createSection(input: {name: "Pusty"}) { section { id } } }"#,
            json!({}),
        )
        .await;
    let deleted = app
        .data_as(
            &admin,
            "mutation($id: ID!) { deleteSection(id: $id) }",
            json!({"id": empty["createSection"]["section"]["id"]}),
        )
        .await;
    assert_eq!(deleted["deleteSection"], true);
    let sections = app.data("{ sections { name } }", json!({})).await;
    assert_eq!(sections["sections"], json!([{"name": "Wiadomości"}]));
}

on_both_databases!(
    configured_by = scheduler_every_tenth_of_a_second;
    a_scheduled_article_is_published_when_its_time_comes,
);

fn scheduler_every_tenth_of_a_second(config: &mut Config) {
    config.scheduler_interval = std::time::Duration::from_millis(100);
}

/// The scheduler publishes a scheduled article when its time comes.
async fn a_scheduled_article_is_published_when_its_time_comes(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Na jutro").await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let scheduled = app
        .data_as(
            &admin,
            PUBLISH,
            json!({"id": article["id"], "at": at.to_rfc3339()}),
        )
        .await;
    assert_eq!(
        scheduled["publishArticle"]["article"]["status"],
        "SCHEDULED"
    );
    let slug = json!({"slug": "na-jutro"});
    assert_eq!(
        app.data(PUBLIC_READ, slug.clone()).await["article"],
        json!(null)
    );
    // Wait for the scheduler, bounded: the test fails if it never publishes.
    let mut first_seen_published = None;
    wait_until("the scheduler publishes the article", async || {
        if app.data(PUBLIC_READ, slug.clone()).await["article"]["status"] == "PUBLISHED" {
            first_seen_published = Some(chrono::Utc::now());
        }
        first_seen_published.is_some()
    })
    .await;
    assert!(
        first_seen_published.is_some_and(|seen| seen >= at),
        "published before its time"
    );
}

on_both_databases!(
    configured_by = scheduler_asleep;
    a_schedule_survives_a_restart,
);

fn scheduler_asleep(config: &mut Config) {
    config.scheduler_interval = std::time::Duration::from_secs(3_600);
}

/// An article that falls due while no server runs is published when one starts: the
/// scheduler checks once at start.
async fn a_schedule_survives_a_restart(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Po restarcie").await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(1);
    app.data_as(
        &admin,
        PUBLISH,
        json!({"id": article["id"], "at": at.to_rfc3339()}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let status = "query($id: ID!) { article(id: $id) { status } }";
    let still_waiting = app
        .data_as(&admin, status, json!({"id": article["id"]}))
        .await;
    assert_eq!(
        still_waiting["article"]["status"], "SCHEDULED",
        "the first server's scheduler sleeps for an hour"
    );

    // A second server on the same database stands in for the restarted one.
    let _restarted = app.spawn_sharing_database(scheduler_asleep).await;
    wait_until(
        "the restarted server publishes the due article",
        async || {
            let now = app
                .data_as(&admin, status, json!({"id": article["id"]}))
                .await;
            now["article"]["status"] == "PUBLISHED"
        },
    )
    .await;
}

on_both_databases!(a_view_of_a_just_published_article_counts_at_once);

/// Publishing through the API tells every read-side cache, the view counter's list of
/// published articles included, so the first readers' views count.
async fn a_view_of_a_just_published_article_counts_at_once(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Świeży").await;
    let record_view = |app: &TestApp| {
        let request = app
            .client
            .post(app.url("/graphql"))
            .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
            .json(&json!({"query": "mutation($id: ID!) { recordView(articleId: $id) }", "variables": {"id": article["id"]}}));
        async move {
            let response = request
                .send()
                .await
                .unwrap_or_else(|error| panic!("{error}"));
            response.json::<Value>().await.unwrap_or_default()
        }
    };
    let before = record_view(&app).await;
    assert_eq!(
        first_error_code(&before),
        "NOT_FOUND",
        "a draft is not counted"
    );
    app.data_as(&admin, PUBLISH, json!({"id": article["id"]}))
        .await;
    let after = record_view(&app).await;
    assert_eq!(after, json!({"data": {"recordView": true}}));
}

on_both_databases!(concurrent_editors_never_see_a_locked_database);

/// Twenty articles created at once, while views are flushed: every write waits its turn
/// for the database instead of failing (SQLite allows one writer at a time).
async fn concurrent_editors_never_see_a_locked_database(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let creations = (0..20).map(|number| {
        let (app, admin, section) = (&app, &admin, &section);
        async move {
            app.gql_as(admin, CREATE, json!({"input": {"sectionId": section, "title": format!("Równolegle {number}"), "body": "<p>x</p>"}}))
                .await
        }
    });
    let responses = futures::future::join_all(creations).await;
    for response in &responses {
        assert!(response.get("errors").is_none(), "{response}");
    }
    let listed = app
        .data_as(
            &admin,
            r#"{ articles(filter: {status: [DRAFT]}, orderBy: {field: TITLE}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(listed["articles"]["totalCount"], 20);
}
