//! RSS, Atom, the sitemap and the Google News sitemap, read as a feed reader and a crawler
//! read them: well-formed XML, only published articles, links to the public site,
//! absolute photo addresses that answer, conditional GET, and fresh after a publication.

use kronika_api::config::Config;
use kronika_api::site::Site;
use kronika_core::domain::{ArticleStatus, Role};
use kronika_tests::xml_schema;
use kronika_tests::{Session, TestApp, on_both_databases};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

on_both_databases!(
    configured_by = for_the_public_site;
    feeds_carry_the_newest_published_articles_with_links_to_the_public_site,
    a_feed_follows_one_section_or_one_tag,
    a_publication_reaches_the_feeds_at_once_and_an_unchanged_feed_is_not_sent_again,
    the_sitemap_lists_every_published_article_with_its_photos,
    the_news_sitemap_lists_the_last_two_days,
    a_sitemap_of_more_than_fifty_thousand_articles_is_split_into_pages,
);

on_both_databases!(without_a_site_address_feeds_say_what_to_configure);

on_both_databases!(
    configured_by = for_the_public_site_quietly;
    concurrent_requests_for_an_uncached_sitemap_render_it_once,
);

/// As [`for_the_public_site`], with the background work asleep so that only requests
/// send SQL statements.
fn for_the_public_site_quietly(config: &mut Config) {
    for_the_public_site(config);
    kronika_tests::background_work_asleep(config);
}

const SITE_URL: &str = "https://urzad.example.gov.pl/aktualnosci/{slug}";

fn for_the_public_site(config: &mut Config) {
    let article_url = SITE_URL.parse().unwrap_or_else(|error| panic!("{error}"));
    config.site = Some(Site::new(
        article_url,
        Some("Urząd Gminy Przykładowo".to_owned()),
    ));
}

fn public_url(slug: &str) -> String {
    SITE_URL.replace("{slug}", slug)
}

const CREATE_GALLERY: &str = r#"mutation($photos: [ID!]) {
  createGallery(input: {title: "Sesja rady", photoIds: $photos}) { gallery { id } }
}"#;
const CREATE_ARTICLE: &str = r#"mutation($input: CreateArticleInput!) {
  createArticle(input: $input) { article { id slug } }
}"#;
const PUBLISH: &str = r#"mutation($id: ID!) { publishArticle(id: $id) { article { status } } }"#;

/// Writes and publishes an article through GraphQL (published now); returns its slug.
async fn publish_article(app: &TestApp, editor: &Session, input: Value) -> String {
    let article = app
        .data_as(editor, CREATE_ARTICLE, json!({"input": input}))
        .await["createArticle"]["article"]
        .clone();
    app.data_as(editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    article["slug"].as_str().unwrap_or_default().to_owned()
}

struct Fetched {
    status: u16,
    content_type: String,
    etag: String,
    body: String,
}

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {path}: {error}"));
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    Fetched {
        status: response.status().as_u16(),
        content_type: header("content-type"),
        etag: header("etag"),
        body: response.text().await.unwrap_or_default(),
    }
}

/// The body of a 200 answer of `content_type`, checked to be well-formed XML.
async fn xml(app: &TestApp, path: &str, content_type: &str) -> String {
    let fetched = fetch(app, path, &[]).await;
    assert_eq!(fetched.status, 200, "GET {path}: {}", fetched.body);
    assert!(
        fetched.content_type.starts_with(content_type),
        "GET {path}: {}",
        fetched.content_type
    );
    if let Err(error) = roxmltree::Document::parse(&fetched.body) {
        panic!(
            "GET {path} is not well-formed XML ({error}):\n{}",
            fetched.body
        );
    }
    fetched.body
}

/// The body of a sitemap at `path`, checked against its XML schema (`siteindex.xsd` for
/// the index, `urlset.xsd` for a page).
async fn sitemap(app: &TestApp, path: &str, schema: &str) -> String {
    let document = xml(app, path, XML).await;
    xml_schema::validate(&document, &xml_schema::schema(schema));
    document
}

