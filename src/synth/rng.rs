//! A small deterministic PRNG (SplitMix64) and keyed permutations, so that the sample commune is
//! identical for the same seed whatever the version of the `rand` crate.

/// SplitMix64 finaliser: a good 64-bit mixing function.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives an independent key from a seed and a stream label.
pub fn key(seed: u64, stream: u64) -> u64 {
    mix(mix(seed ^ 0x5851_F42D_4C95_7F2D).wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

/// SplitMix64 generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(mix(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in [lo, hi]; `lo` when the range is empty.
    pub fn range(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i32
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// Index drawn with the given (non-negative) weights.
    pub fn weighted(&mut self, ws: &[f64]) -> usize {
        let total: f64 = ws.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in ws.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        ws.len() - 1
    }

    /// Picks from (item, weight) pairs.
    pub fn pick_w<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u64 = xs.iter().map(|(_, w)| *w as u64).sum();
        let mut x = self.below(total);
        for (item, w) in xs {
            if x < *w as u64 {
                return *item;
            }
            x -= *w as u64;
        }
        xs[xs.len() - 1].0
    }
}

/// A keyed bijection of [0, half²) (a four-round Feistel network on two base-`half` digits):
/// distinct inputs give distinct outputs that look random.
pub fn permute(x: u64, half: u64, key: u64) -> u64 {
    let (mut l, mut r) = (x / half % half, x % half);
    for round in 0..4u64 {
        let f = mix(key ^ (round << 56) ^ r) % half;
        (l, r) = (r, (l + f) % half);
    }
    l * half + r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_a_bijection() {
        let mut seen = vec![false; 1_000_000];
        for x in 0..1_000_000 {
            let y = permute(x, 1000, 42) as usize;
            assert!(!seen[y]);
            seen[y] = true;
        }
    }

    #[test]
    fn rng_is_roughly_uniform() {
        let mut r = Rng::new(7);
        let mean: f64 = (0..100_000).map(|_| r.f64()).sum::<f64>() / 100_000.0;
        assert!((mean - 0.5).abs() < 0.01);
        assert!((0..1000).all(|_| r.below(6) < 6));
    }
}
