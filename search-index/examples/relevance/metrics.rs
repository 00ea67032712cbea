//! MRR@10 and Success@10 over a set of queries.

#[derive(Default, Clone, Copy)]
pub struct Scores {
    pub queries: usize,
    reciprocal_ranks: f64,
    successes: usize,
}

impl Scores {
    /// Adds one query: its ranked results and its relevant page ids.
    pub fn add(&mut self, ranked: &[usize], relevant: &[usize]) {
        self.queries += 1;
        if let Some(rank) = ranked.iter().take(10).position(|id| relevant.contains(id)) {
            self.reciprocal_ranks += 1.0 / (rank + 1) as f64;
            self.successes += 1;
        }
    }

    pub fn mrr(&self) -> f64 {
        self.reciprocal_ranks / self.queries.max(1) as f64
    }

    pub fn success(&self) -> f64 {
        self.successes as f64 / self.queries.max(1) as f64
    }
}
