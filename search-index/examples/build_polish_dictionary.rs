//! Compiles the dump of Morfologik's `polish.dict` ("form<TAB>lemma<TAB>tag" lines, written
//! by `tools/DumpMorfologik.java`) into the files the analyser embeds.
//! Run by `scripts/build-polish-dictionary.sh`:
//!
//! ```text
//! cargo run --release -p search-index --example build_polish_dictionary -- DUMP.tsv OUT_DIR [--without gerund-plurals|names]
//! ```
//! `--without` (repeatable) leaves out one of the compiler's additions to PoliMorf, to
//! measure what each does; the committed files are built with both.

use std::path::{Path, PathBuf};
use std::time::Instant;

use search_index::analysis::dictionary::{CompileOptions, DictionaryEntry, compile};

const USAGE: &str =
    "usage: build_polish_dictionary DUMP.tsv OUT_DIR [--without gerund-plurals|names]...";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dump), Some(out_dir)) = (args.next(), args.next()) else {
        return Err(USAGE.into());
    };
    let mut options = CompileOptions::default();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().as_deref()) {
            ("--without", Some("gerund-plurals")) => options.gerund_plurals = false,
            ("--without", Some("names")) => options.names_beside_lowercase = false,
            _ => return Err(USAGE.into()),
        }
    }
    let started = Instant::now();
    let dump = std::fs::read_to_string(&dump)?;
    let entries = dump.lines().filter_map(DictionaryEntry::parse_line);
    let compiled = compile(entries, options)?;
    let out_dir = PathBuf::from(out_dir);
    write_atomically(&out_dir.join("polish-forms.fst"), &compiled.forms_fst)?;
    write_atomically(&out_dir.join("polish-lemmas.bin"), &compiled.lemma_table)?;
    eprintln!(
        "{} forms, {} lemmas, {} lemma sets; forms fst {:.1} MiB, lemma table {:.1} MiB; {:.1} s",
        compiled.form_count,
        compiled.lemma_count,
        compiled.set_count,
        compiled.forms_fst.len() as f64 / 1048576.0,
        compiled.lemma_table.len() as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );
    eprintln!(
        "gerund plurals: {} (form, lemma) pairs, {} new forms, {} forms left out as another word; \
         {} forms got a name's lemma beside their own",
        compiled.gerund_plural_pairs,
        compiled.gerund_plural_new_forms,
        compiled.gerund_plural_collisions,
        compiled.forms_with_name_lemmas
    );
    Ok(())
}

/// Writes beside the target and renames, so an interrupted run never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(partial, path)
}