/// `document` read by feed-rs, the feed parser of Rust's feed readers, which must
/// understand it without error.
fn parsed_feed(document: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(document.as_bytes())
        .unwrap_or_else(|error| panic!("feed-rs cannot read the feed ({error}):\n{document}"))
}

/// The texts of every element named `name` (with its namespace URI) in document order.
fn texts(document: &str, namespace: &str, name: &str) -> Vec<String> {
    let parsed = roxmltree::Document::parse(document).unwrap_or_else(|error| panic!("{error}"));
    parsed
        .descendants()
        .filter(|node| {
            node.tag_name().name() == name && node.tag_name().namespace().unwrap_or("") == namespace
        })
        .map(|node| node.text().unwrap_or_default().to_owned())
        .collect()
}

/// The value of `attribute` on every element named `name` (without namespace test).
fn attributes(document: &str, name: &str, attribute: &str) -> Vec<String> {
    let parsed = roxmltree::Document::parse(document).unwrap_or_else(|error| panic!("{error}"));
    parsed
        .descendants()
        .filter(|node| node.tag_name().name() == name)
        .filter_map(|node| node.attribute(attribute).map(ToOwned::to_owned))
        .collect()
}

const RSS: &str = "application/rss+xml";
const ATOM: &str = "application/atom+xml";
const XML: &str = "application/xml";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const IMAGE_NS: &str = "http://www.google.com/schemas/sitemap-image/1.1";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// Two sections, a tag, published articles an hour apart, a draft and a scheduled one;
/// returns the id of the section "Aktualności" for `createArticle`.
async fn some_articles(app: &TestApp) -> String {
    let author = app.editor("Anna Nowak").await;
    let news = app.section("Aktualności").await;
    let events = app.section("Wydarzenia").await;
    let labour = app.tag("rynek pracy").await;
    app.article("Nabór na stanowisko urzędnicze", &news, &author)
        .published_hours_after_base(2)
        .tags(&[&labour])
        .body("<p>Wójt ogłasza <strong>nabór</strong> na stanowisko.</p>")
        .create()
        .await;
    app.article("Dożynki gminne", &events, &author)
        .published_hours_after_base(1)
        .create()
        .await;
    app.article("Szkic ogłoszenia", &news, &author)
        .status(ArticleStatus::Draft)
        .create()
        .await;
    app.article("Zapowiedź na przyszły rok", &news, &author)
        .status(ArticleStatus::Scheduled)
        .create()
        .await;
    news.id.to_string()
}

