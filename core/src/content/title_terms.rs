//! The words of article titles, for the editors' finder (`ArticleFilter::title_words`).
//!
//! The search engine holds published articles only, and editors must find drafts too, so
//! every article keeps its title's terms in `article_title_terms`: each word folded to
//! ASCII (ł→l, ą→a…) and each of its lemmas, folded the same way, from the Polish analyser
//! both engines index with. A query word matches a title when its folded form or one of
//! its folded lemmas is a term, so "partnerstwo lokalne" finds "Partnerstwa lokalnego"
//! and "lodz" finds "Łódź"; the last word of a query also matches as a prefix, because the
//! editor may still be typing it. Every lookup is a range of the `(term, article_id)`
//! index.
//!
//! The terms are written in the transaction that writes the title ([`replace`]), and
//! articles older than the table get theirs at start ([`backfill`]).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use entities::{article, article_title_term};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search_index::Analyzer;
use search_index::analysis::fold_polish;

/// One analyser for every title and query: the dictionary behind it is loaded once for
/// the process anyway, and the stemmer is cheap, but there is no reason to build either
/// per call.
static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::polish);

/// Terms are cut to this many characters, titles and queries alike, so that a freak word
/// cannot outgrow an index entry; words this long are compared by their beginning.
const MAX_TERM_CHARS: usize = 64;

/// The most words a query may have: each one is a lookup of its own.
pub const MAX_QUERY_WORDS: usize = 12;

/// The last word of a query is matched as a prefix from this many letters on, as the
/// search engine does: a one- or two-letter prefix matches a large share of all terms,
/// costs a long range of the index, and narrows nothing an editor would want.
const MIN_PREFIX_CHARS: usize = 3;

/// Articles per transaction when terms are filled in at start.
const BACKFILL_BATCH: u64 = 500;

/// Rows per insert statement, well under both databases' limits on bound values.
const ROWS_PER_INSERT: usize = 1_000;

/// A title's terms: each word folded, and each of its lemmas folded. Stop words keep their
/// folded form, so that a query of stop words only can still find a title.
pub fn terms_of_title(title: &str) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for token in ANALYZER.analyze(title) {
        terms.insert(term_key(&token.folded));
        for lemma in &token.lemmas {
            terms.insert(lemma_key(lemma));
        }
    }
    terms
}

/// What one word of a query may match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    /// Terms that match exactly: the folded word and its folded lemmas.
    pub terms: BTreeSet<String>,
    /// For the last word, still being typed: terms starting with this match too.
    pub prefix: Option<String>,
}

/// The words a title must all have for `text` to find it. The last word is also a
/// prefix when the text ends right after it (the editor is still typing it), as in the
/// search engine; a trailing space says the word is complete. Stop words are left out
/// ("w", "i", "na" need not be in a title for it to be the one meant), unless the query
/// has nothing else. A query with more than [`MAX_QUERY_WORDS`] words keeps its first ones;
/// [`check_query`] refuses such a query where it is first received.
pub fn query_words(text: &str) -> Vec<QueryWord> {
    let tokens = ANALYZER.analyze(text);
    let last = tokens.len().saturating_sub(1);
    let only_stop_words = tokens.iter().all(|token| token.is_stop_word);
    tokens
        .into_iter()
        .enumerate()
        .filter(|(_, token)| only_stop_words || !token.is_stop_word)
        .take(MAX_QUERY_WORDS)
        .map(|(index, token)| {
            let folded = term_key(&token.folded);
            let still_typed = index == last && token.end == text.len();
            let prefix =
                (still_typed && folded.chars().count() >= MIN_PREFIX_CHARS).then(|| folded.clone());
            let mut terms: BTreeSet<String> =
                token.lemmas.iter().map(|lemma| lemma_key(lemma)).collect();
            terms.insert(folded);
            QueryWord { terms, prefix }
        })
        .collect()
}

/// Why a query cannot be looked up.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TitleQueryError {
    #[error("find by at most {MAX_QUERY_WORDS} title words at once")]
    TooManyWords,
}

/// Refuses a query with more words than a lookup takes.
pub fn check_query(text: &str) -> Result<(), TitleQueryError> {
    let words = ANALYZER
        .analyze(text)
        .into_iter()
        .filter(|token| !token.is_stop_word)
        .count();
    if words > MAX_QUERY_WORDS {
        return Err(TitleQueryError::TooManyWords);
    }
    Ok(())
}

