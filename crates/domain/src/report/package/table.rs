//! Bảng tổng hợp của tỉnh (the province's table): communes × targets for one report kind and
//! year, with each commune's status per target, whether it reported and on time, and the
//! province's total per target ([`TargetTotal`]).
use super::receive::{standing, TargetTotal};
use super::PackageContent;
use crate::indicator::TargetStatus;
use serde::Serialize;

/// A package as the province holds it: its content and when it came.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    pub id: i64,
    /// RFC 3339.
    pub received_at: String,
    pub on_time: bool,
    pub content: PackageContent,
}

/// A trusted commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedCommune {
    pub code: String,
    pub name: String,
    pub fingerprint: String,
    pub added_at: String,
}

/// A target's column head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetHead {
    pub target: u16,
    pub measure: String,
}

/// One commune's cell for a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableCell {
    pub target: u16,
    /// The value as published ("96,5", "ẩn"), empty when none.
    pub value: String,
    /// "1.234/1.300", "<5/190".
    pub counts: String,
    /// The published numbers, for a spreadsheet.
    pub number: Option<f64>,
    pub numerator: Option<super::PackageCount>,
    pub denominator: Option<super::PackageCount>,
    pub status: Option<TargetStatus>,
    /// "đạt", "chưa đạt", …, "không công bố".
    pub status_vi: &'static str,
}

/// One commune's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneRow {
    pub code: String,
    pub name: String,
    /// The standing package's id, when the commune reported.
    pub package: Option<i64>,
    pub received_at: Option<String>,
    pub on_time: Option<bool>,
    /// The standing package amends an earlier one.
    pub amending: bool,
    /// In the table's target order; empty when the commune has not reported.
    pub cells: Vec<TableCell>,
}

/// The table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvinceTable {
    pub kind: String,
    pub kind_name: String,
    pub year: i16,
    pub targets: Vec<TargetHead>,
    pub rows: Vec<CommuneRow>,
    pub totals: Vec<TargetTotal>,
    /// Communes that reported, and of them on time.
    pub reported: usize,
    pub on_time: usize,
}

/// What a status with no published value says.
pub const NOT_PUBLISHED: &str = "không công bố";

fn value_text(v: Option<f64>, hidden: bool) -> String {
    match v {
        Some(x) => crate::text::format_number_vi((x * 10.0).round() / 10.0),
        None if hidden => "ẩn".into(),
        None => String::new(),
    }
}

impl ProvinceTable {
    /// The table of `kind` and `year` from the packages received (any order of kind and year;
    /// in the order received) and the communes trusted (in the order listed).
    pub fn build(
        kind: &str,
        year: i16,
        communes: &[TrustedCommune],
        arrivals: &[Arrival],
    ) -> ProvinceTable {
        let mine: Vec<&Arrival> = arrivals
            .iter()
            .filter(|a| a.content.kind == kind && a.content.year == year)
            .collect();
        let contents: Vec<PackageContent> = mine.iter().map(|a| a.content.clone()).collect();
        let now = standing(&contents);
        let mut targets: Vec<TargetHead> = Vec::new();
        for p in &now {
            for t in &p.targets {
                if !targets.iter().any(|h| h.target == t.target) {
                    targets.push(TargetHead {
                        target: t.target,
                        measure: t.measure.clone(),
                    });
                }
            }
        }
        targets.sort_by_key(|h| h.target);
        let rows: Vec<CommuneRow> = communes
            .iter()
            .map(|c| {
                // The commune's latest standing package of the year (the last period).
                let p = now.iter().rev().find(|p| p.commune.code == c.code);
                let a = p.and_then(|p| {
                    mine.iter().rev().find(|a| {
                        a.content.commune.code == p.commune.code && a.content.report == p.report
                    })
                });
                CommuneRow {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    package: a.map(|a| a.id),
                    received_at: a.map(|a| a.received_at.clone()),
                    on_time: a.map(|a| a.on_time),
                    amending: p.is_some_and(|p| p.amends.is_some()),
                    cells: p.map_or_else(Vec::new, |p| {
                        targets
                            .iter()
                            .map(|h| match p.targets.iter().find(|t| t.target == h.target) {
                                Some(t) => TableCell {
                                    target: h.target,
                                    value: value_text(t.figure.value, t.figure.value_hidden),
                                    counts: match (t.figure.numerator, t.figure.denominator) {
                                        (Some(n), Some(d)) => {
                                            format!("{}/{}", n.text(), d.text())
                                        }
                                        (Some(n), None) => n.text(),
                                        _ => String::new(),
                                    },
                                    number: t.figure.value,
                                    numerator: t.figure.numerator,
                                    denominator: t.figure.denominator,
                                    status: t.status,
                                    status_vi: t.status.map_or(NOT_PUBLISHED, |s| s.label_vi()),
                                },
                                None => TableCell {
                                    target: h.target,
                                    value: String::new(),
                                    counts: String::new(),
                                    number: None,
                                    numerator: None,
                                    denominator: None,
                                    status: Some(TargetStatus::NoData),
                                    status_vi: TargetStatus::NoData.label_vi(),
                                },
                            })
                            .collect()
                    }),
                }
            })
            .collect();
        // The province's totals read each commune's latest standing package once.
        let latest: Vec<&PackageContent> = communes
            .iter()
            .filter_map(|c| now.iter().rev().find(|p| p.commune.code == c.code).copied())
            .collect();
        let totals = targets
            .iter()
            .map(|h| TargetTotal::of(h.target, &latest))
            .collect();
        let reported = rows.iter().filter(|r| r.package.is_some()).count();
        let on_time = rows.iter().filter(|r| r.on_time == Some(true)).count();
        ProvinceTable {
            kind: kind.into(),
            kind_name: mine
                .first()
                .map(|a| a.content.kind_name.clone())
                .unwrap_or_else(|| kind.into()),
            year,
            targets,
            rows,
            totals,
            reported,
            on_time,
        }
    }

    /// The kind and year shown when none is asked: those of the last package received.
    pub fn latest(arrivals: &[Arrival]) -> Option<(String, i16)> {
        arrivals
            .last()
            .map(|a| (a.content.kind.clone(), a.content.year))
    }
}
