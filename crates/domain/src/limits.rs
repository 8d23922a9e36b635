//! Giới hạn dữ liệu nhập (input limits): how much of each list and text a person may send, in
//! one place, each number with its reason.
//!
//! Every list a user can send grows something on the server: memory while a request is read,
//! rows in the database, the search index, the pages that show it. Without a bound one request
//! can fill the disk — 15,000 aliases on one child once made 1.63 GB of search-index rows, because
//! the index stores the child's whole search text once per word (see
//! [`NAME_WORDS`]). The numbers below are far above what a commune writes and far below what
//! harms it. The domain's parsers ([`crate::register::ChildDraft::parse`],
//! [`crate::case::EntryKind::validate`], the health records' `validate`, …) apply them, so the
//! API, the pages and the imports all refuse the same things with the same Vietnamese message,
//! naming the field and the limit ("tối đa 10 tên gọi khác").
//!
//! The table in `docs/architecture.md` ("Limits") lists them; keep the two in step.
use crate::validation::FieldErrors;
use std::ops::RangeInclusive;

// ---------------------------------------------------------------------------------------------
// The register (sổ theo dõi trẻ em)

/// Họ và tên: the longest Vietnamese and ethnic-minority names are under 40 characters; 100
/// leaves room for a name written with a clan name and a note in brackets.
pub const FULL_NAME_CHARS: usize = 100;

/// Tên gọi khác per child: a child is known by a milk name, a school name, a spelling in
/// another script — a handful. Ten is generous; each alias is indexed for search.
pub const ALIASES: usize = 10;

/// One alias (tên gọi khác): a name, not a paragraph.
pub const ALIAS_CHARS: usize = 50;

/// Distinct words of the name and the aliases together. The search index (`child_token`) holds
/// one row per distinct word, and each row carries the child's whole search text, so the index
/// of one child grows with words × text: this and [`ALIASES`] × [`ALIAS_CHARS`] keep it to a few
/// tens of kilobytes even for a child at every limit (measured in `docs/architecture.md`).
/// Real names with their aliases have fewer than 15 distinct words.
pub const NAME_WORDS: usize = 30;

/// Người chăm sóc per child: parents, grandparents, a foster carer — the page offers 3 rows;
/// the API and imports may send up to 10.
pub const CAREGIVERS: usize = 10;

/// A caregiver's relationship to the child ("mẹ", "bà ngoại", "cha dượng").
pub const RELATIONSHIP_CHARS: usize = 50;

/// Periods of special circumstances (hoàn cảnh đặc biệt) per child, all groups together: 14
/// groups (a…o), each of which may start and end a few times over a childhood.
pub const CIRCUMSTANCE_PERIODS: usize = 40;

/// Periods of one special-circumstance group for one child: a child may leave and re-enter a
/// group (school drop-out, back, out again) — ten times is already a story to tell in the notes.
pub const PERIODS_PER_CIRCUMSTANCE: usize = 10;

/// Ghi chú on a child: a paragraph or two; longer stories belong in a case file.
pub const NOTES_CHARS: usize = 2_000;

/// Short free text: a place, a school, a card number, an occupation, a person's position.
pub const SHORT_TEXT_CHARS: usize = 200;

/// A village code (mã thôn/bản): "SP01"; codes are typed and printed in narrow columns.
pub const VILLAGE_CODE_CHARS: usize = 20;

/// A village's name.
pub const VILLAGE_NAME_CHARS: usize = 100;

/// A household's own code (số hộ / mã hộ) as the village keeps it.
pub const HOUSEHOLD_CODE_CHARS: usize = 50;

/// Periods of poverty status (hộ nghèo / cận nghèo) kept per household: one review a year for
/// decades.
pub const POVERTY_PERIODS: usize = 50;

// ---------------------------------------------------------------------------------------------
// Case files (hồ sơ trường hợp, Nghị định 56/2017)

/// Short fields of a case entry: names, places, phone numbers, positions, decision numbers,
/// who delivered a service, an organisation.
pub const CASE_SHORT_CHARS: usize = 200;

/// Middle-sized fields: a measure's description, a reason, a note, a need, an objective.
pub const CASE_TEXT_CHARS: usize = 2_000;

