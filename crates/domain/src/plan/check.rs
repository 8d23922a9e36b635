//! The plan check: what a careful officer should settle before adopting a plan. A plan that
//! passes validation can still have gaps; each is a [`Finding`] with a Vietnamese message.
//!
//! Findings come in a fixed order: the document, then targets by number (numbering gaps in
//! place), goals, activities, reports.

use super::{
    format_date_vi, format_number_vi, Comparator, Place, Plan, Source, SubTarget, Target, Unit,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// What kind of gap a finding reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The document has no number (Số: …/KH-UBND).
    DocumentNumberMissing,
    /// The document has no full date of issue.
    DocumentDateMissing,
    /// A number is skipped in the target sequence (the seed has no target 8).
    MissingNumber,
    /// No lead agency (chủ trì) is assigned to the target.
    NoOwner,
    /// Two or more agencies are each told to lead the same target.
    SharedOwnership,
    /// The lead agency has no treem role, so no user can enter its figures.
    OwnerWithoutRole,
    /// The target has no figure (met / not met only).
    Qualitative,
    /// The target states two figures in one.
    TwoFigures,
    /// The target gives a range ("1-2%") instead of one value.
    Range,
    /// The unit does not fit the comparator (or is missing).
    UnitMismatch,
    /// The target can never be met as written (e.g. "trên 100%").
    Unreachable,
    /// The target is met whatever the figure (e.g. "không quá 100%").
    AlwaysMet,
    /// A figure relative to last year has no baseline value.
    BaselineMissing,
    /// The target and its baseline point in different directions.
    BaselineContradicts,
    /// Text names a year that is neither the plan year nor a baseline year.
    StaleYear,
    /// A goal with no targets.
    GoalWithoutTargets,
    /// An activity not given to any agency.
    ActivityWithoutOwner,
    /// The plan has no periodic reports.
    NoReports,
    /// The plan does not say which period a report covers.
    ReportPeriodNotStated,
    /// The report is due before the period it reports on has ended.
    DeadlineBeforePeriodEnd,
}

/// One gap in a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Target numbers concerned (empty for document, activity and report findings).
    pub targets: Vec<u16>,
    /// Where: the plan, a target, an activity or a report.
    pub place: Place,
    /// Vietnamese, for the officer.
    pub message: String,
}

impl Finding {
    fn target(kind: FindingKind, n: u16, message: String) -> Finding {
        Finding {
            kind,
            targets: vec![n],
            place: Place::Target(n),
            message,
        }
    }
}

/// Every gap in `plan`, in a stable order.
pub fn check(plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    document(plan, &mut out);

    let mut targets: Vec<&Target> = plan.targets.iter().collect();
    targets.sort_by_key(|t| t.number);
    let present: BTreeSet<u16> = targets.iter().map(|t| t.number).collect();
    let max = present.iter().next_back().copied().unwrap_or(0);
    let mut missing = (1..=max).filter(|n| !present.contains(n)).peekable();
    for t in targets {
        while let Some(&m) = missing.peek() {
            if m > t.number {
                break;
            }
            out.push(missing_number(m, &present));
            missing.next();
        }
        target(plan, t, &mut out);
    }

    for g in &plan.goals {
        if !plan.targets.iter().any(|t| t.goal == g.number) {
            out.push(Finding {
                kind: FindingKind::GoalWithoutTargets,
                targets: vec![],
                place: Place::Goal(g.number),
                message: format!(
                    "Mục tiêu {} (“{}”) không có chỉ tiêu nào.",
                    g.number, g.title
                ),
            });
        }
    }

    for a in &plan.activities {
        if a.owners.is_empty() {
            let hint = names(plan, &a.related);
            let hint = if hint.is_empty() {
                String::new()
            } else {
                format!(" Mục V giao nhiệm vụ liên quan cho: {hint}.")
            };
            out.push(Finding {
                kind: FindingKind::ActivityWithoutOwner,
                targets: vec![],
                place: Place::Activity(a.number),
                message: format!(
                    "Hoạt động {} (“{}”) chưa được giao cho cơ quan chủ trì nào.{hint}",
                    a.number, a.title
                ),
            });
        }
    }

    reports(plan, &mut out);
    out
}

