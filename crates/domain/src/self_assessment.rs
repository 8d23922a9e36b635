//! The child-friendly commune self-assessment (tự đánh giá xã phù hợp với trẻ em, Quyết định
//! 06/QĐ-TTg ngày 03/01/2019; hoạt động II.4, chỉ tiêu 1): the 13 criteria and their points as
//! data (`data/child-friendly-commune.toml`, [`Scorecard`]), a year's scores with evidence
//! notes checked against it ([`SelfAssessment::parse`]), and the outcome ([`Outcome`]): the
//! total against the commune's threshold (≥ 800 for a mountainous commune), no criterion at 0,
//! every criterion scored. Target 1's status is the outcome's `met`.
use crate::role::Role;
use crate::validation::{self, FieldErrors};
use crate::Date;
use serde::{Deserialize, Serialize};

/// The embedded scorecard.
pub const EMBEDDED: &str = include_str!("../data/child-friendly-commune.toml");

/// The longest evidence note kept for one criterion (characters).
pub const MAX_EVIDENCE: usize = 2_000;

/// The criteria, their points and the thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub decision: String,
    /// Which of `thresholds` applies to this commune.
    pub category: String,
    pub thresholds: std::collections::BTreeMap<String, u32>,
    pub criteria: Vec<Criterion>,
}

/// One of the 13 criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub number: u8,
    pub name: String,
    /// The most points it may score.
    pub max: u32,
    /// Whether `max` (and `parts`) were read in the decision itself.
    pub verified: bool,
    /// Its sub-items and their points, in words.
    #[serde(default)]
    pub parts: String,
    #[serde(default)]
    pub prefill: Option<Prefill>,
}

/// A criterion that is a rate treem computes: the register indicator, and optionally the score
/// suggested once the rate reaches `at_least` %.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prefill {
    pub indicator: String,
    #[serde(default)]
    pub at_least: Option<f64>,
    #[serde(default)]
    pub points: Option<u32>,
}

impl Default for Scorecard {
    fn default() -> Self {
        Scorecard::read(EMBEDDED).expect("embedded child-friendly-commune.toml")
    }
}

impl Scorecard {
    /// Reads and checks a scorecard: criteria numbered 1.. once each, points above 0, a
    /// threshold for the category within the maximum total.
    pub fn read(text: &str) -> Result<Scorecard, String> {
        let card: Scorecard = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut seen = std::collections::BTreeSet::new();
        for c in &card.criteria {
            if c.number == 0 || !seen.insert(c.number) {
                return Err(format!("tiêu chí số {} trùng hoặc không hợp lệ", c.number));
            }
            if c.max == 0 {
                return Err(format!("tiêu chí {}: điểm tối đa phải lớn hơn 0", c.number));
            }
            if let Some(p) = &c.prefill {
                if p.points.is_some_and(|x| x > c.max) {
                    return Err(format!(
                        "tiêu chí {}: điểm gợi ý vượt điểm tối đa",
                        c.number
                    ));
                }
            }
        }
        let t = card
            .thresholds
            .get(&card.category)
            .ok_or_else(|| format!("không có ngưỡng cho loại xã «{}»", card.category))?;
        if *t > card.max_total() {
            return Err(format!(
                "ngưỡng {t} vượt tổng điểm tối đa {}",
                card.max_total()
            ));
        }
        Ok(card)
    }

    pub fn max_total(&self) -> u32 {
        self.criteria.iter().map(|c| c.max).sum()
    }

    /// The total the commune must reach.
    pub fn threshold(&self) -> u32 {
        self.thresholds.get(&self.category).copied().unwrap_or(0)
    }

