//! Văn bản báo cáo: an approved report ([`FrozenReport`]) as the documents that leave the
//! commune — a DOCX in the layout of Decree 30/2020 (Nghị định 30/2020/NĐ-CP), an XLSX with the
//! same table and the breakdowns, and the neutral [`ReportDoc`] the printable page renders.
//! Every document is made only from the frozen report, so all of them say what was approved.
//!
//! Pure: no SQL, no async, no HTTP. Village names come in through [`Names`] because the frozen
//! report holds only village codes.
mod content;
pub mod decree30;
mod docx;
mod words;
mod xlsx;

pub use content::{ChangeRow, Heading, ReportDoc, SectionDoc, SignatureDoc, TargetRow};
pub use treem_domain::report::FrozenReport;
pub use words::{date_line, number_vi, signer_titles, value_vi};

/// Names the frozen report keeps only as codes (tên thôn/bản for a village code).
pub struct Names<'a> {
    village: &'a dyn Fn(&str) -> String,
}

impl<'a> Names<'a> {
    /// `village` gives a village's name from its code (the storage's village list).
    pub fn new(village: &'a dyn Fn(&str) -> String) -> Names<'a> {
        Names { village }
    }

    /// The village's name; its code when the lookup knows none.
    pub fn village(&self, code: &str) -> String {
        let name = (self.village)(code);
        if name.trim().is_empty() {
            code.to_string()
        } else {
            name
        }
    }
}

/// Why a document could not be written (the writer libraries' errors; the content itself
/// cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("không tạo được tệp Word: {0}")]
    Docx(String),
    #[error("không tạo được tệp Excel: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The report as a DOCX file (Times New Roman, A4, Decree 30/2020's margins).
pub fn docx(report: &FrozenReport) -> Result<Vec<u8>, DocumentError> {
    docx::render(&ReportDoc::of(report))
}

/// The report as an XLSX workbook: the target table, one sheet per breakdown kind, one per
/// agency section (and the changes of an amending report).
pub fn xlsx(report: &FrozenReport, names: &Names) -> Result<Vec<u8>, DocumentError> {
    xlsx::render(report, &ReportDoc::of(report), names)
}

#[cfg(test)]
#[path = "../tests/sample/mod.rs"]
pub(crate) mod sample;

#[cfg(test)]
mod tests;
