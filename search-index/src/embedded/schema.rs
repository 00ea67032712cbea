//! The tantivy schema: every text of a document is indexed as written (lowercased) and as
//! lemmas in fields of its own, folded to ASCII in one field shared by all texts, and
//! stored once for highlighting.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::ranking::{LEAD_MATCH_BONUS, TITLE_MATCH_BONUS};

/// The analysed forms of one text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FormFields {
    /// Lowercased words as written, Polish letters kept: exact matches rank highest.
    pub original: Field,
    /// Lemmas (or stems) of the words: inflected forms meet.
    pub lemma: Field,
    /// Added to the score of an article in which a query word is found in this text: title
    /// above lead above body, whatever the texts' lengths.
    pub match_bonus: f32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    pub published_at: Field,
    pub section: Field,
    pub tags: Field,
    pub title: FormFields,
    pub lead: FormFields,
    /// The body and the photo captions: captions are searchable like the body.
    pub body: FormFields,
    /// The titles and texts of the attachments: in fields of their own, so that a long
    /// document neither dilutes the body's word frequencies nor outranks it.
    pub attachments: FormFields,
    /// The words of every text folded to ASCII ("łódź" → "lodz"): queries typed without
    /// Polish letters, and the field typo tolerance and prefixes work on, so neither
    /// depends on diacritics. One field for all texts, because matching a typo or a prefix
    /// walks the field's whole term dictionary: once per word rather than once per text.
    pub folded: Field,
    pub stored_title: Field,
    pub stored_lead: Field,
    pub stored_body: Field,
    pub stored_captions: Field,
    /// Each attachment's title and text, in the same order.
    pub stored_attachment_titles: Field,
    pub stored_attachment_texts: Field,
}

/// Names of the fast fields the searcher reads by name.
pub(crate) const PUBLISHED_AT: &str = "published_at";
pub(crate) const SECTION: &str = "section";
pub(crate) const TAGS: &str = "tags";

impl Fields {
    pub(crate) fn searchable(&self) -> [FormFields; 4] {
        [self.title, self.lead, self.body, self.attachments]
    }
}

pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    // Term frequencies but no positions: ranking is BM25 per word, and positions would
    // roughly double the size of the postings for a feature (phrases) the API lacks.
    let analysed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let mut forms = |name: &str, match_bonus: f32| FormFields {
        original: builder.add_text_field(&format!("{name}_original"), analysed.clone()),
        lemma: builder.add_text_field(&format!("{name}_lemma"), analysed.clone()),
        match_bonus,
    };
    let title = forms("title", TITLE_MATCH_BONUS);
    let lead = forms("lead", LEAD_MATCH_BONUS);
    let body = forms("body", 0.0);
    let attachments = forms("attachments", 0.0);
    let fields = Fields {
        title,
        lead,
        body,
        attachments,
        folded: builder.add_text_field("folded", analysed),
        id: builder.add_i64_field("id", INDEXED | STORED | FAST),
        published_at: builder.add_i64_field(PUBLISHED_AT, INDEXED | FAST),
        section: builder.add_text_field(SECTION, STRING | FAST),
        tags: builder.add_text_field(TAGS, STRING | FAST),
        stored_title: builder.add_text_field("title", STORED),
        stored_lead: builder.add_text_field("lead", STORED),
        stored_body: builder.add_text_field("body", STORED),
        stored_captions: builder.add_text_field("captions", STORED),
        stored_attachment_titles: builder.add_text_field("attachment_titles", STORED),
        stored_attachment_texts: builder.add_text_field("attachment_texts", STORED),
    };
    (builder.build(), fields)
}
