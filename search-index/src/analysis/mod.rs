//! The Polish analyser shared by both engines: words → lowercase tokens → lemmas (or stems)
//! and an ASCII-folded form, so "partnerstwo lokalne" meets "partnerstwa lokalnego" and
//! "lodz" meets "Łódź".

mod fold;
mod tokenize;

pub use fold::fold_polish;
pub use tokenize::words;

use snowstem::{Algorithm, Stemmer};

/// How much analysis to apply; the relevance benchmark compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalysisMode {
    /// Lowercase words as written: the baseline.
    Plain,
    /// Every word reduced by the Snowball Polish stemmer, no dictionary.
    Snowball,
}

/// One word of a text, with what the index stores for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word lowercased, as written otherwise (Polish letters kept).
    pub text: String,
    /// Byte range of the word in the analysed text, for highlighting.
    pub start: usize,
    pub end: usize,
    /// Ordinal of the word in the text (0, 1, 2…), for phrase proximity.
    pub position: usize,
    /// Base forms for the lemma fields; several when the form is ambiguous.
    pub lemmas: Vec<String>,
    /// `text` with Polish letters folded to ASCII (ł→l, ą→a…).
    pub folded: String,
}

pub struct Analyzer {
    mode: AnalysisMode,
    stemmer: Stemmer,
}

impl Analyzer {
    pub fn new(mode: AnalysisMode) -> Self {
        Analyzer {
            mode,
            stemmer: Stemmer::create(Algorithm::Polish),
        }
    }

    pub fn mode(&self) -> AnalysisMode {
        self.mode
    }

    pub fn analyze(&self, text: &str) -> Vec<Token> {
        words(text)
            .enumerate()
            .map(|(position, (start, word))| {
                let lower = word.to_lowercase();
                let lemmas = self.lemmas(&lower);
                Token {
                    folded: fold_polish(&lower),
                    text: lower,
                    start,
                    end: start + word.len(),
                    position,
                    lemmas,
                }
            })
            .collect()
    }

    fn lemmas(&self, lower: &str) -> Vec<String> {
        match self.mode {
            AnalysisMode::Plain => vec![lower.to_owned()],
            AnalysisMode::Snowball => vec![self.stemmer.stem(lower).into_owned()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowball_mode_stems_inflected_forms_to_one_stem() {
        let analyzer = Analyzer::new(AnalysisMode::Snowball);
        let stems = |text: &str| -> Vec<Vec<String>> {
            analyzer
                .analyze(text)
                .into_iter()
                .map(|t| t.lemmas)
                .collect()
        };
        assert_eq!(stems("partnerstwa"), stems("partnerstwem"));
    }

    #[test]
    fn tokens_carry_offsets_positions_and_folded_forms() {
        let tokens = Analyzer::new(AnalysisMode::Plain).analyze("Łódź, 2018-02-20");
        let texts: Vec<_> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["łódź", "2018", "02", "20"]);
        assert_eq!(tokens[0].folded, "lodz");
        assert_eq!((tokens[0].start, tokens[0].end), (0, "Łódź".len()));
        assert_eq!(tokens[3].position, 3);
    }
}
