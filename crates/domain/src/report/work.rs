//! What the records say for a report's period (công tác trong kỳ): each agency's section
//! carries a short list of counts from its records — supports, distributions, disasters,
//! child marriages, disability follow-ups, forums and events for the officer; communication
//! events, trainings and hazard sites for the services centre; the budget for the economic
//! office; the forums it recorded for the office. Counts only, never a name: storage counts
//! ([`WorkCounts`]), this module words them ([`work_lines`]). The lines are frozen with the
//! report at approval ([`super::SectionText::lines`]) and stay out of the province package.
use crate::activity::{ActivityKind, Answer, Occasion};
use crate::budget::{amount_vi, FundingSource};
use crate::date::Period;
use crate::role::Role;
use crate::support::SupportKind;
use serde::{Deserialize, Serialize};

/// One line under an agency's heading: "Số trẻ em được hỗ trợ" — "12 em".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkLine {
    pub label: String,
    pub value: String,
}

/// Supports of one kind as stored (the kind's stored words).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportTally {
    pub kind: String,
    /// Supports given.
    pub given: u64,
    /// Their value, đồng (those without a value count 0).
    pub value: i64,
}

/// Activities of one kind and occasion recorded by accounts of one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityTally {
    pub kind: ActivityKind,
    pub occasion: Option<Occasion>,
    /// The role of the account that recorded them (`None`: an account without a known role).
    pub recorded_by: Option<Role>,
    pub count: u64,
    pub girls: u64,
    pub boys: u64,
    pub total: u64,
    pub adults: u64,
    pub materials: u64,
}

/// A funding source's planned and spent amounts, đồng.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetTally {
    pub source: FundingSource,
    /// Planned for the report's year.
    pub planned: i64,
    /// Spent within the period.
    pub spent: i64,
}

/// The period's records, counted by storage (no names, no ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub period: Option<Period>,
    /// Children who received at least one support in the period.
    pub support_children: u64,
    pub supports: Vec<SupportTally>,
    /// Distribution lists (danh sách cấp phát) and the children on them.
    pub distributions: u64,
    pub distribution_children: u64,
    pub disasters: u64,
    pub disaster_children: u64,
    pub disaster_helped: u64,
    pub marriages: u64,
    pub marriages_prevented: u64,
    /// Child marriages over the same days a year earlier.
    pub marriages_last_year: u64,
    pub disability_followups: u64,
    pub disability_children: u64,
    pub activities: Vec<ActivityTally>,
    /// Forum recommendations by answer.
    pub recommendations: Vec<(Answer, u64)>,
    /// Hazard sites as recorded now: not yet fixed, fixed; inspections in the period.
    pub hazards_open: u64,
    pub hazards_fixed: u64,
    pub hazard_inspections: u64,
    pub budget: Vec<BudgetTally>,
}

/// A count as officials write it: "1.234".
pub fn count_vi(n: u64) -> String {
    amount_vi(n.min(i64::MAX as u64) as i64)
}

/// An amount of đồng: "1.234.567 đ".
pub fn money_vi(v: i64) -> String {
    format!("{} đ", amount_vi(v))
}

fn line(label: impl Into<String>, value: impl Into<String>) -> WorkLine {
    WorkLine {
        label: label.into(),
        value: value.into(),
    }
}

impl WorkCounts {
    fn activities_of(&self, kind: ActivityKind) -> impl Iterator<Item = &ActivityTally> {
        self.activities.iter().filter(move |a| a.kind == kind)
    }

    /// The sum of the tallies matching `keep`: (count, girls, boys, total, adults, materials).
    fn sum(&self, keep: impl Fn(&ActivityTally) -> bool) -> [u64; 6] {
        self.activities
            .iter()
            .filter(|a| keep(a))
            .fold([0; 6], |s, a| {
                [
                    s[0] + a.count,
                    s[1] + a.girls,
                    s[2] + a.boys,
                    s[3] + a.total,
                    s[4] + a.adults,
                    s[5] + a.materials,
                ]
            })
    }

