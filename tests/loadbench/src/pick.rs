//! Which of several request bodies a request sends: in turn, drawn uniformly, or drawn
//! from a Zipf distribution (s = 1) over the bodies' order, the first the most popular,
//! as page views of a large site are spread: a few articles read very often, a long
//! tail read now and then.
//!
//! The draws come from a seeded xorshift generator, so a run's sequence of bodies is the
//! same every time.

use std::sync::atomic::{AtomicU64, Ordering};

/// How requests choose among the bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pick {
    /// One after another, starting again at the first.
    InTurn,
    /// Each body equally likely.
    Uniform,
    /// Body k (from 1) with probability proportional to 1/k.
    Zipf,
}

/// Chooses body indices for requests; shared by every connection.
#[derive(Debug)]
pub struct BodyPicker {
    pick: Pick,
    count: usize,
    /// For Zipf: the cumulative probability up to each body, the last 1.0.
    cumulative: Vec<f64>,
    state: AtomicU64,
}

impl BodyPicker {
    pub fn new(pick: Pick, count: usize) -> Self {
        let cumulative = if pick == Pick::Zipf {
            let mut running = 0.0;
            let mut cumulative: Vec<f64> = (1..=count)
                .map(|rank| {
                    running += 1.0 / rank as f64;
                    running
                })
                .collect();
            for value in &mut cumulative {
                *value /= running;
            }
            cumulative
        } else {
            Vec::new()
        };
        Self {
            pick,
            count: count.max(1),
            cumulative,
            state: AtomicU64::new(0x9E37_79B9_7F4A_7C15),
        }
    }

    /// The body of request number `sequence`.
    pub fn index(&self, sequence: u64) -> usize {
        match self.pick {
            Pick::InTurn => usize::try_from(sequence % self.count as u64).unwrap_or_default(),
            Pick::Uniform => usize::try_from(self.next() % self.count as u64).unwrap_or_default(),
            Pick::Zipf => {
                // 53 random bits as a fraction in [0, 1).
                let draw = (self.next() >> 11) as f64 / (1_u64 << 53) as f64;
                self.cumulative
                    .partition_point(|&cumulative| cumulative <= draw)
                    .min(self.count - 1)
            }
        }
    }

    /// The next number of a xorshift64* sequence.
    fn next(&self) -> u64 {
        let mut current = self.state.load(Ordering::Relaxed);
        loop {
            let mut next = current;
            next ^= next >> 12;
            next ^= next << 25;
            next ^= next >> 27;
            match self.state.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next.wrapping_mul(0x2545_F491_4F6C_DD1D),
                Err(seen) => current = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pick: Pick, bodies: usize, draws: u64) -> Vec<u64> {
        let picker = BodyPicker::new(pick, bodies);
        let mut counts = vec![0; bodies];
        for sequence in 0..draws {
            counts[picker.index(sequence)] += 1;
        }
        counts
    }

    #[test]
    fn in_turn_goes_round() {
        assert_eq!(counts(Pick::InTurn, 3, 7), [3, 2, 2]);
    }

    #[test]
    fn uniform_draws_every_body_about_as_often() {
        let counts = counts(Pick::Uniform, 10, 100_000);
        assert!(
            counts.iter().all(|&count| (9_000..11_000).contains(&count)),
            "{counts:?}"
        );
    }

    #[test]
    fn zipf_draws_the_kth_body_one_kth_as_often_as_the_first() {
        let counts = counts(Pick::Zipf, 1_000, 1_000_000);
        // H(1000) is about 7.485: the first body takes about 13.4 % of the draws.
        let first = counts[0] as f64 / 1_000_000.0;
        assert!((0.128..0.139).contains(&first), "{first}");
        let ratio = counts[0] as f64 / counts[9] as f64;
        assert!((9.0..11.0).contains(&ratio), "{ratio}");
        assert!(counts[999] > 0);
    }
}