async fn feeds_carry_the_newest_published_articles_with_links_to_the_public_site(app: TestApp) {
    let section = some_articles(&app).await;
    // The newest, with a real photo in its gallery: the feeds' enclosure.
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let photo = app
        .upload_fixture(
            &editor,
            "real/node-exif--iphone4s-gps.jpg",
            json!({"caption": "Sala obrad", "alt": "Radni przy stole"}),
        )
        .await;
    let gallery = app
        .data_as(&editor, CREATE_GALLERY, json!({"photos": [photo["id"]]}))
        .await["createGallery"]["gallery"]["id"]
        .clone();
    let slug = publish_article(
        &app,
        &editor,
        json!({"sectionId": section, "title": "Sesja Rady Gminy", "lead": "Radni przyjęli budżet.",
               "body": "<p>Budżet na 2027 rok przyjęto jednogłośnie.</p>", "byline": "oprac. WKZ",
               "galleryId": gallery}),
    )
    .await;

    let rss = xml(&app, "/feeds/rss", RSS).await;
    assert_eq!(
        texts(&rss, "", "title")[1..],
        [
            "Sesja Rady Gminy",
            "Nabór na stanowisko urzędnicze",
            "Dożynki gminne"
        ],
        "the channel's title, then the published articles newest first:\n{rss}"
    );
    assert_eq!(texts(&rss, "", "title")[0], "Urząd Gminy Przykładowo");
    assert_eq!(
        texts(&rss, "", "link"),
        [
            "https://urzad.example.gov.pl/".to_owned(),
            public_url(&slug),
            public_url("nabor-na-stanowisko-urzednicze"),
            public_url("dozynki-gminne"),
        ]
    );
    let bodies = texts(&rss, CONTENT_NS, "encoded");
    assert!(bodies[0].contains("Budżet na 2027 rok"), "{bodies:?}");
    assert!(bodies[1].contains("<strong>nabór</strong>"), "{bodies:?}");
    assert_eq!(texts(&rss, "", "description")[1], "Radni przyjęli budżet.");
    assert_eq!(texts(&rss, DC_NS, "creator")[0], "oprac. WKZ");
    let categories = texts(&rss, "", "category");
    assert!(
        categories.contains(&"Aktualności".to_owned())
            && categories.contains(&"rynek pracy".to_owned()),
        "{categories:?}"
    );
    let guids = texts(&rss, "", "guid");
    assert!(
        guids
            .iter()
            .all(|guid| guid.starts_with("tag:urzad.example.gov.pl,")),
        "{guids:?}"
    );
    assert_eq!(texts(&rss, "", "language"), ["pl"]);
    assert_eq!(attributes(&rss, "link", "href"), [app.url("/feeds/rss")]);

    // The cover photo: an absolute address of this server that serves the JPEG.
    let enclosures = attributes(&rss, "enclosure", "url");
    assert_eq!(enclosures.len(), 1, "{rss}");
    assert!(
        enclosures[0].starts_with(&app.url("/media/")),
        "{enclosures:?}"
    );
    let cover = app.get(&enclosures[0]).await;
    assert_eq!(cover.status(), 200);
    assert_eq!(
        cover
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/jpeg")
    );

    let atom = xml(&app, "/feeds/atom", ATOM).await;
    assert_eq!(
        texts(&atom, ATOM_NS, "title"),
        [
            "Urząd Gminy Przykładowo",
            "Sesja Rady Gminy",
            "Nabór na stanowisko urzędnicze",
            "Dożynki gminne"
        ]
    );
    let atom_links = attributes(&atom, "link", "href");
    assert!(atom_links.contains(&public_url(&slug)), "{atom_links:?}");
    assert!(
        atom_links.contains(&app.url("/feeds/atom")),
        "{atom_links:?}"
    );
    assert!(atom_links.contains(&enclosures[0]), "{atom_links:?}");
    let ids = texts(&atom, ATOM_NS, "id");
    assert_eq!(ids.len(), 4, "the feed's id and one per entry: {ids:?}");
    // The same article has the same id in both formats.
    assert_eq!(ids[1..], guids[..]);
    assert!(texts(&atom, ATOM_NS, "content")[0].contains("Budżet na 2027 rok"));
    assert_eq!(texts(&atom, ATOM_NS, "name")[1], "oprac. WKZ");
    for hidden in ["Szkic ogłoszenia", "Zapowiedź na przyszły rok"] {
        assert!(
            !rss.contains(hidden) && !atom.contains(hidden),
            "{hidden} leaked"
        );
    }

    // What a feed reader makes of them: the same entries, links, people, bodies and
    // cover photo from either format.
    for (format, document) in [("RSS", &rss), ("Atom", &atom)] {
        let feed = parsed_feed(document);
        assert_eq!(
            feed.title.map(|title| title.content).as_deref(),
            Some("Urząd Gminy Przykładowo"),
            "{format}"
        );
        assert_eq!(feed.language.as_deref(), Some("pl"), "{format}");
        let titles: Vec<String> = feed
            .entries
            .iter()
            .filter_map(|entry| entry.title.as_ref().map(|title| title.content.clone()))
            .collect();
        assert_eq!(
            titles,
            [
                "Sesja Rady Gminy",
                "Nabór na stanowisko urzędnicze",
                "Dożynki gminne"
            ],
            "{format}"
        );
        let newest = &feed.entries[0];
        assert_eq!(newest.id, guids[0], "{format}");
        assert!(
            newest
                .links
                .iter()
                .any(|link| link.href == public_url(&slug)),
            "{format}: {:?}",
            newest.links
        );
        assert_eq!(
            newest
                .authors
                .iter()
                .map(|person| person.name.as_str())
                .collect::<Vec<_>>(),
            ["oprac. WKZ"],
            "{format}"
        );
        let body = newest
            .content
            .as_ref()
            .and_then(|content| content.body.clone())
            .unwrap_or_default();
        assert!(body.contains("Budżet na 2027 rok"), "{format}: {body}");
        assert!(newest.published.is_some(), "{format}");
        // RSS names the category; Atom gives its slug as the term and the name as label.
        assert!(
            newest.categories.iter().any(|category| {
                category.term == "Aktualności" || category.label.as_deref() == Some("Aktualności")
            }),
            "{format}: {:?}",
            newest.categories
        );
        let cover: Vec<String> = newest
            .media
            .iter()
            .flat_map(|media| &media.content)
            .filter_map(|content| content.url.as_ref().map(ToString::to_string))
            .chain(
                newest
                    .links
                    .iter()
                    .filter(|link| link.rel.as_deref() == Some("enclosure"))
                    .map(|link| link.href.clone()),
            )
            .collect();
        assert!(cover.contains(&enclosures[0]), "{format}: {cover:?}");
    }
}