/// Narratives: the child's condition, family circumstances, information gathered, meeting
/// minutes, findings of a visit, recovery. 20,000 characters is about eight printed pages of
/// Mẫu 02–06; a case needs more pages only as more entries.
pub const CASE_NARRATIVE_CHARS: usize = 20_000;

/// Rated items of an assessment (Mẫu 02, 06): the four standard items and a few of the
/// officer's own.
pub const CASE_RATINGS: usize = 20;

/// Needs (nhu cầu), objectives (mục tiêu) of a plan: lines of a form.
pub const CASE_LINES: usize = 30;

/// Attendees of a needs meeting: the commune's agencies, the family, the village: rarely 20.
pub const CASE_ATTENDEES: usize = 50;

/// Measures of a support plan (Mẫu 04) and emergency measures taken at once.
pub const CASE_MEASURES: usize = 50;

// ---------------------------------------------------------------------------------------------
// Health records, plan figures, supports

/// Health events saved in one batch (one transaction): the weighing-day page saves a village's
/// under-fives at once (a large village has a few hundred), the API one event per request, and
/// `treem demo` writes its synthetic records in batches of this size.
pub const HEALTH_EVENTS_PER_BATCH: usize = 20_000;

/// Support records (lượt trợ giúp, target 14) saved in one batch (one transaction).
pub const SUPPORTS_PER_BATCH: usize = 20_000;

/// A support record's kind ("tro_cap", "hoc_bong").
pub const SUPPORT_KIND_CHARS: usize = 50;

/// The note an agency writes with a reported figure.
pub const REPORTED_NOTE_CHARS: usize = 2_000;

/// Years a plan may have: the plan check refuses others, and a page or API that asks for a
/// year outside them finds no plan (jiff cannot even represent years past 9999).
pub const PLAN_YEARS: RangeInclusive<i16> = 2000..=2100;

pub use crate::date::{date_in_range, date_out_of_range, DATE_YEARS};

// ---------------------------------------------------------------------------------------------
// Search

/// Characters of a name search (`q`): a full name and an alias or two.
pub const SEARCH_CHARS: usize = 200;

/// Words of a name search: each word is one more condition in the query.
pub const SEARCH_WORDS: usize = 10;

/// A name search on the register list counts its matches up to this many; past it the list
/// says "more than" this many rather than counting on (a broad prefix such as «gi» matches a
/// tenth of a million children, and an exact figure is no use to a clerk looking for one).
pub const SEARCH_TOTAL_BOUND: i64 = 500;

// ---------------------------------------------------------------------------------------------
// Imports and request bodies

/// What one import of children may hold, per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Rows of children (the header row not counted).
    pub rows: usize,
    /// Columns of a row: the template has 22.
    pub columns: usize,
    /// Bytes of the file as uploaded or read.
    pub file_bytes: u64,
    /// Bytes of an XLSX once unpacked (every entry of the zip together), checked on the
    /// entries' declared and actual sizes before the spreadsheet is read: a 1 MB upload can
    /// otherwise unpack to gigabytes in memory.
    pub unpacked_bytes: u64,
}

/// The import page (`/import`): the checked rows wait in the server's memory for the officer's
/// confirmation. 20,000 rows is twice the largest commune (2,000–10,000 children); a province
/// or a merger of communes imports with the command line.
pub const IMPORT_PAGE: ImportLimits = ImportLimits {
    rows: 20_000,
    columns: 64,
    file_bytes: 16 * MIB,
    unpacked_bytes: 64 * MIB,
};

/// `treem import children`: run by the operator on the machine itself, for a whole province
/// (about 250,000 children) or the million-child benchmark. XLSX itself holds at most
/// 1,048,576 rows; a CSV may hold more.
pub const IMPORT_CLI: ImportLimits = ImportLimits {
    rows: 2_000_000,
    columns: 64,
    file_bytes: 2 * GIB,
    unpacked_bytes: 4 * GIB,
};

/// Entries in an XLSX zip: a workbook has a dozen; thousands mean something else.
pub const XLSX_ENTRIES: usize = 1_000;

