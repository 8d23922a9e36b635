//! The 14 groups of children in special circumstances (trẻ em có hoàn cảnh đặc biệt), Law on
//! Children 2016 Art. 10 cl. 1, lettered a…o as the law letters them (đ included, no f/j).
use serde::{Deserialize, Serialize};

/// (code, Vietnamese wording).
pub const GROUPS: [(&str, &str); 14] = [
    ("a", "Trẻ em mồ côi cả cha và mẹ"),
    ("b", "Trẻ em bị bỏ rơi"),
    ("c", "Trẻ em không nơi nương tựa"),
    ("d", "Trẻ em khuyết tật"),
    ("đ", "Trẻ em nhiễm HIV/AIDS"),
    ("e", "Trẻ em vi phạm pháp luật"),
    ("g", "Trẻ em nghiện ma túy"),
    (
        "h",
        "Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục THCS",
    ),
    (
        "i",
        "Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực",
    ),
    ("k", "Trẻ em bị bóc lột"),
    ("l", "Trẻ em bị xâm hại tình dục"),
    ("m", "Trẻ em bị mua bán"),
    (
        "n",
        "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo, cận nghèo",
    ),
    (
        "o",
        "Trẻ em di cư, lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc",
    ),
];

/// Accepts "đ" and its ASCII stand-in "dd" (keyboards without Vietnamese input).
pub fn parse(code: &str) -> Option<&'static str> {
    let c = code.trim().to_lowercase();
    let c = if c == "dd" { "đ".to_string() } else { c };
    GROUPS.iter().find(|(g, _)| *g == c).map(|(g, _)| *g)
}

pub fn label(code: &str) -> Option<&'static str> {
    GROUPS.iter().find(|(g, _)| *g == code).map(|(_, l)| *l)
}

/// One child's membership of one group, over a period (từ ngày … đến ngày).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Circumstance {
    pub code: String,
    pub from: jiff::civil::Date,
    #[serde(default)]
    pub to: Option<jiff::civil::Date>,
}

impl Circumstance {
    pub fn active_on(&self, d: jiff::civil::Date) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_groups_lettered_as_the_law() {
        assert_eq!(GROUPS.len(), 14);
        let letters: String = GROUPS.iter().map(|(c, _)| *c).collect();
        assert_eq!(letters, "abcdđeghiklmno");
        assert_eq!(parse("DD"), Some("đ"));
        assert_eq!(parse("f"), None);
    }
}
