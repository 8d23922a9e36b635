//! Issue 18 in the field, what remained: the weighing day's table in words (no "CN/T"), and a
//! village head whose village holds more children than one list finds the child of a report
//! by name, not only by register number. Over HTTP (the page as sent) and in Chromium (as
//! seen at 360 px and 1,366 px, screenshots in docs/screenshots).
use crate::browser::*;
use crate::helpers::*;
use crate::pages::{page_login, Page};
use fantoccini::Locator;
use treem_storage::Register;

async fn login_as(app: &TestApp, role: &str) -> Page {
    page_login(app, role, &format!("password-{role}")).await
}

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no hidden {name}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Two children under 5 in SP01: a boy of 14 months and a girl of 30.
async fn two_under_fives(app: &TestApp) -> Vec<i64> {
    let o = officer();
    let mut ids = vec![];
    for (name, days) in [("Giàng A Cân", 420), ("Sùng Thị Đo", 900)] {
        let mut c = child(name, "SP01");
        c.date_of_birth = today().checked_sub(jiff::Span::new().days(days)).ok();
        ids.push(app.db.create_child(&o, &c).await.unwrap().id);
    }
    ids
}

/// The weighing day's columns are named in words, and a saved weighing reads each z-score
/// under its indicator's name: never "CN/T", "CC/T", "CN/CC" or a flag's code.
#[tokio::test]
async fn the_weighing_table_names_its_columns_and_z_scores_in_words() {
    for (label, url, dir) in databases().await {
        weighing_in_words(label, spawn_app_on(url, dir).await).await;
    }
}

async fn weighing_in_words(label: &str, app: TestApp) {
    let ids = two_under_fives(&app).await;
    let health = login_as(&app, "health").await;
    let day = crate::i18n_date(today().yesterday().unwrap());
    let path = format!("/health/weighing?village=SP01&date={day}");
    let page = health.get(&app, &path).await.text().await.unwrap();
    assert!(
        page.contains(
            "<th>Trẻ</th><th>Cân nặng (kg)</th><th>Chiều dài/cao (cm)</th><th>Tư thế đo</th>"
        ),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<label class=\"cell-label\" for=\"l_{}\">Chiều dài/cao (cm)",
        ids[0]
    )));
    let (w0, l0, w1, l1) = (
        format!("w_{}", ids[0]),
        format!("l_{}", ids[0]),
        format!("w_{}", ids[1]),
        format!("l_{}", ids[1]),
    );
    let fields = [
        ("_csrf", health.csrf.clone()),
        ("village", "SP01".to_string()),
        ("date", hidden(&page, "date")),
        ("submission", hidden(&page, "submission")),
        (w0.as_str(), "9,6".to_string()),
        (l0.as_str(), "76".to_string()),
        (w1.as_str(), "12,5".to_string()),
        (l1.as_str(), "88,5".to_string()),
    ];
    let r = health
        .post(
            &app,
            "/health/weighing",
            &fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let saved = health.get(&app, &to).await.text().await.unwrap();
    assert!(saved.contains("Đã lưu 2"), "{label}: {saved}");
    for abbreviation in ["CN/T", "CC/T", "CN/CC", "flag_", "Z-score", "z-score"] {
        assert!(!saved.contains(abbreviation), "{abbreviation} in {saved}");
    }
    let row = &saved[saved.find(&format!("id=\"row-{}\"", ids[0])).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Đã lưu: "), "{row}");
    assert!(row.contains("<li>Cân nặng theo tuổi: "), "{row}");
    assert!(row.contains("<li>Chiều dài/chiều cao theo tuổi: "), "{row}");
    assert!(
        row.contains("<li>Cân nặng theo chiều dài/chiều cao: "),
        "{row}"
    );
}

/// A village of 501 children, more than the report's list holds.
async fn a_big_village(app: &TestApp) -> i64 {
    let o = officer();
    let rows: Vec<_> = (0..500)
        .map(|i| child(&format!("Lò Văn Số {i:03}"), "SP01"))
        .collect();
    app.db.import_children(&o, rows).await.unwrap();
    app.db
        .create_child(&o, &child("Vàng Thị Dợ", "SP01"))
        .await
        .unwrap()
        .id
}

/// The report from the menu, in a village of more than 500 children: no list of them all,
/// but a search by name (accents or not) whose children are chosen by name; the number box
/// is not the only way. The report then names that child.
#[tokio::test]
async fn a_village_head_of_a_big_village_finds_the_child_of_a_report_by_name() {
    for (label, url, dir) in databases().await {
        eprintln!("{label}");
        find_by_name(spawn_app_on(url, dir).await).await;
    }
}

async fn find_by_name(app: TestApp) {
    let wanted = a_big_village(&app).await;
    let head = login_as(&app, "village_head").await;
    let form = head.get(&app, "/cases/new").await.text().await.unwrap();
    assert!(
        !form.contains("Lò Văn Số 001"),
        "501 children: not all listed"
    );
    assert!(
        form.contains("id=\"child_find\""),
        "a search by name: {form}"
    );
    assert!(form.contains("name=\"_find\""));
    let base = [
        ("_csrf", head.csrf.clone()),
        ("_submission", hidden(&form, "_submission")),
        ("channel", "village_head".to_string()),
        (
            "received_at",
            crate::i18n_date(today().yesterday().unwrap()),
        ),
        ("received_at_time", "08:00".to_string()),
        ("category", "at_risk".to_string()),
        ("child_type", "registered".to_string()),
        ("place", "Bản Sính Phình".to_string()),
        ("current_condition", "Trẻ ở nhà một mình".to_string()),
    ];
    let post = |extra: Vec<(&'static str, String)>| {
        let mut all: Vec<(&str, String)> = base.iter().map(|(k, v)| (*k, v.clone())).collect();
        all.extend(extra);
        all
    };
    let send = |all: Vec<(&'static str, String)>| {
        let head = &head;
        let app = &app;
        async move {
            let v: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            head.post(app, "/cases/new", &v).await
        }
    };
    // «Tìm» with the name typed without accents: the form again, the child to choose by name,
    // what was typed kept, nothing stored.
    let found = send(post(vec![
        ("child_find", "vang thi do".into()),
        ("_find", "1".into()),
    ]))
    .await;
    assert_eq!(found.status(), 200);
    let found = found.text().await.unwrap();
    assert!(
        found.contains(&format!(
            "<option value=\"{wanted}\" selected>Vàng Thị Dợ · "
        )),
        "the one child found is chosen: {found}"
    );
    assert!(found.contains("<select id=\"child_id\" name=\"child_id\""));
    assert!(!found.contains("inputmode=\"numeric\"><span class=\"muted\">Hoặc mở trang"));
    assert!(
        found.contains("Trẻ ở nhà một mình"),
        "what was typed is kept"
    );
    assert!(found.contains("id=\"child_type_registered\" value=\"registered\" checked"));
    assert!(found.contains("name=\"_searched\" value=\"vang thi do\""));
    use treem_storage::Cases;
    assert!(app.db.cases(&officer()).await.unwrap().is_empty());
    // A name not in the register says so; the number box stays as the other way.
    let none = send(post(vec![
        ("child_find", "Không Có Ai".into()),
        ("_find", "1".into()),
    ]))
    .await
    .text()
    .await
    .unwrap();
    assert!(none.contains("id=\"found-none\""), "{none}");
    // Enter in another box sends the form's first button, «Tìm»: with nothing typed to
    // search it is not a search (the report is checked and comes back with its problems).
    let empty = send(vec![
        ("_csrf", head.csrf.clone()),
        ("_find", "1".into()),
        ("child_type", "new".into()),
    ])
    .await;
    assert_eq!(empty.status(), 422, "checked as a report, not searched");
    // The child chosen by name, sent by Enter in another box (the name already searched):
    // the report is about them.
    let r = send(post(vec![
        ("child_find", "vang thi do".into()),
        ("_searched", "vang thi do".into()),
        ("_find", "1".into()),
        ("child_id", wanted.to_string()),
    ]))
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let cases = app.db.cases(&officer()).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].child_id, Some(wanted));
}

