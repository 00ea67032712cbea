use unicode_segmentation::UnicodeSegmentation;

/// The words of a text with their byte offsets: Unicode word boundaries (UAX #29), then
/// split again on the hyphens, apostrophes and dots that UAX #29 keeps inside words
/// ("biało-czerwony", "d'Artagnan", "np.pl"). Punctuation and spaces are dropped.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.unicode_word_indices().flat_map(|(start, word)| {
        word.split_inclusive(is_inner_separator)
            .filter_map(move |piece| {
                let offset = piece.as_ptr() as usize - word.as_ptr() as usize;
                let piece = piece.trim_end_matches(is_inner_separator);
                (!piece.is_empty()).then_some((start + offset, piece))
            })
    })
}

fn is_inner_separator(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '.' | '·')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_hyphens_apostrophes_and_dots_and_keeps_offsets() {
        let text = "Biało-czerwony d'Artagnan, www.gmina.pl";
        let found: Vec<_> = words(text).collect();
        let texts: Vec<_> = found.iter().map(|(_, w)| *w).collect();
        assert_eq!(
            texts,
            ["Biało", "czerwony", "d", "Artagnan", "www", "gmina", "pl"]
        );
        for (start, word) in found {
            assert_eq!(&text[start..start + word.len()], word);
        }
    }
}
