//! The pages on a 360-px phone (issue 18, items 2, 6 and 10): the weighing day, a village
//! head's case report, the folded menu, the register's filters and tables that keep their
//! column names. Over HTTP (the page as sent) and in headless Chromium (as seen).
use crate::browser::*;
use crate::helpers::*;
use crate::pages::{page_login, Page};
use fantoccini::Locator;
use std::time::Duration;
use treem_storage::Register;

async fn login_as(app: &TestApp, role: &str) -> Page {
    page_login(app, role, &format!("password-{role}")).await
}

/// `n` children under 5 in `village`, the first ones named with accents to search without.
async fn under_fives(app: &TestApp, village: &str, n: usize) -> Vec<i64> {
    let o = officer();
    let mut ids = vec![];
    for i in 0..n {
        let name = match i {
            0 => "Giàng Thị Dợ".to_string(),
            1 => "Sùng Đức Mỷ".to_string(),
            _ => format!("Lò Văn Cân {i:02}"),
        };
        let mut c = child(&name, village);
        c.date_of_birth = Some(
            today()
                .checked_sub(jiff::Span::new().days(200 + 20 * i as i64))
                .unwrap(),
        );
        ids.push(app.db.create_child(&o, &c).await.unwrap().id);
    }
    ids
}

/// A case reported by the officer, for the home page's list.
async fn open_a_case(app: &TestApp) {
    use treem_storage::Cases;
    let now = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime();
    app.db
        .open_case(
            &officer(),
            crate::cases::intake(now, "Trẻ ở nhà một mình"),
            now,
        )
        .await
        .unwrap();
}

/// Writes a screenshot for the documentation.
async fn doc_shot(b: &Browser, name: &str) {
    let png = b.c.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn js(b: &Browser, script: &str) -> serde_json::Value {
    b.c.execute(script, vec![]).await.unwrap()
}

/// The weighing page as sent: each box has a label shown on a phone (not only to screen
/// readers), a save bar counting the children typed, and a box to find a child.
#[tokio::test]
async fn the_weighing_page_labels_its_boxes_and_keeps_save_at_hand() {
    let app = spawn_app().await;
    let ids = under_fives(&app, "SP01", 3).await;
    let health = login_as(&app, "health").await;
    let page = health
        .get(&app, "/health/weighing?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            "<label class=\"cell-label\" for=\"w_{}\">Cân nặng (kg)",
            ids[0]
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<label class=\"cell-label\" for=\"l_{}\">Chiều dài/cao (cm)",
        ids[0]
    )));
    assert!(page.contains("id=\"save-bar\""));
    assert!(page.contains("0 / 3 trẻ đã nhập số"), "{page}");
    assert!(page.contains("id=\"find-child\""));
    assert!(page.contains("data-name=\"Giàng Thị Dợ\""));
}

