//! Paper where paper rules (issue 18): the village book (sổ theo dõi trẻ em) of one village
//! and the village meeting's one-page summary, for the officer and that village's head only.
use crate::helpers::*;
use crate::pages::{page_login, Page};
use treem_domain::register::{DobPrecision, HouseholdData};
use treem_storage::Register;

async fn login(app: &TestApp, role: &str) -> Page {
    page_login(app, role, &format!("password-{role}")).await
}

async fn html(app: &TestApp, p: &Page, path: &str) -> (u16, String) {
    let r = p.get(app, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// SP01: Vàng A Páo (household SP01-0124, a special circumstance), Giàng Thị Mai (born
/// about 11/2026 this year, an estimate), Lò Thị Ánh (moved out); SP02: Sùng Thị Dợ.
async fn village_with_children(app: &TestApp) {
    let o = officer();
    let h = app
        .db
        .create_household(
            &o,
            &HouseholdData {
                village: "SP01".into(),
                code: Some("SP01-0124".into()),
                head_name: "Vàng A Chu".into(),
                address: None,
                poverty: vec![],
            },
        )
        .await
        .unwrap();
    let mut pao = child("Vàng A Páo", "SP01");
    pao.sex = treem_domain::register::Sex::Male;
    pao.household_id = Some(h.id);
    pao.caregivers = vec![treem_domain::register::Caregiver {
        relationship: "mẹ".into(),
        full_name: "Lý Thị Dua".into(),
        phone: None,
    }];
    pao.circumstances = vec![treem_domain::circumstance::Circumstance {
        code: "d".into(),
        from: jiff::civil::date(2024, 1, 1),
        to: None,
    }];
    pao.notes = Some("Nhà xa, đi bộ 2 giờ".into());
    app.db.create_child(&o, &pao).await.unwrap();
    let mut mai = child("Giàng Thị Mai", "SP01");
    let first_of_month = today().first_of_month();
    mai.date_of_birth = Some(first_of_month);
    mai.dob_precision = DobPrecision::Month;
    app.db.create_child(&o, &mai).await.unwrap();
    let mut anh = child("Lò Thị Ánh", "SP01");
    anh.moved_out = Some(today());
    app.db.create_child(&o, &anh).await.unwrap();
    app.db
        .create_child(&o, &child("Sùng Thị Dợ", "SP02"))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_village_book_lists_the_villages_children_for_the_officer_and_its_head_only() {
    let app = spawn_app().await;
    village_with_children(&app).await;
    let officer = login(&app, "officer").await;
    let (status, book) = html(&app, &officer, "/villages/SP01/book").await;
    assert_eq!(status, 200, "{book}");
    for column in [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Họ tên cha/mẹ hoặc người chăm sóc",
        "Hộ",
        "Hoàn cảnh đặc biệt",
        "Ghi chú",
    ] {
        assert!(book.contains(&format!(">{column}</th>")), "column {column}");
    }
    assert!(
        book.contains("THÔN/BẢN SÍNH PHÌNH"),
        "the village in the header"
    );
    assert!(
        book.contains(&crate::i18n_date(today())),
        "the date printed"
    );
    // In <thead>, so that the printed pages repeat it.
    let head = &book[book.find("<thead>").unwrap()..book.find("</thead>").unwrap()];
    assert!(head.contains("SÍNH PHÌNH") && head.contains("Họ và tên"));
    // Vietnamese order: Mai before Páo; the child who moved out and SP02's child are not in it.
    let (mai, pao) = (
        book.find("Giàng Thị Mai").unwrap(),
        book.find("Vàng A Páo").unwrap(),
    );
    assert!(mai < pao, "by given name");
    assert!(!book.contains("Lò Thị Ánh") && !book.contains("Sùng Thị Dợ"));
    let estimate = format!("khoảng {:02}/{}", today().month(), today().year());
    assert!(book.contains(&estimate), "an estimate shown as one");
    for cell in [
        "SP01-0124",
        "Lý Thị Dua (mẹ)",
        "Trẻ em khuyết tật",
        "Nhà xa, đi bộ 2 giờ",
        "2 trẻ",
    ] {
        assert!(book.contains(cell), "{cell}");
    }
    assert!(book.contains("href=\"/static/paper.css\""));
    // The household order puts Páo's household first, Mai (no household) after.
    let (_, by_household) = html(&app, &officer, "/villages/SP01/book?order=ho").await;
    assert!(by_household.find("Vàng A Páo").unwrap() < by_household.find("Giàng Thị Mai").unwrap());

    let head = login(&app, "village_head").await;
    let (status, own) = html(&app, &head, "/villages/SP01/book").await;
    assert_eq!(status, 200);
    assert!(own.contains("Vàng A Páo"));
    assert_eq!(html(&app, &head, "/villages/SP02/book").await.0, 403);
    for role in ["health", "leader", "police", "office", "admin"] {
        let p = login(&app, role).await;
        assert_eq!(
            html(&app, &p, "/villages/SP01/book").await.0,
            403,
            "{role} may not print the village book"
        );
    }
    assert_eq!(html(&app, &officer, "/villages/SP99/book").await.0, 404);
    // The villages page links to the papers of the villages the reader may print.
    let (_, villages) = html(&app, &head, "/villages").await;
    assert!(villages.contains("/villages/SP01/book") && !villages.contains("/villages/SP02/book"));
}

#[tokio::test]
async fn opening_the_village_book_writes_one_audit_entry_not_one_per_child() {
    let app = spawn_app().await;
    village_with_children(&app).await;
    let page = login(&app, "officer").await;
    let count = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            use treem_storage::AuditLog;
            db.audit_entries(
                &officer(),
                &treem_storage::AuditFilter {
                    limit: Some(100_000),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .len()
        }
    };
    let before = count(&app).await;
    assert_eq!(html(&app, &page, "/villages/SP01/book").await.0, 200);
    assert_eq!(count(&app).await, before + 1);
}

fn figure(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("{id} in {page}"));
    let rest = &page[at + id.len() + 6..];
    rest[..rest.find('<').unwrap()].to_string()
}

#[tokio::test]
async fn the_village_meeting_summary_counts_without_naming_anyone() {
    let app = spawn_app().await;
    village_with_children(&app).await;
    let officer = login(&app, "officer").await;
    let (status, page) = html(&app, &officer, "/villages/SP01/summary").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Trẻ em thôn/bản Sính Phình"));
    assert_eq!(figure(&page, "born"), "1", "Mai, born this year");
    assert_eq!(figure(&page, "died"), "0");
    assert_eq!(figure(&page, "special"), "1");
    assert_eq!(figure(&page, "open-cases"), "0");
    // Mai, a newborn without a vaccination, is due this month and not weighed (Páo is 7).
    assert_eq!(figure(&page, "due"), "1");
    assert_eq!(figure(&page, "not-weighed"), "1");
    assert!(
        page.contains("Tổng số trẻ</td><td>1</td><td>1</td>"),
        "1 boy, 1 girl present"
    );
    for name in ["Vàng A Páo", "Giàng Thị Mai", "Lò Thị Ánh"] {
        assert!(!page.contains(name), "no name on the summary: {name}");
    }
    let head = login(&app, "village_head").await;
    let (status, own) = html(&app, &head, "/villages/SP01/summary").await;
    assert_eq!(status, 200);
    assert!(
        !own.contains("id=\"not-weighed\""),
        "the village head reads no measurement"
    );
    assert_eq!(html(&app, &head, "/villages/SP02/summary").await.0, 403);
    let health = login(&app, "health").await;
    assert_eq!(html(&app, &health, "/villages/SP01/summary").await.0, 403);
}

/// Screenshots of the village book and the meeting summary at 1366 and 360 px, on screen and
/// as printed (print media emulated is not available through WebDriver: the screen view shows
/// the same table and header); nothing wider than a phone's screen but the book's table, which
/// scrolls inside its own box.
#[tokio::test]
async fn the_village_papers_show_in_a_browser_at_both_widths() {
    use crate::browser::{browser, login, shot, BROWSER_LOCK};
    let _one = BROWSER_LOCK.lock().await;
    for (w, h, tag) in [(1366, 900, "1366"), (360, 740, "360")] {
        let Some(b) = browser(w, h).await else { return };
        let app = spawn_app().await;
        village_with_children(&app).await;
        login(&b, &app.base, "officer", "password-officer").await;
        b.c.goto(&app.url("/villages/SP01/book")).await.unwrap();
        let t =
            b.c.find(fantoccini::Locator::Css("table.book"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        assert!(t.contains("Vàng A Páo") && t.contains("SP01-0124"));
        shot(&b, &format!("village-book-{tag}")).await;
        crate::browser::assert_no_overflow(&b, "village book").await;
        b.c.goto(&app.url("/villages/SP01/summary")).await.unwrap();
        shot(&b, &format!("village-summary-{tag}")).await;
        crate::browser::assert_no_overflow(&b, "village summary").await;
    }
}
