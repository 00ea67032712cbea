//! The query budget, tried as an attacker would: generated hostile documents (fragment
//! doubling, deep nesting, wide aliases, long argument lists, nested pages of 100, and
//! batches of them) are each refused with a code, quickly, before any other work, while
//! the queries of a real front page still run.
//!
//! Each refusal is timed. The assertion allows a generous 1 s per request, since timed
//! assertions on a shared machine are flaky; the budget itself answers in well under
//! 100 ms, and the test prints the slowest refusal it saw (`--nocapture`).

use std::time::{Duration, Instant};

use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

on_both_databases!(
    hostile_documents_are_refused_with_a_code_in_well_under_a_second,
    a_front_page_and_a_search_still_run_within_the_budget,
);

/// The most a refusal may take here; see the module comment.
const GENEROUS_BOUND: Duration = Duration::from_secs(1);

/// `{ ...Fk }` where each fragment spreads the one before twice: 2^k selections.
fn fragment_doubling(k: usize) -> String {
    let mut query = format!("{{ ...F{k} }} fragment F0 on QueryRoot {{ __typename }}");
    for level in 1..=k {
        let previous = level - 1;
        query.push_str(&format!(
            " fragment F{level} on QueryRoot {{ ...F{previous} ...F{previous} }}"
        ));
    }
    query
}

/// `levels` sections each listing 100 articles, each naming its section again.
fn nested_pages(levels: usize) -> String {
    let mut inner = String::from("id");
    for _ in 0..levels {
        inner = format!("section {{ articles(first: 100) {{ nodes {{ {inner} }} }} }}");
    }
    format!(
        "{{ section(slug: \"aktualnosci\") {{ articles(first: 100) {{ nodes {{ {inner} }} }} }} }}"
    )
}