/// Seen at both widths: the weighing day after a save, in words, and the report's search by
/// name in a big village. No page scrolls sideways.
#[tokio::test]
async fn the_weighing_words_and_the_search_by_name_seen_at_both_widths() {
    let _one = BROWSER_LOCK.lock().await;
    for width in [360u32, 1366] {
        let Some(b) = browser(width, 740).await else {
            return;
        };
        let app = spawn_app().await;
        let ids = two_under_fives(&app).await;
        a_big_village(&app).await;
        login(&b, &app.base, "health", "password-health").await;
        let day = crate::i18n_date(today().yesterday().unwrap());
        b.c.goto(&app.url(&format!("/health/weighing?village=SP01&date={day}")))
            .await
            .unwrap();
        b.c.wait().for_element(Locator::Id("save")).await.unwrap();
        type_in(&b, &format!("w_{}", ids[0]), "9,6").await;
        type_in(&b, &format!("l_{}", ids[0]), "76").await;
        click(&b, "#save").await;
        b.c.wait().for_element(Locator::Id("saved")).await.unwrap();
        let row =
            b.c.find(Locator::Id(&format!("row-{}", ids[0])))
                .await
                .unwrap();
        let text = row.text().await.unwrap();
        assert!(text.contains("Cân nặng theo tuổi:"), "{text}");
        assert!(!text.contains("CN/T"), "{text}");
        assert_no_overflow(&b, "weighing saved").await;
        b.c.execute(
            "arguments[0].scrollIntoView();",
            vec![serde_json::to_value(&row).unwrap()],
        )
        .await
        .unwrap();
        doc_shot(&b, &format!("weighing-words-{width}")).await;

        sign_in_as(&b, &app, "village_head").await;
        b.c.goto(&app.url("/cases/new")).await.unwrap();
        b.c.wait()
            .for_element(Locator::Id("intake-form"))
            .await
            .unwrap();
        click(&b, "#child_type_registered").await;
        type_in(&b, "child_find", "vang thi do").await;
        click(&b, "#find-child").await;
        let chosen =
            b.c.wait()
                .for_element(Locator::Css("select#child_id"))
                .await
                .unwrap();
        assert!(chosen.text().await.unwrap().contains("Vàng Thị Dợ"));
        assert_no_overflow(&b, "report with children found").await;
        b.c.execute("document.getElementById('child').scrollIntoView();", vec![])
            .await
            .unwrap();
        doc_shot(&b, &format!("case-find-child-{width}")).await;
        // With no signal a search is not kept as an entry to send: the phone says why.
        b.c.issue_cmd(crate::offline::NetworkConditions { offline: true })
            .await
            .unwrap();
        type_in(&b, "child_find", "Lò Văn Số 007").await;
        click(&b, "#find-child").await;
        crate::offline::wait_text(&b, "#offline-status", "chưa tìm được trong sổ").await;
        let count =
            b.c.find(Locator::Id("offline-count"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        assert!(!count.contains("chờ gửi"), "nothing kept: {count}");
        // The name already searched and its child chosen: «Tìm» (Enter in a box) keeps the
        // report, here once a PIN is set.
        type_in(&b, "child_find", "vang thi do").await;
        click(&b, "#find-child").await;
        crate::offline::wait_text(&b, "#offline-status", "Đặt mã PIN").await;
    }
}

async fn doc_shot(b: &Browser, name: &str) {
    let png = b.c.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}
