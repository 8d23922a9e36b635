use super::*;
use crate::register::{HouseholdEntry, Village};

fn today() -> Date {
    jiff::civil::date(2026, 1, 1)
}

fn villages() -> VillageIndex {
    VillageIndex::new(&[
        Village {
            id: 1,
            code: "SP01".into(),
            name: "Thôn 1".into(),
            version: 1,
        },
        Village {
            id: 2,
            code: "SP02".into(),
            name: "Sính Phình".into(),
            version: 1,
        },
    ])
}

fn households() -> HouseholdIndex {
    HouseholdIndex::new(vec![
        HouseholdEntry {
            id: 7,
            village: "SP01".into(),
            code: Some("SP01-0124".into()),
            head_name: "Giàng A Lử".into(),
        },
        HouseholdEntry {
            id: 8,
            village: "SP02".into(),
            code: Some("SP02-0001".into()),
            head_name: "Sùng A Dế".into(),
        },
    ])
}

fn check(csv: &str) -> ImportReport {
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let (v, h) = (villages(), households());
    check_rows(
        &header,
        &rows.into_iter().collect(),
        &ImportContext {
            today: today(),
            villages: &v,
            households: &h,
        },
    )
}

fn issues(list: &[RowIssue]) -> Vec<(usize, &str, &str)> {
    list.iter()
        .map(|e| (e.row, e.column.as_str(), e.message.as_str()))
        .collect()
}

#[test]
fn a_row_repeated_without_personal_id_is_an_error_naming_both_rows() {
    let r = check(
        "Họ và tên,Ngày sinh,Mã thôn\n\
         Giàng A Páo,15/03/2018,SP01\n\
         Sùng Thị Sua,01/02/2019,SP01\n\
         GIÀNG A PÁO,15/03/2018,Thôn 1\n",
    );
    assert_eq!(
        issues(&r.errors),
        vec![(
            4,
            "Họ và tên",
            "dòng 2 và dòng 4 là một trẻ: cùng họ tên, ngày sinh và thôn/bản, không có mã định danh; hãy bỏ một dòng (hoặc ghi mã định danh nếu là hai trẻ)"
        )]
    );
    // In another village, or born another day: two children.
    let r = check(
        "Họ và tên,Ngày sinh,Mã thôn\n\
         Giàng A Páo,15/03/2018,SP01\n\
         Giàng A Páo,15/03/2018,SP02\n\
         Giàng A Páo,16/03/2018,SP01\n",
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // Birth date unknown: a warning only.
    let r = check("Họ và tên,Mã thôn\nGiàng A Páo,SP01\nGiàng A Páo,SP01\n");
    assert!(r.errors.is_empty());
    assert!(r.warnings[0].message.contains("có thể trùng với dòng 2"));
}

#[test]
fn the_same_personal_id_twice_names_the_first_row() {
    let r = check(
        "Họ và tên,Giới tính,Ngày sinh,Mã định danh,Mã thôn\n\
         Giàng A Páo,nam,15/03/2018,011218123456,SP01\n\
         Giàng A Sử,nam,15/03/2018,011218123456,SP01\n\
         Giàng A Lử,nam,15/03/2018,011218123456,SP01\n",
    );
    assert_eq!(
        issues(&r.errors),
        vec![
            (3, "Mã định danh", "trùng mã định danh với dòng 2"),
            (4, "Mã định danh", "trùng mã định danh với dòng 2"),
        ]
    );
}

#[test]
fn ambiguous_dates_are_questioned_in_a_file_that_writes_month_first() {
    let r = check(
        "Họ và tên,Ngày sinh,Mã thôn\n\
         Giàng A Páo,13/4/2019,SP01\n\
         Sùng Thị Sua,3/4/2019,SP01\n\
         Lò Văn Ân,2/13/2020,SP01\n",
    );
    let got = issues(&r.errors);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, 3);
    assert!(
        got[0].2.contains("«3/4/2019» đọc được hai cách")
            && got[0].2.contains("dòng 4: 2/13/2020")
            && got[0].2.contains("dòng 2: 13/4/2019"),
        "{got:?}"
    );
    assert_eq!(got[1].0, 4);
    assert!(got[1].2.contains("viết tháng trước ngày"), "{got:?}");
    // Day first throughout: read as written.
    let r = check(
        "Họ và tên,Ngày sinh,Mã thôn\nGiàng A Páo,13/4/2019,SP01\nSùng Thị Sua,3/4/2019,SP01\n",
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        r.children[1].date_of_birth,
        Some(jiff::civil::date(2019, 4, 3))
    );
}

#[test]
fn a_two_digit_year_has_its_own_message() {
    let r = check("Họ và tên,Ngày sinh,Mã thôn\nGiàng A Páo,12-05-17,SP01\n");
    assert_eq!(
        r.errors[0].message,
        "năm viết hai chữ số («12-05-17»): hãy viết năm đủ bốn chữ số, ví dụ 12/05/2017"
    );
}

