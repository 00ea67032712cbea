//! Compiles Morfologik's tagged entries ("form, lemma, tag", dumped by
//! `tools/DumpMorfologik.java`) into the two embedded files. Besides writing the format this
//! is where the dictionary is completed:
//!
//! - Gerunds get a plural (see [`gerund_plurals`](super::gerund_plurals)), with the lemmas
//!   of their singular, where PoliMorf does not already have the plural form as a word.
//! - A lowercase form keeps the lemmas of its capitalised entries too (names: "mińsku" →
//!   `miński`, `mińsk`), not only when it has no lowercase entry, unless the name is spelt
//!   like a common word (surnames and villages such as "Cała", "Członka").

use std::collections::{BTreeMap, HashMap, HashSet};

use fst::MapBuilder;

use super::gerund_plurals::gerund_plurals;

/// One dictionary entry: a form as written, its lemma and Morfologik's tag, which may join
/// several readings with '+' ("subst:sg:nom:n2+ger:sg:nom.acc:n2:imperf:aff").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DictionaryEntry<'a> {
    pub form: &'a str,
    pub lemma: &'a str,
    pub tag: &'a str,
}

impl<'a> DictionaryEntry<'a> {
    pub fn new(form: &'a str, lemma: &'a str, tag: &'a str) -> Self {
        DictionaryEntry { form, lemma, tag }
    }

    /// A "form<TAB>lemma<TAB>tag" line of the dump; `None` for a line without a lemma.
    pub fn parse_line(line: &'a str) -> Option<Self> {
        let mut fields = line.split('\t');
        let (form, lemma) = (fields.next()?, fields.next()?);
        Some(DictionaryEntry::new(
            form,
            lemma,
            fields.next().unwrap_or(""),
        ))
    }

    /// Whether one of the entry's readings is a gerund's singular nominative.
    fn is_gerund_singular_nominative(&self) -> bool {
        self.tag.split('+').any(|reading| {
            let mut parts = reading.split(':');
            parts.next() == Some("ger")
                && parts.next() == Some("sg")
                && parts
                    .next()
                    .is_some_and(|case| case.split('.').any(|c| c == "nom"))
        })
    }
}

/// What the compiler adds to PoliMorf; both on by default, off only to measure each alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompileOptions {
    /// Add the plural of every gerund.
    pub gerund_plurals: bool,
    /// Give a lowercase form the lemmas of its capitalised entries even when it has
    /// lowercase entries of its own.
    pub names_beside_lowercase: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            gerund_plurals: true,
            names_beside_lowercase: true,
        }
    }
}

/// The two compiled files and what went into them.
pub struct CompiledDictionary {
    pub forms_fst: Vec<u8>,
    pub lemma_table: Vec<u8>,
    pub form_count: usize,
    pub lemma_count: usize,
    pub set_count: usize,
    /// Gerund plural (form, lemma) pairs added, counting pairs the dictionary already had.
    pub gerund_plural_pairs: usize,
    /// Of those, forms not in PoliMorf at all.
    pub gerund_plural_new_forms: usize,
    /// Gerund plural forms left out because PoliMorf has them as another word ("pięć" is
    /// not "pięcie"'s plural genitive here, "grań" not "granie"'s) or as the plural of the
    /// lexicalised noun ("zebraniach" → `zebranie`).
    pub gerund_plural_collisions: usize,
    /// Lowercase forms with lowercase entries that got a name's lemma as well.
    pub forms_with_name_lemmas: usize,
}

/// Per lowercase form, the lemmas of its entries by the case they were written in.
#[derive(Default)]
struct Readings {
    lowercase: Vec<String>,
    /// First letter upper case, the rest lower: names ("Mińsku").
    capitalised: Vec<String>,
    /// Upper case or mixed ("ZUS-u", "PiS").
    other_case: Vec<String>,
}

