//! The neutral model of a printed form, which both renderers read: the A4 page
//! (`official_form.html`) and the DOCX file ([`super::docx`]).
use treem_domain::account::Signer;

/// One printable document, as neutral as the two renderers need.
pub struct FormDoc {
    /// 1–6.
    pub n: u8,
    /// The issuing body, left of the heading: "ỦY BAN NHÂN DÂN", "XÃ SÍNH PHÌNH".
    pub org: [String; 2],
    /// "Số: …/BC-UBND".
    pub number: String,
    /// "Sính Phình, ngày 02 tháng 03 năm 2026".
    pub place_date: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// A draft (the decision not yet signed).
    pub draft: bool,
    pub blocks: Vec<Block>,
}

impl FormDoc {
    /// "Mẫu số 01".
    pub fn form_label(&self) -> String {
        format!("Mẫu số {:02}", self.n)
    }

    /// Whether block `i` comes just before a signature: the page wraps the two in one box
    /// that does not break across pages.
    pub fn opens_keep(&self, i: &usize) -> bool {
        matches!(self.blocks.get(i + 1), Some(Block::Signature(_)))
    }

    /// Whether block `i` is a signature that [`FormDoc::opens_keep`] wrapped.
    pub fn closes_keep(&self, i: &usize) -> bool {
        *i > 0 && matches!(self.blocks.get(*i), Some(Block::Signature(_)))
    }
}

/// A piece of a form's body.
pub enum Block {
    /// A bold section heading.
    Heading(String),
    /// A justified paragraph with a first-line indent.
    Paragraph(String),
    /// An italic paragraph (the legal bases of a decision, notes).
    Italic(String),
    /// A bold, centred line ("QUYẾT ĐỊNH:").
    Centered(String),
    /// "Label: value".
    Field(String, String),
    /// "- item" lines.
    Bullets(Vec<String>),
    Table(FormTable),
    Signature(Signature),
}

pub struct FormTable {
    pub kind: TableKind,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The bold "Tổng số" row.
    pub total: Option<Vec<String>>,
}

#[derive(Clone, Copy)]
pub enum TableKind {
    Ratings,
    Measures,
    Attendees,
}

impl TableKind {
    /// The HTML class (its column widths are in `static/form.css`).
    pub fn class(self) -> &'static str {
        match self {
            TableKind::Ratings => "ratings",
            TableKind::Measures => "measures",
            TableKind::Attendees => "attendees",
        }
    }

    /// Each column's width (per cent of the text width) and whether it is centred.
    pub fn columns(self) -> &'static [(u32, bool)] {
        match self {
            TableKind::Ratings => &[(8, true), (50, false), (14, true), (14, true), (14, true)],
            TableKind::Measures => &[(8, true), (30, false), (22, false), (20, true), (20, false)],
            TableKind::Attendees => &[(8, true), (42, false), (50, false)],
        }
    }

    /// Whether column `i` is centred (for the template).
    pub fn centred(&self, i: &usize) -> bool {
        self.columns().get(*i).is_some_and(|c| c.1)
    }
}

/// The signature block: "Nơi nhận" on the left (decisions), the signer on the right.
pub struct Signature {
    pub recipients: Vec<String>,
    /// Bold, upper case: "NGƯỜI LẬP BÁO CÁO"; "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH".
    pub titles: Vec<String>,
    /// Who recorded the step (empty on a draft decision).
    pub name: String,
}

pub const SIGN_NOTE: &str = "(Ký, ghi rõ họ tên)";

impl Signature {
    /// "(Ký, ghi rõ họ tên)".
    pub fn note(&self) -> &'static str {
        SIGN_NOTE
    }
}

/// What a form needs besides the case: the commune and the child as the register knows them.
pub struct FormContext {
    /// "Sính Phình".
    pub place: String,
    /// "XÃ SÍNH PHÌNH".
    pub unit: String,
    pub child: ChildFacts,
    /// The full names and positions of the accounts that recorded the case's steps.
    pub signers: Vec<Signer>,
}

#[derive(Default)]
pub struct ChildFacts {
    pub name: String,
    /// Date of birth, or the estimated age.
    pub birth: String,
    pub sex: String,
    /// Đặc điểm nhận dạng (a child not in the register).
    pub description: String,
}

impl FormContext {
    /// The place and the issuing unit from the commune's name ("Xã Sính Phình (dữ liệu mẫu)"
    /// → "Sính Phình", "XÃ SÍNH PHÌNH"); Sính Phình when none is set.
    pub fn commune(name: &str, child: ChildFacts) -> FormContext {
        let name = name.split('(').next().unwrap_or("").trim();
        let lower = name.to_lowercase();
        let (kind, place) = ["xã ", "phường ", "thị trấn "]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| {
                let kind = &name[..p.len() - 1];
                (kind.to_string(), name[p.len()..].trim().to_string())
            })
            .unwrap_or_else(|| ("Xã".to_string(), name.to_string()));
        let place = if place.is_empty() {
            "Sính Phình".to_string()
        } else {
            place
        };
        FormContext {
            unit: format!("{kind} {place}").to_uppercase(),
            place,
            child,
            signers: Vec::new(),
        }
    }

    /// The account `login` as a signature block names it (its login alone when unknown).
    pub fn signer(&self, login: &str) -> Signer {
        self.signers
            .iter()
            .find(|s| s.login == login)
            .cloned()
            .unwrap_or_else(|| Signer {
                login: login.to_string(),
                ..Signer::default()
            })
    }
}

/// Why a form cannot be printed.
#[derive(Debug, PartialEq, Eq)]
pub enum FormMissing {
    /// No such form.
    Unknown,
    /// The step is not recorded yet: the message says which.
    NotRecorded(&'static str),
}