    pub fn criterion(&self, number: u8) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.number == number)
    }

    /// The outcome of `scores` (criteria not scored count as missing).
    pub fn outcome(&self, scores: &[CriterionScore]) -> Outcome {
        let score_of = |n: u8| {
            scores
                .iter()
                .find(|s| s.criterion == n)
                .and_then(|s| s.score)
        };
        let total = self
            .criteria
            .iter()
            .filter_map(|c| score_of(c.number))
            .sum();
        let zero: Vec<u8> = self
            .criteria
            .iter()
            .filter(|c| score_of(c.number) == Some(0))
            .map(|c| c.number)
            .collect();
        let missing: Vec<u8> = self
            .criteria
            .iter()
            .filter(|c| score_of(c.number).is_none())
            .map(|c| c.number)
            .collect();
        let threshold = self.threshold();
        let met = if missing.is_empty() {
            Some(zero.is_empty() && total >= threshold)
        } else {
            None
        };
        Outcome {
            total,
            max_total: self.max_total(),
            threshold,
            zero,
            missing,
            met,
        }
    }
}

/// The score suggested for a criterion whose rate treem computes: its `points` once the rate
/// reaches `at_least`; `None` otherwise (the official scores it).
pub fn suggested(c: &Criterion, rate: Option<f64>) -> Option<u32> {
    let p = c.prefill.as_ref()?;
    match (rate, p.at_least, p.points) {
        (Some(r), Some(min), Some(points)) if r >= min => Some(points),
        _ => None,
    }
}

/// One criterion as entered: its score (none yet while not assessed) and the evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub criterion: u8,
    pub score: Option<u32>,
    #[serde(default)]
    pub evidence: String,
}

/// A year's self-assessment as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfAssessment {
    pub year: i16,
    /// The day of the assessment meeting.
    pub date: Date,
    pub scores: Vec<CriterionScore>,
}

/// What a year's scores come to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub total: u32,
    pub max_total: u32,
    pub threshold: u32,
    /// Criteria scored 0: any one of them fails the commune.
    pub zero: Vec<u8>,
    /// Criteria not scored yet.
    pub missing: Vec<u8>,
    /// Đạt (all scored, none 0, total ≥ threshold), chưa đạt, or `None` while not all scored.
    pub met: Option<bool>,
}

impl Outcome {
    /// The outcome in words.
    pub fn label_vi(&self) -> String {
        match self.met {
            Some(true) => format!(
                "Đạt: {} điểm, ngưỡng {}, không tiêu chí nào 0 điểm",
                self.total, self.threshold
            ),
            Some(false) if !self.zero.is_empty() => {
                format!("Chưa đạt: tiêu chí {} bị 0 điểm", numbers(&self.zero))
            }
            Some(false) => format!(
                "Chưa đạt: {} điểm, dưới ngưỡng {}",
                self.total, self.threshold
            ),
            None => format!(
                "Chưa chấm đủ: còn tiêu chí {} chưa có điểm ({} điểm đến nay)",
                numbers(&self.missing),
                self.total
            ),
        }
    }
}