/// Compiles entries, in any order and case, into the embedded format. A lowercase form gets
/// the lemmas of its lowercase and capitalised entries, or when it has neither those of its
/// other case variants; forms the tokenizer would split (hyphens, dots, spaces: "ABB-ach")
/// are skipped because no token can ever look them up.
pub fn compile<'a>(
    entries: impl IntoIterator<Item = DictionaryEntry<'a>>,
    options: CompileOptions,
) -> Result<CompiledDictionary, fst::Error> {
    let mut readings: BTreeMap<String, Readings> = BTreeMap::new();
    // Gerund singular nominative → its lemmas (the verbs' infinitives).
    let mut gerunds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in entries {
        let (form, lemma) = (entry.form, entry.lemma);
        if !is_single_word(form) || lemma.is_empty() || lemma.contains('\n') {
            continue;
        }
        let lower = form.to_lowercase();
        let lemma = lemma.to_lowercase();
        if lower == form && entry.is_gerund_singular_nominative() {
            gerunds
                .entry(lower.clone())
                .or_default()
                .push(lemma.clone());
        }
        let form_readings = readings.entry(lower.clone()).or_default();
        if lower == form {
            form_readings.lowercase.push(lemma);
        } else if is_capitalised(form) {
            form_readings.capitalised.push(lemma);
        } else {
            form_readings.other_case.push(lemma);
        }
    }

    let mut compiled = CompiledDictionary {
        forms_fst: Vec::new(),
        lemma_table: Vec::new(),
        form_count: 0,
        lemma_count: 0,
        set_count: 0,
        gerund_plural_pairs: 0,
        gerund_plural_new_forms: 0,
        gerund_plural_collisions: 0,
        forms_with_name_lemmas: 0,
    };
    if options.gerund_plurals {
        add_gerund_plurals(&mut readings, &gerunds, &mut compiled);
    }
    if options.names_beside_lowercase {
        add_name_lemmas(&mut readings, &mut compiled);
    }

    let mut set_ids: HashMap<Vec<String>, u64> = HashMap::new();
    let mut set_offsets = vec![0u32];
    let mut text = String::new();
    let mut builder = MapBuilder::memory();
    for (form, form_readings) in readings {
        let Readings {
            lowercase,
            mut capitalised,
            mut other_case,
        } = form_readings;
        let mut lemmas = if lowercase.is_empty() {
            capitalised.append(&mut other_case);
            capitalised
        } else {
            lowercase
        };
        lemmas.sort_unstable();
        lemmas.dedup();
        let next_id = set_ids.len() as u64;
        let id = *set_ids.entry(lemmas).or_insert_with_key(|lemmas| {
            text.push_str(&lemmas.join("\n"));
            set_offsets.push(text.len() as u32);
            next_id
        });
        builder.insert(&form, id)?;
        compiled.form_count += 1;
    }
    compiled.lemma_count = set_ids.keys().flatten().collect::<HashSet<_>>().len();
    compiled.set_count = set_ids.len();

    let mut lemma_table = Vec::with_capacity(4 * (set_offsets.len() + 1) + text.len());
    lemma_table.extend_from_slice(&(set_ids.len() as u32).to_le_bytes());
    for offset in &set_offsets {
        lemma_table.extend_from_slice(&offset.to_le_bytes());
    }
    lemma_table.extend_from_slice(text.as_bytes());
    compiled.forms_fst = builder.into_inner()?;
    compiled.lemma_table = lemma_table;
    Ok(compiled)
}

/// Gives each gerund's plural forms the lemmas of its singular. A plural form PoliMorf
/// already has is left alone unless its lemmas are all the gerund's own (the singular
/// genitive "budowania" is the plural nominative too). That leaves out the numeral "pięć"
/// (not "pięcie"'s genitive here) and the noun "grań", and also the plurals of lexicalised
/// gerunds, which PoliMorf has as nouns: "ustawieniach" stays `ustawienie` without
/// `ustawić`. Adding the verb to those ~10,700 noun forms lowered the relevance benchmark
/// (index MRR@10 0.598 → 0.597), since it joins "ustawienia" (settings) to every "ustaw".
fn add_gerund_plurals(
    readings: &mut BTreeMap<String, Readings>,
    gerunds: &BTreeMap<String, Vec<String>>,
    compiled: &mut CompiledDictionary,
) {
    for (nominative, verbs) in gerunds {
        let Some(plurals) = gerund_plurals(nominative) else {
            continue;
        };
        for plural in plurals {
            let plural_readings = readings.entry(plural).or_default();
            let is_new = plural_readings.lowercase.is_empty();
            if plural_readings
                .lowercase
                .iter()
                .any(|lemma| !verbs.contains(lemma))
            {
                compiled.gerund_plural_collisions += 1;
                continue;
            }
            compiled.gerund_plural_new_forms += usize::from(is_new);
            compiled.gerund_plural_pairs += verbs.len();
            plural_readings.lowercase.extend(verbs.iter().cloned());
        }
    }
}