fn document(plan: &Plan, out: &mut Vec<Finding>) {
    let d = &plan.document;
    if d.number.is_none() {
        out.push(Finding {
            kind: FindingKind::DocumentNumberMissing,
            targets: vec![],
            place: Place::Plan,
            message: format!(
                "Văn bản kế hoạch chưa có số (Số: {}). Cần ghi số văn bản trước khi ban hành \
                 và gửi các cơ quan.",
                d.reference()
            ),
        });
    }
    if d.date.is_none() {
        let printed = d
            .date_as_printed
            .as_deref()
            .map(|s| format!(" (bản in ghi: “{s}”)"))
            .unwrap_or_default();
        out.push(Finding {
            kind: FindingKind::DocumentDateMissing,
            targets: vec![],
            place: Place::Plan,
            message: format!("Văn bản kế hoạch chưa có ngày ban hành đầy đủ{printed}."),
        });
    }
}

fn missing_number(m: u16, present: &BTreeSet<u16>) -> Finding {
    let before = present.range(..m).next_back();
    let after = present.range(m..).next();
    let jump = match (before, after) {
        (Some(b), Some(a)) => format!(" Số thứ tự nhảy từ {b} sang {a}."),
        _ => String::new(),
    };
    Finding {
        kind: FindingKind::MissingNumber,
        targets: vec![m],
        place: Place::Target(m),
        message: format!(
            "Không có chỉ tiêu {m}.{jump} Cần xác định chỉ tiêu {m} bị bỏ sót hay đánh số nhầm \
             (báo cáo lên cấp trên thường theo số chỉ tiêu)."
        ),
    }
}

