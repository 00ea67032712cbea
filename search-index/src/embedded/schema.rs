//! The tantivy schema: every text of a document is indexed three times — as written
//! (lowercased), folded to ASCII, and as lemmas — and stored once for highlighting.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// The three analysed forms of one text field.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FormFields {
    /// Lowercased words as written, Polish letters kept: exact matches rank highest.
    pub original: Field,
    /// Words folded to ASCII ("łódź" → "lodz"): queries typed without Polish letters, and
    /// the field typo tolerance and prefixes work on, so neither depends on diacritics.
    pub folded: Field,
    /// Lemmas (or stems) of the words: inflected forms meet.
    pub lemma: Field,
    /// How much a match in this text weighs against the others (title above lead above body).
    pub boost: f32,
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
    pub stored_title: Field,
    pub stored_lead: Field,
    pub stored_body: Field,
    pub stored_captions: Field,
}

/// Names of the fast fields the searcher reads by name.
pub(crate) const PUBLISHED_AT: &str = "published_at";
pub(crate) const SECTION: &str = "section";
pub(crate) const TAGS: &str = "tags";

impl Fields {
    pub(crate) fn searchable(&self) -> [FormFields; 3] {
        [self.title, self.lead, self.body]
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
    let mut forms = |name: &str, boost: f32| FormFields {
        original: builder.add_text_field(&format!("{name}_original"), analysed.clone()),
        folded: builder.add_text_field(&format!("{name}_folded"), analysed.clone()),
        lemma: builder.add_text_field(&format!("{name}_lemma"), analysed.clone()),
        boost,
    };
    let title = forms("title", 3.0);
    let lead = forms("lead", 2.0);
    let body = forms("body", 1.0);
    let fields = Fields {
        title,
        lead,
        body,
        id: builder.add_i64_field("id", INDEXED | STORED | FAST),
        published_at: builder.add_i64_field(PUBLISHED_AT, INDEXED | FAST),
        section: builder.add_text_field(SECTION, STRING | FAST),
        tags: builder.add_text_field(TAGS, STRING | FAST),
        stored_title: builder.add_text_field("title", STORED),
        stored_lead: builder.add_text_field("lead", STORED),
        stored_body: builder.add_text_field("body", STORED),
        stored_captions: builder.add_text_field("captions", STORED),
    };
    (builder.build(), fields)
}
