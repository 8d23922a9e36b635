//! Direction of a target's figure over successive periods (xu hướng).
use super::Period;
use crate::plan::{Comparator, Target};
use serde::{Deserialize, Serialize};

/// Where the last two moves of a figure went, relative to the target's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Both of the last two moves went away from the target (down for "đạt ít nhất", up for
    /// "không quá" / "dưới" / "giảm").
    Worsening,
    /// Both of the last two moves went toward the target.
    Improving,
    /// Anything else: one each way, or a move of zero.
    Mixed,
}

impl Trend {
    pub fn label_vi(self) -> &'static str {
        match self {
            Trend::Worsening => "xấu đi hai kỳ liên tiếp",
            Trend::Improving => "tiến bộ hai kỳ liên tiếp",
            Trend::Mixed => "chưa rõ xu hướng",
        }
    }
}

/// How many periods a trend reads: the latest, and the two moves into it.
pub const TREND_POINTS: usize = 3;

/// Moves smaller than this are no move at all (float noise).
const EPS: f64 = 1e-9;

/// The trend of a target's (first) figure over `history` (periods with their figure, in any
/// order; the current period included).
///
/// Rule: order by period end, take the three latest periods; they must all have a figure
/// (a period without data breaks the run: "two periods in a row" means consecutive periods).
/// With x₀, x₁, x₂ the figures from oldest to latest, the moves are x₁ − x₀ and x₂ − x₁; a move
/// is away from the target when it goes down for targets aimed up (`at_least`, `above`,
/// `keep_at`) or up for targets aimed down (`at_most`, `below`, `reduce_by_percent`). Both moves
/// away: [`Trend::Worsening`] ("có nguy cơ": [`super::compute_all_with`] turns a met target
/// with this trend into [`super::TargetStatus::AtRisk`]); both toward: [`Trend::Improving`];
/// otherwise [`Trend::Mixed`].
///
/// `None` with fewer than three periods, a missing figure among the last three, or a
/// qualitative target. Pass periods of the same kind (e.g. successive half-years); the
/// function does not check that.
pub fn trend_status(history: &[(Period, Option<f64>)], target: &Target) -> Option<Trend> {
    if target.comparator == Comparator::Qualitative || history.len() < TREND_POINTS {
        return None;
    }
    let mut h: Vec<&(Period, Option<f64>)> = history.iter().collect();
    h.sort_by_key(|(p, _)| (p.end, p.start));
    let last: Vec<f64> = h[h.len() - TREND_POINTS..]
        .iter()
        .map(|(_, v)| v.filter(|x| x.is_finite()))
        .collect::<Option<Vec<f64>>>()?;
    let down = target.comparator.lowers();
    let away = |d: f64| if down { d > EPS } else { d < -EPS };
    let toward = |d: f64| if down { d < -EPS } else { d > EPS };
    let (d1, d2) = (last[1] - last[0], last[2] - last[1]);
    Some(if away(d1) && away(d2) {
        Trend::Worsening
    } else if toward(d1) && toward(d2) {
        Trend::Improving
    } else {
        Trend::Mixed
    })
}
