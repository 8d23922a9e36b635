//! Issue 16 part 4: an approved report's documents read back by independent readers — the
//! DOCX's `word/document.xml` parsed from its zip, the XLSX opened with calamine — through the
//! API, the pages and the command line; the A4 page printed to PDF by Chromium.
use crate::browser::{browser, login, shot, BROWSER_LOCK};
use crate::helpers::*;
use calamine::{Data, Reader, Xlsx};
use std::io::{Cursor, Read};
use treem_domain::plan::Plan;
use treem_domain::report::FrozenReport;
use treem_domain::role::Role;
use treem_storage::{NewReport, Reports};

#[path = "../../crates/reports/tests/sample/mod.rs"]
mod sample;

/// The sample six-month report (28 targets, breakdowns) opened, sent and approved in `app`'s
/// database; its id.
async fn approved(app: &TestApp) -> i64 {
    let plan = Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    let kind = plan.report("six_month").unwrap();
    let new = NewReport {
        year: 2026,
        kind: kind.code.clone(),
        period: kind.proposed_period(2026),
        due_before: kind.due_before,
        sections: plan
            .report_sections(kind)
            .iter()
            .map(|a| a.code.clone())
            .collect(),
    };
    let officer = actor(Role::Officer, None);
    let rep = app.db.open_report(&officer, &plan, &new).await.unwrap();
    let rep = app
        .db
        .send_report(&officer, &plan, rep.id, rep.version)
        .await
        .unwrap();
    let mut frozen: FrozenReport = sample::six_month_report();
    frozen.id = rep.id;
    // Village names come from the commune's own list: SP01 is "Sính Phình" in `seeded`.
    app.db
        .approve_report(
            &actor(Role::Leader, None),
            &plan,
            rep.id,
            rep.version,
            frozen,
        )
        .await
        .unwrap();
    rep.id
}

