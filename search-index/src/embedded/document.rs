//! A [`SearchDocument`] as a tantivy document: each text analysed once by our analyser and
//! handed to tantivy already tokenised, one token stream per form.

use tantivy::TantivyDocument;
use tantivy::tokenizer::{PreTokenizedString, Token as TantivyToken};

use super::schema::{Fields, FormFields};
use crate::highlight::snippet_source;
use crate::query_words::lemma_key;
use crate::{Analyzer, SearchDocument};

pub(crate) fn to_tantivy(
    analyzer: &Analyzer,
    fields: &Fields,
    document: &SearchDocument,
) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_i64(fields.id, document.id);
    out.add_i64(fields.published_at, document.published_at.timestamp());
    out.add_text(fields.section, &document.section.slug);
    for tag in &document.tags {
        out.add_text(fields.tags, &tag.slug);
    }
    add_analysed(&mut out, analyzer, fields, fields.title, &document.title);
    add_analysed(&mut out, analyzer, fields, fields.lead, &document.lead);
    add_analysed(&mut out, analyzer, fields, fields.body, &document.body);
    for caption in &document.photo_captions {
        add_analysed(&mut out, analyzer, fields, fields.body, caption);
        out.add_text(fields.stored_captions, caption);
    }
    for attachment in &document.attachments {
        add_analysed(
            &mut out,
            analyzer,
            fields,
            fields.attachments,
            &attachment.title,
        );
        add_analysed(
            &mut out,
            analyzer,
            fields,
            fields.attachments,
            &attachment.text,
        );
        out.add_text(fields.stored_attachment_titles, &attachment.title);
        out.add_text(
            fields.stored_attachment_texts,
            snippet_source(&attachment.text),
        );
    }
    out.add_text(fields.stored_title, &document.title);
    out.add_text(fields.stored_lead, &document.lead);
    out.add_text(fields.stored_body, &document.body);
    out
}

fn add_analysed(
    out: &mut TantivyDocument,
    analyzer: &Analyzer,
    fields: &Fields,
    text_fields: FormFields,
    text: &str,
) {
    let tokens = analyzer.analyze(text);
    let mut original = Vec::with_capacity(tokens.len());
    let mut folded = Vec::with_capacity(tokens.len());
    let mut lemmas = Vec::with_capacity(tokens.len());
    for token in tokens {
        let make = |text: String| TantivyToken {
            offset_from: token.start,
            offset_to: token.end,
            position: token.position,
            text,
            position_length: 1,
        };
        // Every lemma of an ambiguous form sits at the word's position; stop words have
        // none and so leave no trace in the lemma field.
        lemmas.extend(token.lemmas.iter().map(|lemma| make(lemma_key(lemma))));
        folded.push(make(token.folded.clone()));
        original.push(make(token.text.clone()));
    }
    // Only the tokens matter: the texts are stored once, in the stored-only fields.
    let pre_tokenized = |tokens| PreTokenizedString {
        text: String::new(),
        tokens,
    };
    out.add_pre_tokenized_text(text_fields.original, pre_tokenized(original));
    out.add_pre_tokenized_text(text_fields.lemma, pre_tokenized(lemmas));
    out.add_pre_tokenized_text(fields.folded, pre_tokenized(folded));
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Value;

    use super::*;
    use crate::document::test_document;
    use crate::embedded::schema::build_schema;
    use crate::{AnalysisMode, AttachedDocument};

    #[test]
    fn an_attachment_is_stored_only_as_far_as_a_snippet_reads() {
        let (_, fields) = build_schema();
        let long = "Opis działki. ".repeat(10_000);
        let mut document = test_document(1, "Nabór", "", "");
        document.attachments.push(AttachedDocument {
            title: "Załącznik".into(),
            text: long.clone(),
        });
        let stored = to_tantivy(&Analyzer::new(AnalysisMode::Plain), &fields, &document);
        let text = stored
            .get_first(fields.stored_attachment_texts)
            .and_then(|value| value.as_str())
            .unwrap_or_default();
        assert_eq!(text, snippet_source(&long));
        assert!(text.len() <= 20_000 && text.len() < long.len());
    }
}