    /// Whether the period reaches into June (the Month of Action, 01/06–30/06).
    fn covers_june(&self) -> bool {
        self.period.is_some_and(|p| {
            let june = |y: i16| (jiff::civil::date(y, 6, 1), jiff::civil::date(y, 6, 30));
            (p.start.year()..=p.end.year()).any(|y| {
                let (a, b) = june(y);
                p.start <= b && a <= p.end
            })
        })
    }
}

fn forum_lines(c: &WorkCounts, keep: impl Fn(&ActivityTally) -> bool, out: &mut Vec<WorkLine>) {
    let f = c.sum(|a| a.kind == ActivityKind::Forum && keep(a));
    if f[0] == 0 {
        return;
    }
    out.push(line(
        "Diễn đàn, hỏi ý kiến trẻ em",
        format!(
            "{} cuộc; {} trẻ em tham gia ({} em gái, {} em trai)",
            count_vi(f[0]),
            count_vi(f[3]),
            count_vi(f[1]),
            count_vi(f[2])
        ),
    ));
}

/// The lines of the section of an agency acting as `role` (the plan's agency role; `None`
/// for an agency without an account, whose section has no lines).
pub fn work_lines(role: Option<Role>, c: &WorkCounts) -> Vec<WorkLine> {
    let mut out = Vec::new();
    match role {
        Some(Role::Officer) => officer_lines(c, &mut out),
        Some(Role::Services) => services_lines(c, &mut out),
        Some(Role::Economic) => budget_lines(c, &mut out),
        Some(Role::Office) => {
            forum_lines(c, |a| a.recorded_by == Some(Role::Office), &mut out);
        }
        _ => {}
    }
    out
}

fn officer_lines(c: &WorkCounts, out: &mut Vec<WorkLine>) {
    let given: u64 = c.supports.iter().map(|s| s.given).sum();
    let value: i64 = c.supports.iter().map(|s| s.value).sum();
    out.push(line(
        "Trẻ em được hỗ trợ",
        format!(
            "{} em, {} lượt hỗ trợ, tổng giá trị {}",
            count_vi(c.support_children),
            count_vi(given),
            money_vi(value)
        ),
    ));
    let mut kinds: Vec<(SupportKind, u64, i64)> = Vec::new();
    for s in &c.supports {
        let k = SupportKind::of_record(&s.kind);
        match kinds.iter_mut().find(|x| x.0 == k) {
            Some(x) => {
                x.1 += s.given;
                x.2 += s.value;
            }
            None => kinds.push((k, s.given, s.value)),
        }
    }
    kinds.sort_by_key(|x| SupportKind::ALL.iter().position(|k| *k == x.0));
    for (k, n, v) in kinds {
        out.push(line(
            format!("– {}", k.label_vi()),
            format!("{} lượt, {}", count_vi(n), money_vi(v)),
        ));
    }
    if c.distributions > 0 {
        out.push(line(
            "Danh sách cấp phát",
            format!(
                "{} danh sách, {} lượt trẻ em",
                count_vi(c.distributions),
                count_vi(c.distribution_children)
            ),
        ));
    }
    if c.disasters > 0 {
        out.push(line(
            "Thiên tai, thảm họa",
            format!(
                "{} đợt; {} trẻ em bị ảnh hưởng, {} em được hỗ trợ",
                count_vi(c.disasters),
                count_vi(c.disaster_children),
                count_vi(c.disaster_helped)
            ),
        ));
    }
    out.push(line(
        "Tảo hôn",
        format!(
            "{} trường hợp (cùng kỳ năm trước {}); ngăn chặn {} trường hợp",
            count_vi(c.marriages),
            count_vi(c.marriages_last_year),
            count_vi(c.marriages_prevented)
        ),
    ));
    if c.disability_followups > 0 {
        out.push(line(
            "Theo dõi trẻ em khuyết tật",
            format!(
                "{} lượt, {} em",
                count_vi(c.disability_followups),
                count_vi(c.disability_children)
            ),
        ));
    }
    forum_lines(c, |_| true, out);
    let answered: Vec<String> = Answer::ALL
        .iter()
        .filter_map(|a| {
            let n = c
                .recommendations
                .iter()
                .filter(|(x, _)| x == a)
                .map(|(_, n)| n)
                .sum::<u64>();
            (n > 0).then(|| format!("{} {}", a.label_vi().to_lowercase(), count_vi(n)))
        })
        .collect();
    if !answered.is_empty() {
        let all: u64 = c.recommendations.iter().map(|(_, n)| n).sum();
        out.push(line(
            "Kiến nghị của trẻ em",
            format!("{} kiến nghị: {}", count_vi(all), answered.join(", ")),
        ));
    }
    if c.covers_june() {
        let m = c.sum(|a| {
            a.kind == ActivityKind::Event
                && matches!(
                    a.occasion,
                    Some(Occasion::MonthOfAction | Occasion::ChildrensDay)
                )
        });
        out.push(line(
            "Tháng hành động vì trẻ em",
            format!(
                "{} hoạt động; {} trẻ em, {} người lớn tham dự",
                count_vi(m[0]),
                count_vi(m[3]),
                count_vi(m[4])
            ),
        ));
    }
}

