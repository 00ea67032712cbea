//! Attachments through the real HTTP interface: every accepted type uploaded and read,
//! every hostile file refused without a trace, files served with safe headers and ranges,
//! private until published, the delete rules, metadata removal, and a word inside each
//! type of document finding its article.

use kronika_core::domain::Role;
use kronika_tests::attachments::{ATTACHMENT_FIELDS, attachment_fixture};
use kronika_tests::fixtures::section_id;
use kronika_tests::{Session, TestApp, first_error_code, on_both_databases, wait_until};
use serde_json::{Value, json};

on_both_databases!(
    every_accepted_type_is_read_and_listed,
    hostile_files_are_refused_and_leave_nothing_behind,
    a_file_is_served_safely_and_only_once_an_article_is_published,
    an_attachment_in_use_is_deleted_only_by_force,
    metadata_is_shown_to_editors_and_removed_on_request,
    a_word_inside_each_type_of_document_finds_its_article,
    changes_to_attachments_show_in_the_next_read,
    an_author_cannot_reach_another_authors_private_attachment_through_an_article,
);

on_both_databases!(
    configured_by = small_upload_limits;
    each_kind_of_upload_is_held_to_its_own_limit,
);

/// Photos up to 50 kB, attachments up to 40 kB: the stream is cut at 50 kB.
fn small_upload_limits(config: &mut kronika_api::Config) {
    config.upload_max_bytes = 50_000;
    config.attachment_max_bytes = 40_000;
}

const CREATE_ARTICLE: &str = r#"mutation($section: ID!, $title: String!, $attachments: [ID!]) {
  createArticle(input: {sectionId: $section, title: $title, body: "<p>Ogłoszenie gminy.</p>", attachmentIds: $attachments}) { article { id version } }
}"#;
const PUBLISH: &str = r#"mutation($id: ID!) { publishArticle(id: $id) { article { status } } }"#;
const ARTICLE_ATTACHMENTS: &str = r#"query($id: ID!) { article(id: $id) { attachments { id title url format size sizeBytes pages metadata { name } } } }"#;

/// (fixture, format, pages, marker word inside it).
const REAL: [(&str, &str, Option<i64>, &str); 12] = [
    (
        "real/regulamin-naboru.pdf",
        "PDF",
        Some(3),
        "kwalifikowalność",
    ),
    ("real/podpisany.pdf", "PDF", Some(1), "kontrasygnata"),
    (
        "real/formularz-zgloszeniowy.docx",
        "DOCX",
        None,
        "pełnomocnictwo",
    ),
    ("real/wyniki-konkursu.xlsx", "XLSX", None, "wyróżnienie"),
    (
        "real/prezentacja-projektu.pptx",
        "PPTX",
        None,
        "rewitalizacja",
    ),
    ("real/uchwala-rady.odt", "ODT", None, "sołectwo"),
    ("real/budzet-gminy.ods", "ODS", None, "subwencja"),
    ("real/harmonogram.odp", "ODP", None, "dożynki"),
    ("real/notatka-sluzbowa.rtf", "RTF", None, "delegatura"),
    ("real/komunikat.txt", "TXT", None, "przetarg"),
    ("real/komunikat-cp1250.txt", "TXT", None, "ogłoszeniodawca"),
    ("real/lista-obecnosci.csv", "CSV", None, "sekretarz"),
];

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
}

async fn create_article(
    app: &TestApp,
    session: &Session,
    section: &Value,
    title: &str,
    attachments: &[&Value],
) -> Value {
    let ids: Vec<&Value> = attachments
        .iter()
        .map(|attachment| &attachment["id"])
        .collect();
    app.data_as(
        session,
        CREATE_ARTICLE,
        json!({"section": section, "title": title, "attachments": ids}),
    )
    .await["createArticle"]["article"]
        .clone()
}

