//! The working-day calendar and its data file.
use super::*;
use jiff::civil::Weekday;

#[test]
fn weekends_and_counting_from_day_zero() {
    let cal = WorkingCalendar::default();
    assert!(cal.is_working_day(d("2026-03-06"))); // Friday
    assert!(!cal.is_working_day(d("2026-03-07"))); // Saturday
    assert!(!cal.is_working_day(d("2026-03-08"))); // Sunday
    assert_eq!(cal.add_working_days(d("2026-03-06"), 0), d("2026-03-06"));
    assert_eq!(cal.add_working_days(d("2026-03-06"), 1), d("2026-03-09"));
    assert_eq!(cal.add_working_days(d("2026-03-05"), 2), d("2026-03-09"));
    // From a Sunday: Monday is day 1.
    assert_eq!(cal.add_working_days(d("2026-03-08"), 1), d("2026-03-09"));
    assert_eq!(cal.add_working_days(d("2026-03-08"), 5), d("2026-03-13"));
    assert_eq!(
        cal.working_days_between(d("2026-03-06"), d("2026-03-13")),
        5
    );
    assert_eq!(
        cal.working_days_between(d("2026-03-13"), d("2026-03-06")),
        0
    );
}

#[test]
fn tet_2026_is_off_and_the_make_up_saturday_is_worked() {
    let cal = WorkingCalendar::default();
    for day in 14..=22 {
        let date = Date::new(2026, 2, day).unwrap();
        assert!(!cal.is_working_day(date), "{date}");
    }
    assert!(cal.is_working_day(d("2026-02-13")));
    assert!(cal.is_working_day(d("2026-02-23")));
    assert!(cal
        .holiday(d("2026-02-17"))
        .unwrap()
        .contains("Tết Nguyên đán"));
    // Tết Dương lịch 2026: Thu 01 and Fri 02 off, Saturday 10/01 worked instead.
    assert!(!cal.is_working_day(d("2026-01-01")));
    assert!(!cal.is_working_day(d("2026-01-02")));
    assert!(cal.is_working_day(d("2026-01-10")));
    assert_eq!(cal.add_working_days(d("2026-01-09"), 1), d("2026-01-10"));
    // 2025: 30/4 – 04/5 off, Saturday 26/4 worked.
    assert!(cal.is_working_day(d("2025-04-26")));
    assert!(!cal.is_working_day(d("2025-05-02")));
    // Giỗ Tổ 2026 is a Sunday: Monday 27/4 off.
    assert!(!cal.is_working_day(d("2026-04-27")));
    assert!(cal.is_working_day(d("2026-04-28")));
}

#[test]
fn recurring_days_hold_every_year() {
    let cal = WorkingCalendar::default();
    for y in [2024, 2031, 2040] {
        for (m, day) in [(1, 1), (4, 30), (5, 1), (9, 2)] {
            let date = Date::new(y, m, day).unwrap();
            assert!(cal.holiday(date).is_some(), "{date}");
        }
    }
    assert!(!cal.covers(d("2031-06-01")));
    assert!(cal.covers(d("2030-12-31")));
    assert_eq!(cal.years(), (2025, 2030));
}

/// The lunar dates in the file agree with the days off: mùng 1 Tết is off (with at least the
/// five legal Tết days on weekdays around it), and Giỗ Tổ is off, or the next Monday when it
/// falls on a weekend.
#[test]
fn lunar_dates_match_the_days_off() {
    let cal = WorkingCalendar::default();
    let expected_tet = [
        (2025, "2025-01-29"),
        (2026, "2026-02-17"),
        (2027, "2027-02-06"),
        (2028, "2028-01-26"),
        (2029, "2029-02-13"),
        // Vietnam (UTC+7); China has 03/02/2030.
        (2030, "2030-02-02"),
    ];
    for (year, tet) in expected_tet {
        let l = cal.lunar(year).unwrap_or_else(|| panic!("lunar {year}"));
        assert_eq!(l.tet, d(tet));
        assert!(!cal.is_working_day(l.tet));
        let weekdays_off = (-8..=8)
            .map(|k| l.tet.checked_add(Span::new().days(k)).unwrap())
            .filter(|x| !matches!(x.weekday(), Weekday::Saturday | Weekday::Sunday))
            .filter(|x| {
                cal.holiday(*x)
                    .is_some_and(|n| n.contains("Tết Nguyên đán"))
            })
            .count();
        assert!(weekdays_off >= 5, "{year}: {weekdays_off} weekdays of Tết");

        let hk = l.hung_kings;
        match hk.weekday() {
            Weekday::Saturday | Weekday::Sunday => {
                let monday = hk
                    .checked_add(Span::new().days(if hk.weekday() == Weekday::Saturday {
                        2
                    } else {
                        1
                    }))
                    .unwrap();
                assert!(
                    cal.holiday(monday).is_some(),
                    "{year}: nghỉ bù Giỗ Tổ {monday}"
                );
            }
            _ => assert!(
                cal.holiday(hk).is_some_and(|n| n.contains("Giỗ Tổ")),
                "{year}: Giỗ Tổ {hk}"
            ),
        }
    }
}