fn services_lines(c: &WorkCounts, out: &mut Vec<WorkLine>) {
    let e = c.sum(|a| a.kind == ActivityKind::Event);
    out.push(line(
        "Sự kiện truyền thông",
        format!(
            "{} sự kiện; {} trẻ em ({} em gái, {} em trai), {} người lớn; {} tài liệu phát ra",
            count_vi(e[0]),
            count_vi(e[3]),
            count_vi(e[1]),
            count_vi(e[2]),
            count_vi(e[4]),
            count_vi(e[5])
        ),
    ));
    let t = c.sum(|a| a.kind == ActivityKind::Training);
    if t[0] > 0 || c.activities_of(ActivityKind::Training).next().is_some() {
        out.push(line(
            "Tập huấn",
            format!(
                "{} lớp; {} người lớn, {} trẻ em tham gia",
                count_vi(t[0]),
                count_vi(t[4]),
                count_vi(t[3])
            ),
        ));
    }
    out.push(line(
        "Điểm nguy cơ tai nạn, thương tích",
        format!(
            "{} điểm chưa khắc phục, {} điểm đã khắc phục; {} lượt kiểm tra trong kỳ",
            count_vi(c.hazards_open),
            count_vi(c.hazards_fixed),
            count_vi(c.hazard_inspections)
        ),
    ));
}

fn budget_lines(c: &WorkCounts, out: &mut Vec<WorkLine>) {
    let planned: i64 = c.budget.iter().map(|b| b.planned).sum();
    let spent: i64 = c.budget.iter().map(|b| b.spent).sum();
    out.push(line(
        "Kinh phí",
        format!(
            "dự toán {}, đã chi trong kỳ {}",
            money_vi(planned),
            money_vi(spent)
        ),
    ));
    for s in FundingSource::ALL {
        if let Some(b) = c.budget.iter().find(|b| b.source == s) {
            out.push(line(
                format!("– {}", s.label_vi()),
                format!(
                    "dự toán {}, đã chi {}",
                    money_vi(b.planned),
                    money_vi(b.spent)
                ),
            ));
        }
    }
}

/// The lines of the plan's agency `agency` (by the role its accounts act as).
pub fn section_lines(plan: &crate::plan::Plan, agency: &str, c: &WorkCounts) -> Vec<WorkLine> {
    work_lines(plan.agency(agency).and_then(|a| a.role), c)
}

/// Whether `role` sees the dashboard's "Công tác trong năm" block (the commune's counts, no
/// names): the officer, the leader and the agencies that write a section.
pub fn sees_year_work(role: Role) -> bool {
    matches!(
        role,
        Role::Officer | Role::Leader | Role::Services | Role::Office | Role::Economic
    )
}

