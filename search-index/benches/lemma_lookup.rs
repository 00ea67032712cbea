//! How fast the analyser's dictionary answers: one form → lemmas look-up, and the full
//! analyser over a paragraph of news-like Polish. `cargo bench -p search-index --bench
//! lemma_lookup`; figures in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use search_index::{AnalysisMode, Analyzer, PolishDictionary};

const PARAGRAPH: &str = "Marszałek województwa mazowieckiego Adam Struzik podpisał w poniedziałek \
    porozumienie o partnerstwie z gminami powiatu płońskiego. Samorządowcy rozmawiali o \
    drogach, szkołach i szpitalach, a także o pieniądzach z funduszy europejskich, które \
    gminy otrzymają w przyszłym roku na inwestycje lokalne.";

fn lookups(c: &mut Criterion) {
    let dictionary = PolishDictionary::embedded();
    let words: Vec<String> = Analyzer::new(AnalysisMode::Plain)
        .analyze(PARAGRAPH)
        .into_iter()
        .map(|t| t.text)
        .collect();

    let mut group = c.benchmark_group("dictionary");
    group.throughput(Throughput::Elements(words.len() as u64));
    group.bench_function("lemmas_per_word", |b| {
        b.iter(|| {
            for word in &words {
                black_box(dictionary.lemmas(black_box(word)));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("analyze_paragraph");
    group.throughput(Throughput::Elements(words.len() as u64));
    for mode in [
        AnalysisMode::Plain,
        AnalysisMode::Snowball,
        AnalysisMode::Full,
    ] {
        let analyzer = Analyzer::new(mode);
        group.bench_function(format!("{mode:?}"), |b| {
            b.iter(|| black_box(analyzer.analyze(black_box(PARAGRAPH))))
        });
    }
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