#[test]
fn names_in_capitals_without_accents_are_warnings() {
    let r = check("Họ và tên,Mã thôn,Người chăm sóc,Quan hệ với trẻ\nGIANG A PAO,SP01,GIANG THI MY,mẹ\nGiàng A Sử,SP01,,\n");
    assert!(r.errors.is_empty());
    assert_eq!(r.children.len(), 2);
    let got = issues(&r.warnings);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].0, got[0].1), (2, "Họ và tên"));
    assert!(got[0].2.contains("«GIANG A PAO» viết hoa, không dấu"));
    assert_eq!((got[1].0, got[1].1), (2, "Người chăm sóc"));
    // Past ten rows, one warning lists them.
    let mut csv = String::from("Họ và tên,Mã thôn\n");
    for i in 0..12 {
        csv.push_str(&format!("GIANG A PAO {i},SP01\n"));
    }
    let r = check(&csv);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].message.starts_with("12 dòng viết họ tên hoa"));
}

#[test]
fn a_blank_relationship_is_defaulted_with_one_warning_for_the_file() {
    let mut csv = String::from("Họ và tên,Mã thôn,Người chăm sóc,Quan hệ với trẻ\n");
    for i in 0..12 {
        csv.push_str(&format!("Giàng A Páo {i},SP01,Giàng Thị Mỷ,\n"));
    }
    let r = check(&csv);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        issues(&r.warnings),
        vec![(
            2,
            "Quan hệ với trẻ",
            "để trống ở 12 dòng (dòng 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …): đã ghi «chưa rõ»; sửa trên trang của trẻ khi biết"
        )]
    );
    assert_eq!(r.children[0].caregivers[0].relationship, "chưa rõ");
}

