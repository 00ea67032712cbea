//! Prints what the Polish analyser gives each distinct word of the Polish prose in
//! `fixtures/polish-text`, for `scripts/measure-lemma-pairs.py` to compare with a
//! morphological gold standard. One line per word as written (case kept, since the gold
//! standard reads "Mińsku" and "mińsku" differently):
//!
//! ```text
//! word<TAB>source<TAB>lemma<TAB>lemma…
//! ```
//! where `source` is `dictionary` (the lemmas come from the embedded dictionary), `stem`
//! (an unknown word, so the one lemma is its Snowball stem) or `stop` (a stop word: no
//! lemma, left out of the measure).
//!
//! ```text
//! cargo run --release -p search-index --example fixture_word_lemmas > words.tsv
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use search_index::{AnalysisMode, Analyzer, PolishDictionary};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/polish-text");
const FILES: [&str; 3] = ["debian-handbook-pl.txt", "gnome-help-pl.txt", "udhr-pl.txt"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let analyzer = Analyzer::new(AnalysisMode::Full);
    let dictionary = PolishDictionary::embedded();
    // Word as written → (source, lemmas); the analysis of a word does not depend on its
    // neighbours, so the first occurrence stands for all of them.
    let mut words: BTreeMap<String, (&str, Vec<String>)> = BTreeMap::new();
    for file in FILES {
        let text = std::fs::read_to_string(Path::new(FIXTURES).join(file))?;
        for token in analyzer.analyze(&text) {
            let written = &text[token.start..token.end];
            if words.contains_key(written) {
                continue;
            }
            let source = if token.is_stop_word {
                "stop"
            } else if dictionary.contains(written) {
                "dictionary"
            } else {
                "stem"
            };
            words.insert(written.to_owned(), (source, token.lemmas));
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (word, (source, lemmas)) in &words {
        write!(out, "{word}\t{source}")?;
        for lemma in lemmas {
            write!(out, "\t{lemma}")?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}