/// The condition "the title has every word of `text`": per word, the article's id is
/// among those of the word's terms (and, for the last word, of a range of terms).
pub(crate) fn title_has_words(text: &str) -> Condition {
    let mut condition = Condition::all();
    for word in query_words(text) {
        let mut matching_term = Condition::any()
            .add(article_title_term::Column::Term.is_in(word.terms.iter().map(String::as_str)));
        if let Some(prefix) = &word.prefix {
            matching_term = matching_term.add(
                Condition::all()
                    .add(article_title_term::Column::Term.gte(prefix.as_str()))
                    .add(article_title_term::Column::Term.lt(prefix_end(prefix))),
            );
        }
        condition = condition.add(
            article::Column::Id.in_subquery(
                Query::select()
                    .column(article_title_term::Column::ArticleId)
                    .from(article_title_term::Entity)
                    .cond_where(matching_term)
                    .to_owned(),
            ),
        );
    }
    condition
}

/// The first string after every string that starts with `prefix`, in byte order: the
/// prefix followed by the last code point. (Terms never contain U+10FFFF.)
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// Replaces an article's terms with those of `title`. Call it in the transaction that
/// writes the title.
pub async fn replace(db: &impl ConnectionTrait, article_id: i64, title: &str) -> Result<(), DbErr> {
    article_title_term::Entity::delete_many()
        .filter(article_title_term::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    let rows: Vec<(i64, String)> = terms_of_title(title)
        .into_iter()
        .map(|term| (article_id, term))
        .collect();
    insert_terms(db, &rows).await
}

/// Inserts `(article_id, term)` rows; a row that exists already is left as it is.
async fn insert_terms(db: &impl ConnectionTrait, rows: &[(i64, String)]) -> Result<(), DbErr> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert();
        insert
            .into_table(article_title_term::Entity)
            .columns([
                article_title_term::Column::ArticleId,
                article_title_term::Column::Term,
            ])
            .on_conflict(
                OnConflict::columns([
                    article_title_term::Column::ArticleId,
                    article_title_term::Column::Term,
                ])
                .do_nothing()
                .to_owned(),
            );
        for (article_id, term) in chunk {
            insert
                .values([(*article_id).into(), term.as_str().into()])
                .map_err(|error| DbErr::Custom(error.to_string()))?;
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Gives every article that has no terms yet (written before the table existed) its
/// title's terms, a batch per transaction, and returns how many it filled in. Running it
/// again finds nothing to do: when nothing is missing it costs one statement.
///
/// Each batch is read inside its write transaction, locked on PostgreSQL, so that a
/// title changed meanwhile by another server cannot be overwritten by an older one's
/// terms. An article whose title has no words has no terms and is passed over by id.
pub async fn backfill(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let mut filled = 0;
    let mut after_id = 0;
    loop {
        let transaction = crate::db::begin_write(db).await?;
        let mut missing = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::Title)
            .filter(article::Column::Id.gt(after_id))
            .filter(
                Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(article_title_term::Entity)
                        .and_where(
                            Expr::col((
                                article_title_term::Entity,
                                article_title_term::Column::ArticleId,
                            ))
                            .equals((article::Entity, article::Column::Id)),
                        )
                        .to_owned(),
                )
                .not(),
            )
            .order_by_asc(article::Column::Id)
            .limit(BACKFILL_BATCH);
        if db.get_database_backend() == DatabaseBackend::Postgres {
            missing = missing.lock_exclusive();
        }
        let batch: Vec<(i64, String)> = missing.into_tuple().all(&transaction).await?;
        let Some((last_id, _)) = batch.last() else {
            break;
        };
        after_id = *last_id;
        let rows: Vec<(i64, String)> = batch
            .iter()
            .flat_map(|(article_id, title)| {
                terms_of_title(title)
                    .into_iter()
                    .map(move |term| (*article_id, term))
            })
            .collect();
        insert_terms(&transaction, &rows).await?;
        transaction.commit().await?;
        filled += batch.len() as u64;
    }
    Ok(filled)
}

/// A lemma as a term: lowercased (the dictionary capitalises names: "Łódź") and folded.
fn lemma_key(lemma: &str) -> String {
    term_key(&fold_polish(&lemma.to_lowercase()))
}