async fn a_feed_follows_one_section_or_one_tag(app: TestApp) {
    some_articles(&app).await;
    let section = xml(&app, "/feeds/rss?section=wydarzenia", RSS).await;
    assert_eq!(
        texts(&section, "", "title"),
        ["Urząd Gminy Przykładowo – Wydarzenia", "Dożynki gminne"]
    );
    assert_eq!(
        attributes(&section, "link", "href"),
        [app.url("/feeds/rss?section=wydarzenia")]
    );
    let tag = xml(&app, "/feeds/atom?tag=rynek-pracy", ATOM).await;
    assert_eq!(
        texts(&tag, ATOM_NS, "title"),
        [
            "Urząd Gminy Przykładowo – rynek pracy",
            "Nabór na stanowisko urzędnicze"
        ]
    );
    for (path, status) in [
        ("/feeds/rss?section=nie-ma-takiego", 404),
        ("/feeds/atom?tag=nie-ma-takiego", 404),
        ("/feeds/rss?section=wydarzenia&tag=rynek-pracy", 400),
        ("/feeds/atom?section=wydarzenia&section=aktualnosci", 400),
    ] {
        let fetched = fetch(&app, path, &[]).await;
        assert_eq!(fetched.status, status, "{path}: {}", fetched.body);
        assert!(fetched.content_type.starts_with("text/plain"), "{path}");
        assert!(
            !fetched.body.contains("duplicate field"),
            "{path}: {}",
            fetched.body
        );
    }
}

