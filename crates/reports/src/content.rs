//! What every document of a report says, as plain text in reading order: the heading, the
//! title, the target table, each agency's section, the changes of an amending report and the
//! signature block. The DOCX, the XLSX's first sheet and the printable page all render this,
//! so they cannot say different things.
use crate::words::{date_line, number_vi, place_of, signer_titles, unit_of, value_vi};
use treem_domain::indicator::TargetStatus;
use treem_domain::report::{FigureChange, FrozenReport};

/// The two-column heading (phần đầu văn bản).
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// Cơ quan ban hành, upper case: "UBND XÃ SÍNH PHÌNH".
    pub issuer: String,
    /// "Số: 12/BC-UBND"; "Số: …/BC-UBND" before a number is given.
    pub number: String,
    /// Quốc hiệu.
    pub nation: &'static str,
    /// Tiêu ngữ.
    pub motto: &'static str,
    /// "Sính Phình, ngày 28 tháng 5 năm 2026".
    pub place_date: String,
}

/// One line of the target table (bảng chỉ tiêu).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// The target's number in the plan (STT).
    pub number: u16,
    pub measure: String,
    pub plan_value: String,
    /// "94,97 % (245/258)".
    pub result: String,
    /// The value as a number (for the XLSX), `None` without data.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Đánh giá, in words ("đạt", "chưa đạt").
    pub status: &'static str,
    pub agency: String,
    /// Ghi chú: why there is no figure, the source.
    pub note: String,
}

/// An agency's section (phần của cơ quan).
#[derive(Debug, Clone, PartialEq)]
pub struct SectionDoc {
    pub agency: String,
    /// (heading, text) in the order the report prints them; an empty text reads "Không có".
    pub parts: Vec<(&'static str, String)>,
    /// What the agency's records say for the period, as frozen: (label, value), e.g.
    /// ("Trẻ em được hỗ trợ", "12 em, 15 lượt hỗ trợ, tổng giá trị 1.234.567 đ").
    pub lines: Vec<(String, String)>,
}

/// The heading of the short list of counts under an agency's heading.
pub const LINES_HEADING: &str = "Số liệu từ hồ sơ trong kỳ";

/// One figure that changed, for an amending report (báo cáo bổ sung).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub number: u16,
    pub measure: String,
    /// "245 → 247".
    pub numerator: String,
    pub denominator: String,
    pub value: String,
    /// "đạt → chưa đạt".
    pub status: String,
}

/// The bottom block: "Nơi nhận" left, the signer right.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureDoc {
    /// The receivers, each with its leading "- ", ending with "- Lưu: VT.".
    pub receivers: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH".
    pub titles: Vec<String>,
    /// Họ và tên, bold under the room for the signature.
    pub name: String,
}

/// A report's whole content.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    pub heading: Heading,
    /// "BÁO CÁO".
    pub kind: &'static str,
    pub title: String,
    /// "Kỳ báo cáo: từ 01/01/2026 đến 30/06/2026; số liệu đến hết ngày 30/06/2026."
    pub period: String,
    /// "Bổ sung Báo cáo số …" for an amending report.
    pub amends: Option<String>,
    pub targets: Vec<TargetRow>,
    pub sections: Vec<SectionDoc>,
    pub changes: Vec<ChangeRow>,
    pub signature: SignatureDoc,
}

/// The section headings, in the order Decree 30's reports usually keep.
pub const SECTION_PARTS: [&str; 4] = [
    "Kết quả thực hiện",
    "Kết quả đạt được",
    "Khó khăn, vướng mắc",
    "Đề xuất, kiến nghị",
];

/// The table's column headings (DOCX, XLSX and print).
pub const TARGET_COLUMNS: [&str; 6] = [
    "STT / Chỉ tiêu",
    "Giá trị kế hoạch",
    "Kết quả (tử số/mẫu số)",
    "Đánh giá",
    "Cơ quan",
    "Ghi chú",
];

pub const CHANGE_COLUMNS: [&str; 5] = ["STT / Chỉ tiêu", "Tử số", "Mẫu số", "Giá trị", "Đánh giá"];

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "Không có.".into()
    } else {
        s.trim().to_string()
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(number_vi).unwrap_or_else(|| "—".into())
}

