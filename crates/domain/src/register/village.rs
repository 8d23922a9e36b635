//! Villages (thôn/bản): their codes and names, and the index that finds a village by either.
use super::*;

/// Villages as a village's list writes them: by code ("SP01") or by name ("Thôn 1",
/// "bản Sính Phình", "Sinh Phinh"), in any case and with or without accents.
#[derive(Debug, Default)]
pub struct VillageIndex {
    by_code: std::collections::HashMap<String, String>,
    /// Folded name without its "thôn"/"bản"/… word → codes.
    by_name: std::collections::HashMap<String, Vec<String>>,
}

/// The words a village name may start with, folded: thôn, bản, xóm, làng, tổ, khu, ấp, buôn,
/// sóc, khối, tổ dân phố, plus "thon ban".
pub(crate) const VILLAGE_WORDS: [&str; 11] = [
    "to dan pho",
    "thon ban",
    "thon",
    "ban",
    "xom",
    "lang",
    "to",
    "khu",
    "ap",
    "buon",
    "soc",
];

/// A village name folded and without the word for "village" in front: "Thôn 1" → "1",
/// "bản Sính Phình" → "sinh phinh".
pub(crate) fn village_name_key(name: &str) -> String {
    let f = crate::text::fold(name);
    for w in VILLAGE_WORDS {
        if let Some(rest) = f.strip_prefix(w).and_then(|r| r.strip_prefix(' ')) {
            return rest.to_string();
        }
    }
    f
}

impl VillageIndex {
    pub fn new(villages: &[Village]) -> Self {
        let mut ix = VillageIndex::default();
        for v in villages {
            ix.by_code
                .insert(crate::text::fold(&v.code), v.code.clone());
            let k = village_name_key(&v.name);
            if !k.is_empty() {
                ix.by_name.entry(k).or_default().push(v.code.clone());
            }
        }
        ix
    }

    /// The village code `typed` stands for, or why none, in Vietnamese. A code wins over a
    /// name; a name shared by two villages is not guessed.
    pub fn resolve(&self, typed: &str) -> Result<String, String> {
        let typed = typed.trim();
        if let Some(c) = self.by_code.get(&crate::text::fold(typed)) {
            return Ok(c.clone());
        }
        match self
            .by_name
            .get(&village_name_key(typed))
            .map(Vec::as_slice)
        {
            Some([one]) => Ok(one.clone()),
            Some(many) if !many.is_empty() => Err(format!(
                "«{typed}» có thể là thôn/bản {}: hãy ghi mã thôn",
                many.join(" hoặc ")
            )),
            _ => Err(format!(
                "không có thôn/bản «{typed}» (ghi mã hoặc tên thôn như trang Danh mục của tệp mẫu)"
            )),
        }
    }
}

/// Thôn/bản. Codes are editable: communes were merged in 2025 and villages renumbered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Village {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
}

impl Village {
    /// A village's code and name as typed: a code of 1–[`limits::VILLAGE_CODE_CHARS`]
    /// characters without spaces, a name of at most [`limits::VILLAGE_NAME_CHARS`].
    pub fn check(code: &str, name: &str) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = code.trim();
        if code.is_empty()
            || code.chars().count() > limits::VILLAGE_CODE_CHARS
            || code.contains(char::is_whitespace)
        {
            errs.push(
                "code",
                format!(
                    "mã thôn/bản phải có 1-{} ký tự, không có dấu cách",
                    limits::VILLAGE_CODE_CHARS
                ),
            );
        }
        if name.trim().is_empty() {
            errs.push(
                "name",
                format!(
                    "cần ghi tên thôn/bản (tối đa {} ký tự)",
                    limits::VILLAGE_NAME_CHARS
                ),
            );
        } else {
            check_text(
                &mut errs,
                "name",
                "tên thôn/bản",
                name.trim(),
                limits::VILLAGE_NAME_CHARS,
            );
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

/// The villages' names by code (tên thôn, bản): what a page shows where a record holds only
/// its village's code ("SP01" → "Sính Phình"). The one mapping pages and print use.
#[derive(Debug, Clone, Default)]
pub struct VillageNames(std::collections::HashMap<String, String>);

impl VillageNames {
    pub fn new(villages: &[Village]) -> Self {
        VillageNames(
            villages
                .iter()
                .map(|v| (v.code.clone(), v.name.clone()))
                .collect(),
        )
    }

    /// The village's name; a code not (or no longer) in the list as it is.
    pub fn name(&self, code: &str) -> String {
        self.0
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

#[cfg(test)]
mod names_tests {
    use super::*;

    #[test]
    fn a_village_is_named_by_its_code() {
        let n = VillageNames::new(&[Village {
            id: 1,
            code: "SP01".into(),
            name: "Sính Phình".into(),
            version: 1,
        }]);
        assert_eq!(n.name("SP01"), "Sính Phình");
        assert_eq!(n.name("SP99"), "SP99");
    }
}