/// Each covered year has its legal days off: 11 days (1 + 5 + 1 + 1 + 2 + 1), some on weekends
/// and made up on the next working day; so at least 11 weekdays off a year.
#[test]
fn each_covered_year_has_the_legal_days_off() {
    let cal = WorkingCalendar::default();
    for year in 2025..=2030 {
        let mut day = Date::new(year, 1, 1).unwrap();
        let mut weekdays_off = 0;
        while day.year() == year {
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
                && !cal.is_working_day(day)
            {
                weekdays_off += 1;
            }
            day = day.tomorrow().unwrap();
        }
        assert!(
            (11..=13).contains(&weekdays_off),
            "{year}: {weekdays_off} weekdays off"
        );
    }
}

#[test]
fn unverified_days_are_flagged() {
    let cal = WorkingCalendar::default();
    let unverified: Vec<Date> = cal.unverified().map(|h| h.date).collect();
    assert!(unverified.contains(&d("2027-02-08")));
    assert!(unverified.contains(&d("2026-09-01")));
    assert!(!unverified.contains(&d("2026-02-17")));
    assert!(!unverified.contains(&d("2025-01-29")));
    assert!(cal.make_up_days().all(|h| h.verified));
    assert!(cal.days_off().any(|h| h.origin == HolidayOrigin::Decreed));
}

#[test]
fn bad_files_are_refused_in_vietnamese() {
    let head = "format = 1\nfirst_year = 2026\nlast_year = 2026\n";
    let bad = |body: &str| WorkingCalendar::from_toml(&format!("{head}{body}")).unwrap_err();

    let e = bad("[[working_days]]\ndate = 2026-03-04\nname = \"x\"\n");
    assert!(
        e.to_string().contains("không phải thứ Bảy hay Chủ nhật"),
        "{e}"
    );
    let e =
        bad("[[holidays]]\ndate = 2026-03-04\nfrom = 2026-03-04\nto = 2026-03-05\nname = \"x\"\n");
    assert!(e.to_string().contains("không ghi cả hai"), "{e}");
    let e = bad("[[holidays]]\nfrom = 2026-03-05\nto = 2026-03-04\nname = \"x\"\n");
    assert!(e.to_string().contains("sau ngày kết thúc"), "{e}");
    let e = bad("[[holidays]]\nfrom = 2026-03-01\nto = 2026-05-01\nname = \"x\"\n");
    assert!(e.to_string().contains("dài quá"), "{e}");
    let e = bad("[[recurring]]\nmonth = 2\nday = 30\nname = \"x\"\n");
    assert!(e.to_string().contains("không có thật"), "{e}");
    let e = bad("[[extra]]\ndate = 2026-03-04\nname = \" \"\n");
    assert!(e.to_string().contains("thiếu tên"), "{e}");
    let e = bad("[[holidays]]\ndate = 2026-03-07\nname = \"x\"\n[[working_days]]\ndate = 2026-03-07\nname = \"y\"\n");
    assert!(e.to_string().contains("vừa là ngày nghỉ"), "{e}");
    let e = WorkingCalendar::from_toml("format = 2\nfirst_year = 2026\nlast_year = 2026\n")
        .unwrap_err();
    assert!(e.to_string().contains("format"), "{e}");
    let e = bad("[[extra]]\ndate = 2026-13-01\nname = \"x\"\n");
    assert!(matches!(e, CalendarError::Syntax(_)), "{e}");
    let e = bad("typo = 1\n");
    assert!(matches!(e, CalendarError::Syntax(_)), "{e}");

    // Dates may be written as officials write them.
    let cal = WorkingCalendar::from_toml(&format!(
        "{head}[[extra]]\ndate = \"04/03/2026\"\nname = \"Nghỉ\"\n"
    ))
    .unwrap();
    assert!(!cal.is_working_day(d("2026-03-04")));
}
