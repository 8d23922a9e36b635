//! What it would take to compute from records each target whose figure is typed in
//! (`data/reported-needs.toml`, keyed by the target's number), shown on the target's page; and
//! whether a target's figure is computed from records or typed in, as the dashboard marks it.
use crate::plan::Source;
use serde::{Deserialize, Serialize};

/// The embedded list.
pub const EMBEDDED: &str = include_str!("../data/reported-needs.toml");

/// For one target: the records that would compute it, and who holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    pub target: u16,
    pub records: String,
    pub who: String,
}

#[derive(Deserialize)]
struct File {
    needs: Vec<Need>,
}

/// Every entry of the embedded list.
pub fn all() -> Vec<Need> {
    toml::from_str::<File>(EMBEDDED)
        .expect("embedded reported-needs.toml")
        .needs
}

/// What target `number` would need, when its figure is typed in (`source`); `None` for a
/// figure computed from records or a target not listed.
pub fn for_target(number: u16, source: &Source) -> Option<Need> {
    if !is_typed(source) {
        return None;
    }
    all().into_iter().find(|n| n.target == number)
}

/// Whether a figure is typed in by an agency (not computed from records or an assessment).
pub fn is_typed(source: &Source) -> bool {
    matches!(source, Source::Reported)
}

/// The dashboard's mark of a figure: «nhập tay» or «tính từ hồ sơ».
pub fn origin_vi(source: &Source) -> &'static str {
    if is_typed(source) {
        "nhập tay"
    } else {
        "tính từ hồ sơ"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_typed_target_of_the_seed_plan_says_what_it_needs() {
        let text = include_str!("../../../plans/sinh-phinh-2026.toml");
        let plan = crate::plan::Plan::from_toml(text).expect("seed plan");
        let mut seen = 0;
        for t in &plan.targets {
            if is_typed(&t.source) {
                let n = for_target(t.number, &t.source)
                    .unwrap_or_else(|| panic!("target {} has no entry", t.number));
                assert!(!n.records.is_empty());
                seen += 1;
                assert_eq!(origin_vi(&t.source), "nhập tay");
            } else {
                assert!(for_target(t.number, &t.source).is_none());
                assert_eq!(origin_vi(&t.source), "tính từ hồ sơ");
            }
        }
        // 2, 12, 20 and 22-25: the plan's targets no record carries yet.
        assert_eq!(seen, 7);
    }
}
