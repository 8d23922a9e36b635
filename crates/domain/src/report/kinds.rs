//! What a report kind of the plan says about one report (loại báo cáo): who writes a section,
//! which targets it draws on, its period and its due date, its title.
use crate::date::{format_vi, Period};
use crate::plan::{Agency, ConfirmedPeriod, Plan, Report, ReportKind, Source, Target};
use crate::validation::FieldErrors;
use crate::Date;

/// The symbol after the number when the plan gives none.
pub const DEFAULT_SYMBOL: &str = "BC-UBND";

impl Plan {
    /// The report kind with this code.
    pub fn report(&self, code: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.code == code)
    }

    /// The agencies that write a section of `report`, in the plan's order: those it names, or
    /// every agency of section V that a target or an activity gives a duty (leading,
    /// supporting or coordinating).
    pub fn report_sections(&self, report: &Report) -> Vec<&Agency> {
        self.agencies
            .iter()
            .filter(|a| {
                if !report.sections.is_empty() {
                    return report.sections.contains(&a.code);
                }
                let in_v = a.section.as_deref().is_some_and(|s| s.starts_with("V."));
                let c = &a.code;
                let has_duty = self.targets.iter().any(|t| {
                    t.owners.contains(c) || t.supporting.contains(c) || t.related.contains(c)
                }) || self.activities.iter().any(|x| {
                    x.owners.contains(c) || x.supporting.contains(c) || x.related.contains(c)
                });
                in_v && has_duty
            })
            .collect()
    }

    /// The targets `report` draws on, in the plan's order.
    pub fn report_targets(&self, report: &Report) -> Vec<&Target> {
        self.targets
            .iter()
            .filter(|t| report.targets.is_empty() || report.targets.contains(&t.number))
            .collect()
    }

    /// Whether a person of `role` writes `agency`'s section: the role the plan gives the
    /// agency, and the officer for an agency no account acts for (Phòng Kinh tế, the Front),
    /// whose text the officer collects.
    pub fn writes_section(&self, role: crate::role::Role, agency: &str) -> bool {
        match self.agency(agency).and_then(|a| a.role) {
            Some(r) => r == role,
            None => role == crate::role::Role::Officer,
        }
    }
}

/// The period and due date of a report being opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub period: Period,
    /// The report (and each section) is due strictly before this day.
    pub due_before: Date,
}

impl Report {
    /// Where the period of a report opened now comes from: a forum's report covers the forum's
    /// day (`forum_date`, required) and is due `due_days_after` days after it; any other kind
    /// covers its stated or confirmed period and is due as the plan says.
    pub fn opening(
        &self,
        year: i16,
        confirmed: &[ConfirmedPeriod],
        forum_date: Option<Date>,
    ) -> Result<Opening, FieldErrors> {
        if self.kind == ReportKind::Forum {
            let Some(day) = forum_date else {
                return Err(FieldErrors::single(
                    "forum_date",
                    "cần ghi ngày tổ chức diễn đàn (dd/mm/yyyy)",
                ));
            };
            if day.year() != year {
                return Err(FieldErrors::single(
                    "forum_date",
                    format!("ngày tổ chức diễn đàn phải trong năm {year}"),
                ));
            }
            let days = i64::from(self.due_days_after.unwrap_or(15)) + 1;
            let due = day
                .checked_add(jiff::Span::new().days(days))
                .unwrap_or(self.due_before);
            return Ok(Opening {
                period: Period::new(day, day),
                due_before: due,
            });
        }
        if self.period_stated {
            return Ok(Opening {
                period: Period::new(self.period_start, self.period_end),
                due_before: self.due_before,
            });
        }
        match confirmed.iter().find(|c| c.code == self.code) {
            Some(c) => Ok(Opening {
                period: Period::new(c.start, c.end),
                due_before: self.due_before,
            }),
            None => Err(FieldErrors::single(
                "kind",
                format!(
                    "Kỳ của {} chưa được xác nhận: xác nhận kỳ báo cáo ở trang kế hoạch trước khi \
                     mở báo cáo.",
                    self.name.to_lowercase()
                ),
            )),
        }
    }

    /// The title under "BÁO CÁO": the plan's pattern with `{year}` and `{period}` replaced.
    pub fn title_for(&self, year: i16, period: Period) -> String {
        let period_words = if period.start == period.end {
            format_vi(period.start)
        } else {
            format!(
                "từ {} đến {}",
                format_vi(period.start),
                format_vi(period.end)
            )
        };
        match &self.title {
            Some(t) => t
                .replace("{year}", &year.to_string())
                .replace("{period}", &period_words),
            None => format!("Kết quả thực hiện công tác bảo vệ trẻ em {period_words}"),
        }
    }

    /// "BC-UBND" unless the plan says otherwise.
    pub fn symbol_or_default(&self) -> &str {
        self.symbol.as_deref().unwrap_or(DEFAULT_SYMBOL)
    }
}

impl Source {
    /// Where a figure comes from, in the words a report prints.
    pub fn label_vi(&self) -> &'static str {
        match self {
            Source::Reported => "Số liệu cơ quan báo cáo",
            Source::Register { .. } => "Sổ theo dõi trẻ em",
            Source::Assessment => "Tự đánh giá xã phù hợp với trẻ em",
            Source::Cases { .. } => "Hồ sơ trường hợp (NĐ 56/2017)",
            Source::Records { .. } => "Sổ công tác hỗ trợ (thiên tai, tảo hôn)",
            Source::Activities { .. } => "Hoạt động (diễn đàn trẻ em, danh bạ dịch vụ)",
        }
    }
}