/// Bytes of any request body but an upload: the largest legitimate one is a case entry at its
/// limits written in Vietnamese and URL-encoded by a page form (about 1.2 MB).
pub const BODY_BYTES: usize = 2 * MIB as usize;

/// Bytes of an upload request (`/import`): the file and the form around it.
pub const UPLOAD_BYTES: usize = (IMPORT_PAGE.file_bytes + MIB) as usize;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

// The page's file fits in its upload, and the command line takes more than the page.
const _: () = assert!(UPLOAD_BYTES as u64 > IMPORT_PAGE.file_bytes);
const _: () = assert!(IMPORT_CLI.rows > IMPORT_PAGE.rows);

// ---------------------------------------------------------------------------------------------
// Checks and their messages

/// "{label} quá dài: tối đa {max} ký tự (đã nhập {n})" when `value` is longer than `max`
/// characters. Returns whether it fits.
pub fn check_chars(
    errs: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    max: usize,
) -> bool {
    let n = value.chars().count();
    if n > max {
        errs.push(field, too_long(label, max, n));
        false
    } else {
        true
    }
}

/// The message of [`check_chars`].
pub fn too_long(label: &str, max: usize, n: usize) -> String {
    format!("{label} quá dài: tối đa {max} ký tự (đã nhập {n})")
}

/// "tối đa {max} {what} (đã nhập {n})" when a list has more than `max` items. Returns whether
/// it fits: callers skip checking the items of a list that does not, so ten thousand items give
/// one message, not ten thousand.
pub fn check_count(errs: &mut FieldErrors, field: &str, what: &str, n: usize, max: usize) -> bool {
    if n > max {
        errs.push(field, too_many(what, max, n));
        false
    } else {
        true
    }
}

/// The message of [`check_count`].
pub fn too_many(what: &str, max: usize, n: usize) -> String {
    format!("tối đa {max} {what} (đã nhập {n})")
}

/// "năm phải từ 1900 đến 2100" for a date outside [`DATE_YEARS`]. Returns whether it fits.
pub fn check_date(errs: &mut FieldErrors, field: &str, d: jiff::civil::Date) -> bool {
    if date_in_range(d) {
        true
    } else {
        errs.push(field, date_out_of_range(d));
        false
    }
}

/// A name search (`q`) within [`SEARCH_CHARS`] characters and [`SEARCH_WORDS`] words.
pub fn check_search(errs: &mut FieldErrors, field: &str, q: &str) {
    if check_chars(errs, field, "từ khóa tìm kiếm", q, SEARCH_CHARS) {
        let folded = crate::text::fold(q);
        let n = crate::text::tokens(&folded).count();
        check_count(errs, field, "từ trong từ khóa tìm kiếm", n, SEARCH_WORDS);
    }
}

/// A plan year a page or the API may ask about.
pub fn plan_year(year: i64) -> Option<i16> {
    i16::try_from(year).ok().filter(|y| PLAN_YEARS.contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_and_the_limit() {
        let mut e = FieldErrors::default();
        assert!(!check_count(
            &mut e,
            "aliases",
            "tên gọi khác",
            15_000,
            ALIASES
        ));
        assert_eq!(
            e.for_field("aliases"),
            Some("tối đa 10 tên gọi khác (đã nhập 15000)")
        );
        let mut e = FieldErrors::default();
        assert!(!check_chars(
            &mut e,
            "notes",
            "ghi chú",
            &"x".repeat(2001),
            NOTES_CHARS
        ));
        assert_eq!(
            e.for_field("notes"),
            Some("ghi chú quá dài: tối đa 2000 ký tự (đã nhập 2001)")
        );
        assert!(check_chars(
            &mut e,
            "notes",
            "ghi chú",
            &"ệ".repeat(2000),
            NOTES_CHARS
        ));
    }

    #[test]
    fn plan_years_and_dates() {
        assert_eq!(plan_year(2026), Some(2026));
        assert_eq!(plan_year(10_000), None);
        assert_eq!(plan_year(32_767), None);
        assert_eq!(plan_year(-1), None);
        assert!(!date_in_range(jiff::civil::date(9999, 12, 31)));
        assert!(date_in_range(jiff::civil::date(2026, 1, 1)));
    }
}
