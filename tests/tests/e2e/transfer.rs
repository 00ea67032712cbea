//! Moving out and back in: an export of a used installation, imported into a fresh one,
//! answers every article, list, gallery, photo file and view series alike.

use kronika_core::auth::accounts;
use kronika_core::domain::{ArticleStatus, Role};
use kronika_core::transfer::{TransferError, export, import};
use kronika_tests::fixtures::PASSWORD;
use kronika_tests::{Session, TestApp, on_both_databases, with_demo_content};
use serde_json::json;

on_both_databases!(
    configured_by = with_demo_content;
    an_export_imported_into_a_fresh_installation_answers_every_query_alike,
    an_import_refuses_a_used_database_and_a_damaged_export_and_writes_nothing,
);

/// Every public field a frontend reads, over every published article.
const PUBLIC_READS: &str = r#"{
  articles(first: 20) {
    totalCount
    nodes {
      id slug title lead body bodyText headings { level text anchor } byline status version
      publishedAt updatedAt createdAt viewCount viewsByDay { day views }
      section { slug name } tags { slug name } createdBy { name }
      gallery { id }
      attachments { title fileName url format sizeBytes size pages }
    }
  }
  sections { slug name articles(first: 5) { totalCount nodes { slug } } }
  tags { slug name }
  mostRead(days: 366, first: 10) { article { slug } views }
}"#;

/// A gallery with every photo field and file.
const GALLERY: &str = r#"query($id: ID!) {
  gallery(id: $id) { id slug title description updatedAt cover { id }
    photos { id caption credit alt width height takenAt blurhash dominantColor url srcset
             renditions { width format url } } }
}"#;

/// What editors see besides: drafts, revisions and the change log.
const STAFF_READS: &str = r#"{
  articles(first: 20, filter: {status: [DRAFT, SCHEDULED, PUBLISHED]}, orderBy: {field: TITLE, direction: ASC}) {
    nodes { id slug status title revisions { at editorName kind changedFields previousState }
            changeLog { at editorName description changedFields } updatedBy { name } }
  }
  viewer { email name role }
}"#;

const CREATE: &str = r#"mutation($input: CreateArticleInput!) {
  createArticle(input: $input) { article { id slug version } }
}"#;
const UPDATE: &str = r#"mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { slug version } }
}"#;
const PUBLISH: &str = r#"mutation($id: ID!) { publishArticle(id: $id) { article { status } } }"#;

/// An editor's traces on top of the demo content: a renamed and edited article (a former
/// slug, revisions), a draft, tags, and views on two days.
async fn use_the_installation(app: &TestApp) -> Session {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = app.data(r#"{ sections { id } }"#, json!({})).await["sections"][0]["id"].clone();
    let tag = app.tag("ogłoszenia o pracy").await;
    let rules = app
        .upload_attachment_fixture(
            &editor,
            "real/regulamin-naboru.pdf",
            json!({"title": "Regulamin naboru"}),
        )
        .await;
    let created = app
        .data_as(
            &editor,
            CREATE,
            json!({"input": {"sectionId": section, "title": "Nabór na stanowisko",
                   "lead": "Wójt ogłasza nabór.", "body": "<h2>Wymagania</h2><p>Wykształcenie wyższe.</p>",
                   "tagIds": [tag.id.to_string()], "byline": "oprac. WKZ",
                   "attachmentIds": [rules["id"]]}}),
        )
        .await["createArticle"]["article"]
        .clone();
    app.data_as(&editor, PUBLISH, json!({"id": created["id"]}))
        .await;
    let version = app
        .data(
            r#"query($id: ID!) { article(id: $id) { version } }"#,
            json!({"id": created["id"]}),
        )
        .await["article"]["version"]
        .clone();
    app.data_as(
        &editor,
        UPDATE,
        json!({"id": created["id"], "version": version,
               "input": {"title": "Nabór na stanowisko podinspektora", "slug": "nabor-podinspektor"}}),
    )
    .await;
    app.data_as(
        &editor,
        CREATE,
        json!({"input": {"sectionId": section, "title": "Szkic komunikatu", "body": "<p>Wkrótce.</p>"}}),
    )
    .await;
    for _ in 0..3 {
        // The counter may take one view per reader and moment; at least one counts.
        let beacon = app
            .client
            .post(app.url(&format!(
                "/api/views/{}",
                created["id"].as_str().unwrap_or_default()
            )))
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
            )
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert!(beacon.status().is_success());
    }
    app.app
        .flush_views()
        .await
        .unwrap_or_else(|error| panic!("flush: {error}"));
    editor
}

