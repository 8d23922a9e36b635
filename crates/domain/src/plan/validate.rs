//! Validation: what makes a plan file unusable (as opposed to [`super::check`], which lists what
//! an officer should settle in a usable plan). Every problem names its place and field, in
//! Vietnamese.

use super::{Baseline, Comparator, Plan, Source, Unit, FORMAT_VERSION};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;

/// Where in the plan a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Place {
    Plan,
    Agency(String),
    Goal(u16),
    Target(u16),
    Activity(u16),
    Report(String),
    /// An entry of a list whose number or code could not be read: the list's key and the
    /// entry's position, from 1.
    Entry(String, usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Plan => write!(f, "kế hoạch"),
            Place::Agency(c) => write!(f, "cơ quan `{c}`"),
            Place::Goal(n) => write!(f, "mục tiêu {n}"),
            Place::Target(n) => write!(f, "chỉ tiêu {n}"),
            Place::Activity(n) => write!(f, "hoạt động {n}"),
            Place::Report(c) => write!(f, "báo cáo `{c}`"),
            Place::Entry(list, i) => write!(f, "mục thứ {i} của `{list}`"),
        }
    }
}

/// One validation problem: place, field (TOML key path) and a Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub place: Place,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, trường `{}`: {}",
            self.place, self.field, self.message
        )
    }
}

pub(crate) fn join(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

struct V<'a> {
    plan: &'a Plan,
    agencies: HashSet<&'a str>,
    out: Vec<Problem>,
}

