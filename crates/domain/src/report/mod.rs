//! Báo cáo: the reports that go up the chain (section VI of the plan). Each agency writes its
//! section, the culture-social office consolidates, the leader approves; an approved report is
//! frozen ([`FrozenReport`]) and never overwritten. The frozen report is what every document
//! (DOCX, XLSX, print) and the province package are made from, so that they all say the same.
//!
//! Pure: storage keeps the reports and their frozen JSON, the web and CLI render and send them.
mod build;
mod frozen;
mod kinds;
pub mod package;
mod section;
mod work;
mod workflow;

#[cfg(test)]
mod tests;

pub use build::{freeze, signer_of, Freezing};
pub use frozen::{Approval, Commune, FigureChange, FrozenFigure, FrozenReport, SectionText};
pub use kinds::{Opening, DEFAULT_SYMBOL};
pub use section::{Narrative, MAX_BOX_CHARS};
pub use work::{
    count_vi, money_vi, section_lines, sees_year_work, work_lines, year_lines, ActivityTally,
    BudgetTally, SupportTally, WorkCounts, WorkLine,
};
pub use workflow::{may_read, overdue, take, Refusal, ReportState, SectionState, Step};
