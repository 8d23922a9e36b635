//! The documents read back with independent readers: the DOCX's `word/document.xml` from its
//! zip, the XLSX with calamine.
use crate::sample::{six_month_report, village_name};
use crate::{docx, xlsx, Names};
use calamine::{Data, Reader, Xlsx};
use std::io::{Cursor, Read};

fn document_xml(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn the_docx_has_the_decree_heading_table_and_signer() {
    let xml = document_xml(&docx(&six_month_report()).unwrap());
    for text in [
        "UBND XÃ SÍNH PHÌNH",
        "Số: 12/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Sính Phình, ngày 28 tháng 5 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện công tác bảo vệ trẻ em 6 tháng đầu năm 2026",
        "94,96 % (245/258)",
        "chưa đạt",
        "Trạm Y tế xã",
        "Khó khăn, vướng mắc",
        "Nơi nhận:",
        "- Lưu: VT.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lò Văn Minh",
    ] {
        assert!(xml.contains(text), "document.xml lacks {text:?}");
    }
    assert!(xml.contains("w:ascii=\"Times New Roman\""));
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""));
    // 30 mm left, 15 mm right, 20 mm top and bottom.
    assert!(xml.contains("w:left=\"1701\""), "left margin");
    assert!(xml.contains("w:right=\"850\""), "right margin");
    assert!(xml.contains("w:top=\"1134\""), "top margin");
    // No status code leaks into the document.
    assert!(!xml.contains("not_met") && !xml.contains(">met<"));
}

#[test]
fn the_signature_is_kept_with_the_lines_before_it() {
    let xml = document_xml(&docx(&six_month_report()).unwrap());
    let sign = xml.rfind("KT. CHỦ TỊCH").unwrap();
    assert!(xml[..sign]
        .rfind("<w:keepNext")
        .is_some_and(|k| k > xml.len() / 2));
    let row = xml[..sign]
        .rfind("<w:tr>")
        .expect("the block is a table row");
    assert!(
        xml[row..sign].contains("<w:cantSplit"),
        "the block's row may not split"
    );
}

#[test]
fn the_xlsx_has_the_table_with_numbers_and_the_breakdowns_with_village_names() {
    let r = six_month_report();
    let lookup = |c: &str| village_name(c);
    let bytes = xlsx(&r, &Names::new(&lookup)).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        &names[..5],
        [
            "Chỉ tiêu",
            "Theo thôn, bản",
            "Theo giới tính",
            "Theo dân tộc",
            "Theo nhóm tuổi"
        ]
    );
    assert!(names.iter().any(|n| n == "Trạm Y tế xã"));
    assert!(names.iter().all(|n| n.chars().count() <= 31));
    let t = wb.worksheet_range("Chỉ tiêu").unwrap();
    assert_eq!(t.get((0, 1)), Some(&Data::String("Chỉ tiêu".into())));
    assert_eq!(t.get((0, 4)), Some(&Data::String("Tử số".into())));
    assert_eq!(t.height(), 29);
    let row9 = (1..29)
        .find(|&i| t.get((i, 0)) == Some(&Data::Float(9.0)))
        .unwrap();
    assert_eq!(t.get((row9, 4)), Some(&Data::Float(245.0)));
    assert_eq!(t.get((row9, 5)), Some(&Data::Float(258.0)));
    assert_eq!(t.get((row9, 6)), Some(&Data::String("chưa đạt".into())));
    let v = wb.worksheet_range("Theo thôn, bản").unwrap();
    assert_eq!(v.get((1, 2)), Some(&Data::String("Thôn Sính Phình".into())));
    assert!(matches!(v.get((1, 3)), Some(Data::Float(_))));
    let e = wb.worksheet_range("Theo dân tộc").unwrap();
    assert!(e.rows().any(|row| row[2] == Data::String("H'Mông".into())));
}

#[test]
fn long_agency_names_make_distinct_sheet_names() {
    let mut taken = Default::default();
    let long = "Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức";
    let a = crate::xlsx::sheet_name_for_test(long, &mut taken);
    let b = crate::xlsx::sheet_name_for_test(long, &mut taken);
    assert_eq!(a.chars().count(), 31);
    assert_ne!(a, b);
    assert_eq!(crate::xlsx::sheet_name_for_test("A/B", &mut taken), "A-B");
}

#[test]
fn the_section_s_counted_lines_are_in_the_docx_and_the_xlsx() {
    let r = six_month_report();
    let xml = document_xml(&docx(&r).unwrap());
    assert!(xml.contains("Số liệu từ hồ sơ trong kỳ"));
    assert!(
        xml.contains("- Trẻ em được hỗ trợ: 12 em, 15 lượt hỗ trợ, tổng giá trị 1.234.567 đ"),
        "document.xml lacks the officer's line"
    );
    let lookup = |c: &str| village_name(c);
    let bytes = xlsx(&r, &Names::new(&lookup)).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let s = wb.worksheet_range("Phòng Văn hóa - Xã hội").unwrap();
    assert!(s
        .rows()
        .any(|row| row[0] == Data::String("Trẻ em được hỗ trợ".into())
            && row[1] == Data::String("12 em, 15 lượt hỗ trợ, tổng giá trị 1.234.567 đ".into())));
}
