//! Two records that may be one child: before a new child is written, the register page shows
//! the children already in the register with the same name (folded: no accents, no case) and
//! birth year — or either birth date unknown — so that the clerk confirms it is another child.
use crate::register::ChildData;
use crate::text::fold;

impl ChildData {
    /// Whether a child already registered as `name`, born on `date_of_birth` (ISO text, or
    /// unknown), may be this one.
    pub fn may_be_the_same_as(&self, name: &str, date_of_birth: Option<&str>) -> bool {
        let same_year = match (self.date_of_birth, date_of_birth) {
            (Some(mine), Some(theirs)) => theirs.starts_with(&mine.year().to_string()),
            _ => true,
        };
        same_year && fold(name) == fold(&self.full_name)
    }
}

#[cfg(test)]
mod tests {
    use crate::register::ChildData;

    fn child(name: &str, dob: Option<&str>) -> ChildData {
        crate::register::ChildDraft {
            full_name: Some(name.into()),
            sex: Some("male".into()),
            village: Some("SP01".into()),
            date_of_birth: dob.map(String::from),
            ..Default::default()
        }
        .parse(jiff::civil::date(2026, 6, 30))
        .unwrap()
    }

    #[test]
    fn the_same_folded_name_and_birth_year_may_be_one_child() {
        let c = child("Giàng A Páo", Some("2019-05-01"));
        assert!(c.may_be_the_same_as("GIANG A PAO", Some("2019-12-31")));
        assert!(c.may_be_the_same_as("giàng a páo", None));
        assert!(!c.may_be_the_same_as("Giàng A Páo", Some("2020-05-01")));
        assert!(!c.may_be_the_same_as("Giàng A Pó", Some("2019-05-01")));
        // A birth date unknown matches any year.
        let unknown = child("Giàng A Páo", None);
        assert!(unknown.may_be_the_same_as("Giang A Pao", Some("2015-01-01")));
    }
}