async fn a_publication_reaches_the_feeds_at_once_and_an_unchanged_feed_is_not_sent_again(
    app: TestApp,
) {
    let section = some_articles(&app).await;
    let first = fetch(&app, "/feeds/atom", &[]).await;
    assert_eq!(first.status, 200);
    assert!(!first.etag.is_empty());
    let again = fetch(&app, "/feeds/atom", &[("if-none-match", &first.etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // The response cache holds the feed for seconds; a publication must not wait for it.
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    publish_article(
        &app,
        &editor,
        json!({"sectionId": section, "title": "Komunikat o przerwie w dostawie wody",
               "body": "<p>Przerwa potrwa do 14:00.</p>"}),
    )
    .await;
    let after = fetch(&app, "/feeds/atom", &[("if-none-match", &first.etag)]).await;
    assert_eq!(after.status, 200, "a stale feed was confirmed as current");
    assert_ne!(after.etag, first.etag);
    assert_eq!(
        texts(&after.body, ATOM_NS, "title")[1],
        "Komunikat o przerwie w dostawie wody"
    );
    let rss = xml(&app, "/feeds/rss", RSS).await;
    assert_eq!(
        texts(&rss, "", "title")[1],
        "Komunikat o przerwie w dostawie wody"
    );
}

async fn the_sitemap_lists_every_published_article_with_its_photos(app: TestApp) {
    let section = some_articles(&app).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let photo = app
        .upload_fixture(
            &editor,
            "real/goexif--nikon-d2h-gps.jpg",
            json!({"caption": "Festyn", "alt": "Scena festynu"}),
        )
        .await;
    let gallery = app
        .data_as(&editor, CREATE_GALLERY, json!({"photos": [photo["id"]]}))
        .await["createGallery"]["gallery"]["id"]
        .clone();
    let with_gallery = publish_article(
        &app,
        &editor,
        json!({"sectionId": section, "title": "Festyn rodzinny", "body": "<p>Zapraszamy.</p>",
               "galleryId": gallery}),
    )
    .await;

    let index = sitemap(&app, "/sitemap.xml", "siteindex.xsd").await;
    assert_eq!(
        texts(&index, SITEMAP_NS, "loc"),
        [app.url("/sitemap.xml?page=1")]
    );
    assert_eq!(texts(&index, SITEMAP_NS, "lastmod").len(), 1);

    let page = sitemap(&app, "/sitemap.xml?page=1", "urlset.xsd").await;
    let mut addresses = texts(&page, SITEMAP_NS, "loc");
    addresses.sort();
    let mut expected = vec![
        public_url("dozynki-gminne"),
        public_url(&with_gallery),
        public_url("nabor-na-stanowisko-urzednicze"),
    ];
    expected.sort();
    assert_eq!(addresses, expected, "published articles only:\n{page}");
    let modified = texts(&page, SITEMAP_NS, "lastmod");
    assert_eq!(modified.len(), 3);
    assert!(
        modified.iter().any(|time| time.starts_with("2024-01-01T")),
        "the fixtures' dates, in the site's zone: {modified:?}"
    );
    let images = texts(&page, IMAGE_NS, "loc");
    assert_eq!(images.len(), 1, "{page}");
    assert!(images[0].starts_with(&app.url("/media/")));
    assert_eq!(app.get(&images[0]).await.status(), 200);

    for (path, status) in [
        ("/sitemap.xml?page=2", 404),
        ("/sitemap.xml?page=0", 404),
        ("/sitemap.xml?page=pierwsza", 400),
        ("/sitemap.xml?page=99999999999999999999999", 400),
        ("/sitemap.xml?page=1&page=2", 400),
    ] {
        let fetched = fetch(&app, path, &[]).await;
        assert_eq!(fetched.status, status, "{path}");
        // Our words, never the query parser's.
        for parser_words in ["invalid digit", "too large", "duplicate field"] {
            assert!(
                !fetched.body.contains(parser_words),
                "{path}: {}",
                fetched.body
            );
        }
    }
}

async fn the_news_sitemap_lists_the_last_two_days(app: TestApp) {
    // The fixtures' articles were published in 2024: too old for news.
    let section = some_articles(&app).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let fresh = publish_article(
        &app,
        &editor,
        json!({"sectionId": section, "title": "Wyniki konsultacji społecznych & wnioski",
               "body": "<p>Raport.</p>"}),
    )
    .await;
    let news = sitemap(&app, "/sitemap-news.xml", "urlset.xsd").await;
    assert_eq!(texts(&news, SITEMAP_NS, "loc"), [public_url(&fresh)]);
    assert_eq!(texts(&news, NEWS_NS, "name"), ["Urząd Gminy Przykładowo"]);
    assert_eq!(texts(&news, NEWS_NS, "language"), ["pl"]);
    assert_eq!(
        texts(&news, NEWS_NS, "title"),
        ["Wyniki konsultacji społecznych & wnioski"]
    );
    let published = texts(&news, NEWS_NS, "publication_date");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&published[0]).is_ok(),
        "{published:?}"
    );
}

/// 50,001 published articles: the index names two pages, the first holds 50,000
/// addresses, the second the one left.
async fn a_sitemap_of_more_than_fifty_thousand_articles_is_split_into_pages(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let news = app.section("Aktualności").await;
    let original = app
        .article("Artykuł wzorcowy", &news, &author)
        .create()
        .await;
    // Copies of one row, in one statement: what the sitemap reads is the same for each.
    let copy = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) \
         INSERT INTO articles (slug, section_id, title, lead, body_html, body_text, headings_json, \
         byline, created_by, status, published_at, created_at, updated_at, view_count, version) \
         SELECT slug || '-' || n.i, section_id, title, lead, body_html, body_text, headings_json, \
         byline, created_by, status, published_at, created_at, updated_at, view_count, version \
         FROM articles, n WHERE articles.id = {}",
        original.id
    );
    app.db()
        .execute_unprepared(&copy)
        .await
        .unwrap_or_else(|error| panic!("copy articles: {error}"));

    let index = sitemap(&app, "/sitemap.xml", "siteindex.xsd").await;
    assert_eq!(
        texts(&index, SITEMAP_NS, "loc"),
        [
            app.url("/sitemap.xml?page=1"),
            app.url("/sitemap.xml?page=2")
        ]
    );
    let first = sitemap(&app, "/sitemap.xml?page=1", "urlset.xsd").await;
    let first_addresses = texts(&first, SITEMAP_NS, "loc");
    assert_eq!(first_addresses.len(), 50_000);
    assert_eq!(first_addresses[0], public_url("artykul-wzorcowy"));
    let second = sitemap(&app, "/sitemap.xml?page=2", "urlset.xsd").await;
    assert_eq!(
        texts(&second, SITEMAP_NS, "loc"),
        [public_url("artykul-wzorcowy-50000")]
    );
    assert_eq!(fetch(&app, "/sitemap.xml?page=3", &[]).await.status, 404);
}

