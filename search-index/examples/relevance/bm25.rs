//! A plain BM25 (k1 1.2, b 0.75) over one field (title + text) of analyser output: the
//! intermediate reference the research measured with, independent of any engine.

use std::collections::HashMap;

use search_index::{AnalysisMode, Analyzer};

pub struct Bm25 {
    analyzer: Analyzer,
    postings: HashMap<String, Vec<(u32, u32)>>,
    lengths: Vec<f32>,
    average_length: f32,
}

const K1: f32 = 1.2;
const B: f32 = 0.75;

impl Bm25 {
    pub fn build(mode: AnalysisMode, documents: impl Iterator<Item = String>) -> Bm25 {
        let analyzer = Analyzer::new(mode);
        let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        let mut lengths = Vec::new();
        for (id, text) in documents.enumerate() {
            let terms = terms(&analyzer, &text);
            lengths.push(terms.len() as f32);
            let mut counts: HashMap<String, u32> = HashMap::new();
            for term in terms {
                *counts.entry(term).or_default() += 1;
            }
            for (term, count) in counts {
                postings.entry(term).or_default().push((id as u32, count));
            }
        }
        let average_length = lengths.iter().sum::<f32>() / lengths.len().max(1) as f32;
        Bm25 {
            analyzer,
            postings,
            lengths,
            average_length,
        }
    }

    /// Document ids, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        let mut terms = terms(&self.analyzer, query);
        terms.sort_unstable();
        terms.dedup();
        let n = self.lengths.len() as f32;
        let mut scores = vec![0f32; self.lengths.len()];
        for term in &terms {
            let Some(postings) = self.postings.get(term) else {
                continue;
            };
            let df = postings.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(doc, tf) in postings {
                let tf = tf as f32;
                let norm = K1 * (1.0 - B + B * self.lengths[doc as usize] / self.average_length);
                scores[doc as usize] += idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(limit).map(|(id, _)| id).collect()
    }
}

/// The lemma side of the analyser (the word itself in Plain mode), every lemma of an
/// ambiguous form counted.
fn terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
    analyzer
        .analyze(text)
        .into_iter()
        .flat_map(|token| token.lemmas)
        .collect()
}
