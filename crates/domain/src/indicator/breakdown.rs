//! Breakdowns (phân tổ) of a register figure by village, sex, ethnicity and age band. Every
//! breakdown partitions the figure's denominator and its numerator, so its numerators and
//! denominators sum to the figure's. Only groups with at least one child are listed. For event
//! rates (mortality, injuries) a group may have events but no children in the denominator (its
//! value is then `None`).
//!
//! These are working figures for the commune. Before a breakdown leaves the commune, small
//! cells (1–4 children) of sensitive indicators must be suppressed (research notes §6); that is
//! the report layer's job, not this module's.
use super::formulas::{Member, Selection};
use super::rate;
use crate::plan::Unit;
use crate::register::Sex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Age bands (nhóm tuổi), completed years on the as-of date (for events, on the event's date:
/// age at death, at the injury, at birth, at the first birthday):
/// * `0-4` dưới 5 tuổi (the under-5 targets 19, 20; mầm non age),
/// * `5-10` (mẫu giáo 5 tuổi and tiểu học age, 6–10),
/// * `11-15` (trung học cơ sở age, up to the Law on Children's limit of 16),
/// * `16-17` (người chưa thành niên past the Law's child age; only if the age limit is raised),
/// * `18+` (adults, ditto),
/// * `unknown` (no date of birth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "0-4")]
    Under5,
    #[serde(rename = "5-10")]
    From5To10,
    #[serde(rename = "11-15")]
    From11To15,
    #[serde(rename = "16-17")]
    From16To17,
    #[serde(rename = "18+")]
    Adult,
    #[serde(rename = "unknown")]
    Unknown,
}

impl AgeBand {
    /// The band of an age in completed years (`None`: unknown).
    pub fn of(age: Option<i32>) -> AgeBand {
        match age {
            None => AgeBand::Unknown,
            Some(a) if a < 5 => AgeBand::Under5,
            Some(a) if a <= 10 => AgeBand::From5To10,
            Some(a) if a <= 15 => AgeBand::From11To15,
            Some(a) if a <= 17 => AgeBand::From16To17,
            Some(_) => AgeBand::Adult,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            AgeBand::Under5 => "0-4",
            AgeBand::From5To10 => "5-10",
            AgeBand::From11To15 => "11-15",
            AgeBand::From16To17 => "16-17",
            AgeBand::Adult => "18+",
            AgeBand::Unknown => "unknown",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            AgeBand::Under5 => "Dưới 5 tuổi",
            AgeBand::From5To10 => "Từ 5 đến 10 tuổi",
            AgeBand::From11To15 => "Từ 11 đến 15 tuổi",
            AgeBand::From16To17 => "Từ 16 đến 17 tuổi",
            AgeBand::Adult => "Từ 18 tuổi trở lên",
            AgeBand::Unknown => "Không rõ tuổi",
        }
    }
}

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

fn sex_rank(s: Sex) -> usize {
    SEXES.iter().position(|x| *x == s).unwrap_or(2)
}

fn group<K: Ord, O>(
    sel: &Selection,
    unit: Option<Unit>,
    key: impl Fn(&Member) -> K,
    out: impl Fn(K) -> O,
) -> Vec<(O, Cell)> {
    let mut m: BTreeMap<K, (u64, u64)> = BTreeMap::new();
    for x in &sel.denominator {
        m.entry(key(x)).or_default().1 += 1;
    }
    for x in &sel.numerator {
        m.entry(key(x)).or_default().0 += 1;
    }
    m.into_iter()
        .map(|(k, (n, d))| {
            let cell = Cell {
                numerator: n,
                denominator: d,
                value: rate(n as f64, d as f64, unit).filter(|_| d > 0),
            };
            (out(k), cell)
        })
        .collect()
}

/// The breakdown of a selection; empty for aggregate counts (target 11).
pub(super) fn build(sel: &Selection, unit: Option<Unit>) -> Breakdown {
    if sel.counts.is_some() {
        return Breakdown::default();
    }
    Breakdown {
        by_village: group(sel, unit, |m| m.child.data.village.clone(), |k| k),
        by_sex: group(sel, unit, |m| sex_rank(m.child.data.sex), |r| SEXES[r]),
        by_ethnicity: group(
            sel,
            unit,
            |m| (m.child.data.ethnicity.is_none(), m.child.data.ethnicity),
            |(_, e)| e,
        ),
        by_age_band: group(sel, unit, |m| AgeBand::of(m.age), |b| b),
    }
}