/// Gives a form with lowercase entries the lemmas of its capitalised entries too, when the
/// name is not spelt like a common word: "mińsku" (`miński`) gets `mińsk`, but "cały" does
/// not get the village Cała nor "członka" the surname Członka, since "cała" and "członka"
/// are common words' forms. PoliMorf's capitalised entries are mostly such homographs
/// (surnames, villages), and merging all of them lowered relevance (dict/README.md).
fn add_name_lemmas(readings: &mut BTreeMap<String, Readings>, compiled: &mut CompiledDictionary) {
    let is_common_word = |lemma: &str| {
        readings
            .get(lemma)
            .is_some_and(|lemma_readings| !lemma_readings.lowercase.is_empty())
    };
    let additions: Vec<(String, Vec<String>)> = readings
        .iter()
        .filter(|(_, form_readings)| !form_readings.lowercase.is_empty())
        .filter_map(|(form, form_readings)| {
            let names: Vec<String> = form_readings
                .capitalised
                .iter()
                .filter(|name| !form_readings.lowercase.contains(name) && !is_common_word(name))
                .cloned()
                .collect();
            (!names.is_empty()).then(|| (form.clone(), names))
        })
        .collect();
    compiled.forms_with_name_lemmas = additions.len();
    for (form, names) in additions {
        if let Some(form_readings) = readings.get_mut(&form) {
            form_readings.lowercase.extend(names);
        }
    }
}

/// "Mińsku", "Łódź": an upper-case first letter and nothing else upper case.
fn is_capitalised(form: &str) -> bool {
    let mut chars = form.chars();
    chars.next().is_some_and(char::is_uppercase) && !chars.any(char::is_uppercase)
}

fn is_single_word(form: &str) -> bool {
    let mut words = crate::analysis::words(form);
    matches!((words.next(), words.next()), (Some((0, word)), None) if word.len() == form.len())
}