#[test]
fn villages_by_name_households_by_code_and_a_second_caregiver() {
    let r = check(
        "Họ và tên,Thôn,Mã hộ,Người chăm sóc,Quan hệ với trẻ,Người chăm sóc 2,Quan hệ với trẻ 2,Điện thoại 2\n\
         Giàng A Páo,thôn 1,sp01 0124,Giàng Thị Mỷ,mẹ,Giàng A Lử,bố,0912345678\n\
         Sùng Thị Sua,bản Sính Phình,,,,,,\n\
         Lò Văn Ân,SINH PHINH,SP02-0001,,,,,\n",
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let v: Vec<&str> = r.children.iter().map(|c| c.village.as_str()).collect();
    assert_eq!(v, ["SP01", "SP02", "SP02"]);
    assert_eq!(r.children[0].household_id, Some(7));
    assert_eq!(r.children[2].household_id, Some(8));
    assert_eq!(
        r.children[0].caregivers[1].phone.as_deref(),
        Some("0912345678")
    );
    assert_eq!(r.lines, [2, 3, 4]);
    let r = check(
        "Họ và tên,Mã thôn,Mã hộ\n\
         Giàng A Páo,SP01,SP01-9999\n\
         Giàng A Sử,SP01,SP02-0001\n\
         Giàng A Lử,Thôn 9,\n",
    );
    assert_eq!(
        issues(&r.errors),
        vec![
            (2, "Mã hộ", "không có hộ mã SP01-9999"),
            (
                3,
                "Mã hộ",
                "hộ mã SP02-0001 thuộc thôn/bản SP02, không phải thôn/bản của trẻ (SP01)"
            ),
            (
                4,
                "Mã thôn",
                "không có thôn/bản «Thôn 9» (ghi mã hoặc tên thôn như trang Danh mục của tệp mẫu)"
            ),
        ]
    );
}

#[test]
fn every_problem_of_a_large_file_by_row_with_duplicates_across_slices() {
    let header: Vec<String> = [
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Mã định danh",
        "Mã thôn",
    ]
    .map(String::from)
    .to_vec();
    let row = |name: &str, pid: &str| -> Vec<String> {
        [name, "nam", "15/03/2018", pid, "SP01"]
            .map(String::from)
            .to_vec()
    };
    let mut rows: Vec<Vec<String>> = (0..30_000)
        .map(|i| row(&format!("Giàng A Páo {i}"), &format!("011218{i:06}")))
        .collect();
    rows[5] = row("", "011218000005");
    rows[29_000][1] = "x".into();
    rows[29_100][3] = "011218000010".into();
    rows[29_500][3] = "011218000010".into();
    rows[20_000] = vec![String::new(); 5];
    // Without an ID, a repeat of a row of another slice.
    rows[25_000] = row("Giàng A Páo 3", "");
    rows[3][3] = String::new();
    let (v, h) = (villages(), households());
    let cx = ImportContext {
        today: today(),
        villages: &v,
        households: &h,
    };
    let r = check_rows(&header, &rows.iter().cloned().collect(), &cx);
    let got = issues(&r.errors);
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(got[0], (7, "Họ và tên", "cần nhập họ và tên"));
    assert_eq!(got[1].0, 25_002);
    assert!(got[1].2.starts_with("dòng 5 và dòng 25002 là một trẻ"));
    assert_eq!(got[2].0, 29_002);
    assert_eq!(
        got[3],
        (29_102, "Mã định danh", "trùng mã định danh với dòng 12")
    );
    assert_eq!(
        got[4],
        (29_502, "Mã định danh", "trùng mã định danh với dòng 12")
    );
    rows[5][0] = "Giàng A Páo 5".into();
    rows[29_000][1] = "nam".into();
    rows[29_100][3] = String::new();
    rows[29_500][3] = String::new();
    rows[25_000][0] = "Giàng A Páo 25000".into();
    let r = check_rows(&header, &rows.iter().cloned().collect(), &cx);
    assert!(r.errors.is_empty(), "{:?}", &r.errors[..1]);
    assert_eq!(r.children.len(), 29_999);
    assert_eq!(r.children[29_998].full_name, "Giàng A Páo 29999");
    assert_eq!(r.lines[29_998], 30_001);
}

/// How fast the whole check runs (`cargo test -p treem-domain --release -- --ignored
/// check_speed --nocapture`): 200,000 rows like a village's list.
#[test]
#[ignore]
fn check_speed() {
    let header: Vec<String> = [
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Mã định danh",
        "Dân tộc",
        "Thôn",
        "Người chăm sóc",
        "Quan hệ với trẻ",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = (0..200_000)
        .map(|i| {
            vec![
                format!("Giàng A Páo {i}"),
                "nam".into(),
                format!("{}/{}/2018", 13 + i % 15, 1 + i % 12),
                if i % 2 == 0 {
                    format!("011218{i:06}")
                } else {
                    String::new()
                },
                "H'Mông".into(),
                if i % 3 == 0 {
                    "Thôn 1".into()
                } else {
                    "SP02".into()
                },
                "Giàng Thị Mỷ".into(),
                "mẹ".into(),
            ]
        })
        .collect();
    let (v, h) = (villages(), households());
    let cx = ImportContext {
        today: today(),
        villages: &v,
        households: &h,
    };
    let started = std::time::Instant::now();
    let r = check_rows(&header, &rows.iter().cloned().collect(), &cx);
    let s = started.elapsed().as_secs_f64();
    assert!(r.errors.is_empty(), "{:?}", &r.errors[..1]);
    println!(
        "{} rows in {s:.3} s: {:.0} rows/s",
        rows.len(),
        rows.len() as f64 / s
    );
}

/// A file too large to hold as children is checked once, and its children built again a part
/// at a time for the write: the parts give the check's children, in its order, blank rows and
/// households as the check read them, and the report the same lines and warnings.
#[test]
fn the_parts_of_a_file_give_the_children_the_whole_check_gave() {
    let mut csv = String::from("Họ và tên,Ngày sinh,Mã thôn,Mã hộ,Tên gọi khác\n");
    for i in 0..23 {
        if i == 9 {
            csv.push_str(",,,,\n");
        }
        let household = if i % 5 == 0 { "SP01-0124" } else { "" };
        let alias = if i == 2 || i == 20 { "Chinh" } else { "" };
        csv.push_str(&format!(
            "Giàng A Páo {i},{:02}/03/2018,SP01,{household},{alias}\n",
            i + 1
        ));
    }
    csv.push_str("GIANG A SUA,01/01/2019,SP02,,\n");
    let whole = check(&csv);
    assert!(whole.errors.is_empty(), "{:?}", whole.errors);
    assert_eq!(whole.children.len(), 24);
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows: Rows = lines
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .collect();
    for size in [1, 4, 7, 25, PART_ROWS] {
        let (report, parts) =
            RowsToWrite::check(&header, rows.clone(), villages(), households(), today());
        let mut parts = parts.unwrap().parts_of(size);
        assert!(report.children.is_empty(), "the check keeps no children");
        assert_eq!(report.lines, whole.lines);
        assert_eq!(report.warnings, whole.warnings);
        assert_eq!(parts.len(), 24);
        assert!(parts.names_households());
        let mut built = Vec::new();
        let mut count = 0;
        while let Some(part) = parts.next_part() {
            assert!(part.len() <= size, "a part of {} rows at most", size);
            built.extend(part);
            count += 1;
        }
        assert_eq!(built, whole.children, "parts of {size}");
        assert_eq!(count, 25usize.div_ceil(size), "parts of {size}");
        assert_eq!(built[0].household_id, Some(7));
    }
    // A header the check refuses gives no rows to write.
    let (report, parts) = RowsToWrite::check(
        &["Họ và tên".to_string()],
        rows,
        villages(),
        households(),
        today(),
    );
    assert!(parts.is_none());
    assert_eq!(report.errors[0].message, "thiếu cột bắt buộc");
}
