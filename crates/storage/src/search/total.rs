//! How many children a search found: exact, or counted to a bound and said to be more.

/// Rows of `child_token` per child at most, in practice (the words of a name and its aliases
/// that share a prefix): the count of a bounded search reads this many rows per child it needs.
pub(super) const TOKENS_PER_CHILD: i64 = 3;

/// A count of matches, and whether there are more.
pub(super) struct Total {
    pub n: i64,
    pub more: bool,
}

impl Total {
    pub fn exact(n: i64) -> Total {
        Total { n, more: false }
    }

    /// `n` counted, the reading stopped early (`cut`) or not, against `bound`.
    pub fn bounded(n: i64, cut: bool, bound: i64) -> Total {
        if n > bound {
            Total {
                n: bound,
                more: true,
            }
        } else {
            Total { n, more: cut }
        }
    }
}
