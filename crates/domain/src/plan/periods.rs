//! The period each report covers, and so the reporting period of a figure on a date.
//!
//! A plan that states a report's period (`period_stated = true`) is followed as written. When
//! it does not (the Sính Phình plan gives only "trước ngày 01/6/2026"), the period is the
//! officer's to confirm before any figure is computed for it: treem proposes the plan year's
//! start to the last day of the month before the due date (01/01–31/05 for a report due before
//! 01/06, 01/01–31/10 for 01/11), so that the figures are closed before the report is due; the
//! officer confirms it or sets other dates, never past the due date.
use super::{format_date_vi, Plan, Report};
use crate::date::Period;
use crate::validation::FieldErrors;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A report's period as the officer confirmed it for a plan year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedPeriod {
    /// The report's code in the plan (`six_month`, `yearly`, …).
    pub code: String,
    pub start: Date,
    pub end: Date,
    pub confirmed_by: String,
    /// When, as an RFC 3339 timestamp.
    pub confirmed_at: String,
}

impl ConfirmedPeriod {
    /// The period proposed for `report` ([`Report::proposed_period`]) confirmed as it is, by
    /// `by` at `at` (as the synthetic commune's officer does).
    pub fn as_proposed(year: i16, report: &Report, by: &str, at: &str) -> ConfirmedPeriod {
        let p = report.proposed_period(year);
        ConfirmedPeriod {
            code: report.code.clone(),
            start: p.start,
            end: p.end,
            confirmed_by: by.to_string(),
            confirmed_at: at.to_string(),
        }
    }
}

/// Where a report's period comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPeriod {
    /// Stated in the plan.
    Stated(Period),
    /// Confirmed by the officer.
    Confirmed(Period),
    /// Not stated and not confirmed yet: nothing is computed for it; `proposed` is what the
    /// officer is offered ([`Report::proposed_period`]).
    Unconfirmed { proposed: Period },
}

impl ReportPeriod {
    /// The period figures are computed for; `None` until it is confirmed.
    pub fn period(&self) -> Option<Period> {
        match self {
            ReportPeriod::Stated(p) | ReportPeriod::Confirmed(p) => Some(*p),
            ReportPeriod::Unconfirmed { .. } => None,
        }
    }

    /// The period shown: the one in force, or the one proposed.
    pub fn shown(&self) -> Period {
        match self {
            ReportPeriod::Stated(p) | ReportPeriod::Confirmed(p) => *p,
            ReportPeriod::Unconfirmed { proposed } => *proposed,
        }
    }
}

/// The figures for a date fall in a report period the officer has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Kỳ của {name} chưa được xác nhận: cán bộ phụ trách xác nhận kỳ báo cáo (đề xuất {}–{}) \
     trước khi tính số liệu.",
    format_date_vi(proposed.start),
    format_date_vi(proposed.end)
)]
pub struct PeriodNotConfirmed {
    /// The report's code.
    pub code: String,
    /// The report's name, lower case ("báo cáo định kỳ 6 tháng").
    pub name: String,
    pub proposed: Period,
}

impl Report {
    /// The period proposed for the report: the stated one, or, when the plan does not state
    /// it, from the start of the plan year to the last day of the month before the due date
    /// (31/05 for a report due before 01/06).
    pub fn proposed_period(&self, year: i16) -> Period {
        if self.period_stated {
            return Period::new(self.period_start, self.period_end);
        }
        let start = Date::new(year, 1, 1).unwrap_or(self.period_start);
        let end = self
            .due_before
            .first_of_month()
            .yesterday()
            .unwrap_or(self.due_before);
        Period::new(start.min(end), end)
    }

    /// Checks a period the officer confirms: both dates, the start on or before the end, the
    /// end before the due date (the figures must be closed when the report is sent).
    pub fn check_period(
        &self,
        start: Option<Date>,
        end: Option<Date>,
    ) -> Result<Period, FieldErrors> {
        let mut errs = FieldErrors::default();
        if start.is_none() {
            errs.push(
                "period_start",
                "cần ghi ngày bắt đầu kỳ báo cáo (dd/mm/yyyy)",
            );
        }
        if end.is_none() {
            errs.push("period_end", "cần ghi ngày cuối kỳ báo cáo (dd/mm/yyyy)");
        }
        for (field, d) in [("period_start", start), ("period_end", end)] {
            if let Some(d) = d {
                crate::limits::check_date(&mut errs, field, d);
            }
        }
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                errs.push("period_end", "ngày cuối kỳ phải từ ngày bắt đầu kỳ trở đi");
            }
            if e >= self.due_before {
                errs.push(
                    "period_end",
                    format!(
                        "ngày cuối kỳ phải trước hạn gửi báo cáo (trước ngày {})",
                        format_date_vi(self.due_before)
                    ),
                );
            }
        }
        match (start, end) {
            (Some(s), Some(e)) if errs.is_empty() => Ok(Period::new(s, e)),
            _ => Err(errs),
        }
    }
}

impl Plan {
    /// Where `report`'s period comes from, given the periods the officer confirmed for this
    /// plan's year.
    pub fn report_period(&self, report: &Report, confirmed: &[ConfirmedPeriod]) -> ReportPeriod {
        if report.period_stated {
            return ReportPeriod::Stated(Period::new(report.period_start, report.period_end));
        }
        match confirmed.iter().find(|c| c.code == report.code) {
            Some(c) => ReportPeriod::Confirmed(Period::new(c.start, c.end)),
            None => ReportPeriod::Unconfirmed {
                proposed: report.proposed_period(self.year),
            },
        }
    }

    /// The reporting period a figure on `as_of` is computed for: that of the report whose
    /// period contains the date, else the first not ended by then; a date after every report's
    /// period (November and December, when the yearly report closes on 31/10), and a plan
    /// without reports, take the plan's calendar year. An error when the report's period
    /// waits for the officer's confirmation.
    pub fn period_for(
        &self,
        confirmed: &[ConfirmedPeriod],
        as_of: Date,
    ) -> Result<Period, PeriodNotConfirmed> {
        let mut reports: Vec<(&Report, ReportPeriod)> = self
            .reports
            .iter()
            // Only the periodic reports divide the year: the Month of Action, a forum or the
            // self-assessment report on figures of their own period.
            .filter(|r| r.kind.is_periodic())
            .map(|r| (r, self.report_period(r, confirmed)))
            .collect();
        reports.sort_by_key(|(_, p)| p.shown().end);
        let chosen = reports
            .iter()
            .find(|(_, p)| p.shown().contains(as_of))
            .or_else(|| reports.iter().find(|(_, p)| as_of <= p.shown().end));
        let Some((report, period)) = chosen else {
            let start = Date::new(self.year, 1, 1).unwrap_or(as_of);
            let end = Date::new(self.year, 12, 31).unwrap_or(as_of);
            return Ok(Period::new(start, end));
        };
        period.period().ok_or_else(|| PeriodNotConfirmed {
            code: report.code.clone(),
            name: report.name.to_lowercase(),
            proposed: period.shown(),
        })
    }
}