fn names(plan: &Plan, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| plan.agency(c).map(|a| a.name.as_str()).unwrap_or(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn target(plan: &Plan, t: &Target, out: &mut Vec<Finding>) {
    let n = t.number;
    match t.owners.len() {
        0 => {
            let hint = if t.related.is_empty() {
                " Mục V không giao nhiệm vụ liên quan cho cơ quan nào.".to_string()
            } else {
                format!(
                    " Mục V giao nhiệm vụ liên quan (không nêu số chỉ tiêu) cho: {}.",
                    names(plan, &t.related)
                )
            };
            out.push(Finding::target(
                FindingKind::NoOwner,
                n,
                format!(
                    "Chỉ tiêu {n} chưa có cơ quan chủ trì: không ai chịu trách nhiệm số liệu.{hint}"
                ),
            ));
        }
        1 => {}
        k => out.push(Finding::target(
            FindingKind::SharedOwnership,
            n,
            format!(
                "Chỉ tiêu {n} có {k} cơ quan cùng chủ trì: {}. Cần xác định một đầu mối chịu \
                 trách nhiệm số liệu.",
                names(plan, &t.owners)
            ),
        )),
    }
    for o in &t.owners {
        if let Some(a) = plan.agency(o) {
            if a.role.is_none() {
                out.push(Finding::target(
                    FindingKind::OwnerWithoutRole,
                    n,
                    format!(
                        "Chỉ tiêu {n} do {} chủ trì nhưng cơ quan này không có tài khoản (vai trò) \
                         trong phần mềm để nhập số liệu.",
                        a.name
                    ),
                ));
            }
        }
    }

    if t.comparator == Comparator::Qualitative {
        let how = match &t.source {
            Source::Assessment => " Phần mềm đánh giá theo kết quả tự đánh giá xã, phường phù \
                                   hợp với trẻ em (Quyết định 06/QĐ-TTg ngày 03/01/2019)."
                .to_string(),
            _ => " Cần nêu cách đánh giá đạt / chưa đạt.".to_string(),
        };
        out.push(Finding::target(
            FindingKind::Qualitative,
            n,
            format!(
                "Chỉ tiêu {n} là chỉ tiêu định tính, không có con số: “{}”.{how}",
                t.text.trim_end_matches('.')
            ),
        ));
    }

    if let Some(s) = &t.secondary {
        out.push(Finding::target(
            FindingKind::TwoFigures,
            n,
            format!(
                "Chỉ tiêu {n} gộp hai con số trong một chỉ tiêu: (1) {}: {}; (2) {}: {}. Phần mềm \
                 theo dõi riêng từng con số; chỉ tiêu chỉ đạt khi cả hai đạt. Nên tách thành hai \
                 chỉ tiêu.",
                t.measure,
                t.describe_vi(),
                s.measure,
                s.describe_vi()
            ),
        ));
    }

    if let (Some(v), Some(to)) = (t.value, t.value_to) {
        let sym = if t.comparator == Comparator::ReduceByPercent {
            "%"
        } else {
            t.unit.map(Unit::symbol).unwrap_or("")
        };
        out.push(Finding::target(
            FindingKind::Range,
            n,
            format!(
                "Chỉ tiêu {n} nêu một khoảng ({}–{}{sym}) thay vì một con số; phần mềm lấy đầu \
                 thấp của khoảng ({}{sym}) để đánh giá đạt / chưa đạt. Cần thống nhất một con số.",
                format_number_vi(v),
                format_number_vi(to),
                format_number_vi(v)
            ),
        ));
    }

    let first = Figure {
        label: String::new(),
        comparator: t.comparator,
        value: t.value,
        unit: t.unit,
        baseline: t.baseline.as_ref().map(|b| (b.year, b.value)),
    };
    figure(plan, n, &first, out);
    if let Some(s) = &t.secondary {
        figure(plan, n, &Figure::secondary(s), out);
    }

    stale_years(plan, n, t, out);
}

struct Figure {
    /// "" for the first figure, " (con số thứ hai)" for the secondary.
    label: String,
    comparator: Comparator,
    value: Option<f64>,
    unit: Option<Unit>,
    baseline: Option<(i16, Option<f64>)>,
}

impl Figure {
    fn secondary(s: &SubTarget) -> Figure {
        Figure {
            label: " (con số thứ hai)".into(),
            comparator: s.comparator,
            value: s.value,
            unit: s.unit,
            baseline: s.baseline.as_ref().map(|b| (b.year, b.value)),
        }
    }
}

fn figure(plan: &Plan, n: u16, f: &Figure, out: &mut Vec<Finding>) {
    let l = &f.label;
    let c = f.comparator;
    // Unit against comparator.
    let unit_problem = match (c, f.unit) {
        (Comparator::Qualitative, Some(u)) => Some(format!(
            "là chỉ tiêu định tính nhưng lại ghi đơn vị “{}”",
            unit_name(u)
        )),
        (Comparator::Qualitative, None) => None,
        (_, None) => Some("chưa ghi đơn vị đo (%, ‰, /100.000 hay số lượng)".to_string()),
        (Comparator::ReduceByPercent, Some(Unit::Percent)) => Some(
            "giảm “x%” một tỷ lệ phần trăm không rõ là giảm tương đối hay giảm x điểm phần \
             trăm; nên ghi thẳng mức tỷ lệ cần đạt (`at_most`)"
                .to_string(),
        ),
        _ => None,
    };
    if let Some(p) = unit_problem {
        out.push(Finding::target(
            FindingKind::UnitMismatch,
            n,
            format!("Chỉ tiêu {n}{l} {p}."),
        ));
    }

    // Targets that cannot fail or cannot be met.
    if let (Some(v), Some(u)) = (f.value, f.unit) {
        let max = u.scale();
        let sym = u.symbol();
        let vs = format_number_vi(v);
        let unreachable = match c {
            Comparator::Above => max.is_some_and(|m| v >= m),
            Comparator::Below => v <= 0.0,
            _ => false,
        };
        let always = match c {
            Comparator::AtLeast | Comparator::KeepAt => v <= 0.0,
            Comparator::AtMost => max.is_some_and(|m| v >= m),
            Comparator::Below => max.is_some_and(|m| v > m),
            Comparator::ReduceByPercent => v <= 0.0,
            _ => false,
        };
        if unreachable {
            out.push(Finding::target(
                FindingKind::Unreachable,
                n,
                format!(
                    "Chỉ tiêu {n}{l} “{} {vs}{sym}” không thể đạt được.",
                    c.label_vi()
                ),
            ));
        }
        if always {
            out.push(Finding::target(
                FindingKind::AlwaysMet,
                n,
                format!(
                    "Chỉ tiêu {n}{l} “{} {vs}{sym}” luôn đạt, không đo được tiến bộ.",
                    c.label_vi()
                ),
            ));
        }
    }

    // Baseline.
    match (c, f.baseline) {
        (Comparator::ReduceByPercent, None) => out.push(Finding::target(
            FindingKind::BaselineMissing,
            n,
            format!(
                "Chỉ tiêu {n}{l} so với năm trước nhưng kế hoạch không ghi số liệu năm {} (mức \
                 cơ sở); không tính được đạt hay chưa đạt.",
                plan.year - 1
            ),
        )),
        (_, Some((year, None))) => out.push(Finding::target(
            FindingKind::BaselineMissing,
            n,
            format!(
                "Chỉ tiêu {n}{l} chưa có số liệu năm {year} (mức cơ sở); cán bộ cần nhập trước \
                 khi ban hành."
            ),
        )),
        (c, Some((year, Some(b)))) if c != Comparator::ReduceByPercent => {
            if let Some(v) = f.value {
                let sym = f.unit.map(Unit::symbol).unwrap_or("");
                let (bs, vs) = (format_number_vi(b), format_number_vi(v));
                let problem = match c {
                    Comparator::AtMost | Comparator::Below if v >= b => Some(format!(
                        "đặt mục tiêu giảm xuống {vs}{sym} nhưng mức năm {year} đã là {bs}{sym}"
                    )),
                    Comparator::AtLeast | Comparator::Above if v < b => Some(format!(
                        "đặt mức {vs}{sym}, thấp hơn mức đã đạt năm {year} ({bs}{sym})"
                    )),
                    Comparator::KeepAt if (v - b).abs() > 1e-9 => Some(format!(
                        "“duy trì” {vs}{sym} nhưng mức năm {year} là {bs}{sym}"
                    )),
                    _ => None,
                };
                if let Some(p) = problem {
                    out.push(Finding::target(
                        FindingKind::BaselineContradicts,
                        n,
                        format!("Chỉ tiêu {n}{l} {p}."),
                    ));
                }
            }
        }
        _ => {}
    }
}

fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Percent => "%",
        Unit::PerMille => "‰",
        Unit::Per100000 => "/100.000",
        Unit::Count => "số lượng",
    }
}