/// Every hostile document with the code it must be refused with.
fn hostile_documents() -> Vec<(String, String, &'static str)> {
    let mut documents = Vec::new();
    for k in 12..=30 {
        documents.push((
            format!("fragment doubling k={k}"),
            fragment_doubling(k),
            "QUERY_TOO_COMPLEX",
        ));
    }
    for depth in [100, 10_000, 100_000] {
        documents.push((
            format!("{{a{{a… nested {depth} deep"),
            format!("{}{}", "{a".repeat(depth), "}".repeat(depth)),
            "QUERY_TOO_DEEP",
        ));
        documents.push((
            format!("list value nested {depth} deep"),
            format!(
                "{{ articles(first: {}1{}) {{ totalCount }} }}",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
            "QUERY_TOO_DEEP",
        ));
    }
    // Depth 20 with real fields: sections → (articles → nodes → section) × 6 → slug.
    let mut real_fields = String::from("slug");
    for _ in 0..6 {
        real_fields = format!("articles(first: 1) {{ nodes {{ section {{ {real_fields} }} }} }}");
    }
    documents.push((
        "real fields nested 20 deep".to_owned(),
        format!("{{ sections {{ {real_fields} }} }}"),
        "QUERY_TOO_DEEP",
    ));
    for aliases in [31, 1_000, 20_000] {
        let fields: String = (0..aliases).map(|n| format!("a{n}: __typename ")).collect();
        documents.push((
            format!("{aliases} aliases"),
            format!("{{ {fields} }}"),
            "QUERY_TOO_COMPLEX",
        ));
    }
    for arguments in [40, 5_000, 50_000] {
        let list: String = (0..arguments).map(|n| format!("a{n}: {n} ")).collect();
        documents.push((
            format!("{arguments} arguments on one field"),
            format!("{{ articles({list}) {{ totalCount }} }}"),
            "QUERY_TOO_COMPLEX",
        ));
    }
    let many_fields: String = (0..10_000).map(|_| "__typename ").collect();
    documents.push((
        "10000 fields".to_owned(),
        format!("{{ {many_fields} }}"),
        "QUERY_TOO_COMPLEX",
    ));
    for levels in [2, 3] {
        documents.push((
            format!("pages of 100 nested {} levels", levels + 1),
            nested_pages(levels),
            "QUERY_TOO_COMPLEX",
        ));
    }
    documents.push((
        "a fragment cycle".to_owned(),
        "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }".to_owned(),
        "GRAPHQL_VALIDATION_FAILED",
    ));
    documents
}

/// POSTs `body`, returning the answer and how long it took.
async fn timed_post(app: &TestApp, body: &Value) -> (Value, Duration) {
    let started = Instant::now();
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|error| panic!("POST /graphql failed: {error}"));
    let answer: Value = response
        .json()
        .await
        .unwrap_or_else(|error| panic!("not JSON: {error}"));
    (answer, started.elapsed())
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

async fn hostile_documents_are_refused_with_a_code_in_well_under_a_second(app: TestApp) {
    let mut slowest = (Duration::ZERO, String::new());
    let mut note = |elapsed: Duration, name: &str| {
        assert!(elapsed < GENEROUS_BOUND, "{name} took {elapsed:?}");
        eprintln!("query budget: {name}: answered in {elapsed:?}");
        if elapsed > slowest.0 {
            slowest = (elapsed, name.to_owned());
        }
    };
    let documents = hostile_documents();
    for (name, query, code) in &documents {
        let (answer, elapsed) = timed_post(&app, &json!({"query": query})).await;
        assert_eq!(first_error_code(&answer), *code, "{name}: {answer:#}");
        assert!(answer.get("data").is_none(), "{name}: {answer:#}");
        note(elapsed, name);
    }

    // GET goes through the same budget.
    let started = Instant::now();
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", fragment_doubling(24))])
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let answer: Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&answer), "QUERY_TOO_COMPLEX", "{answer:#}");
    note(started.elapsed(), "GET fragment doubling k=24");

    // So do automatic persisted queries: sent with their hash, then by the hash alone.
    let query = fragment_doubling(29);
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(&query)}});
    let (answer, elapsed) =
        timed_post(&app, &json!({"query": query, "extensions": extensions})).await;
    assert_eq!(first_error_code(&answer), "QUERY_TOO_COMPLEX", "{answer:#}");
    note(elapsed, "persisted fragment doubling k=29, with its text");
    let (answer, elapsed) = timed_post(&app, &json!({"extensions": extensions})).await;
    assert_eq!(first_error_code(&answer), "QUERY_TOO_COMPLEX", "{answer:#}");
    note(elapsed, "persisted fragment doubling k=29, by hash");

    // And every operation of a batch: ten hostile documents, each refused in its place.
    let batch: Vec<Value> = documents
        .iter()
        .filter(|(name, _, _)| name.starts_with("fragment doubling"))
        .rev()
        .take(5)
        .chain(
            documents
                .iter()
                .filter(|(name, _, _)| name.starts_with("pages of 100")),
        )
        .chain(
            documents
                .iter()
                .filter(|(name, _, _)| name.contains("aliases")),
        )
        .take(10)
        .map(|(_, query, _)| json!({"query": query}))
        .collect();
    assert_eq!(batch.len(), 10);
    let (answer, elapsed) = timed_post(&app, &json!(batch)).await;
    let answers = answer
        .as_array()
        .unwrap_or_else(|| panic!("not a batch answer: {answer:#}"));
    assert_eq!(answers.len(), 10);
    for single in answers {
        assert_eq!(first_error_code(single), "QUERY_TOO_COMPLEX", "{single:#}");
    }
    note(elapsed, "a batch of ten hostile documents");

    // The server is still answering at once.
    let (answer, elapsed) = timed_post(&app, &json!({"query": "{ sections { slug } }"})).await;
    assert_eq!(answer, json!({"data": {"sections": []}}));
    note(elapsed, "a plain query afterwards");
    eprintln!(
        "query budget: {} hostile requests, slowest {:?} ({})",
        documents.len() + 5,
        slowest.0,
        slowest.1
    );
}

async fn a_front_page_and_a_search_still_run_within_the_budget(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let tag = app.tag("Powiat").await;
    let gallery = app.gallery("Dożynki", 12).await;
    for number in 0..25 {
        app.article(&format!("Artykuł {number}"), &section, &author)
            .published_hours_after_base(number)
            .tags(&[&tag])
            .gallery(&gallery)
            .create()
            .await;
    }
    let front_page = "query FrontPage { \
        articles(first: 20) { \
          nodes { id slug title lead publishedAt viewCount \
            section { name slug } tags { name slug } \
            gallery { title photos { id alt caption width height url srcset } } } \
          pageInfo { hasNextPage endCursor } } \
        sections { name slug articles(first: 5) { nodes { title slug } } } \
        tags { name slug } \
        mostRead(days: 7, first: 10) { views article { title slug } } }";
    let started = Instant::now();
    let data = app.data(front_page, json!({})).await;
    let front_page_took = started.elapsed();
    let nodes = data["articles"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{data:#}"));
    assert_eq!(nodes.len(), 20);
    assert_eq!(
        nodes[0]["gallery"]["photos"].as_array().map(Vec::len),
        Some(12)
    );
    assert_eq!(nodes[0]["tags"][0]["slug"], "powiat");

    let search = "query Search($q: String) { search(query: $q, first: 10) { totalHits hasNextPage \
        hits { titleHighlighted snippet article { title slug section { name } } } \
        facets { sections { slug name count } tags { slug name count } } } }";
    let data = app.data(search, json!({"q": "artykuł"})).await;
    assert!(data["search"]["hits"].is_array(), "{data:#}");
    eprintln!("query budget: the front page query took {front_page_took:?}");
}