/// The report from the menu: a village head chooses the child by name among their village's
/// children (never by number, never another village's); problems are summed up at the top
/// with links to the fields; with a register child chosen the new child's fields are ignored.
#[tokio::test]
async fn a_village_heads_report_names_the_child_and_sums_up_its_problems() {
    let app = spawn_app().await;
    let own = under_fives(&app, "SP01", 2).await;
    let other = app
        .db
        .create_child(&officer(), &child("Vàng Thị Khác", "SP02"))
        .await
        .unwrap()
        .id;
    let head = login_as(&app, "village_head").await;
    let form = head.get(&app, "/cases/new").await.text().await.unwrap();
    assert!(
        form.contains("<select id=\"child_id\" name=\"child_id\""),
        "{form}"
    );
    assert!(form.contains(&format!("<option value=\"{}\">Giàng Thị Dợ", own[0])));
    assert!(!form.contains("Vàng Thị Khác"), "another village's child");
    assert!(!form.contains(&format!("value=\"{other}\"")));
    assert!(!form.contains("Số của trẻ trong sổ"));
    assert!(form.contains("data-child-type=\"new\""));

    // Nothing chosen: the problems at the top, each linked to its field.
    let r = head
        .post(
            &app,
            "/cases/new",
            &[
                ("_csrf", head.csrf.as_str()),
                ("channel", ""),
                ("received_at", ""),
                ("category", ""),
                ("child_type", "registered"),
                ("child_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    let top = &body[body.find("id=\"problems\"").expect("a summary") - 60..];
    assert!(top.contains("role=\"alert\""), "{top}");
    assert!(
        top.find("id=\"problems\"").unwrap() < top.find("id=\"intake-form\"").unwrap(),
        "the summary comes before the form"
    );
    for anchor in ["#category", "#child_id", "#channel"] {
        assert!(
            top.contains(&format!("<a href=\"{anchor}\">")),
            "{anchor}: {top}"
        );
    }
    assert!(top.contains("Tình trạng của trẻ: "), "{top}");

    // A register child chosen: the new child's fields, even wrong, are not read.
    let r = head
        .post(
            &app,
            "/cases/new",
            &[
                ("_csrf", head.csrf.as_str()),
                ("channel", "village_head"),
                (
                    "received_at",
                    &crate::i18n_date(today().yesterday().unwrap()),
                ),
                ("received_at_time", "08:00"),
                ("category", "at_risk"),
                ("child_type", "registered"),
                ("child_id", &own[1].to_string()),
                ("child.sex", "không rõ"),
                ("child.estimated_age", "tám"),
                ("place", "Bản Sính Phình"),
                ("current_condition", "Trẻ ở nhà một mình"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
}

/// The register, the home page and the breakdowns on a phone, as sent: the filters folded
/// behind «Bộ lọc», the menu behind one line naming the page, table cells named.
#[tokio::test]
async fn phone_pages_fold_the_menu_and_filters_and_name_table_cells() {
    let app = spawn_app().await;
    let officer = login_as(&app, "officer").await;
    let register = officer.get(&app, "/children").await.text().await.unwrap();
    assert!(
        register.contains(
            "<details class=\"more-filters\" id=\"more-filters\"><summary>Bộ lọc</summary>"
        ),
        "{register}"
    );
    assert!(register.contains("id=\"menu-toggle\""));
    assert!(
        register.contains("Menu · <strong>Sổ theo dõi trẻ em</strong>")
            || register.contains("Menu · <strong>"),
        "{register}"
    );
    // A case on the home page: its dates named.
    open_a_case(&app).await;
    let home = officer.get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("<td data-label=\"Tiếp nhận\">"), "{home}");
    assert!(home.contains("<td data-label=\"Hạn tiếp theo\">"));
}

/// Seen in Chromium at 360 px and 1,366 px: the weighing day's boxes labelled, Lưu on screen
/// without scrolling, a child found by typing their name without accents (every row still
/// sent once), the position's words not cut. Screenshots in docs/screenshots.
#[tokio::test]
async fn the_weighing_day_on_a_phone() {
    let _one = BROWSER_LOCK.lock().await;
    for width in [360u32, 1366] {
        let Some(b) = browser(width, 740).await else {
            return;
        };
        let app = spawn_app().await;
        let ids = under_fives(&app, "SP01", 40).await;
        login(&b, &app.base, "health", "password-health").await;
        b.c.goto(&app.url("/health/weighing?village=SP01"))
            .await
            .unwrap();
        b.c.wait().for_element(Locator::Id("save")).await.unwrap();
        assert_no_overflow(&b, "weighing page").await;
        doc_shot(&b, &format!("weighing-phone-{width}")).await;
        // Lưu on screen at the top of a 40-child page.
        let save = js(
            &b,
            "var r=document.getElementById('save').getBoundingClientRect();\
             return [r.top, r.bottom, window.innerHeight];",
        )
        .await;
        let v: Vec<f64> = serde_json::from_value(save).unwrap();
        assert!(
            v[0] >= 0.0 && v[1] <= v[2],
            "{width}: Lưu at {v:?}, off the screen"
        );
        // The position's words fit their box.
        let fit = js(
            &b,
            "var s=document.querySelector('#weighing select');var c=document.createElement('canvas')\
             .getContext('2d');var st=getComputedStyle(s);c.font=st.fontSize+' '+st.fontFamily;\
             return [s.getBoundingClientRect().width, c.measureText('đứng').width];",
        )
        .await;
        let f: Vec<f64> = serde_json::from_value(fit).unwrap();
        assert!(
            f[0] >= f[1] + 30.0,
            "{width}: the position box ({}px) cuts «đứng» ({}px)",
            f[0],
            f[1]
        );
        if width == 360 {
            // The labels are shown, above their boxes.
            let shown = js(
                &b,
                "var l=document.querySelector('#weighing label.cell-label');\
                 var r=l.getBoundingClientRect();return [r.left, r.width, l.textContent];",
            )
            .await;
            let a = shown.as_array().unwrap();
            assert!(
                a[0].as_f64().unwrap() >= 0.0 && a[1].as_f64().unwrap() > 20.0,
                "the kg label is not shown: {a:?}"
            );
            assert!(a[2].as_str().unwrap().starts_with("Cân nặng (kg)"));
        }
        // A child found without accents; the others hidden, not dropped.
        type_in(&b, "find-child", "duc my").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let visible = js(
            &b,
            "return Array.prototype.filter.call(document.querySelectorAll('#weighing tbody tr'),\
             function(t){return t.offsetParent!==null}).map(function(t){return t.dataset.name});",
        )
        .await;
        assert_eq!(visible, serde_json::json!(["Sùng Đức Mỷ"]), "{width}");
        type_in(&b, &format!("w_{}", ids[1]), "8,4").await;
        let filled = b.c.find(Locator::Id("filled")).await.unwrap().text().await;
        assert_eq!(filled.unwrap(), "1 / 40 trẻ đã nhập số");
        js(
            &b,
            "document.getElementById('row-' + document.querySelector('#weighing tbody tr:not(.off)')\
             .id.slice(4)).scrollIntoView({block: 'center'}); return 0;",
        )
        .await;
        doc_shot(&b, &format!("weighing-find-{width}")).await;
        // A child typed while another search shows: both sent with one press.
        type_in(&b, "find-child", "giang").await;
        type_in(&b, &format!("w_{}", ids[0]), "7,9").await;
        click(&b, "#save").await;
        let saved =
            b.c.wait()
                .for_element(Locator::Id("saved"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        assert!(saved.contains("Đã lưu 2 lần cân/đo"), "{width}: {saved}");
        for id in &ids[..2] {
            let n = treem_storage::HealthLog::health_events(
                &app.db,
                &actor(treem_domain::role::Role::Health, None),
                &["measurement"],
                Some(*id),
                None,
                None,
            )
            .await
            .unwrap()
            .len();
            assert_eq!(n, 1, "child {id}: one weighing");
        }
        drop(b);
    }
}

/// A village head's report on a 360-px phone: the menu folded to one line, a register child
/// chosen by name hides the new child's fields; a report with problems comes back with the
/// summary on screen and focused, each line leading to its field.
#[tokio::test]
async fn a_village_heads_report_on_a_phone() {
    let _one = BROWSER_LOCK.lock().await;
    for width in [360u32, 1366] {
        let Some(b) = browser(width, 740).await else {
            return;
        };
        let app = spawn_app().await;
        let own = under_fives(&app, "SP01", 3).await;
        login(&b, &app.base, "village_head", "password-village_head").await;
        if width == 360 {
            // The header and the folded menu take little height.
            doc_shot(&b, "home-village-head-360").await;
            let h = js(
                &b,
                "return document.getElementById('main').getBoundingClientRect().top;",
            )
            .await;
            assert!(h.as_f64().unwrap() < 130.0, "the page starts at {h}px");
            let links = b.c.find(Locator::Id("menu-links")).await.unwrap();
            assert!(!links.is_displayed().await.unwrap(), "the menu is folded");
            click(&b, "#menu-toggle").await;
            doc_shot(&b, "menu-open-360").await;
        }
        click(&b, "nav.main a[href=\"/cases/new\"]").await;
        b.c.wait()
            .for_element(Locator::Id("intake-form"))
            .await
            .unwrap();
        let toggle = b.c.find(Locator::Id("menu-toggle")).await.unwrap();
        assert_eq!(toggle.is_displayed().await.unwrap(), width == 360);
        if width == 360 {
            assert!(toggle.text().await.unwrap().contains("Báo tin trẻ em"));
        }
        let name = b.c.find(Locator::Id("child.full_name")).await.unwrap();
        assert!(name.is_displayed().await.unwrap());
        click(&b, "#child_type_registered").await;
        assert!(
            !name.is_displayed().await.unwrap(),
            "the new child's fields hidden"
        );
        choose(&b, "child_id", &own[2].to_string()).await;
        type_in(&b, "place", "Bản Sính Phình").await;
        type_in(&b, "current_condition", "Trẻ ở nhà một mình").await;
        // Sent without the category: the summary, on screen and focused.
        click(&b, "#save").await;
        let problems =
            b.c.wait()
                .for_element(Locator::Id("problems"))
                .await
                .unwrap();
        let text = problems.text().await.unwrap();
        assert!(text.contains("Tình trạng của trẻ:"), "{text}");
        let at = js(
            &b,
            "var p=document.getElementById('problems');var r=p.getBoundingClientRect();\
             return [document.activeElement===p, r.top >= 0 && r.top < window.innerHeight];",
        )
        .await;
        assert_eq!(at, serde_json::json!([true, true]), "{width}");
        // The chosen child is kept, the new child's fields still hidden.
        let chosen = b.c.find(Locator::Id("child_id")).await.unwrap();
        assert_eq!(
            chosen.prop("value").await.unwrap().as_deref(),
            Some(own[2].to_string().as_str())
        );
        let name = b.c.find(Locator::Id("child.full_name")).await.unwrap();
        assert!(!name.is_displayed().await.unwrap());
        assert_no_overflow(&b, "report with problems").await;
        doc_shot(&b, &format!("case-report-problems-{width}")).await;
        click(&b, "#problems a[href=\"#category\"]").await;
        let focused = js(&b, "return document.activeElement.id;").await;
        assert_eq!(focused, serde_json::json!("category"));
        choose(&b, "category", "at_risk").await;
        click(&b, "#save").await;
        b.c.wait()
            .for_element(Locator::Id("receipt"))
            .await
            .unwrap();
        drop(b);
    }
}

/// The register and the home page on a phone: the first result near the top (filters folded
/// behind «Bộ lọc»), the home page's case dates and a breakdown's figures named.
#[tokio::test]
async fn the_register_and_tables_on_a_phone() {
    let _one = BROWSER_LOCK.lock().await;
    for width in [360u32, 1366] {
        let Some(b) = browser(width, 740).await else {
            return;
        };
        let app = spawn_app().await;
        let ids = under_fives(&app, "SP01", 5).await;
        open_a_case(&app).await;
        login(&b, &app.base, "officer", "password-officer").await;
        b.c.goto(&app.url("/children")).await.unwrap();
        let first =
            b.c.wait()
                .for_element(Locator::Css("#results a[href^=\"/children/\"]"))
                .await
                .unwrap();
        let top = js(
            &b,
            "return document.querySelector('#results a[href^=\"/children/\"]').getBoundingClientRect().top;",
        )
        .await
        .as_f64()
        .unwrap();
        doc_shot(&b, &format!("register-phone-{width}")).await;
        let village = b.c.find(Locator::Id("village")).await.unwrap();
        if width == 360 {
            assert!(top < 600.0, "the first result at {top}px");
            assert!(!village.is_displayed().await.unwrap(), "filters folded");
            assert!(first.is_displayed().await.unwrap());
        } else {
            assert!(village.is_displayed().await.unwrap(), "filters open");
        }
        assert_no_overflow(&b, "register").await;
        b.c.goto(&app.base).await.unwrap();
        let label = js(
            &b,
            "var td=document.querySelector('#cases td[data-label=\"Tiếp nhận\"]');\
             return getComputedStyle(td,'::before').content;",
        )
        .await;
        let label = label.as_str().unwrap().to_string();
        if width == 360 {
            assert!(label.contains("Tiếp nhận"), "{label}");
        } else {
            assert!(!label.contains("Tiếp nhận"), "{label}");
        }
        assert_no_overflow(&b, "home").await;
        doc_shot(&b, &format!("home-phone-{width}")).await;
        // A breakdown's "1 / 5 / 20 %": each figure named on a phone.
        b.c.goto(&app.url("/health/weighing?village=SP01"))
            .await
            .unwrap();
        type_in(&b, &format!("w_{}", ids[0]), "5,1").await;
        type_in(&b, &format!("l_{}", ids[0]), "55").await;
        click(&b, "#save").await;
        b.c.wait().for_element(Locator::Id("saved")).await.unwrap();
        let t = today();
        b.c.goto(&app.url(&format!("/dashboard/targets/7?year={}&as_of={t}", t.year())))
            .await
            .unwrap();
        let named = js(
            &b,
            "return Array.prototype.map.call(document.querySelectorAll('td[data-label]'),\
             function(td){return getComputedStyle(td,'::before').content;}).join('|');",
        )
        .await;
        let named = named.as_str().unwrap().to_string();
        assert_eq!(
            named.contains("Tử số") && named.contains("Mẫu số") && named.contains("Tỷ lệ"),
            width == 360,
            "{width}: {named}"
        );
        assert_no_overflow(&b, "target page").await;
        doc_shot(&b, &format!("target-breakdown-{width}")).await;
        drop(b);
    }
}