async fn every_accepted_type_is_read_and_listed(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    for (fixture, format, pages, _) in REAL {
        let attachment = app
            .upload_attachment_fixture(&editor, fixture, json!({"title": fixture}))
            .await;
        assert_eq!(attachment["format"], format, "{fixture}: {attachment:#}");
        assert_eq!(attachment["pages"], json!(pages), "{fixture}");
        assert_eq!(
            attachment["textStatus"], "EXTRACTED",
            "{fixture}: {attachment:#}"
        );
        assert_eq!(attachment["language"], "pl");
        let size = attachment["sizeBytes"].as_i64().unwrap_or_default();
        assert!(size > 0, "{fixture}");
        assert!(text(&attachment["size"]).ends_with("B"), "{attachment:#}");
    }
    // A scan and an archive are kept, with the reason editors see for no text.
    for fixture in ["real/skan-bez-tekstu.pdf", "real/materialy.zip"] {
        let kept = app
            .upload_attachment_fixture(&editor, fixture, json!({"title": "Bez tekstu"}))
            .await;
        assert_eq!(kept["textStatus"], "NONE", "{kept:#}");
        assert!(!text(&kept["textProblem"]).is_empty(), "{kept:#}");
    }
    // A text file in windows-1250 is stored as UTF-8, Polish letters intact.
    let cp1250 = app
        .upload_attachment_fixture(
            &editor,
            "real/komunikat-cp1250.txt",
            json!({"title": "Wolontariat"}),
        )
        .await;
    let stored = app.get_as(&editor, text(&cp1250["url"])).await;
    assert_eq!(stored.status(), 200);
    let body = stored.text().await.unwrap_or_default();
    assert!(body.contains("ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"), "{body}");

    let listed = app
        .data_as(
            &editor,
            &format!(
                "{{ attachments(first: 50) {{ totalCount nodes {{ {ATTACHMENT_FIELDS} }} }} }}"
            ),
            json!({}),
        )
        .await;
    assert_eq!(listed["attachments"]["totalCount"], 15, "{listed:#}");
    // Newest first.
    assert_eq!(listed["attachments"]["nodes"][0]["title"], "Wolontariat");
    // Readers have no list.
    let anonymous = app.gql("{ attachments { totalCount } }").await;
    assert_eq!(
        first_error_code(&anonymous),
        "UNAUTHENTICATED",
        "{anonymous:#}"
    );
}