/// Four-digit years (1990..=2100) standing alone in `text`.
fn years_in(text: &str) -> Vec<i16> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // "1.000" / "100.000" are numbers, not years: skip digit groups joined by '.'/','.
            if i - start == 4 {
                let next_is_digit_group = bytes.get(i) == Some(&b'.')
                    && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                let prev_is_group = start >= 2
                    && (bytes[start - 1] == b'.' || bytes[start - 1] == b',')
                    && bytes[start - 2].is_ascii_digit();
                if !next_is_digit_group && !prev_is_group {
                    if let Ok(y) = text[start..i].parse::<i16>() {
                        if (1990..=2100).contains(&y) {
                            out.push(y);
                        }
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

fn stale_years(plan: &Plan, n: u16, t: &Target, out: &mut Vec<Finding>) {
    let mut allowed = vec![plan.year];
    allowed.extend(t.baseline.as_ref().map(|b| b.year));
    if let Some(s) = &t.secondary {
        allowed.extend(s.baseline.as_ref().map(|b| b.year));
    }
    let mut stale: Vec<i16> = years_in(&t.text)
        .into_iter()
        .filter(|y| !allowed.contains(y))
        .collect();
    stale.sort_unstable();
    stale.dedup();
    if !stale.is_empty() {
        let ys = stale
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Finding::target(
            FindingKind::StaleYear,
            n,
            format!(
                "Nội dung chỉ tiêu {n} nhắc năm {ys}, không phải năm kế hoạch {} hay năm cơ sở: \
                 cần sửa lời văn cho năm {}.",
                plan.year, plan.year
            ),
        ));
    }
}

fn reports(plan: &Plan, out: &mut Vec<Finding>) {
    if plan.reports.is_empty() {
        out.push(Finding {
            kind: FindingKind::NoReports,
            targets: vec![],
            place: Place::Plan,
            message: "Kế hoạch không quy định chế độ báo cáo định kỳ (kỳ báo cáo, hạn gửi).".into(),
        });
    }
    for r in &plan.reports {
        let place = Place::Report(r.code.clone());
        let period = format!(
            "{}–{}",
            format_date_vi(r.period_start),
            format_date_vi(r.period_end)
        );
        if !r.period_stated {
            out.push(Finding {
                kind: FindingKind::ReportPeriodNotStated,
                targets: vec![],
                place: place.clone(),
                message: format!(
                    "Kế hoạch không nêu {} tính số liệu từ ngày nào đến ngày nào; phần mềm hiểu là \
                     kỳ {period}. Cần ghi rõ kỳ báo cáo hoặc ngày chốt số liệu.",
                    r.name.to_lowercase()
                ),
            });
        }
        if r.due_before <= r.period_end {
            let last = r.last_day();
            let days = last
                .until(r.period_end)
                .map(|s| s.get_days())
                .unwrap_or_default();
            out.push(Finding {
                kind: FindingKind::DeadlineBeforePeriodEnd,
                targets: vec![],
                place,
                message: format!(
                    "{} phải gửi trước ngày {} (chậm nhất {}), nhưng kỳ báo cáo {period} đến {} mới \
                     kết thúc: {days} ngày cuối kỳ chưa có số liệu khi gửi. Cần dời hạn gửi sau \
                     ngày cuối kỳ, hoặc chốt số liệu sớm hơn (ghi rõ ngày chốt).",
                    r.name,
                    format_date_vi(r.due_before),
                    format_date_vi(last),
                    format_date_vi(r.period_end)
                ),
            });
        }
    }
}