async fn an_export_imported_into_a_fresh_installation_answers_every_query_alike(app: TestApp) {
    let editor = use_the_installation(&app).await;
    let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let target = directory.path().join("eksport");
    let manifest = export::export(app.db(), app.app.media(), &target)
        .await
        .unwrap_or_else(|error| panic!("export: {error}"));
    assert!(
        manifest.missing_media.is_empty(),
        "{:?}",
        manifest.missing_media
    );
    assert!(manifest.media_files > 0);
    assert!(
        !std::fs::read_to_string(target.join("accounts.jsonl"))
            .unwrap_or_default()
            .contains("argon2"),
        "password hashes must not leave"
    );
    // A second export into the same place is refused, and leaves the first one whole.
    assert!(matches!(
        export::export(app.db(), app.app.media(), &target).await,
        Err(TransferError::TargetNotEmpty { .. })
    ));

    let fresh = TestApp::spawn(app.backend, false)
        .await
        .unwrap_or_else(|| panic!("the first server ran on this backend"));
    import::import(fresh.db(), fresh.app.media(), &target)
        .await
        .unwrap_or_else(|error| panic!("import: {error}"));
    fresh.app.content_changed();

    let before = app.data(PUBLIC_READS, json!({})).await;
    let after = fresh.data(PUBLIC_READS, json!({})).await;
    assert_eq!(after, before);
    assert!(before["articles"]["totalCount"].as_u64() >= Some(2));
    // Every article by its slug, and by the slug it had before the rename.
    for node in before["articles"]["nodes"].as_array().into_iter().flatten() {
        let query = r#"query($slug: String!) { article(slug: $slug) { id title viewsByDay { day views } } }"#;
        let slug = json!({"slug": node["slug"]});
        assert_eq!(
            fresh.data(query, slug.clone()).await,
            app.data(query, slug).await
        );
    }
    let renamed = r#"{ article(slug: "nabor-na-stanowisko") { slug } }"#;
    assert_eq!(
        fresh.data(renamed, json!({})).await["article"]["slug"],
        "nabor-podinspektor"
    );
    let views = r#"{ article(slug: "nabor-podinspektor") { viewCount viewsByDay { views } } }"#;
    let counted = app.data(views, json!({})).await;
    assert!(
        counted["article"]["viewCount"].as_u64() >= Some(1),
        "{counted}"
    );
    assert_eq!(fresh.data(views, json!({})).await, counted);

    // The attachment's file, with the same bytes, found by its text in the new index.
    let nabor = &before["articles"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|node| node["slug"] == "nabor-podinspektor")
        .unwrap_or_else(|| panic!("no article nabor-podinspektor in {before:#}"))["attachments"][0];
    assert_eq!(nabor["title"], "Regulamin naboru");
    let path = nabor["url"].as_str().unwrap_or_default();
    let old = app.get(path).await.bytes().await.unwrap_or_default();
    let new = fresh.get(path).await;
    assert_eq!(new.status(), 200, "{path}");
    assert_eq!(new.bytes().await.unwrap_or_default(), old, "{path}");

    // Every gallery alike, and every photo file with the same bytes.
    let mut files = 0;
    for node in before["articles"]["nodes"].as_array().into_iter().flatten() {
        let Some(gallery_id) = node["gallery"]["id"].as_str() else {
            continue;
        };
        let gallery = app.data(GALLERY, json!({"id": gallery_id})).await;
        assert_eq!(
            fresh.data(GALLERY, json!({"id": gallery_id})).await,
            gallery
        );
        for photo in gallery["gallery"]["photos"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for rendition in photo["renditions"].as_array().into_iter().flatten() {
                let path = rendition["url"].as_str().unwrap_or_default();
                let old = app.get(path).await.bytes().await.unwrap_or_default();
                let new = fresh.get(path).await;
                assert_eq!(new.status(), 200, "{path}");
                assert_eq!(new.bytes().await.unwrap_or_default(), old, "{path}");
                files += 1;
            }
        }
    }
    assert!(files > 0, "the demo gallery has photos");

    // Accounts come without passwords; the operator gives one, and then editors see the
    // same drafts, revisions and change log.
    let email = "ewa-redaktor@example.org";
    let refused = fresh
        .gql_with(
            r#"mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }"#,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert!(refused.get("errors").is_some(), "{refused:#}");
    accounts::set_password(fresh.db(), email, PASSWORD)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let editor_again = log_in(&fresh, email).await;
    assert_eq!(
        fresh.data_as(&editor_again, STAFF_READS, json!({})).await,
        app.data_as(&editor, STAFF_READS, json!({})).await
    );
    let statuses = fresh.data_as(&editor_again, STAFF_READS, json!({})).await;
    assert!(
        statuses.to_string().contains(ArticleStatus::Draft.as_str()),
        "the draft came along: {statuses}"
    );
    assert_staff_ids_continue(&fresh, &editor_again).await;
}

async fn log_in(app: &TestApp, email: &str) -> Session {
    let data = app
        .data(
            r#"mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token viewer: account { id } } }"#,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    Session {
        account_id: data["login"]["viewer"]["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .unwrap_or_default(),
        email: email.to_owned(),
        token: data["login"]["token"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// New rows after an import get ids past the imported ones (PostgreSQL's sequences).
async fn assert_staff_ids_continue(fresh: &TestApp, editor: &Session) {
    let section =
        fresh.data(r#"{ sections { id } }"#, json!({})).await["sections"][0]["id"].clone();
    let created = fresh
        .data_as(
            editor,
            CREATE,
            json!({"input": {"sectionId": section, "title": "Pierwszy po przeprowadzce", "body": "<p>Tak.</p>"}}),
        )
        .await;
    assert!(
        created["createArticle"]["article"]["id"].is_string(),
        "{created:#}"
    );
}

async fn an_import_refuses_a_used_database_and_a_damaged_export_and_writes_nothing(app: TestApp) {
    use_the_installation(&app).await;
    let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let target = directory.path().join("eksport");
    export::export(app.db(), app.app.media(), &target)
        .await
        .unwrap_or_else(|error| panic!("export: {error}"));

    // Into the installation it came from: refused, nothing doubled.
    let count = r#"{ articles { totalCount } }"#;
    let articles_before = app.data(count, json!({})).await;
    assert!(matches!(
        import::import(app.db(), app.app.media(), &target).await,
        Err(TransferError::DatabaseNotEmpty { .. })
    ));
    app.app.content_changed();
    assert_eq!(app.data(count, json!({})).await, articles_before);

    // A row broken in the middle of the articles: the whole import is undone.
    let articles = target.join("articles.jsonl");
    let text = std::fs::read_to_string(&articles).unwrap_or_default();
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.len() - 1;
    lines[last] = r#"{"id": "not a number"}"#;
    std::fs::write(&articles, lines.join("\n")).unwrap_or_else(|error| panic!("{error}"));
    let fresh = TestApp::spawn(app.backend, false)
        .await
        .unwrap_or_else(|| panic!("the first server ran on this backend"));
    let error = import::import(fresh.db(), fresh.app.media(), &target)
        .await
        .err()
        .unwrap_or_else(|| panic!("a broken row was accepted"));
    assert!(
        error.to_string().contains("articles.jsonl:"),
        "the error names the file and line: {error}"
    );
    fresh.app.content_changed();
    let empty = fresh
        .data(
            r#"{ articles { totalCount } sections { slug } tags { slug } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        empty,
        json!({"articles": {"totalCount": 0}, "sections": [], "tags": []})
    );
    // ...and a second try after the repair succeeds: nothing was left half-written.
    std::fs::write(&articles, text).unwrap_or_else(|error| panic!("{error}"));
    import::import(fresh.db(), fresh.app.media(), &target)
        .await
        .unwrap_or_else(|error| panic!("import after the repair: {error}"));

    // A photo file whose bytes do not match its name stops the import before any row.
    let other = TestApp::spawn(app.backend, false)
        .await
        .unwrap_or_else(|| panic!("the first server ran on this backend"));
    let originals = target.join("media/originals");
    let first_original = std::fs::read_dir(&originals)
        .unwrap_or_else(|error| panic!("{error}"))
        .flatten()
        .next()
        .unwrap_or_else(|| panic!("the export holds originals"))
        .path();
    std::fs::write(&first_original, b"not the photo").unwrap_or_else(|error| panic!("{error}"));
    let damaged = import::import(other.db(), other.app.media(), &target).await;
    assert!(
        matches!(damaged, Err(TransferError::Media { .. })),
        "{damaged:?}"
    );
    other.app.content_changed();
    assert_eq!(
        other.data(count, json!({})).await["articles"]["totalCount"],
        0
    );
}