async fn hostile_files_are_refused_and_leave_nothing_behind(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    for (fixture, code, words) in [
        ("hostile/bomb-ratio.docx", "PAYLOAD_TOO_LARGE", ""),
        ("hostile/bomb-entries.zip", "PAYLOAD_TOO_LARGE", "entries"),
        ("hostile/bomb-nested.zip", "", ""),
        ("hostile/bomb-declared-small.zip", "", ""),
        ("hostile/encrypted.pdf", "BAD_USER_INPUT", "encrypted"),
        ("hostile/encrypted.docx", "", ""),
        ("hostile/damaged.pdf", "BAD_USER_INPUT", ""),
        ("hostile/damaged-garbage.pdf", "BAD_USER_INPUT", ""),
        ("hostile/empty.pdf", "BAD_USER_INPUT", ""),
        ("hostile/pages-count-lie.pdf", "BAD_USER_INPUT", "page tree"),
        ("hostile/pages-cycle.pdf", "BAD_USER_INPUT", "page tree"),
        ("hostile/many-pages.pdf", "PAYLOAD_TOO_LARGE", "pages"),
        (
            "hostile/external-reference.docx",
            "UNSUPPORTED_MEDIA_TYPE",
            "external",
        ),
        (
            "hostile/macro.docm-as.docx",
            "UNSUPPORTED_MEDIA_TYPE",
            "macro",
        ),
        (
            "hostile/macro.xlsm-as.xlsx",
            "UNSUPPORTED_MEDIA_TYPE",
            "macro",
        ),
        ("hostile/page.html-as.pdf", "UNSUPPORTED_MEDIA_TYPE", "HTML"),
        ("hostile/image.svg-as.pdf", "UNSUPPORTED_MEDIA_TYPE", "SVG"),
        (
            "hostile/program.exe-as.pdf",
            "UNSUPPORTED_MEDIA_TYPE",
            "program",
        ),
        (
            "hostile/program.elf-as.docx",
            "UNSUPPORTED_MEDIA_TYPE",
            "program",
        ),
        ("hostile/jpeg-as.pdf", "UNSUPPORTED_MEDIA_TYPE", ""),
        (
            "hostile/polyglot-pdf-html.pdf",
            "UNSUPPORTED_MEDIA_TYPE",
            "polyglot",
        ),
        (
            "hostile/polyglot-pdf-zip.pdf",
            "UNSUPPORTED_MEDIA_TYPE",
            "polyglot",
        ),
        ("hostile/odt-wrong-mimetype.odt", "", ""),
        ("hostile/text-with-nul.txt", "UNSUPPORTED_MEDIA_TYPE", ""),
        ("hostile/encrypted.zip", "", ""),
    ] {
        let file_name = fixture.rsplit('/').next().unwrap_or(fixture);
        let answer = app
            .upload_attachment(
                &editor,
                attachment_fixture(fixture),
                file_name,
                json!({"title": "Wrogi plik"}),
            )
            .await;
        let got = first_error_code(&answer);
        assert!(
            [
                "PAYLOAD_TOO_LARGE",
                "BAD_USER_INPUT",
                "UNSUPPORTED_MEDIA_TYPE"
            ]
            .contains(&got),
            "{fixture} was not refused with a client code: {answer:#}"
        );
        if !code.is_empty() {
            assert_eq!(got, code, "{fixture}: {answer:#}");
        }
        let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.to_lowercase().contains(&words.to_lowercase()),
            "{fixture}: the message does not say {words:?}: {message}"
        );
    }
    let count = app
        .data_as(&editor, "{ attachments { totalCount } }", json!({}))
        .await;
    assert_eq!(count["attachments"]["totalCount"], 0, "no row is left");
    assert_eq!(
        app.attachment_files(),
        Vec::<std::path::PathBuf>::new(),
        "no file is left"
    );

    // Without a title there is no link text: refused before anything is read.
    let untitled = app
        .upload_attachment(
            &editor,
            attachment_fixture("real/komunikat.txt"),
            "komunikat.txt",
            json!({"title": "  "}),
        )
        .await;
    assert_eq!(
        first_error_code(&untitled),
        "BAD_USER_INPUT",
        "{untitled:#}"
    );
    // Readers may not upload.
    let anonymous: Value = app
        .upload_attachment_response(
            None,
            attachment_fixture("real/komunikat.txt"),
            "k.txt",
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(
        first_error_code(&anonymous),
        "UNAUTHENTICATED",
        "{anonymous:#}"
    );
    assert_eq!(app.attachment_files(), Vec::<std::path::PathBuf>::new());
}

