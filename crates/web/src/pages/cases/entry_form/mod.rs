//! A case step's form as posted, read into a case entry ([`EntryKind`]), and an entry written
//! back into its form for a replacement. The posted pairs are decoded into one typed request
//! struct per step ([`decode`]: `steps::VisitForm`, `report::ReportForm`, …), each converted into
//! the domain's entry with `TryFrom`, with a Vietnamese message per field. Field names are the
//! domain's serde paths (`measures[2].responsible`), so the domain's own checks land beside the
//! same inputs.
mod check;
mod posted;
mod refill;
mod report;
mod steps;

pub use check::by_field;
pub use posted::{decode, Posted};
pub use refill::{code_of, entry_to_form, plan_to_form, put_ratings};
pub use report::ReportForm;
pub use steps::parse_step;

use treem_domain::case::EntryKind;
use treem_domain::validation::FieldErrors;

/// Rows offered for a plan's measures.
pub const MEASURE_ROWS: usize = 6;

/// The report (Mẫu 01) from the intake form.
pub fn parse_intake(f: &Posted) -> Result<EntryKind, FieldErrors> {
    EntryKind::try_from(decode::<ReportForm>(f)?)
}

#[cfg(test)]
mod tests;
