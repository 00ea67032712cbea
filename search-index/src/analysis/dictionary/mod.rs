//! The Polish form → lemmas dictionary (PoliMorf, from Morfologik's `polish.dict`), compiled
//! into two files under `search-index/dict/` and embedded in the binary:
//!
//! - `polish-forms.fst`: an `fst::Map` from every lowercase word form to the id of its lemma
//!   set. Set ids are numbered in the order the sorted forms first use them, so neighbouring
//!   forms carry close ids and the map stays small (4.1 MiB for 4.8 million forms).
//! - `polish-lemmas.bin`: the lemma sets (format in [`LemmaTable`]).
//!
//! The analyser looks words up lowercased (so a query typed in lowercase and the text's
//! capitalised word meet), and the lookup cascades as the research recommends: the lowercase
//! entries of a form if the dictionary has any, else its capitalised (or upper-case) entries,
//! which is where names live ("struzika" → `struzik`, "łodzi" → `łódź`). A name not spelt
//! like a common word is kept beside the lowercase entries too ("mińsku" → `mińsk`,
//! `miński`). The cascade is done when the dictionary is compiled ([`compile`]), so the map
//! is keyed by lowercase form and a lookup is one fst query. On the LibreOffice-help
//! benchmark the cascade ranked slightly better than merging every case variant's lemmas
//! (BM25 MRR@10 on inflected queries 0.512 against 0.510). Lemmas are stored lowercase.
//!
//! `scripts/build-polish-dictionary.sh` rebuilds both files from the Debian package; the
//! compiler also adds the gerund plurals PoliMorf lacks ([`gerund_plurals`]).

mod compile;
mod gerund_plurals;

use std::sync::LazyLock;

use fst::Map;

pub use compile::{CompileOptions, CompiledDictionary, DictionaryEntry, compile};
pub use gerund_plurals::gerund_plurals;

const EMBEDDED_FORMS: &[u8] = include_bytes!("../../../dict/polish-forms.fst");
const EMBEDDED_LEMMAS: &[u8] = include_bytes!("../../../dict/polish-lemmas.bin");

static EMBEDDED: LazyLock<PolishDictionary> = LazyLock::new(|| {
    // The bytes are compiled into the binary and checked by the unit test
    // `embedded_dictionary_loads_and_knows_polish`; failing here is a broken build, never
    // bad input, so there is no caller that could do anything sensible with an error.
    #[allow(clippy::expect_used)]
    PolishDictionary::from_bytes(EMBEDDED_FORMS, EMBEDDED_LEMMAS)
        .expect("the embedded Polish dictionary is well formed")
});

/// Why compiled dictionary bytes could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error("form map: {0}")]
    Forms(#[from] fst::Error),
    #[error("lemma table: {0}")]
    Lemmas(&'static str),
}

/// Form → lemmas look-ups over a compiled dictionary.
pub struct PolishDictionary {
    forms: Map<&'static [u8]>,
    lemmas: LemmaTable<'static>,
}

impl PolishDictionary {
    /// The dictionary compiled into this binary (loaded on first use, about 9 MiB, no I/O).
    pub fn embedded() -> &'static PolishDictionary {
        &EMBEDDED
    }

    pub fn from_bytes(
        forms: &'static [u8],
        lemmas: &'static [u8],
    ) -> Result<Self, DictionaryError> {
        Ok(PolishDictionary {
            forms: Map::new(forms)?,
            lemmas: LemmaTable::parse(lemmas)?,
        })
    }

    /// Every lemma of a word form, in alphabetical order; empty when the dictionary does not
    /// know the word. Any case works: the word is lowercased first.
    pub fn lemmas(&self, word: &str) -> Vec<&str> {
        let lowered;
        let key = if word.chars().any(char::is_uppercase) {
            lowered = word.to_lowercase();
            lowered.as_str()
        } else {
            word
        };
        match self.forms.get(key) {
            Some(set) => self.lemmas.set(set as usize),
            None => Vec::new(),
        }
    }

    /// Whether the dictionary knows this form (any case).
    pub fn contains(&self, word: &str) -> bool {
        !self.lemmas(word).is_empty()
    }

    /// How many forms the dictionary holds.
    pub fn form_count(&self) -> usize {
        self.forms.len()
    }
}

/// The lemma sets. Numbers are little-endian u32:
///
/// ```text
/// set_count
/// set_offsets[set_count + 1]   byte range of each set in `text`
/// text[..]                     UTF-8; a set's lemmas in alphabetical order, joined by '\n'
/// ```
struct LemmaTable<'a> {
    set_offsets: &'a [u8],
    text: &'a str,
}

impl<'a> LemmaTable<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, DictionaryError> {
        let set_count = read_u32(bytes, 0).ok_or(DictionaryError::Lemmas("truncated"))? as usize;
        let rest = bytes.get(4..).ok_or(DictionaryError::Lemmas("truncated"))?;
        let (set_offsets, text) = rest
            .split_at_checked((set_count + 1) * 4)
            .ok_or(DictionaryError::Lemmas("truncated"))?;
        if read_u32(set_offsets, set_count).map(|end| end as usize) != Some(text.len()) {
            return Err(DictionaryError::Lemmas("lemma text length does not match"));
        }
        let text = std::str::from_utf8(text)
            .map_err(|_| DictionaryError::Lemmas("lemma text is not UTF-8"))?;
        Ok(LemmaTable { set_offsets, text })
    }

    fn set(&self, id: usize) -> Vec<&'a str> {
        let range = read_u32(self.set_offsets, id).zip(read_u32(self.set_offsets, id + 1));
        match range.and_then(|(start, end)| self.text.get(start as usize..end as usize)) {
            Some(joined) => joined.split('\n').collect(),
            None => Vec::new(),
        }
    }
}

fn read_u32(bytes: &[u8], index: usize) -> Option<u32> {
    let chunk = bytes.get(index * 4..index * 4 + 4)?;
    Some(u32::from_le_bytes(chunk.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn leak(bytes: Vec<u8>) -> &'static [u8] {
        Box::leak(bytes.into_boxed_slice())
    }

    #[test]
    fn truncated_lemma_table_is_an_error_not_a_panic() -> TestResult {
        let compiled = compile(
            [DictionaryEntry::new(
                "gminie",
                "gmina",
                "subst:sg:dat.loc:f",
            )],
            CompileOptions::default(),
        )?;
        let forms = leak(compiled.forms_fst);
        let table = leak(compiled.lemma_table[..compiled.lemma_table.len() - 1].to_vec());
        assert!(PolishDictionary::from_bytes(forms, table).is_err());
        assert!(PolishDictionary::from_bytes(leak(vec![1, 2, 3]), table).is_err());
        Ok(())
    }

    #[test]
    fn embedded_dictionary_loads_and_knows_polish() {
        let dict = PolishDictionary::embedded();
        assert!(dict.form_count() > 4_000_000, "{}", dict.form_count());
        assert_eq!(dict.lemmas("partnerstwa"), ["partnerstwo"]);
        assert_eq!(dict.lemmas("Struzika"), ["struzik"]);
        assert!(dict.lemmas("kronikaxyz").is_empty());
    }
}
