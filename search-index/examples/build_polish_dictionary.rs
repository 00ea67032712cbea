//! Compiles the dump of Morfologik's `polish.dict` ("form<TAB>lemma" lines, written by
//! `tools/DumpMorfologik.java`) into the files the analyser embeds.
//! Run by `scripts/build-polish-dictionary.sh`:
//!
//! ```text
//! cargo run --release -p search-index --example build_polish_dictionary -- DUMP.tsv OUT_DIR
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use search_index::analysis::dictionary::compile;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(dump), Some(out_dir)) = (args.next(), args.next()) else {
        return Err("usage: build_polish_dictionary DUMP.tsv OUT_DIR".into());
    };
    let started = Instant::now();
    let dump = std::fs::read_to_string(&dump)?;
    let entries = dump.lines().filter_map(|line| line.split_once('\t'));
    let compiled = compile(entries)?;
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
    Ok(())
}

/// Writes beside the target and renames, so an interrupted run never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(partial, path)
}
