//! The audit log (nhật ký) in words: the actions and the kinds of record its rows name, as the
//! audit page shows them. Storage writes the codes (stable, filterable); pages show these words.

/// Each action the log records (the code storage writes) and its words.
pub const ACTIONS: [(&str, &str); 16] = [
    ("create", "thêm mới"),
    ("update", "sửa"),
    ("read", "xem"),
    ("import", "nhập từ tệp"),
    ("export", "xuất dữ liệu"),
    ("login", "đăng nhập"),
    ("password", "đổi mật khẩu"),
    ("disable", "khóa tài khoản"),
    ("enable", "mở lại tài khoản"),
    ("confirm", "xác nhận"),
    ("refuse", "từ chối"),
    ("report", "nhập số liệu báo cáo"),
    ("save", "lưu"),
    ("seal", "niêm phong"),
    ("merge", "gộp hồ sơ trùng"),
    ("delete", "xóa"),
];

/// Each kind of record the log names and its words.
pub const ENTITIES: [(&str, &str); 25] = [
    ("child", "trẻ em"),
    ("household", "hộ gia đình"),
    ("village", "thôn, bản"),
    ("user", "tài khoản"),
    ("commune", "thông tin xã"),
    ("plan", "kế hoạch"),
    ("target", "chỉ tiêu"),
    ("support", "trợ giúp"),
    ("support_answers", "quy định trợ giúp"),
    ("database", "cơ sở dữ liệu"),
    ("health", "sự kiện y tế"),
    ("case", "hồ sơ trường hợp"),
    ("report_period", "kỳ báo cáo"),
    ("calendar", "lịch ngày làm việc"),
    ("self_assessment", "tự đánh giá xã phù hợp với trẻ em"),
    ("support_distribution", "danh sách cấp phát"),
    ("disaster", "thiên tai, cứu trợ"),
    ("child_marriage", "tảo hôn"),
    ("disability", "theo dõi trẻ khuyết tật"),
    ("hazard", "điểm nguy cơ tai nạn"),
    ("hazard_inspection", "kiểm tra điểm nguy cơ"),
    ("budget_line", "dòng kinh phí"),
    ("spending", "khoản chi"),
    ("activity", "hoạt động"),
    ("service_entry", "danh bạ dịch vụ"),
];

fn words(list: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| *c == code).map(|(_, w)| *w)
}

/// An action in words ("read" → "xem"); a code this version does not know, as it is.
pub fn action_vi(code: &str) -> String {
    words(&ACTIONS, code).map_or_else(|| code.to_string(), str::to_string)
}

/// A kind of record in words ("child" → "trẻ em"); an unknown code as it is.
pub fn entity_vi(code: &str) -> String {
    words(&ENTITIES, code).map_or_else(|| code.to_string(), str::to_string)
}

/// Whether a row names a child of the register (linked to the child's page).
pub fn names_child(entity: &str) -> bool {
    entity == "child"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_and_record_has_words_once() {
        assert_eq!(action_vi("read"), "xem");
        assert_eq!(entity_vi("case"), "hồ sơ trường hợp");
        assert_eq!(action_vi("something_new"), "something_new");
        for list in [&ACTIONS[..], &ENTITIES[..]] {
            let mut codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), list.len(), "a code twice");
        }
    }
}