impl V<'_> {
    fn push(&mut self, place: Place, field: impl Into<String>, message: impl Into<String>) {
        self.out.push(Problem {
            place,
            field: field.into(),
            message: message.into(),
        });
    }

    fn non_empty(&mut self, place: &Place, field: &str, s: &str) {
        if s.trim().is_empty() {
            self.push(place.clone(), field, "không được để trống");
        }
    }

    fn agency_refs(&mut self, place: &Place, field: &str, codes: &[String]) {
        let mut seen = HashSet::new();
        for c in codes {
            if !self.agencies.contains(c.as_str()) {
                self.push(
                    place.clone(),
                    field,
                    format!("cơ quan `{c}` chưa được khai báo trong danh sách `agencies`"),
                );
            }
            if !seen.insert(c.as_str()) {
                self.push(
                    place.clone(),
                    field,
                    format!("cơ quan `{c}` bị ghi hai lần"),
                );
            }
        }
    }

    fn agency_ref(&mut self, place: &Place, field: &str, code: &Option<String>) {
        if let Some(c) = code {
            if !self.agencies.contains(c.as_str()) {
                self.push(
                    place.clone(),
                    field,
                    format!("cơ quan `{c}` chưa được khai báo trong danh sách `agencies`"),
                );
            }
        }
    }

    fn number(&mut self, place: &Place, field: &str, x: f64, unit: Option<Unit>) {
        if !x.is_finite() {
            self.push(place.clone(), field, "phải là một số");
        } else if x < 0.0 {
            self.push(
                place.clone(),
                field,
                format!("không được âm ({})", super::format_number_vi(x)),
            );
        } else if let Some(max) = unit.and_then(Unit::scale) {
            if x > max {
                let sym = unit.map(Unit::symbol).unwrap_or("");
                self.push(
                    place.clone(),
                    field,
                    format!(
                        "{}{sym} vượt quá {}{sym}",
                        super::format_number_vi(x),
                        super::format_number_vi(max)
                    ),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn figure(
        &mut self,
        place: &Place,
        prefix: &str,
        comparator: Comparator,
        value: Option<f64>,
        value_to: Option<f64>,
        unit: Option<Unit>,
        baseline: &Option<Baseline>,
        source: &Source,
    ) {
        let f = |k: &str| format!("{prefix}{k}");
        match (comparator, value) {
            (Comparator::Qualitative, Some(_)) => self.push(
                place.clone(),
                f("value"),
                "chỉ tiêu định tính (`qualitative`) không có giá trị số",
            ),
            (Comparator::Qualitative, None) => {}
            (_, None) => self.push(
                place.clone(),
                f("value"),
                "thiếu giá trị chỉ tiêu (chỉ chỉ tiêu `qualitative` mới không có số)",
            ),
            (Comparator::ReduceByPercent, Some(v)) => {
                self.number(place, &f("value"), v, Some(Unit::Percent))
            }
            (_, Some(v)) => self.number(place, &f("value"), v, unit),
        }
        if let Some(to) = value_to {
            let unit_for = if comparator == Comparator::ReduceByPercent {
                Some(Unit::Percent)
            } else {
                unit
            };
            self.number(place, &f("value_to"), to, unit_for);
            match value {
                Some(v) if to < v => self.push(
                    place.clone(),
                    f("value_to"),
                    format!(
                        "cận trên ({}) nhỏ hơn cận dưới `value` ({})",
                        super::format_number_vi(to),
                        super::format_number_vi(v)
                    ),
                ),
                None => self.push(
                    place.clone(),
                    f("value_to"),
                    "có `value_to` mà không có `value`",
                ),
                _ => {}
            }
        }
        if let Some(b) = baseline {
            if b.year >= self.plan.year {
                self.push(
                    place.clone(),
                    f("baseline.year"),
                    format!(
                        "năm cơ sở {} phải trước năm kế hoạch {}",
                        b.year, self.plan.year
                    ),
                );
            }
            if let Some(x) = b.value {
                self.number(place, &f("baseline.value"), x, unit);
            }
        }
        if let Source::Register { indicator } = source {
            self.non_empty(place, &f("source.indicator"), indicator);
        }
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(crate) fn validate(plan: &Plan) -> Vec<Problem> {
    let mut v = V {
        plan,
        agencies: plan.agencies.iter().map(|a| a.code.as_str()).collect(),
        out: Vec::new(),
    };
    let top = Place::Plan;
    if plan.format != FORMAT_VERSION {
        v.push(
            top.clone(),
            "format",
            format!(
                "phiên bản định dạng {} không được hỗ trợ (chỉ đọc được {FORMAT_VERSION})",
                plan.format
            ),
        );
    }
    if !crate::limits::PLAN_YEARS.contains(&plan.year) {
        v.push(
            top.clone(),
            "year",
            format!(
                "năm {} không hợp lệ (từ {} đến {})",
                plan.year,
                crate::limits::PLAN_YEARS.start(),
                crate::limits::PLAN_YEARS.end()
            ),
        );
    }
    v.non_empty(&top, "commune", &plan.commune);
    v.non_empty(&top, "title", &plan.title);
    if let Some(n) = &plan.document.number {
        v.non_empty(&top, "document.number", n);
    }

    let mut codes = HashSet::new();
    for a in &plan.agencies {
        let place = Place::Agency(a.code.clone());
        if !is_code(&a.code) {
            v.push(
                place.clone(),
                "code",
                "mã cơ quan chỉ gồm chữ thường không dấu, số và dấu gạch dưới",
            );
        }
        if !codes.insert(a.code.as_str()) {
            v.push(place.clone(), "code", "mã cơ quan bị trùng");
        }
        v.non_empty(&place, "name", &a.name);
    }

    let mut goals = HashSet::new();
    for g in &plan.goals {
        let place = Place::Goal(g.number);
        if g.number == 0 {
            v.push(place.clone(), "number", "số mục tiêu bắt đầu từ 1");
        }
        if !goals.insert(g.number) {
            v.push(place.clone(), "number", "số mục tiêu bị trùng");
        }
        v.non_empty(&place, "title", &g.title);
    }

    let mut numbers = HashSet::new();
    for t in &plan.targets {
        let place = Place::Target(t.number);
        if t.number == 0 {
            v.push(place.clone(), "number", "số chỉ tiêu bắt đầu từ 1");
        }
        if !numbers.insert(t.number) {
            v.push(place.clone(), "number", "số chỉ tiêu bị trùng");
        }
        if !goals.contains(&t.goal) {
            v.push(
                place.clone(),
                "goal",
                format!("mục tiêu {} không có trong danh sách `goals`", t.goal),
            );
        }
        v.non_empty(&place, "text", &t.text);
        v.non_empty(&place, "measure", &t.measure);
        v.figure(
            &place,
            "",
            t.comparator,
            t.value,
            t.value_to,
            t.unit,
            &t.baseline,
            &t.source,
        );
        v.agency_refs(&place, "owners", &t.owners);
        v.agency_refs(&place, "supporting", &t.supporting);
        v.agency_refs(&place, "related", &t.related);
        for s in &t.supporting {
            if t.owners.contains(s) {
                v.push(
                    place.clone(),
                    "supporting",
                    format!("cơ quan `{s}` vừa chủ trì vừa phối hợp"),
                );
            }
        }
        if let Some(s) = &t.secondary {
            v.non_empty(&place, "secondary.text", &s.text);
            v.non_empty(&place, "secondary.measure", &s.measure);
            v.figure(
                &place,
                "secondary.",
                s.comparator,
                s.value,
                None,
                s.unit,
                &s.baseline,
                &s.source,
            );
        }
    }

    let mut acts = HashSet::new();
    for a in &plan.activities {
        let place = Place::Activity(a.number);
        if !acts.insert(a.number) {
            v.push(place.clone(), "number", "số hoạt động bị trùng");
        }
        v.non_empty(&place, "title", &a.title);
        v.agency_refs(&place, "owners", &a.owners);
        v.agency_refs(&place, "supporting", &a.supporting);
        v.agency_refs(&place, "related", &a.related);
    }

    let mut reports = HashSet::new();
    for r in &plan.reports {
        let place = Place::Report(r.code.clone());
        if !is_code(&r.code) {
            v.push(
                place.clone(),
                "code",
                "mã báo cáo chỉ gồm chữ thường không dấu, số và dấu gạch dưới",
            );
        }
        if !reports.insert(r.code.as_str()) {
            v.push(place.clone(), "code", "mã báo cáo bị trùng");
        }
        v.non_empty(&place, "name", &r.name);
        if r.period_end < r.period_start {
            v.push(
                place.clone(),
                "period_end",
                format!(
                    "ngày cuối kỳ {} trước ngày đầu kỳ {}",
                    super::format_date_vi(r.period_end),
                    super::format_date_vi(r.period_start)
                ),
            );
        }
        v.agency_ref(&place, "to", &r.to);
        v.agency_ref(&place, "forward_to", &r.forward_to);
    }
    v.out
}