/// Crawlers arrive together after a publication: a sitemap page costs a render (about
/// 0.6 s and 28 MiB at 50,000 articles), and each of them rendering its own copy at once
/// multiplied both. One renders; the others wait and get its answer.
async fn concurrent_requests_for_an_uncached_sitemap_render_it_once(app: TestApp) {
    some_articles(&app).await;
    app.settle_search_indexer().await;
    let before = app.statement_count();
    sitemap(&app, "/sitemap.xml?page=1", "urlset.xsd").await;
    let one_render = app.statement_count() - before;
    assert!(one_render > 0);

    // Empties the cache; the indexer it wakes must fall silent before counting.
    app.app.content_changed();
    app.settle_search_indexer().await;
    let before = app.statement_count();
    let pages =
        futures::future::join_all((0..8).map(|_| fetch(&app, "/sitemap.xml?page=1", &[]))).await;
    assert!(pages.iter().all(|page| page.status == 200));
    assert!(pages.iter().all(|page| page.body == pages[0].body));
    assert_eq!(
        app.statement_count() - before,
        one_render,
        "eight concurrent misses of one page rendered it more than once"
    );
}

async fn without_a_site_address_feeds_say_what_to_configure(app: TestApp) {
    for path in [
        "/feeds/rss",
        "/feeds/atom?section=aktualnosci",
        "/sitemap.xml",
        "/sitemap-news.xml",
    ] {
        let fetched = fetch(&app, path, &[]).await;
        assert_eq!(fetched.status, 404, "{path}");
        assert!(
            fetched.body.contains("KRONIKA_SITE_URL"),
            "{path}: {}",
            fetched.body
        );
    }
}
