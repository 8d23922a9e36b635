//! The 54 ethnic groups (dân tộc) by the statistics office's code list, Quyết định
//! 1019/QĐ-TCTK of 12/11/2008. Imports that use the older 1979 numbering must say so: its
//! codes 04-06 differ.

/// (code, Vietnamese name).
pub const ETHNIC_GROUPS: [(u8, &str); 54] = [
    (1, "Kinh"),
    (2, "Tày"),
    (3, "Thái"),
    (4, "Mường"),
    (5, "Khơ-me"),
    (6, "Hoa"),
    (7, "Nùng"),
    (8, "H'Mông"),
    (9, "Dao"),
    (10, "Gia-rai"),
    (11, "Ngái"),
    (12, "Ê-đê"),
    (13, "Ba-na"),
    (14, "Xơ-đăng"),
    (15, "Sán Chay"),
    (16, "Cơ-ho"),
    (17, "Chăm"),
    (18, "Sán Dìu"),
    (19, "Hrê"),
    (20, "Mnông"),
    (21, "Ra-glai"),
    (22, "Xtiêng"),
    (23, "Bru-Vân Kiều"),
    (24, "Thổ"),
    (25, "Giáy"),
    (26, "Cơ-tu"),
    (27, "Gié-Triêng"),
    (28, "Mạ"),
    (29, "Khơ-mú"),
    (30, "Co"),
    (31, "Ta-ôi"),
    (32, "Chơ-ro"),
    (33, "Kháng"),
    (34, "Xinh-mun"),
    (35, "Hà Nhì"),
    (36, "Chu-ru"),
    (37, "Lào"),
    (38, "La Chí"),
    (39, "La Ha"),
    (40, "Phù Lá"),
    (41, "La Hủ"),
    (42, "Lự"),
    (43, "Lô Lô"),
    (44, "Chứt"),
    (45, "Mảng"),
    (46, "Pà Thẻn"),
    (47, "Cơ Lao"),
    (48, "Cống"),
    (49, "Bố Y"),
    (50, "Si La"),
    (51, "Pu Péo"),
    (52, "Brâu"),
    (53, "Ơ Đu"),
    (54, "Rơ-măm"),
];

/// Name of a group by code.
pub fn name(code: u8) -> Option<&'static str> {
    ETHNIC_GROUPS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// Finds a code from what people type: "08", "8", "H'Mông", "hmong", "Mông".
pub fn parse(s: &str) -> Option<u8> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u8>() {
        return name(n).map(|_| n);
    }
    let f = crate::text::fold(t).replace(' ', "");
    if f == "mong" || f == "meo" {
        return Some(8);
    }
    ETHNIC_GROUPS
        .iter()
        .find(|(_, n)| crate::text::fold(n).replace(' ', "") == f)
        .map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_1019_list() {
        assert_eq!(ETHNIC_GROUPS.len(), 54);
        assert_eq!(name(8), Some("H'Mông"));
        assert_eq!(parse("hmong"), Some(8));
        assert_eq!(parse("Mông"), Some(8));
        assert_eq!(parse("09"), Some(9));
        assert_eq!(parse("thai"), Some(3));
        assert_eq!(parse("55"), None);
    }
}