fn document_xml(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The text of each paragraph of `xml`, runs joined.
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                // <w:t> or <w:t xml:space=…>, not <w:tbl>, <w:tc>, <w:tr>…
                .filter(|t| t.starts_with('>') || t.starts_with(' '))
                .filter_map(|t| {
                    let t = t.split_once('>')?.1;
                    Some(t.split("</w:t>").next().unwrap_or(""))
                })
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_docx_reads_back_in_the_decree_30_layout_through_the_api() {
    let app = spawn_app().await;
    let id = approved(&app).await;
    let token = app.token(Role::Officer).await;
    let r = get(
        &app,
        &token,
        &format!("/api/v1/reports/{id}/documents/docx"),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let xml = document_xml(&r.bytes().await.unwrap());
    let paras = paragraphs(&xml);
    for line in [
        "UBND XÃ SÍNH PHÌNH",
        "Số: 12/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Sính Phình, ngày 28 tháng 5 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện công tác bảo vệ trẻ em 6 tháng đầu năm 2026",
        "3. Trạm Y tế xã",
        "Nơi nhận:",
        "- Sở Y tế tỉnh Điện Biên;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lò Văn Minh",
    ] {
        assert!(paras.iter().any(|p| p == line), "no paragraph «{line}»");
    }
    // One table row per target, each with its result and status in words.
    for (n, measure, _, _) in sample::TARGETS {
        assert!(
            paras.iter().any(|p| *p == format!("{n}. {measure}")),
            "target {n}'s row"
        );
    }
    let nine = paras.iter().position(|p| p.starts_with("9. ")).unwrap();
    assert_eq!(paras[nine + 2], "94,96 % (245/258)");
    assert_eq!(paras[nine + 3], "chưa đạt");
    // Times New Roman on A4, margins within Decree 30's ranges (20/20/30/15 mm).
    assert!(xml.contains("w:ascii=\"Times New Roman\""));
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""));
    let mar = xml
        .split("<w:pgMar")
        .nth(1)
        .unwrap()
        .split("/>")
        .next()
        .unwrap();
    for attr in [
        "w:top=\"1134\"",
        "w:bottom=\"1134\"",
        "w:left=\"1701\"",
        "w:right=\"850\"",
    ] {
        assert!(mar.contains(attr), "pgMar {mar} lacks {attr}");
    }
    // The pages' download is the same file.
    let p = crate::pages::page_login(&app, "leader", "password-leader").await;
    let page = p.get(&app, &format!("/reports/{id}/docx")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(document_xml(&page.bytes().await.unwrap()), xml);
}

#[tokio::test]
async fn the_xlsx_has_numbers_as_numbers_and_village_names() {
    let app = spawn_app().await;
    let id = approved(&app).await;
    let token = app.token(Role::Health).await;
    let r = get(
        &app,
        &token,
        &format!("/api/v1/reports/{id}/documents/xlsx"),
    )
    .await;
    assert_eq!(r.status(), 200);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let names = wb.sheet_names();
    for sheet in [
        "Chỉ tiêu",
        "Theo thôn, bản",
        "Theo giới tính",
        "Theo dân tộc",
        "Theo nhóm tuổi",
        "Trạm Y tế xã",
        "Công an xã",
    ] {
        assert!(
            names.iter().any(|n| n == sheet),
            "no sheet {sheet}: {names:?}"
        );
    }
    let t = wb.worksheet_range("Chỉ tiêu").unwrap();
    let head: Vec<String> = (0..9).map(|c| t.get((0, c)).unwrap().to_string()).collect();
    assert_eq!(
        head,
        [
            "STT",
            "Chỉ tiêu",
            "Giá trị kế hoạch",
            "Kết quả",
            "Tử số",
            "Mẫu số",
            "Đánh giá",
            "Cơ quan",
            "Ghi chú"
        ]
    );
    assert_eq!(t.height(), 29, "a header and 28 targets");
    let nine = (1..29)
        .find(|&r| t.get((r, 0)) == Some(&Data::Float(9.0)))
        .unwrap();
    assert_eq!(t.get((nine, 4)), Some(&Data::Float(245.0)));
    assert_eq!(t.get((nine, 5)), Some(&Data::Float(258.0)));
    match t.get((nine, 3)) {
        Some(Data::Float(v)) => assert!((v - 94.961).abs() < 0.01, "{v}"),
        other => panic!("the value is no number: {other:?}"),
    }
    assert_eq!(t.get((nine, 6)), Some(&Data::String("chưa đạt".into())));
    // The commune's village names, not only the codes; the unnamed ones keep their code.
    let v = wb.worksheet_range("Theo thôn, bản").unwrap();
    assert_eq!(v.get((0, 2)), Some(&Data::String("Thôn/bản".into())));
    assert_eq!(v.get((1, 2)), Some(&Data::String("Sính Phình".into())));
    assert_eq!(v.get((2, 2)), Some(&Data::String("Làng Vùa".into())));
    assert!(matches!(v.get((1, 3)), Some(Data::Float(_))));
    let s = wb.worksheet_range("Theo giới tính").unwrap();
    assert_eq!(s.get((1, 2)), Some(&Data::String("Nam".into())));
    let h = wb.worksheet_range("Trạm Y tế xã").unwrap();
    assert_eq!(
        h.get((4, 0)),
        Some(&Data::String("Đề xuất, kiến nghị".into()))
    );
}

#[tokio::test]
async fn documents_only_for_report_readers_and_only_once_approved() {
    let app = spawn_app().await;
    let id = approved(&app).await;
    for role in [Role::Admin, Role::Province] {
        let token = app.token(role).await;
        let r = get(
            &app,
            &token,
            &format!("/api/v1/reports/{id}/documents/docx"),
        )
        .await;
        assert_eq!(r.status(), 403, "{role}");
    }
    let token = app.token(Role::Officer).await;
    assert_eq!(
        get(&app, &token, &format!("/api/v1/reports/{id}/documents/pdf"))
            .await
            .status(),
        404
    );
    // A report still in preparation has no documents.
    let plan = Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    let kind = plan.report("yearly").unwrap();
    let open = app
        .db
        .open_report(
            &actor(Role::Officer, None),
            &plan,
            &NewReport {
                year: 2026,
                kind: kind.code.clone(),
                period: kind.proposed_period(2026),
                due_before: kind.due_before,
                sections: vec!["health".into()],
            },
        )
        .await
        .unwrap();
    let r = get(
        &app,
        &token,
        &format!("/api/v1/reports/{}/documents/xlsx", open.id),
    )
    .await;
    assert_eq!(r.status(), 404);
    let p = crate::pages::page_login(&app, "province", "password-province").await;
    assert_eq!(
        p.get(&app, &format!("/reports/{id}/print")).await.status(),
        403
    );
}

#[tokio::test]
async fn the_print_page_says_what_the_docx_says() {
    let app = spawn_app().await;
    let id = approved(&app).await;
    let p = crate::pages::page_login(&app, "police", "password-police").await;
    let r = p.get(&app, &format!("/reports/{id}/print")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    for text in [
        "UBND XÃ SÍNH PHÌNH",
        "Số: 12/BC-UBND",
        "Độc lập - Tự do - Hạnh phúc",
        "Sính Phình, ngày 28 tháng 5 năm 2026",
        "<td>94,96 % (245/258)</td><td>chưa đạt</td>",
        "<p class=\"sign-title\">KT. CHỦ TỊCH</p>",
        "<p class=\"sign-name\">Lò Văn Minh</p>",
        "<div class=\"keep-with-sign\">",
        "/static/form.css",
        &format!("href=\"/reports/{id}/xlsx\""),
    ] {
        assert!(page.contains(text), "the print page lacks «{text}»");
    }
    assert!(!page.contains("not_met"));
}

#[tokio::test]
async fn treem_report_docx_and_xlsx_write_the_approved_report_or_fail() {
    let app = spawn_app().await;
    let id = approved(&app).await;
    let url = app.db.url().to_string();
    let dir = tempfile::tempdir().unwrap();
    for format in ["docx", "xlsx"] {
        let out = dir.path().join(format!("r.{format}"));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
            .args([
                "report",
                format,
                "--db",
                &url,
                "--year",
                "2026",
                "--kind",
                "six_month",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&out).unwrap();
        if format == "docx" {
            assert!(document_xml(&bytes).contains("Số: 12/BC-UBND"));
        } else {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
            assert_eq!(wb.worksheet_range("Chỉ tiêu").unwrap().height(), 29);
        }
    }
    let _ = id;
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "report", "docx", "--db", &url, "--year", "2026", "--kind", "yearly",
        ])
        .arg(dir.path().join("y.docx"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("chưa có báo cáo «yearly» đã được phê duyệt")
    );
    assert!(!dir.path().join("y.docx").exists());
}

/// The print page through Chromium's print: a PDF on A4 (595 × 842 points). Takes the page's
/// screenshots at 1366 and 360 px.
#[tokio::test]
async fn the_report_prints_to_a4_through_the_browser() {
    let _one = BROWSER_LOCK.lock().await;
    let Some(b) = browser(1366, 900).await else {
        return;
    };
    let app = spawn_app().await;
    let id = approved(&app).await;
    login(&b, &app.base, "officer", "password-officer").await;
    b.c.goto(&app.url(&format!("/reports/{id}/print")))
        .await
        .unwrap();
    shot(&b, "report-print-1366").await;
    b.c.execute(
        "document.querySelector('.doc-sign').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    shot(&b, "report-print-signature-1366").await;
    let pdf =
        b.c.print(fantoccini::wd::PrintConfiguration::default())
            .await
            .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("/MediaBox [0 0 595"),
        "the report is not on A4"
    );
    let pages = raw.matches("/Type /Page").count() - raw.matches("/Type /Pages").count();
    assert!(
        pages >= 2,
        "28 targets and 5 sections take more than a page: {pages}"
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report-print.pdf"), &pdf).unwrap();
    b.c.set_window_size(360, 800).await.unwrap();
    b.c.refresh().await.unwrap();
    shot(&b, "report-print-360").await;
}