/// A folded word cut to [`MAX_TERM_CHARS`].
fn term_key(folded: &str) -> String {
    match folded.char_indices().nth(MAX_TERM_CHARS) {
        Some((end, _)) => folded[..end].to_owned(),
        None => folded.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(title: &str) -> Vec<String> {
        terms_of_title(title).into_iter().collect()
    }

    #[test]
    fn a_title_has_its_words_folded_and_their_lemmas_folded() {
        let terms = terms("Partnerstwa lokalnego w Łodzi");
        for expected in [
            "partnerstwa",
            "partnerstwo",
            "lokalnego",
            "lokalny",
            "lodzi",
            "lodz",
            "w",
        ] {
            assert!(
                terms.contains(&expected.to_owned()),
                "{expected} in {terms:?}"
            );
        }
        assert!(
            terms.iter().all(|term| term.is_ascii()),
            "no Polish letters: {terms:?}"
        );
    }

    #[test]
    fn a_word_the_dictionary_does_not_know_gets_its_stem() {
        let terms = terms("Kronikaxyz");
        assert!(terms.contains(&"kronikaxyz".to_owned()), "{terms:?}");
    }

    #[test]
    fn an_inflected_query_word_shares_a_term_with_the_title() {
        let title = terms_of_title("Partnerstwa lokalnego w Łodzi");
        for query in ["partnerstwo", "lokalne", "łódź", "lodz", "LOKALNYCH"] {
            let words = query_words(&format!("{query} "));
            assert_eq!(words.len(), 1, "{query}");
            assert!(
                words[0].terms.iter().any(|term| title.contains(term)),
                "{query}: {:?} shares nothing with {title:?}",
                words[0].terms
            );
        }
        let other = query_words("Kraków ");
        assert!(!other[0].terms.iter().any(|term| title.contains(term)));
    }

    #[test]
    fn only_the_last_word_still_being_typed_is_a_prefix_and_only_from_three_letters() {
        let words = query_words("partnerstwo lok");
        assert_eq!(words[0].prefix, None);
        assert_eq!(words[1].prefix.as_deref(), Some("lok"));
        let words = query_words("Łód");
        assert_eq!(words[0].prefix.as_deref(), Some("lod"));
        let words = query_words("partnerstwo lo");
        assert_eq!(words[1].prefix, None);
        let words = query_words("partnerstwo lok ");
        assert_eq!(words[1].prefix, None, "a trailing space ends the word");
    }

    #[test]
    fn stop_words_are_dropped_unless_the_query_has_nothing_else() {
        let words = query_words("warsztaty w Łodzi");
        assert_eq!(words.len(), 2, "{words:?}");
        assert!(words[0].terms.contains("warsztaty"));
        assert!(words[1].terms.contains("lodz"));
        let words = query_words("w");
        assert_eq!(words.len(), 1);
        assert!(words[0].terms.contains("w"));
    }

    #[test]
    fn a_query_with_too_many_words_is_refused_and_cut_when_used() {
        let long = "słowo ".repeat(MAX_QUERY_WORDS + 1);
        assert_eq!(check_query(&long), Err(TitleQueryError::TooManyWords));
        assert_eq!(query_words(&long).len(), MAX_QUERY_WORDS);
        assert_eq!(check_query("partnerstwo lokalne w Łodzi"), Ok(()));
    }

    #[test]
    fn a_freak_word_is_cut_to_the_same_term_in_title_and_query() {
        let word = "ą".repeat(MAX_TERM_CHARS * 3);
        let title = terms_of_title(&word);
        let query = query_words(&format!("{word} "));
        assert!(
            title
                .iter()
                .all(|term| term.chars().count() <= MAX_TERM_CHARS)
        );
        assert!(query[0].terms.iter().any(|term| title.contains(term)));
    }

    #[test]
    fn the_prefix_range_holds_exactly_the_terms_starting_with_the_prefix() {
        let end = prefix_end("lod");
        for inside in ["lod", "lodz", "lodzi", "lodzzzzzzz"] {
            assert!(inside >= "lod" && inside < end.as_str(), "{inside}");
        }
        for outside in ["loc", "loe", "lo", "lp"] {
            assert!(!(outside >= "lod" && outside < end.as_str()), "{outside}");
        }
    }
}
