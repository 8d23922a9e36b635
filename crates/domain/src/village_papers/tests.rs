use super::*;
use crate::register::{ChildDraft, DobPrecision};
use jiff::civil::date;

fn today() -> Date {
    date(2026, 12, 5)
}

fn child(id: i64, name: &str, sex: &str, dob: &str, household: Option<i64>) -> Child {
    let mut data = ChildDraft {
        full_name: Some(name.into()),
        sex: Some(sex.into()),
        date_of_birth: Some(dob.into()),
        village: Some("SP01".into()),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    data.household_id = household;
    Child {
        id,
        version: 1,
        data,
        notices: vec![],
    }
}

#[test]
fn the_book_lists_present_children_in_vietnamese_name_order_with_estimates_as_estimates() {
    let mut gone = child(4, "Lò Văn An", "nam", "01/02/2019", None);
    gone.data.moved_out = Some(date(2026, 3, 1));
    let kids = vec![
        child(1, "Giàng Thị Mai", "nữ", "11/2026", Some(7)),
        child(2, "Vàng A Páo", "nam", "2020", None),
        child(3, "Lò Thị Ánh", "nữ", "14/11/2025", Some(7)),
        gone,
    ];
    let households = HashMap::from([(7, "SP01-0124".to_string())]);
    let lines = book(&kids, &households, BookOrder::ByName, today());
    let names: Vec<&str> = lines.iter().map(|l| l.full_name.as_str()).collect();
    // By given name (Ánh, Mai, Páo), the child who moved out left out.
    assert_eq!(names, ["Lò Thị Ánh", "Giàng Thị Mai", "Vàng A Páo"]);
    assert_eq!(lines[1].birth, "khoảng 11/2026");
    assert_eq!(lines[2].birth, "năm 2020");
    assert_eq!(lines[0].birth, "14/11/2025");
    assert_eq!(lines[0].sex, "Nữ");
    assert_eq!(lines[0].household, "SP01-0124");
    assert_eq!(lines[2].household, "");
    assert_eq!(kids[0].data.dob_precision, DobPrecision::Month);
}

#[test]
fn the_book_by_household_puts_each_household_together_and_the_unlinked_last() {
    let kids = vec![
        child(1, "Vàng A Páo", "nam", "2020", None),
        child(2, "Giàng Thị Mai", "nữ", "01/01/2021", Some(8)),
        child(3, "Lò Thị Ánh", "nữ", "14/11/2025", Some(7)),
        child(4, "Giàng A Sử", "nam", "01/01/2019", Some(8)),
    ];
    let households = HashMap::from([(7, "SP01-0001".to_string()), (8, "SP01-0002".into())]);
    let lines = book(&kids, &households, BookOrder::ByHousehold, today());
    let ids: Vec<i64> = lines.iter().map(|l| l.child_id).collect();
    assert_eq!(ids, [3, 2, 4, 1]);
}

#[test]
fn counts_bands_by_sex_and_this_years_births_and_deaths() {
    let mut died = child(5, "Lò Văn Bình", "nam", "01/01/2024", None);
    died.data.died_on = Some(date(2026, 6, 1));
    let mut special = child(6, "Lò Thị Hoa", "nữ", "01/01/2012", None);
    special.data.circumstances = vec![crate::circumstance::Circumstance {
        code: "d".into(),
        from: date(2020, 1, 1),
        to: None,
    }];
    let kids = vec![
        child(1, "Giàng Thị Mai", "nữ", "11/2026", None),
        child(2, "Vàng A Páo", "nam", "2020", None),
        child(3, "Lò Thị Ánh", "nữ", "14/11/2025", None),
        child(4, "Giàng A Sử", "nam", "01/01/2014", None),
        died,
        special,
    ];
    let c = counts(&kids, today());
    assert_eq!(c.total.total(), 5);
    assert_eq!((c.total.male, c.total.female), (2, 3));
    assert_eq!(c.born_this_year, 1);
    assert_eq!(c.died_this_year, 1);
    assert_eq!(c.special_circumstances, 1);
    let under5 = c.bands.iter().find(|b| b.0 == AgeBand::Under5).unwrap().1;
    assert_eq!((under5.male, under5.female), (0, 2));
    let b11 = c
        .bands
        .iter()
        .find(|b| b.0 == AgeBand::From11To15)
        .unwrap()
        .1;
    assert_eq!((b11.male, b11.female), (1, 1));
}

#[test]
fn a_newborn_without_vaccinations_is_due_this_month_and_not_weighed() {
    let born = BirthDate::new(Some(date(2026, 11, 20)), DobPrecision::Day).unwrap();
    let old = BirthDate::new(Some(date(2012, 1, 1)), DobPrecision::Day).unwrap();
    let h = health_counts(
        [
            ChildHealth {
                born,
                given: &[],
                last: None,
            },
            ChildHealth {
                born: old,
                given: &[],
                last: None,
            },
        ],
        today(),
    );
    assert_eq!(h.not_weighed, 1);
    assert_eq!(h.due_this_month, 1);
}
