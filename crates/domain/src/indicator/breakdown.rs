//! Breakdowns (phân tổ) of a register figure by village, sex, ethnicity and age band. Every
//! breakdown partitions the figure's denominator and its numerator, so its numerators and
//! denominators sum to the figure's. Only groups with at least one child are listed. For event
//! rates (mortality, injuries) a group may have events but no children in the denominator (its
//! value is then `None`).
//!
//! These are working figures for the commune. Before a breakdown leaves the commune, small
//! cells (1–4 children) of sensitive indicators must be suppressed (research notes §6); that is
//! the report layer's job, not this module's.
use super::rate;
use super::selection::{Member, Selection};
pub use crate::age::AgeBand;
use crate::plan::Unit;
use crate::register::Sex;
use serde::{Deserialize, Serialize};

/// One group of a breakdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub numerator: u64,
    pub denominator: u64,
    /// Same unit as the figure; `None` when the denominator is 0.
    pub value: Option<f64>,
}

/// A register figure broken down four ways; empty for reported and assessment figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// By village code, in code order.
    pub by_village: Vec<(String, Cell)>,
    /// Male, female, unknown.
    pub by_sex: Vec<(Sex, Cell)>,
    /// By ethnicity code (QĐ 1019/QĐ-TCTK) ascending, unknown (`None`) last.
    pub by_ethnicity: Vec<(Option<u8>, Cell)>,
    /// By [`AgeBand`], youngest first.
    pub by_age_band: Vec<(AgeBand, Cell)>,
}

impl Breakdown {
    pub fn is_empty(&self) -> bool {
        self.by_village.is_empty()
            && self.by_sex.is_empty()
            && self.by_ethnicity.is_empty()
            && self.by_age_band.is_empty()
    }
}

const SEXES: [Sex; 3] = [Sex::Male, Sex::Female, Sex::Unknown];

const BANDS: [AgeBand; 6] = [
    AgeBand::Under5,
    AgeBand::From5To10,
    AgeBand::From11To15,
    AgeBand::From16To17,
    AgeBand::Adult,
    AgeBand::Unknown,
];

/// (numerator, denominator) per group; a group is listed when either is non-zero.
type Counts = (u64, u64);

fn cell(unit: Option<Unit>, (n, d): Counts) -> Cell {
    Cell {
        numerator: n,
        denominator: d,
        value: rate(n as f64, d as f64, unit).filter(|_| d > 0),
    }
}

/// Counts by village, sex, ethnicity (256 codes, then unknown) and age band, from the members'
/// [`super::prepared::Key`]s.
struct Tally {
    villages: Vec<Counts>,
    sex: [Counts; 3],
    ethnicity: Vec<Counts>,
    band: [Counts; 6],
}

impl Tally {
    fn add(&mut self, m: &Member, numerator: bool) {
        fn bump(c: &mut Counts, numerator: bool) {
            if numerator {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        bump(&mut self.villages[m.key.village as usize], numerator);
        bump(&mut self.sex[usize::from(m.key.sex)], numerator);
        bump(&mut self.ethnicity[usize::from(m.key.ethnicity)], numerator);
        bump(&mut self.band[AgeBand::of(m.age) as usize], numerator);
    }
}

/// The breakdown of a selection; empty for aggregate counts (target 11). `villages`: the codes
/// the members' keys index.
pub(super) fn build(sel: &Selection, unit: Option<Unit>, villages: &[&str]) -> Breakdown {
    if sel.counts.is_some() {
        return Breakdown::default();
    }
    let mut t = Tally {
        villages: vec![(0, 0); villages.len()],
        sex: [(0, 0); 3],
        ethnicity: vec![(0, 0); 257],
        band: [(0, 0); 6],
    };
    for m in &sel.denominator {
        t.add(m, false);
    }
    for m in &sel.numerator {
        t.add(m, true);
    }
    let listed = |c: &Counts| c.0 > 0 || c.1 > 0;
    let mut by_village: Vec<(&str, Counts)> = villages
        .iter()
        .zip(t.villages)
        .filter(|(_, c)| listed(c))
        .map(|(v, c)| (*v, c))
        .collect();
    by_village.sort_by(|a, b| a.0.cmp(b.0));
    Breakdown {
        by_village: by_village
            .into_iter()
            .map(|(k, c)| (k.to_string(), cell(unit, c)))
            .collect(),
        by_sex: SEXES
            .iter()
            .zip(t.sex)
            .filter(|(_, c)| listed(c))
            .map(|(s, c)| (*s, cell(unit, c)))
            .collect(),
        // Known codes ascending, unknown last.
        by_ethnicity: t
            .ethnicity
            .iter()
            .enumerate()
            .filter(|(_, c)| listed(c))
            .map(|(e, c)| (u8::try_from(e).ok(), cell(unit, *c)))
            .collect(),
        by_age_band: BANDS
            .iter()
            .zip(t.band)
            .filter(|(_, c)| listed(c))
            .map(|(b, c)| (*b, cell(unit, c)))
            .collect(),
    }
}
