//! The Polish analyser shared by both engines: words → lowercase tokens → lemmas (or stems)
//! and an ASCII-folded form, so "partnerstwo lokalne" meets "partnerstwa lokalnego" and
//! "lodz" meets "Łódź".

pub mod dictionary;
mod fold;
mod stopwords;
mod tokenize;

pub use dictionary::PolishDictionary;
pub use fold::fold_polish;
pub use stopwords::{is_stop_word, stop_words};
pub use tokenize::words;

use snowstem::{Algorithm, Stemmer};

/// How much analysis to apply; the relevance benchmark compares them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnalysisMode {
    /// Lowercase words as written, no stop words: the baseline.
    Plain,
    /// The analyser without the dictionary: stop words dropped from the lemma side, every
    /// other word reduced by the Snowball Polish stemmer.
    Snowball,
    /// The Polish analyser: stop words dropped from the lemma side, every lemma the
    /// dictionary gives (all of them for an ambiguous form), Snowball for words it does not
    /// know (names, brands, new words).
    #[default]
    Full,
}

/// One word of a text, with what the index stores for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The word lowercased, as written otherwise (Polish letters kept).
    pub text: String,
    /// Byte range of the word in the analysed text, for highlighting.
    pub start: usize,
    pub end: usize,
    /// Ordinal of the word in the text (0, 1, 2…), for phrase proximity. Stop words keep
    /// their position, so positions stay the word ordinals.
    pub position: usize,
    /// Base forms for the lemma fields; several when the form is ambiguous, all at this
    /// token's position. Empty for a stop word.
    pub lemmas: Vec<String>,
    /// `text` with Polish letters folded to ASCII (ł→l, ą→a…).
    pub folded: String,
    /// The word is on the Polish stop list and this mode drops stop words from the lemma
    /// side (never in [`AnalysisMode::Plain`]). The token itself stays, for exact and
    /// phrase matches on the original-form fields.
    pub is_stop_word: bool,
}

pub struct Analyzer {
    mode: AnalysisMode,
    stemmer: Stemmer,
    /// Only in [`AnalysisMode::Full`].
    dictionary: Option<&'static PolishDictionary>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::polish()
    }
}

impl Analyzer {
    pub fn new(mode: AnalysisMode) -> Self {
        Analyzer {
            mode,
            stemmer: Stemmer::create(Algorithm::Polish),
            dictionary: (mode == AnalysisMode::Full).then(PolishDictionary::embedded),
        }
    }

    /// The full Polish analyser ([`AnalysisMode::Full`]), what both engines index with.
    pub fn polish() -> Self {
        Analyzer::new(AnalysisMode::Full)
    }

    pub fn mode(&self) -> AnalysisMode {
        self.mode
    }

    pub fn analyze(&self, text: &str) -> Vec<Token> {
        words(text)
            .enumerate()
            .map(|(position, (start, word))| {
                let lower = word.to_lowercase();
                let is_stop_word = self.drops_stop_word(&lower);
                let lemmas = if is_stop_word {
                    Vec::new()
                } else {
                    self.lemmas(&lower)
                };
                Token {
                    folded: fold_polish(&lower),
                    text: lower,
                    start,
                    end: start + word.len(),
                    position,
                    lemmas,
                    is_stop_word,
                }
            })
            .collect()
    }

    /// The lemmas [`Analyzer::analyze`] gives one lowercase word (none for a stop word).
    pub(crate) fn word_lemmas(&self, lower: &str) -> Vec<String> {
        if self.drops_stop_word(lower) {
            Vec::new()
        } else {
            self.lemmas(lower)
        }
    }

    fn drops_stop_word(&self, lower: &str) -> bool {
        self.mode != AnalysisMode::Plain && is_stop_word(lower)
    }

    /// What the lemma side holds for one lowercase word, stop list aside.
    fn lemmas(&self, lower: &str) -> Vec<String> {
        match (self.mode, self.dictionary) {
            (AnalysisMode::Plain, _) => vec![lower.to_owned()],
            (AnalysisMode::Full, Some(dictionary)) => {
                let known = dictionary.lemmas(lower);
                if known.is_empty() {
                    vec![self.stem(lower)]
                } else {
                    known.into_iter().map(str::to_owned).collect()
                }
            }
            _ => vec![self.stem(lower)],
        }
    }

    fn stem(&self, lower: &str) -> String {
        self.stemmer.stem(lower).into_owned()
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