/// The dashboard block "Công tác trong năm": the year's counts; the budget only for roles
/// that may see the budget.
pub fn year_lines(role: Role, c: &WorkCounts) -> Vec<WorkLine> {
    let given: u64 = c.supports.iter().map(|s| s.given).sum();
    let events = c.sum(|a| a.kind == ActivityKind::Event)[0];
    let forums = c.sum(|a| a.kind == ActivityKind::Forum)[0];
    let mut out = vec![
        line(
            "Hỗ trợ trẻ em",
            format!(
                "{} em, {} lượt",
                count_vi(c.support_children),
                count_vi(given)
            ),
        ),
        line("Sự kiện truyền thông", count_vi(events)),
        line("Diễn đàn, hỏi ý kiến trẻ em", count_vi(forums)),
        line("Điểm nguy cơ chưa khắc phục", count_vi(c.hazards_open)),
    ];
    if role.reads_budget() {
        let planned: i64 = c.budget.iter().map(|b| b.planned).sum();
        let spent: i64 = c.budget.iter().map(|b| b.spent).sum();
        out.push(line(
            "Kinh phí đã chi / dự toán",
            format!("{} / {}", money_vi(spent), money_vi(planned)),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn counts() -> WorkCounts {
        WorkCounts {
            period: Some(Period::new(date(2026, 1, 1), date(2026, 6, 30))),
            support_children: 3,
            supports: vec![
                SupportTally {
                    kind: "food_and_gifts".into(),
                    given: 2,
                    value: 1_000_000,
                },
                SupportTally {
                    kind: "thăm hỏi, tặng quà".into(),
                    given: 1,
                    value: 234_567,
                },
            ],
            marriages: 1,
            marriages_last_year: 2,
            marriages_prevented: 1,
            activities: vec![ActivityTally {
                kind: ActivityKind::Forum,
                occasion: None,
                recorded_by: Some(Role::Office),
                count: 2,
                girls: 10,
                boys: 5,
                total: 15,
                adults: 3,
                materials: 0,
            }],
            recommendations: vec![(Answer::Met, 2), (Answer::NotPossible, 1)],
            budget: vec![BudgetTally {
                source: FundingSource::StateBudget,
                planned: 10_000_000,
                spent: 1_234_567,
            }],
            ..WorkCounts::default()
        }
    }

    fn find<'a>(lines: &'a [WorkLine], label: &str) -> &'a str {
        &lines
            .iter()
            .find(|l| l.label == label)
            .unwrap_or_else(|| panic!("no line {label}: {lines:?}"))
            .value
    }

    #[test]
    fn the_officer_s_lines_count_supports_by_kind_marriages_forums_and_june() {
        let l = work_lines(Some(Role::Officer), &counts());
        assert_eq!(
            find(&l, "Trẻ em được hỗ trợ"),
            "3 em, 3 lượt hỗ trợ, tổng giá trị 1.234.567 đ"
        );
        // The free words of an old record fall under their kind.
        assert_eq!(
            find(&l, "– Lương thực, quà tặng, thăm hỏi"),
            "3 lượt, 1.234.567 đ"
        );
        assert!(find(&l, "Tảo hôn").contains("cùng kỳ năm trước 2"));
        assert!(find(&l, "Diễn đàn, hỏi ý kiến trẻ em").starts_with("2 cuộc; 15 trẻ em"));
        assert_eq!(
            find(&l, "Kiến nghị của trẻ em"),
            "3 kiến nghị: đã đáp ứng 2, chưa thể thực hiện 1"
        );
        assert!(l.iter().any(|x| x.label == "Tháng hành động vì trẻ em"));
    }

    #[test]
    fn a_period_without_june_has_no_month_of_action_line() {
        let mut c = counts();
        c.period = Some(Period::new(date(2026, 7, 1), date(2026, 12, 31)));
        let l = work_lines(Some(Role::Officer), &c);
        assert!(!l.iter().any(|x| x.label == "Tháng hành động vì trẻ em"));
    }

    #[test]
    fn the_economic_office_has_the_budget_and_the_office_its_forums() {
        let l = work_lines(Some(Role::Economic), &counts());
        assert_eq!(
            find(&l, "Kinh phí"),
            "dự toán 10.000.000 đ, đã chi trong kỳ 1.234.567 đ"
        );
        let o = work_lines(Some(Role::Office), &counts());
        assert_eq!(o.len(), 1);
        assert!(work_lines(Some(Role::Health), &counts()).is_empty());
        assert!(work_lines(None, &counts()).is_empty());
    }

    #[test]
    fn the_year_block_shows_the_budget_only_to_who_reads_it() {
        assert!(year_lines(Role::Leader, &counts())
            .iter()
            .any(|l| l.label.starts_with("Kinh phí")));
        assert!(!year_lines(Role::Services, &counts())
            .iter()
            .any(|l| l.label.starts_with("Kinh phí")));
    }
}