#[cfg(test)]
mod tests {
    use super::super::PolishDictionary;
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn leak(bytes: Vec<u8>) -> &'static [u8] {
        Box::leak(bytes.into_boxed_slice())
    }

    fn load(
        compiled: CompiledDictionary,
    ) -> Result<PolishDictionary, super::super::DictionaryError> {
        PolishDictionary::from_bytes(leak(compiled.forms_fst), leak(compiled.lemma_table))
    }

    fn entries<'a>(triples: &[(&'a str, &'a str, &'a str)]) -> Vec<DictionaryEntry<'a>> {
        triples
            .iter()
            .map(|&(form, lemma, tag)| DictionaryEntry::new(form, lemma, tag))
            .collect()
    }

    #[test]
    fn compiled_dictionary_round_trips_ambiguous_forms_and_case_variants() -> TestResult {
        let compiled = compile(
            entries(&[
                ("Marka", "Marek", "subst:sg:gen.acc:m1"),
                ("marka", "marka", "subst:sg:nom:f"),
                ("marka", "marek", "subst:sg:gen.acc:m2"),
                ("Struzika", "Struzik", "subst:sg:gen.acc:m1"),
                ("gminie", "gmina", "subst:sg:dat.loc:f"),
                ("ABB-ach", "ABBA", "subst:pl:loc:f"),
                ("Łodzi", "Łódź", "subst:sg:gen:f"),
                ("łodzi", "łódź", "subst:sg:gen:f"),
                ("łodzi", "łodzia", "subst:pl:gen:f"),
                ("ZUS", "ZUS", "subst:sg:nom:m3"),
            ]),
            CompileOptions::default(),
        )?;
        assert_eq!(
            (
                compiled.form_count,
                compiled.lemma_count,
                compiled.set_count
            ),
            (5, 7, 5)
        );
        let dict = load(compiled)?;
        assert_eq!(dict.lemmas("marka"), ["marek", "marka"]);
        assert_eq!(dict.lemmas("MARKA"), ["marek", "marka"]);
        assert_eq!(dict.lemmas("gminie"), ["gmina"]);
        assert_eq!(dict.lemmas("łodzi"), ["łodzia", "łódź"]);
        assert!(dict.lemmas("abb").is_empty());
        assert!(!dict.contains("abb-ach"));
        assert_eq!(dict.lemmas("struzika"), ["struzik"]);
        assert_eq!(dict.lemmas("zus"), ["zus"]);
        Ok(())
    }

    #[test]
    fn a_lowercase_form_keeps_the_lemma_of_a_capitalised_name_too() -> TestResult {
        let triples = [
            ("Mińsku", "Mińsk", "subst:sg:loc:m3+subst:sg:voc:m3"),
            ("mińsku", "miński", "adjp"),
            ("PAN", "PAN", "subst:sg:nom:f"),
            ("pan", "pan", "subst:sg:nom:m1"),
            ("Cały", "Cała", "subst:sg:gen:f"),
            ("cały", "cały", "adj:sg:nom.voc:m1.m2.m3:pos"),
            ("cała", "cały", "adj:sg:nom.voc:f:pos"),
        ];
        let with_names = compile(entries(&triples), CompileOptions::default())?;
        assert_eq!(with_names.forms_with_name_lemmas, 1);
        let dict = load(with_names)?;
        assert_eq!(dict.lemmas("mińsku"), ["mińsk", "miński"]);
        assert_eq!(dict.lemmas("Mińsku"), ["mińsk", "miński"]);
        // An acronym is no name: "pan" does not become PAN's.
        assert_eq!(dict.lemmas("pan"), ["pan"]);
        // Nor is a village spelt like a common word: "cały" does not become Cała's.
        assert_eq!(dict.lemmas("cały"), ["cały"]);

        let without = CompileOptions {
            names_beside_lowercase: false,
            ..CompileOptions::default()
        };
        assert_eq!(
            load(compile(entries(&triples), without)?)?.lemmas("mińsku"),
            ["miński"]
        );
        Ok(())
    }

    #[test]
    fn gerunds_get_a_plural_with_the_lemma_of_their_singular() -> TestResult {
        let compiled = compile(
            entries(&[
                (
                    "budowania",
                    "budować",
                    "ger:sg:gen:n2:imperf:aff:refl.nonrefl",
                ),
                (
                    "budowanie",
                    "budować",
                    "ger:sg:nom.acc:n2:imperf:aff:refl.nonrefl",
                ),
                (
                    "budowaniu",
                    "budować",
                    "ger:sg:dat.loc:n2:imperf:aff:refl.nonrefl",
                ),
                (
                    "niebudowanie",
                    "budować",
                    "ger:sg:nom.acc:n2:imperf:neg:refl.nonrefl",
                ),
            ]),
            CompileOptions::default(),
        )?;
        // Five plural forms of each gerund; "budowania" was already there, as the genitive.
        assert_eq!(compiled.gerund_plural_pairs, 10);
        assert_eq!(compiled.gerund_plural_new_forms, 9);
        assert_eq!(compiled.gerund_plural_collisions, 0);
        let dict = load(compiled)?;
        for plural in [
            "budowania",
            "budowań",
            "budowaniom",
            "budowaniami",
            "budowaniach",
        ] {
            assert_eq!(dict.lemmas(plural), ["budować"], "{plural}");
        }
        assert_eq!(dict.lemmas("niebudowaniach"), ["budować"]);
        Ok(())
    }

    #[test]
    fn the_plural_of_a_lexicalised_gerund_stays_the_nouns() -> TestResult {
        let compiled = compile(
            entries(&[
                ("zebranie", "zebranie", "subst:sg:nom.acc.voc:n2"),
                (
                    "zebranie",
                    "zebrać",
                    "ger:sg:nom.acc:n2:perf:aff:refl.nonrefl",
                ),
                ("zebraniach", "zebranie", "subst:pl:loc:n2"),
            ]),
            CompileOptions::default(),
        )?;
        assert_eq!(compiled.gerund_plural_collisions, 1);
        let dict = load(compiled)?;
        assert_eq!(dict.lemmas("zebranie"), ["zebranie", "zebrać"]);
        assert_eq!(dict.lemmas("zebraniach"), ["zebranie"]);
        // A plural form PoliMorf lacks gets the verb, as the singular has it.
        assert_eq!(dict.lemmas("zebraniami"), ["zebrać"]);
        Ok(())
    }

    #[test]
    fn a_gerund_plural_that_is_another_word_is_left_alone() -> TestResult {
        let compiled = compile(
            entries(&[
                ("pięcie", "piąć", "ger:sg:nom.acc:n2:imperf:aff:refl"),
                ("pięć", "pięć", "num:pl:nom.acc:m2.m3.f.n1.n2:rec"),
                (
                    "granie",
                    "grać",
                    "ger:sg:nom.acc:n2:imperf:aff:refl.nonrefl",
                ),
                ("grań", "grań", "subst:sg:nom.acc:f"),
            ]),
            CompileOptions::default(),
        )?;
        assert_eq!(compiled.gerund_plural_collisions, 2);
        let dict = load(compiled)?;
        assert_eq!(dict.lemmas("pięć"), ["pięć"]);
        assert_eq!(dict.lemmas("grań"), ["grań"]);
        assert_eq!(dict.lemmas("pięciach"), ["piąć"]);
        Ok(())
    }

    #[test]
    fn without_the_option_gerunds_stay_singular() -> TestResult {
        let options = CompileOptions {
            gerund_plurals: false,
            ..CompileOptions::default()
        };
        let dict = load(compile(
            entries(&[(
                "budowanie",
                "budować",
                "ger:sg:nom.acc:n2:imperf:aff:nonrefl",
            )]),
            options,
        )?)?;
        assert!(dict.lemmas("budowaniach").is_empty());
        Ok(())
    }
}
