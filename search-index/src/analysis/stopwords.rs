//! The Polish stop-word list: Lucene's `analysis/pl/stopwords.txt` (182 words, from the
//! Carrot2 project, BSD licence; the file keeps its header). It applies to the lemma side
//! only: a stop word keeps its original-form token for exact and phrase matches.

use std::collections::HashSet;
use std::sync::LazyLock;

static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../dict/polish-stopwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Whether a lowercase word is on the Polish stop list.
pub fn is_stop_word(lower: &str) -> bool {
    STOP_WORDS.contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_lucenes_182_words_and_catches_function_words_only() {
        assert_eq!(STOP_WORDS.len(), 182);
        for word in ["się", "że", "w", "jest", "który", "nie"] {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["gmina", "powiat", "partnerstwo"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }
}
