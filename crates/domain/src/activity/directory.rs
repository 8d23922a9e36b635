//! The directory of services (danh bạ dịch vụ, II.3): trusted addresses, shelters, legal aid,
//! health and psychosocial services, the 111 hotline, the steering board's members and the
//! village collaborators, with who to call; and the villages' play places (target 26). Case
//! plans' referrals suggest its entries.
use super::words;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

words! {
    /// What a directory entry is.
    Category {
        Hotline = "hotline", "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111";
        TrustedAddress = "trusted_address", "Địa chỉ tin cậy";
        Shelter = "shelter", "Nơi tạm lánh";
        LegalAid = "legal_aid", "Trợ giúp pháp lý";
        Health = "health", "Y tế";
        Psychosocial = "psychosocial", "Tư vấn, hỗ trợ tâm lý";
        Police = "police", "Công an";
        PlayPlace = "play_place", "Điểm văn hóa, vui chơi cho trẻ em";
        BoardMember = "board_member", "Thành viên Ban chỉ đạo";
        Collaborator = "collaborator", "Cộng tác viên thôn";
        Other = "other", "Khác";
    }
}

impl Category {
    /// Entries that belong to one village: a play place, a village collaborator.
    pub fn needs_village(self) -> bool {
        matches!(self, Category::PlayPlace | Category::Collaborator)
    }
}

/// A directory entry as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    pub category: Category,
    pub name: String,
    pub village_id: Option<i64>,
    pub address: String,
    pub phone: String,
    /// Who to call (người liên hệ) and their duty.
    pub contact: String,
    pub note: String,
}

/// A directory entry as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryInput {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub note: String,
}

impl EntryInput {
    pub fn parse(&self) -> Result<NewEntry, FieldErrors> {
        let mut errs = FieldErrors::default();
        let category = match Category::parse(&self.category) {
            Some(c) => Some(c),
            None => {
                errs.push(
                    "category",
                    format!("cần chọn loại; một trong: {}", Category::choices_vi()),
                );
                None
            }
        };
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errs.push("name", "cần ghi tên");
        }
        for (field, label, v) in [
            ("name", "tên", &name),
            ("address", "địa chỉ", &self.address),
            ("contact", "người liên hệ", &self.contact),
            ("note", "ghi chú", &self.note),
        ] {
            crate::limits::check_chars(
                &mut errs,
                field,
                label,
                v.trim(),
                super::input::TITLE_CHARS,
            );
        }
        let phone = self.phone.trim().to_string();
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
            || phone.chars().filter(|c| c.is_ascii_digit()).count() > 15
        {
            errs.push("phone", format!("số điện thoại «{phone}» không hợp lệ"));
        }
        let village_id = match self.village_id.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    errs.push("village_id", format!("thôn «{t}» không hợp lệ"));
                    None
                }
            },
        };
        if category.is_some_and(Category::needs_village) && village_id.is_none() {
            errs.push("village_id", "cần chọn thôn");
        }
        match category {
            Some(category) if errs.is_empty() => Ok(NewEntry {
                category,
                name,
                village_id,
                address: self.address.trim().into(),
                phone,
                contact: self.contact.trim().into(),
                note: self.note.trim().into(),
            }),
            _ => Err(errs),
        }
    }
}

/// May change the directory: the officer and the services centre.
pub fn may_write(role: crate::role::Role) -> bool {
    matches!(
        role,
        crate::role::Role::Officer | crate::role::Role::Services
    )
}

/// May read the directory: every commune role but the administrator and the province.
pub fn may_read(role: crate::role::Role) -> bool {
    !matches!(role, crate::role::Role::Admin | crate::role::Role::Province)
}
