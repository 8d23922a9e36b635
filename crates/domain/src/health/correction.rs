//! Sửa một sự kiện y tế bằng bản ghi thay thế: nothing is deleted. The wrong record stays, marked
//! as replaced (by which record, when, why) and shown struck through in the child's history;
//! the figures read the replacement. What may be corrected is decided here: a vaccination, a
//! weighing or an injury of a child, by an event of the same kind about the same child, checked
//! as a new event is (by the caller, before [`Correction::new`]), with a reason.
use super::{Event, INJURY, MEASUREMENT, VACCINATION};
use crate::validation::FieldErrors;

/// The kinds a replacement may correct. A birth and a death are the register's dates of birth
/// and death too: they are corrected in the child's record, not here; HIV follow-up counts
/// have no child.
pub const CORRECTABLE: [&str; 3] = [VACCINATION, MEASUREMENT, INJURY];

/// Whether a record of this kind may be corrected by replacement ([`CORRECTABLE`]).
pub fn correctable(kind: &str) -> bool {
    CORRECTABLE.contains(&kind)
}

/// The longest reason kept (characters).
pub const REASON_MAX: usize = 500;

/// Why a replaced record is refused again (409): it has been replaced already.
pub const ALREADY_REPLACED_VI: &str =
    "bản ghi này đã được thay bằng bản ghi khác; hãy sửa bản ghi mới (bản đang dùng)";

/// A correction: the stored event `original` (its id), replaced by `replacement`, with a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    original_id: i64,
    original: Event,
    replacement: Event,
    reason: String,
}

impl Correction {
    /// The correction of stored event `original_id` (`original`, as stored) by `replacement`
    /// (already checked as a new event), for `reason`. Refused, every problem named in
    /// Vietnamese: a kind that is not corrected this way, another kind or another child, a
    /// replacement identical to the record, a missing or overlong reason.
    pub fn new(
        original_id: i64,
        original: Event,
        replacement: Event,
        reason: &str,
    ) -> Result<Correction, FieldErrors> {
        let mut errs = FieldErrors::default();
        if !CORRECTABLE.contains(&original.kind()) {
            errs.push(
                "kind",
                "chỉ sửa bằng bản thay thế được tiêm chủng, cân đo và tai nạn thương tích; \
                 ngày sinh, ngày mất sửa trong hồ sơ trẻ",
            );
        } else if replacement.kind() != original.kind() {
            errs.push("kind", "bản thay thế phải cùng loại sự kiện với bản ghi cũ");
        }
        if replacement.child_id() != original.child_id() {
            errs.push("child_id", "bản thay thế phải về cùng một trẻ");
        }
        if errs.is_empty() && replacement == original {
            errs.push(
                "event",
                "bản thay thế giống hệt bản ghi cũ: không có gì để sửa",
            );
        }
        let reason = reason.trim();
        if let Some(p) = reason_problem(reason) {
            errs.push("reason", p);
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(Correction {
            original_id,
            original,
            replacement,
            reason: reason.to_string(),
        })
    }

    /// The id of the record replaced.
    pub fn original_id(&self) -> i64 {
        self.original_id
    }

    /// The record replaced, as it was read when the correction was made.
    pub fn original(&self) -> &Event {
        &self.original
    }

    /// The record that replaces it.
    pub fn replacement(&self) -> &Event {
        &self.replacement
    }

    /// Why (lý do sửa), trimmed.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// What is wrong with a reason for a correction, if anything (required, at most
/// [`REASON_MAX`] characters).
pub fn reason_problem(reason: &str) -> Option<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        Some("cần ghi lý do sửa".into())
    } else if reason.chars().count() > REASON_MAX {
        Some(format!("lý do dài quá {REASON_MAX} ký tự"))
    } else {
        None
    }
}

/// The line shown under a replaced record in the child's history.
pub fn replaced_note_vi(replaced_on: &str, reason: &str) -> String {
    format!("đã được thay bằng bản ghi ngày {replaced_on} (lý do: {reason})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{Death, DeathCause, Vaccination};
    use jiff::civil::date;

    fn vacc(child: i64, vaccine: &str, d: jiff::civil::Date) -> Event {
        Event::Vaccination(Vaccination {
            child_id: child,
            date: d,
            vaccine: vaccine.into(),
            dose: 1,
        })
    }

    #[test]
    fn a_vaccination_is_corrected_by_one_of_the_same_child_with_a_reason() {
        let old = vacc(7, "BCG", date(2026, 3, 1));
        let new = vacc(7, "BCG", date(2026, 3, 2));
        let c = Correction::new(3, old.clone(), new.clone(), "  nhập nhầm ngày ").unwrap();
        assert_eq!((c.original_id(), c.reason()), (3, "nhập nhầm ngày"));
        assert_eq!((c.original(), c.replacement()), (&old, &new));
    }

    #[test]
    fn corrections_refused_are_named_in_vietnamese() {
        let old = vacc(7, "BCG", date(2026, 3, 1));
        let e = Correction::new(3, old.clone(), old.clone(), " ").unwrap_err();
        assert_eq!(e.for_field("reason"), Some("cần ghi lý do sửa"));
        assert!(e.for_field("event").unwrap().contains("giống hệt"));
        let e = Correction::new(3, old.clone(), vacc(8, "BCG", date(2026, 3, 1)), "x").unwrap_err();
        assert_eq!(
            e.for_field("child_id"),
            Some("bản thay thế phải về cùng một trẻ")
        );
        let long = "a".repeat(REASON_MAX + 1);
        let e = Correction::new(3, old, vacc(7, "OPV", date(2026, 3, 1)), &long).unwrap_err();
        assert!(e.for_field("reason").unwrap().contains("dài quá"));
        let death = Event::Death(Death {
            child_id: 7,
            date: date(2026, 3, 1),
            cause: DeathCause::Illness,
        });
        let e = Correction::new(3, death, vacc(7, "BCG", date(2026, 3, 1)), "x").unwrap_err();
        assert!(e.for_field("kind").unwrap().contains("hồ sơ trẻ"));
    }
}