fn numbers(v: &[u8]) -> String {
    v.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plan's targets measured by the self-assessment (`source = { kind = "assessment" }`):
/// target 1 in the Sính Phình plan.
pub fn assessment_targets(plan: &crate::plan::Plan) -> Vec<u16> {
    plan.targets
        .iter()
        .filter(|t| matches!(t.source, crate::plan::Source::Assessment))
        .map(|t| t.number)
        .collect()
}

/// The rate treem computes for `indicator` (a register indicator's plan-file name): the figure
/// of the plan's target computed by it, when the plan has one and it has a value.
pub fn rate_of(
    plan: &crate::plan::Plan,
    results: &[crate::indicator::TargetResult],
    indicator: &str,
) -> Option<f64> {
    let by = |s: &crate::plan::Source| matches!(s, crate::plan::Source::Register { indicator: i } if i == indicator);
    plan.targets.iter().find_map(|t| {
        let r = results.iter().find(|r| r.number == t.number)?;
        if by(&t.source) {
            r.figure.value
        } else if t.secondary.as_ref().is_some_and(|s| by(&s.source)) {
            r.secondary.as_ref()?.value
        } else {
            None
        }
    })
}

/// Who enters the self-assessment: the officer (Phòng Văn hóa - Xã hội owns target 1).
pub fn may_enter(role: Role) -> bool {
    role == Role::Officer
}

/// Who reads it: those who see the plan.
pub fn may_read(role: Role) -> bool {
    role.sees_plan()
}

/// One criterion as typed: the score as text ("" = not yet scored).
#[derive(Debug, Clone, Default)]
pub struct TypedScore {
    pub criterion: u8,
    pub score: String,
    pub evidence: String,
}

impl SelfAssessment {
    /// Reads a year's self-assessment as typed: the meeting's date (in `year`, not after
    /// `today`), each score a whole number from 0 to the criterion's maximum, every criterion
    /// known and at most once. Each problem named by its field in Vietnamese.
    pub fn parse(
        card: &Scorecard,
        year: i16,
        date: &str,
        typed: &[TypedScore],
        today: Date,
    ) -> Result<SelfAssessment, FieldErrors> {
        let mut errs = FieldErrors::default();
        let date = match date.trim() {
            "" => {
                errs.push("date", "cần ghi ngày họp đánh giá");
                None
            }
            text => match validation::parse_date(text) {
                None => {
                    errs.push("date", validation::date_problem(text));
                    None
                }
                Some(d) if d > today => {
                    errs.push("date", "ngày đánh giá ở sau hôm nay");
                    None
                }
                Some(d) if d.year() != year => {
                    errs.push("date", format!("ngày đánh giá phải trong năm {year}"));
                    None
                }
                Some(d) => Some(d),
            },
        };
        let mut scores: Vec<CriterionScore> = Vec::new();
        for t in typed {
            let field = format!("criteria.{}", t.criterion);
            let Some(c) = card.criterion(t.criterion) else {
                errs.push(&field, format!("không có tiêu chí số {}", t.criterion));
                continue;
            };
            if scores.iter().any(|s| s.criterion == t.criterion) {
                errs.push(&field, format!("tiêu chí {} ghi hai lần", c.number));
                continue;
            }
            let score = match t.score.trim() {
                "" => None,
                s => match s.parse::<i64>() {
                    Ok(n) if n < 0 => {
                        errs.push(
                            &field,
                            format!("điểm tiêu chí {} «{}» không được âm", c.number, c.name),
                        );
                        None
                    }
                    Ok(n) if n > c.max as i64 => {
                        errs.push(
                            &field,
                            format!(
                                "điểm tiêu chí {} «{}» là {n}, vượt điểm tối đa {}",
                                c.number, c.name, c.max
                            ),
                        );
                        None
                    }
                    Ok(n) => Some(n as u32),
                    Err(_) => {
                        errs.push(
                            &field,
                            format!(
                                "điểm tiêu chí {} «{}» phải là số nguyên: «{s}»",
                                c.number, c.name
                            ),
                        );
                        None
                    }
                },
            };
            let evidence = t.evidence.trim().to_string();
            if evidence.chars().count() > MAX_EVIDENCE {
                errs.push(
                    &field,
                    format!(
                        "ghi chú minh chứng tiêu chí {} dài quá {MAX_EVIDENCE} ký tự",
                        c.number
                    ),
                );
            }
            scores.push(CriterionScore {
                criterion: c.number,
                score,
                evidence,
            });
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        scores.sort_by_key(|s| s.criterion);
        Ok(SelfAssessment {
            year,
            date: date.expect("checked"),
            scores,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn typed(scores: &[(u8, &str)]) -> Vec<TypedScore> {
        scores
            .iter()
            .map(|(c, s)| TypedScore {
                criterion: *c,
                score: s.to_string(),
                evidence: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_embedded_card_has_13_criteria_on_1000_points_and_800_for_the_mountains() {
        let card = Scorecard::default();
        assert_eq!(card.criteria.len(), 13);
        assert_eq!(card.max_total(), 1000);
        assert_eq!(card.threshold(), 800);
        // Verified: criteria 1, 6 and 7 only.
        let verified: Vec<u8> = card
            .criteria
            .iter()
            .filter(|c| c.verified)
            .map(|c| c.number)
            .collect();
        assert_eq!(verified, vec![1, 6, 7]);
        assert_eq!(card.criterion(6).unwrap().max, 125);
    }

    #[test]
    fn total_against_threshold_and_no_zero() {
        let card = Scorecard::default();
        let today = d("2026-12-06");
        // 13 scores adding up by hand: 80+60+60+60+60+100+50+60+50+50+50+50+50 = 780.
        let s = [80, 60, 60, 60, 60, 100, 50, 60, 50, 50, 50, 50, 50u32];
        let t: Vec<(u8, String)> = s
            .iter()
            .enumerate()
            .map(|(i, v)| (i as u8 + 1, v.to_string()))
            .collect();
        let t: Vec<(u8, &str)> = t.iter().map(|(c, v)| (*c, v.as_str())).collect();
        let a = SelfAssessment::parse(&card, 2026, "15/11/2026", &typed(&t), today).unwrap();
        let o = card.outcome(&a.scores);
        assert_eq!(o.total, 780);
        assert_eq!(o.met, Some(false));
        // 20 more points on criterion 1: 800, met.
        let mut t2 = t.clone();
        t2[0].1 = "100";
        let a = SelfAssessment::parse(&card, 2026, "15/11/2026", &typed(&t2), today).unwrap();
        let o = card.outcome(&a.scores);
        assert_eq!((o.total, o.met), (800, Some(true)));
        // A zero anywhere fails it, whatever the total.
        let mut t3 = t2.clone();
        t3[12].1 = "0";
        let a = SelfAssessment::parse(&card, 2026, "15/11/2026", &typed(&t3), today).unwrap();
        let o = card.outcome(&a.scores);
        assert_eq!(o.zero, vec![13]);
        assert_eq!(o.met, Some(false));
        assert!(o.label_vi().contains("tiêu chí 13 bị 0 điểm"));
        // A criterion left blank: not concluded.
        let a = SelfAssessment::parse(&card, 2026, "15/11/2026", &typed(&t2[..12]), today).unwrap();
        assert_eq!(card.outcome(&a.scores).met, None);
    }

    #[test]
    fn a_score_above_the_maximum_names_the_criterion() {
        let card = Scorecard::default();
        let e = SelfAssessment::parse(
            &card,
            2026,
            "15/11/2026",
            &typed(&[(7, "51"), (1, "-3"), (2, "abc"), (14, "1")]),
            d("2026-12-06"),
        )
        .unwrap_err();
        let m = e.for_field("criteria.7").unwrap();
        assert!(
            m.contains("tiêu chí 7") && m.contains("vượt điểm tối đa 50"),
            "{m}"
        );
        assert!(e.for_field("criteria.1").unwrap().contains("không được âm"));
        assert!(e.for_field("criteria.2").unwrap().contains("số nguyên"));
        assert!(e.for_field("criteria.14").is_some());
    }

    #[test]
    fn the_date_lies_in_the_year_and_not_ahead() {
        let card = Scorecard::default();
        let today = d("2026-12-06");
        for bad in ["07/12/2026", "15/11/2025", "", "31/02/2026"] {
            let e = SelfAssessment::parse(&card, 2026, bad, &[], today).unwrap_err();
            assert!(e.for_field("date").is_some(), "{bad}");
        }
    }

    #[test]
    fn a_rate_suggests_points_only_at_its_threshold() {
        let card = Scorecard::default();
        let c7 = card.criterion(7).unwrap();
        assert_eq!(suggested(c7, Some(98.5)), Some(50));
        assert_eq!(suggested(c7, Some(97.9)), None);
        assert_eq!(suggested(c7, None), None);
        assert_eq!(suggested(card.criterion(3).unwrap(), Some(100.0)), None);
    }

    #[test]
    fn a_card_with_a_threshold_above_its_total_is_refused() {
        let text = EMBEDDED.replace("mountainous = 800", "mountainous = 1800");
        assert!(Scorecard::read(&text).is_err());
    }
}