async fn a_file_is_served_safely_and_only_once_an_article_is_published(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let bytes = attachment_fixture("real/regulamin-naboru.pdf");
    let pdf = app
        .upload_attachment(
            &editor,
            bytes.clone(),
            "Regulamin naboru – Łódź.pdf",
            json!({"title": "Regulamin naboru"}),
        )
        .await["data"]["uploadAttachment"]["attachment"]
        .clone();
    let url = text(&pdf["url"]).to_owned();
    assert!(
        url.starts_with("/media/attachments/") && url.ends_with("/regulamin-naboru-lodz.pdf"),
        "{url}"
    );
    let article = create_article(&app, &editor, &section, "Nabór na stanowisko", &[&pdf]).await;

    // A draft's attachment: readers get nothing, editors get it, never from a cache.
    let anonymous = app.get(&url).await;
    assert_eq!(anonymous.status(), 404);
    assert_eq!(header(&anonymous, "cache-control"), "no-store");
    let private = app.get_as(&editor, &url).await;
    assert_eq!(private.status(), 200);
    assert_eq!(header(&private, "cache-control"), "private, no-store");

    app.data_as(&editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    let public = app.get(&url).await;
    assert_eq!(public.status(), 200);
    assert_eq!(header(&public, "content-type"), "application/pdf");
    assert_eq!(
        header(&public, "content-disposition"),
        "inline; filename=\"regulamin-naboru-lodz.pdf\"; \
         filename*=UTF-8''Regulamin%20naboru%20%E2%80%93%20%C5%81%C3%B3d%C5%BA%2Epdf"
    );
    assert_eq!(header(&public, "x-content-type-options"), "nosniff");
    assert!(header(&public, "content-security-policy").contains("sandbox"));
    assert_eq!(
        header(&public, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&public, "accept-ranges"), "bytes");
    let article_tag = format!("article-{}", text(&article["id"]));
    assert_eq!(header(&public, "cache-tag"), article_tag);
    let etag = header(&public, "etag");
    assert_eq!(public.bytes().await.unwrap_or_default().to_vec(), bytes);

    // A PDF viewer asks for parts of a large file.
    let part = app
        .client
        .get(app.url(&url))
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(part.status(), 206);
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 100-199/{}", bytes.len())
    );
    assert_eq!(
        part.bytes().await.unwrap_or_default().to_vec(),
        bytes[100..200]
    );
    let beyond = app
        .client
        .get(app.url(&url))
        .header("range", format!("bytes={}-", bytes.len() + 10))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(beyond.status(), 416);
    assert_eq!(
        header(&beyond, "content-range"),
        format!("bytes */{}", bytes.len())
    );
    let revalidated = app
        .client
        .get(app.url(&url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(revalidated.status(), 304);
    // One file, one URL: another name for the same hash is not served.
    let (directory, _) = url.rsplit_once('/').unwrap_or_default();
    assert_eq!(
        app.get(&format!("{directory}/inna-nazwa.pdf"))
            .await
            .status(),
        404
    );

    // What a frontend reads: the public fields, and no metadata for readers.
    let read = app
        .data(ARTICLE_ATTACHMENTS, json!({"id": article["id"]}))
        .await;
    let listed = &read["article"]["attachments"][0];
    assert_eq!(listed["title"], "Regulamin naboru");
    assert_eq!(listed["format"], "PDF");
    assert_eq!(listed["pages"], 3);
    assert_eq!(listed["size"], "36 kB");
    assert_eq!(listed["url"], url.as_str());
    assert_eq!(listed["metadata"], Value::Null);

    // Other types download rather than open, under their Polish names.
    let docx = app
        .upload_attachment(
            &editor,
            attachment_fixture("real/formularz-zgloszeniowy.docx"),
            "Formularz zgłoszeniowy.docx",
            json!({"title": "Formularz"}),
        )
        .await["data"]["uploadAttachment"]["attachment"]
        .clone();
    let download = app.get_as(&editor, text(&docx["url"])).await;
    assert_eq!(download.status(), 200);
    assert!(
        header(&download, "content-disposition").starts_with("attachment; "),
        "{download:?}"
    );
}

async fn an_attachment_in_use_is_deleted_only_by_force(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.login_as("Adam Autor", Role::Author).await;
    let section = section_id(&app, &admin).await;
    let delete = r#"mutation($id: ID!, $force: Boolean = false) { deleteAttachment(id: $id, force: $force) { deletedAttachmentId } }"#;

    let first = app
        .upload_attachment_fixture(&author, "real/komunikat.txt", json!({"title": "Komunikat"}))
        .await;
    let second = app
        .upload_attachment_fixture(
            &author,
            "real/lista-obecnosci.csv",
            json!({"title": "Lista obecności"}),
        )
        .await;
    let article = create_article(&app, &author, &section, "Sesja rady", &[&first, &second]).await;
    // The order is the editors'; reordering is sending the ids in a new order.
    let reorder = r#"mutation($id: ID!, $version: Int!, $attachments: [ID!]) {
      updateArticle(id: $id, expectedVersion: $version, input: {attachmentIds: $attachments}) { article { version attachments { title } } }
    }"#;
    let reordered = app
        .data_as(
            &author,
            reorder,
            json!({"id": article["id"], "version": article["version"], "attachments": [second["id"], first["id"]]}),
        )
        .await;
    assert_eq!(
        reordered["updateArticle"]["article"]["attachments"],
        json!([{"title": "Lista obecności"}, {"title": "Komunikat"}])
    );
    let twice = app
        .gql_as(
            &author,
            reorder,
            json!({"id": article["id"], "version": 2, "attachments": [first["id"], first["id"]]}),
        )
        .await;
    assert_eq!(first_error_code(&twice), "BAD_USER_INPUT", "{twice:#}");

    // Listed by a draft: refused without force; the author may force on a draft.
    let refused = app
        .gql_as(&author, delete, json!({"id": first["id"]}))
        .await;
    assert_eq!(first_error_code(&refused), "CONFLICT", "{refused:#}");

    // Listed by a published article: only editors and admins force it.
    app.data_as(&editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    let url = text(&first["url"]).to_owned();
    assert_eq!(app.get(&url).await.status(), 200);
    let not_theirs = app
        .gql_as(&author, delete, json!({"id": second["id"], "force": true}))
        .await;
    assert_eq!(first_error_code(&not_theirs), "FORBIDDEN", "{not_theirs:#}");
    app.data_as(&editor, delete, json!({"id": first["id"], "force": true}))
        .await;
    assert_eq!(app.get(&url).await.status(), 404, "its file is gone");
    let read = app
        .data(ARTICLE_ATTACHMENTS, json!({"id": article["id"]}))
        .await;
    assert_eq!(
        read["article"]["attachments"].as_array().map(Vec::len),
        Some(1)
    );
    // Another author may not touch it at all.
    let other = app.login_as("Olga Autorka", Role::Author).await;
    let foreign = app
        .gql_as(&other, delete, json!({"id": second["id"], "force": true}))
        .await;
    assert_eq!(first_error_code(&foreign), "FORBIDDEN", "{foreign:#}");
}

async fn metadata_is_shown_to_editors_and_removed_on_request(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let names = |attachment: &Value| -> Vec<String> {
        attachment["metadata"]
            .as_array()
            .unwrap_or_else(|| panic!("no metadata in {attachment:#}"))
            .iter()
            .map(|field| format!("{}={}", text(&field["name"]), text(&field["value"])))
            .collect()
    };
    let kept = app
        .upload_attachment_fixture(
            &editor,
            "real/formularz-zgloszeniowy.docx",
            json!({"title": "Formularz"}),
        )
        .await;
    assert!(
        names(&kept).contains(&"dc:creator=Anna Nowak".to_owned()),
        "{kept:#}"
    );
    assert_eq!(kept["metadataRemoved"], false);

    let cleaned = app
        .upload_attachment_fixture(
            &editor,
            "real/uchwala-rady.odt",
            json!({"title": "Uchwała", "removeMetadata": true}),
        )
        .await;
    assert_eq!(cleaned["metadataRemoved"], true, "{cleaned:#}");
    assert_eq!(names(&cleaned), Vec::<String>::new());
    assert_eq!(
        cleaned["textStatus"], "EXTRACTED",
        "the document still reads"
    );

    // Later, on a PDF: the file gets a new hash and the old one is gone.
    let pdf = app
        .upload_attachment_fixture(
            &editor,
            "real/regulamin-naboru.pdf",
            json!({"title": "Regulamin"}),
        )
        .await;
    assert!(
        names(&pdf)
            .iter()
            .any(|field| field.contains("jan.kowalski")),
        "{pdf:#}"
    );
    let update = format!(
        "mutation($id: ID!) {{ updateAttachment(id: $id, input: {{removeMetadata: true, title: \"Regulamin naboru\"}}) {{ attachment {{ {ATTACHMENT_FIELDS} }} }} }}"
    );
    let updated = app
        .data_as(&editor, &update, json!({"id": pdf["id"]}))
        .await["updateAttachment"]["attachment"]
        .clone();
    assert_eq!(updated["title"], "Regulamin naboru");
    assert_eq!(updated["metadataRemoved"], true);
    assert!(
        !names(&updated)
            .iter()
            .any(|field| field.contains("Kowalski") || field.contains("kowalski")),
        "{updated:#}"
    );
    assert_ne!(updated["url"], pdf["url"]);
    assert_eq!(app.get_as(&editor, text(&pdf["url"])).await.status(), 404);
    let new_file = app.get_as(&editor, text(&updated["url"])).await;
    assert_eq!(new_file.status(), 200);
    let stored = new_file.bytes().await.unwrap_or_default();
    assert!(
        !stored.windows(8).any(|window| window == b"Kowalski"),
        "the stored PDF still names its author"
    );

    // A signed PDF keeps its metadata: removing it would break the signature.
    let signed = app
        .upload_attachment(
            &editor,
            attachment_fixture("real/podpisany.pdf"),
            "podpisany.pdf",
            json!({"title": "Zaświadczenie", "removeMetadata": true}),
        )
        .await;
    if signed.get("errors").is_some() {
        assert_eq!(first_error_code(&signed), "BAD_USER_INPUT", "{signed:#}");
    }
}

async fn a_word_inside_each_type_of_document_finds_its_article(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    for (index, (fixture, _, _, _)) in REAL.iter().enumerate() {
        let attachment = app
            .upload_attachment_fixture(
                &editor,
                fixture,
                json!({"title": format!("Dokument {index}")}),
            )
            .await;
        let article = create_article(
            &app,
            &editor,
            &section,
            &format!("Ogłoszenie numer {index}"),
            &[&attachment],
        )
        .await;
        app.data_as(&editor, PUBLISH, json!({"id": article["id"]}))
            .await;
    }
    wait_until("the search outbox drains", async || {
        let status = kronika_core::search::outbox::status(app.db())
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        status.backlog == 0
    })
    .await;
    let search = r#"query($q: String) { search(query: $q) { totalHits hits { article { title } snippet matchedIn matchedAttachmentTitle } } }"#;
    for (index, (fixture, _, _, marker)) in REAL.iter().enumerate() {
        let results = app.data(search, json!({"q": marker})).await["search"].clone();
        assert_eq!(results["totalHits"], 1, "{fixture}: {results:#}");
        let hit = &results["hits"][0];
        assert_eq!(
            hit["article"]["title"],
            format!("Ogłoszenie numer {index}"),
            "{fixture}"
        );
        assert_eq!(hit["matchedIn"], "ATTACHMENT", "{fixture}: {hit:#}");
        assert_eq!(hit["matchedAttachmentTitle"], format!("Dokument {index}"));
        assert!(
            text(&hit["snippet"]).contains("<mark>"),
            "{fixture}: {hit:#}"
        );
    }
}

async fn each_kind_of_upload_is_held_to_its_own_limit(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    // 37 kB: under the attachment limit.
    app.upload_attachment_fixture(
        &editor,
        "real/regulamin-naboru.pdf",
        json!({"title": "Regulamin"}),
    )
    .await;
    // 45 kB: through the stream (under the photo limit), refused as an attachment.
    let mut padded = attachment_fixture("real/komunikat.txt");
    padded.resize(45_000, b' ');
    let over = app
        .upload_attachment(
            &editor,
            padded,
            "komunikat.txt",
            json!({"title": "Komunikat"}),
        )
        .await;
    assert_eq!(first_error_code(&over), "PAYLOAD_TOO_LARGE", "{over:#}");
    // 70 kB: cut off while it streams, with HTTP 413.
    let mut larger = attachment_fixture("real/komunikat.txt");
    larger.resize(70_000, b' ');
    let cut = app
        .upload_attachment_response(
            Some(&editor),
            larger,
            "komunikat.txt",
            json!({"title": "Komunikat"}),
        )
        .await;
    assert_eq!(cut.status(), 413);
    assert_eq!(
        app.attachment_files().len(),
        1,
        "only the accepted file is stored"
    );
}

async fn changes_to_attachments_show_in_the_next_read(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let first = app
        .upload_attachment_fixture(&editor, "real/komunikat.txt", json!({"title": "Komunikat"}))
        .await;
    let second = app
        .upload_attachment_fixture(
            &editor,
            "real/lista-obecnosci.csv",
            json!({"title": "Lista"}),
        )
        .await;
    let article = create_article(&app, &editor, &section, "Sesja", &[&first]).await;
    app.data_as(&editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    let titles = async || -> Value {
        app.data(ARTICLE_ATTACHMENTS, json!({"id": article["id"]}))
            .await["article"]["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|attachment| attachment["title"].clone())
            .collect()
    };
    // Read twice: the second answer comes from the caches.
    assert_eq!(titles().await, json!(["Komunikat"]));
    assert_eq!(titles().await, json!(["Komunikat"]));
    let version = app
        .data(
            r#"query($id: ID!) { article(id: $id) { version } }"#,
            json!({"id": article["id"]}),
        )
        .await["article"]["version"]
        .clone();
    app.data_as(
        &editor,
        r#"mutation($id: ID!, $version: Int!, $ids: [ID!]) {
          updateArticle(id: $id, expectedVersion: $version, input: {attachmentIds: $ids}) { article { id } }
        }"#,
        json!({"id": article["id"], "version": version, "ids": [second["id"], first["id"]]}),
    )
    .await;
    assert_eq!(titles().await, json!(["Lista", "Komunikat"]));
    app.data_as(
        &editor,
        r#"mutation($id: ID!) { updateAttachment(id: $id, input: {title: "Lista obecności"}) { attachment { id } } }"#,
        json!({"id": second["id"]}),
    )
    .await;
    assert_eq!(titles().await, json!(["Lista obecności", "Komunikat"]));
    // The change register names the change.
    let register = app
        .data(
            r#"query($id: ID!) { article(id: $id) { changeLog { changedFields } } }"#,
            json!({"id": article["id"]}),
        )
        .await;
    assert!(register.to_string().contains("ATTACHMENTS"), "{register:#}");
}

async fn an_author_cannot_reach_another_authors_private_attachment_through_an_article(
    app: TestApp,
) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let owner = app.login_as("Anna Autorka", Role::Author).await;
    let snooper = app.login_as("Olga Autorka", Role::Author).await;
    let section = section_id(&app, &admin).await;
    let private = app
        .upload_attachment_fixture(
            &owner,
            "real/regulamin-naboru.pdf",
            json!({"title": "Projekt"}),
        )
        .await;
    let url = text(&private["url"]).to_owned();
    assert_eq!(app.get_as(&snooper, &url).await.status(), 404);

    // Ids are guessable; listing one on one's own draft must not open it.
    let attempt = app
        .gql_as(
            &snooper,
            CREATE_ARTICLE,
            json!({"section": section, "title": "Ciekawość", "attachments": [private["id"]]}),
        )
        .await;
    assert_eq!(first_error_code(&attempt), "BAD_USER_INPUT", "{attempt:#}");
    assert_eq!(app.get_as(&snooper, &url).await.status(), 404);

    // An editor may attach it to an author's draft; the author's next save keeps it.
    let draft = create_article(&app, &snooper, &section, "Szkic", &[]).await;
    let update = r#"mutation($id: ID!, $version: Int!, $ids: [ID!]) {
      updateArticle(id: $id, expectedVersion: $version, input: {attachmentIds: $ids}) { article { version } }
    }"#;
    let by_editor = app
        .data_as(
            &editor,
            update,
            json!({"id": draft["id"], "version": draft["version"], "ids": [private["id"]]}),
        )
        .await;
    let version = by_editor["updateArticle"]["article"]["version"].clone();
    let kept = app
        .gql_as(
            &snooper,
            update,
            json!({"id": draft["id"], "version": version, "ids": [private["id"]]}),
        )
        .await;
    assert!(kept.get("errors").is_none(), "{kept:#}");
    // Published attachments are anyone's to list.
    let public = app
        .upload_attachment_fixture(&owner, "real/komunikat.txt", json!({"title": "Komunikat"}))
        .await;
    let published = create_article(&app, &owner, &section, "Ogłoszenie", &[&public]).await;
    app.data_as(&editor, PUBLISH, json!({"id": published["id"]}))
        .await;
    let reuse = app
        .gql_as(
            &snooper,
            CREATE_ARTICLE,
            json!({"section": section, "title": "Przypomnienie", "attachments": [public["id"]]}),
        )
        .await;
    assert!(reuse.get("errors").is_none(), "{reuse:#}");
}
