//! A tiny deterministic PRNG (SplitMix64) and helpers to draw from vocabulary tables.
//!
//! Hand-written rather than a dependency so that the stream of numbers, and with it every seeded
//! database, can never change under us with a crate upgrade. Only integer arithmetic is used:
//! floating-point functions may round differently across platforms and break reproducibility.

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijection on `u64` that scrambles every input bit.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// The stream for item `n` of a generator seeded with `seed`. Each item gets its own stream so
    /// that items can be generated in any order, or alone, with the same result.
    pub(crate) fn for_item(seed: u64, n: u64) -> Rng {
        Rng(mix(mix(seed) ^ n))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n`, or 0 when `n` is 0. Multiply-shift instead of `%` avoids the slow
    /// division; its bias is far below anything a reader of demo data could notice.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `low..=high`.
    pub(crate) fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One entry of a non-empty table (the tables are constants, checked by tests).
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Visits the indexes `0..len` in a random order without repeating one until all have been seen,
/// then starts over. Articles draw sentences, captions and tags through it so that a paragraph
/// does not say the same thing twice, at the cost of two numbers and no allocation.
#[derive(Debug, Clone)]
pub(crate) struct Walk {
    position: usize,
    stride: usize,
    len: usize,
}

impl Walk {
    pub(crate) fn new(rng: &mut Rng, len: usize) -> Walk {
        let len = len.max(1);
        // Any stride coprime with `len` visits every index once per cycle; `len + 1` always is.
        let mut stride = 1 + rng.below(len);
        while gcd(stride, len) != 1 {
            stride += 1;
        }
        Walk { position: rng.below(len), stride, len }
    }

    pub(crate) fn step(&mut self) -> usize {
        let index = self.position;
        self.position = (self.position + self.stride) % self.len;
        index
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_forever() {
        // Reference values of SplitMix64 seeded with 0: if these change, every seeded database does.
        let mut rng = Rng(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn draws_stay_in_range() {
        let mut rng = Rng::for_item(7, 3);
        for n in 1..50 {
            assert!(rng.below(n) < n);
            let x = rng.between(n, n + 3);
            assert!((n..=n + 3).contains(&x));
        }
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn a_walk_visits_every_index_once_per_cycle() {
        let mut rng = Rng::for_item(1, 1);
        for len in 1..40 {
            let mut walk = Walk::new(&mut rng, len);
            let mut seen = vec![false; len];
            for _ in 0..len {
                let i = walk.step();
                assert!(!seen[i], "index {i} repeated within a cycle of {len}");
                seen[i] = true;
            }
        }
    }
}