fn change_row(c: &FigureChange, measure: &str) -> ChangeRow {
    let pair = |(a, b): (Option<f64>, Option<f64>)| format!("{} → {}", opt(a), opt(b));
    let status = |s: TargetStatus| s.label_vi();
    ChangeRow {
        number: c.target,
        measure: measure.to_string(),
        numerator: pair(c.numerator),
        denominator: pair(c.denominator),
        value: pair(c.value),
        status: format!("{} → {}", status(c.status.0), status(c.status.1)),
    }
}

impl ReportDoc {
    /// The content of `r`.
    pub fn of(r: &FrozenReport) -> ReportDoc {
        let number = if r.number.trim().is_empty() {
            "…".to_string()
        } else {
            r.number.trim().to_string()
        };
        let heading = Heading {
            issuer: r.issuer.to_uppercase(),
            number: format!("Số: {number}/{}", r.symbol),
            nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            motto: "Độc lập - Tự do - Hạnh phúc",
            place_date: date_line(&place_of(&r.commune.name), r.approved.date),
        };
        let d = treem_domain::date::format_vi;
        let period = format!(
            "Kỳ báo cáo: từ ngày {} đến ngày {}; số liệu đến hết ngày {}.",
            d(r.period.start),
            d(r.period.end),
            d(r.as_of)
        );
        let targets = r
            .figures
            .iter()
            .map(|f| {
                let fig = &f.result.figure;
                let mut note = f.result.note.clone().unwrap_or_default();
                if fig.unstable {
                    if !note.is_empty() {
                        note.push_str("; ");
                    }
                    note.push_str("mẫu số nhỏ, tỷ lệ chưa ổn định");
                }
                if !f.source.is_empty() {
                    if !note.is_empty() {
                        note.push_str("; ");
                    }
                    note.push_str(&format!("Nguồn: {}", f.source));
                }
                TargetRow {
                    number: f.target,
                    measure: f.measure.clone(),
                    plan_value: f.plan_value.clone(),
                    result: value_vi(fig, unit_of(&f.plan_value)),
                    value: fig.value,
                    numerator: fig.numerator,
                    denominator: fig.denominator,
                    status: f.result.status.label_vi(),
                    agency: f.agency.clone(),
                    note,
                }
            })
            .collect();
        let sections = r
            .sections
            .iter()
            .map(|s| SectionDoc {
                agency: s.agency_name.clone(),
                parts: SECTION_PARTS
                    .into_iter()
                    .zip([&s.done, &s.results, &s.difficulties, &s.proposals])
                    .map(|(h, t)| (h, or_none(t)))
                    .collect(),
                lines: s
                    .lines
                    .iter()
                    .map(|l| (l.label.clone(), l.value.clone()))
                    .collect(),
            })
            .collect();
        let measure = |n: u16| {
            r.figures
                .iter()
                .find(|f| f.target == n)
                .map(|f| f.measure.clone())
                .unwrap_or_default()
        };
        let changes = r
            .changes
            .iter()
            .map(|c| change_row(c, &measure(c.target)))
            .collect();
        let mut receivers: Vec<String> = r.receivers.iter().map(|x| format!("- {x};")).collect();
        receivers.push("- Lưu: VT.".into());
        ReportDoc {
            heading,
            kind: "BÁO CÁO",
            title: r.title.clone(),
            period,
            amends: r.amends.map(|_| {
                "Báo cáo bổ sung: các số liệu thay đổi so với báo cáo đã phê duyệt".into()
            }),
            targets,
            sections,
            changes,
            signature: SignatureDoc {
                receivers,
                titles: signer_titles(&r.approved.position),
                name: r.approved.full_name.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_has_the_heading_table_sections_and_signer() {
        let r = crate::sample::six_month_report();
        let doc = ReportDoc::of(&r);
        assert_eq!(doc.heading.issuer, "UBND XÃ SÍNH PHÌNH");
        assert_eq!(doc.heading.number, "Số: 12/BC-UBND");
        assert_eq!(
            doc.heading.place_date,
            "Sính Phình, ngày 28 tháng 5 năm 2026"
        );
        assert_eq!(doc.targets.len(), 28);
        let nine = doc.targets.iter().find(|t| t.number == 9).unwrap();
        assert_eq!(nine.status, "chưa đạt");
        assert_eq!(nine.result, "94,96 % (245/258)");
        assert_eq!(doc.sections[0].parts[0].0, "Kết quả thực hiện");
        assert_eq!(doc.signature.name, "Lò Văn Minh");
        assert_eq!(doc.signature.titles[2], "PHÓ CHỦ TỊCH");
        assert_eq!(doc.signature.receivers.last().unwrap(), "- Lưu: VT.");
    }
}
