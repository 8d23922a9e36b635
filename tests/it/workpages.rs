//! Issue 17's records on pages for the field: the relief of each child affected by a disaster
//! (tick, date, how; one submission for the list, stored once), the disability follow-up of a
//! child of group d, and the directory of services suggested in a case plan. Each over real
//! HTTP: sent twice stores once, a bad value is named with nothing written, a village head
//! sees and writes only their village.
use crate::helpers::*;
use crate::pages::page_login;
use treem_domain::circumstance::Circumstance;
use treem_domain::work::NewDisaster;
use treem_storage::{Register, WorkLog};

async fn add(app: &TestApp, name: &str, village: &str, disabled: bool) -> i64 {
    let mut c = child(name, village);
    if disabled {
        c.circumstances = vec![Circumstance {
            code: "d".into(),
            from: jiff::civil::date(2020, 1, 1),
            to: None,
        }];
    }
    app.db.create_child(&officer(), &c).await.unwrap().id
}

fn submission_in(html: &str) -> String {
    let i = html.find("name=\"submission\" value=\"").unwrap() + 25;
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

async fn helped(app: &TestApp, disaster: i64) -> Vec<(i64, bool)> {
    app.db
        .disaster_children(&officer(), disaster)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.child_id, c.helped_on.is_some()))
        .collect()
}

#[tokio::test]
async fn relief_per_child_is_ticked_on_one_page_and_stored_once() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let a = add(&app, "Giàng Thị Mai", "SP01", false).await;
        let b = add(&app, "Giàng A Sử", "SP01", false).await;
        let c = add(&app, "Vàng A Dình", "SP02", false).await;
        let d = NewDisaster::parse(
            "15/03/2026",
            "flood",
            &["SP01".to_string(), "SP02".to_string()],
            "Lũ quét",
            2026,
            today(),
        )
        .unwrap();
        let id = app
            .db
            .record_disaster(&officer(), &d, &[a, b, c], None)
            .await
            .unwrap()
            .id;
        let page = page_login(&app, "officer", "password-officer").await;
        let hub = page.get(&app, "/work").await.text().await.unwrap();
        assert!(
            hub.contains(&format!("href=\"/work/disasters/{id}\"")),
            "{label}: linked from /work"
        );
        let r = page.get(&app, &format!("/work/disasters/{id}")).await;
        assert_eq!(r.status(), 200, "{label}");
        let html = r.text().await.unwrap();
        let days = (today() - jiff::civil::date(2026, 3, 15)).get_days();
        assert!(
            html.contains(&format!("đã qua <strong>{days}</strong> ngày")),
            "{label}: days since the disaster"
        );
        assert!(
            html.contains("<strong>3</strong> trẻ chưa được cứu trợ"),
            "{label}"
        );
        // Officials read the village's name, not its code.
        assert!(
            html.contains("Thôn, bản: Sính Phình") && !html.contains("SP01"),
            "{label}: villages by name on the relief page"
        );
        let submission = submission_in(&html);
        let (a_s, b_s, c_s) = (a.to_string(), b.to_string(), c.to_string());
        let (on_a, how_a) = (format!("on_{a}"), format!("how_{a}"));
        let (on_b, how_b) = (format!("on_{b}"), format!("how_{b}"));
        let form = vec![
            ("_csrf", page.csrf.as_str()),
            ("submission", submission.as_str()),
            ("child", a_s.as_str()),
            ("child", b_s.as_str()),
            ("child", c_s.as_str()),
            ("helped", a_s.as_str()),
            (on_a.as_str(), "20/03/2026"),
            (how_a.as_str(), "Gạo, chăn"),
        ];
        let path = format!("/work/disasters/{id}");
        let r = page.post(&app, &path, &form).await;
        assert_eq!(r.status(), 303, "{label}");
        assert_eq!(
            helped(&app, id).await,
            vec![(a, true), (b, false), (c, false)]
        );
        // The same submission sent again (changed, to show it): nothing more is written.
        let mut again = form.clone();
        again.extend([
            ("helped", b_s.as_str()),
            (on_b.as_str(), "21/03/2026"),
            (how_b.as_str(), "Tiền mặt"),
        ]);
        let r = page.post(&app, &path, &again).await;
        assert_eq!(r.status(), 303, "{label}");
        assert_eq!(
            helped(&app, id).await,
            vec![(a, true), (b, false), (c, false)],
            "{label}: stored once"
        );
        // A help dated before the disaster: named with the child, nothing written (a stays
        // helped although unticked in this sending).
        let bad = vec![
            ("_csrf", page.csrf.as_str()),
            ("submission", "relief-bad-000001"),
            ("child", a_s.as_str()),
            ("child", b_s.as_str()),
            ("helped", b_s.as_str()),
            (on_b.as_str(), "10/03/2026"),
            (how_b.as_str(), "Tiền mặt"),
        ];
        let r = page.post(&app, &path, &bad).await;
        assert_eq!(r.status(), 422, "{label}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("<strong>Giàng A Sử — Ngày cứu trợ</strong>: ngày cứu trợ ở trước ngày xảy ra thiên tai"),
            "{label}: {html}"
        );
        // A tick with no date is named too.
        let r = page
            .post(
                &app,
                &path,
                &[
                    ("_csrf", page.csrf.as_str()),
                    ("submission", "relief-bad-000002"),
                    ("child", b_s.as_str()),
                    ("helped", b_s.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{label}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("<strong>Giàng A Sử — Ngày cứu trợ</strong>"));
        assert_eq!(
            helped(&app, id).await,
            vec![(a, true), (b, false), (c, false)],
            "{label}: nothing written"
        );
        // The village head of SP01 sees SP01's children only and cannot help SP02's.
        let head = page_login(&app, "village_head", "password-village_head").await;
        let html = head.get(&app, &path).await.text().await.unwrap();
        assert!(
            html.contains("Giàng A Sử") && !html.contains("Vàng A Dình"),
            "{label}"
        );
        let on_c = format!("on_{c}");
        let how_c = format!("how_{c}");
        let r = head
            .post(
                &app,
                &path,
                &[
                    ("_csrf", head.csrf.as_str()),
                    ("submission", "relief-head-000001"),
                    ("child", c_s.as_str()),
                    ("helped", c_s.as_str()),
                    (on_c.as_str(), "20/03/2026"),
                    (how_c.as_str(), "Gạo"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            422,
            "{label}: no child of the head's village sent"
        );
        assert_eq!(
            helped(&app, id).await,
            vec![(a, true), (b, false), (c, false)],
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_disability_follow_up_is_entered_from_the_childs_page_once() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let d = add(&app, "Lò Thị Hoa", "SP01", true).await;
        let n = add(&app, "Lò A Chứ", "SP01", false).await;
        let far = add(&app, "Thào Thị Dợ", "SP02", true).await;
        let page = page_login(&app, "officer", "password-officer").await;
        let link = format!("/work/disability/new?child={d}");
        let html = page
            .get(&app, &format!("/children/{d}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&link),
            "{label}: linked from a group d child's page"
        );
        let html = page
            .get(&app, &format!("/children/{n}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("/work/disability/new"),
            "{label}: not for other children"
        );
        let html = page.get(&app, &link).await.text().await.unwrap();
        let submission = submission_in(&html);
        let d_s = d.to_string();
        let form = [
            ("_csrf", page.csrf.as_str()),
            ("submission", submission.as_str()),
            ("child", d_s.as_str()),
            ("date", "15/03/2026"),
            ("needs", "Phục hồi chức năng vận động"),
            ("services", "Khám tại trạm y tế"),
            ("devices", "Xe lăn"),
        ];
        for _ in 0..2 {
            let r = page.post(&app, "/work/disability/new", &form).await;
            assert_eq!(r.status(), 303, "{label}");
        }
        let count = || async { app.db.disability_records(&officer()).await.unwrap().len() };
        assert_eq!(count().await, 1, "{label}: stored once");
        let mut bad = form;
        bad[1] = ("submission", "disability-bad-0001");
        bad[3] = ("date", "31/02/2026");
        let r = page.post(&app, "/work/disability/new", &bad).await;
        assert_eq!(r.status(), 422, "{label}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("<strong>Ngày đánh giá</strong>"));
        let n_s = n.to_string();
        let mut other = form;
        other[1] = ("submission", "disability-bad-0002");
        other[2] = ("child", n_s.as_str());
        let r = page.post(&app, "/work/disability/new", &other).await;
        assert_eq!(r.status(), 422, "{label}");
        assert!(r.text().await.unwrap().contains("nhóm d"), "{label}");
        assert_eq!(count().await, 1, "{label}: nothing written");
        // The village head of SP01 cannot open nor write a SP02 child's follow-up.
        let head = page_login(&app, "village_head", "password-village_head").await;
        let r = head
            .get(&app, &format!("/work/disability/new?child={far}"))
            .await;
        assert_ne!(r.status(), 200, "{label}");
        let far_s = far.to_string();
        let mut theirs = form;
        theirs[0] = ("_csrf", head.csrf.as_str());
        theirs[1] = ("submission", "disability-head-0001");
        theirs[2] = ("child", far_s.as_str());
        let r = head.post(&app, "/work/disability/new", &theirs).await;
        assert_ne!(r.status(), 303, "{label}");
        assert_eq!(count().await, 1, "{label}");
    }
}

async fn upload(page: &crate::pages::Page, app: &TestApp, csv: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", page.csrf.clone())
        .text("title", "Quà Tết")
        .text("date", "10/02/2026")
        .text("kind", "food_and_gifts")
        .text("value", "200.000")
        .text("funding", "child_fund")
        .text("giver", "UBND xã")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("ds.csv"),
        );
    page.http
        .post(app.url("/work/distributions/upload"))
        .header("cookie", &page.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let start = html
        .find("action=\"/work/distributions/new\"")
        .expect("a confirm form");
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|s| {
            let name = &s[..s.find('"').unwrap()];
            let v = &s[s.find("value=\"").unwrap() + 7..];
            (name.to_string(), v[..v.find('"').unwrap()].to_string())
        })
        .collect()
}

#[tokio::test]
async fn an_uploaded_list_is_checked_row_by_row_then_confirmed_once() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        add(&app, "Giàng Thị Mai", "SP01", false).await;
        add(&app, "Lý A Páo", "SP02", false).await;
        let page = page_login(&app, "officer", "password-officer").await;
        let hub = page.get(&app, "/work").await.text().await.unwrap();
        assert!(
            hub.contains("href=\"/work/distributions/upload\""),
            "{label}"
        );
        let r = page.get(&app, "/work/distributions/template.xlsx").await;
        assert_eq!(r.status(), 200, "{label}");
        assert!(
            r.bytes().await.unwrap().starts_with(b"PK"),
            "{label}: an XLSX template"
        );
        let supports = || async {
            app.db
                .support_list(&officer(), &treem_storage::SupportFilter::default())
                .await
                .unwrap()
                .len()
        };
        // An unmatched row: each named «dòng N: …», nothing written.
        let r = upload(
            &page,
            &app,
            "Số định danh cá nhân,Họ và tên,Ngày sinh\n,giàng thị mai,01/05/2019\n,Lý A Páo,02/05/2019\n",
        )
        .await;
        assert_eq!(r.status(), 422, "{label}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("<li>dòng 3: không có trẻ nào trong sổ tên «Lý A Páo»"),
            "{label}: {html}"
        );
        assert_eq!(supports().await, 0, "{label}");
        // All rows matched: a confirm step, nothing written until confirmed.
        let r = upload(
            &page,
            &app,
            "Số định danh cá nhân,Họ và tên,Ngày sinh\n,giàng thị mai,01/05/2019\n,Ly A Pao,01/05/2019\n",
        )
        .await;
        assert_eq!(r.status(), 200, "{label}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("2 trẻ khớp với sổ") && html.contains("Lý A Páo"),
            "{label}"
        );
        assert_eq!(supports().await, 0, "{label}: not before the confirmation");
        let fields = hidden_fields(&html);
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for _ in 0..2 {
            let r = page.post(&app, "/work/distributions/new", &form).await;
            assert_eq!(r.status(), 303, "{label}");
        }
        assert_eq!(supports().await, 2, "{label}: confirmed twice, stored once");
        // A bad value in the details: named, nothing checked further.
        let form = reqwest::multipart::Form::new()
            .text("_csrf", page.csrf.clone())
            .text("title", "Quà")
            .text("date", "10/02/2026")
            .text("kind", "food_and_gifts")
            .text("value", "-5")
            .part(
                "file",
                reqwest::multipart::Part::bytes(
                    b"Ho va ten,Ngay sinh\ngiang thi mai,01/05/2019\n".to_vec(),
                )
                .file_name("ds.csv"),
            );
        let r = page
            .http
            .post(app.url("/work/distributions/upload"))
            .header("cookie", &page.cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("<strong>Giá trị (đồng)</strong>"),
            "{label}"
        );
        assert_eq!(supports().await, 2, "{label}");
    }
}

#[tokio::test]
async fn a_distribution_file_too_large_gets_a_message_not_a_missing_page() {
    let app = spawn_app().await;
    let page = page_login(&app, "officer", "password-officer").await;
    let big = vec![b'a'; treem_domain::limits::UPLOAD_BYTES + 1024];
    let form = reqwest::multipart::Form::new()
        .text("_csrf", page.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(big).file_name("ds.csv"),
        );
    let r = page
        .http
        .post(app.url("/work/distributions/upload"))
        .header("cookie", &page.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Tệp quá lớn: tối đa 16 MB"));
}

#[tokio::test]
async fn a_village_heads_upload_matches_their_village_only() {
    let app = spawn_app().await;
    add(&app, "Lý A Páo", "SP02", false).await;
    let head = page_login(&app, "village_head", "password-village_head").await;
    let r = upload(&head, &app, "Họ và tên,Ngày sinh\nLý A Páo,01/05/2019\n").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("<li>dòng 2:"));
}

#[tokio::test]
async fn forum_participants_are_picked_by_village_or_by_name_and_stored_as_ids() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let a = add(&app, "Giàng Thị Mai", "SP01", false).await;
        let b = add(&app, "Lý A Páo", "SP02", false).await;
        let c = add(&app, "Giàng A Sử", "SP01", false).await;
        let page = page_login(&app, "officer", "password-officer").await;
        // By name, accents or not.
        let html = page
            .get(&app, "/activities/forum/new?q=giang+thi")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("name=\"pick\" value=\"{a}\"")),
            "{label}: {html}"
        );
        assert!(
            !html.contains(&format!("name=\"pick\" value=\"{b}\"")),
            "{label}"
        );
        assert!(
            !html.contains(&format!("name=\"pick\" value=\"{c}\"")),
            "{label}"
        );
        // By village.
        let html = page
            .get(&app, "/activities/forum/new?village=SP02")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("name=\"pick\" value=\"{b}\"")),
            "{label}"
        );
        assert!(
            !html.contains(&format!("name=\"pick\" value=\"{a}\"")),
            "{label}"
        );
        let submission = submission_in(&html);
        let (a_s, b_s) = (a.to_string(), b.to_string());
        let mut form = vec![
            ("_csrf", page.csrf.as_str()),
            ("submission", submission.as_str()),
            ("date", "20/05/2026"),
            ("title", "Diễn đàn trẻ em xã"),
            ("form", "forum"),
            ("level", "commune"),
            ("girls", "1"),
            ("boys", "1"),
            ("total", "3"),
            ("pick", b_s.as_str()),
            ("children_text", a_s.as_str()),
        ];
        // Counts that do not add up: named, nothing written.
        let r = page.post(&app, "/activities/forum", &form).await;
        assert_eq!(r.status(), 422, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("tổng số trẻ em (3)"), "{label}");
        let forums = || async {
            treem_storage::ActivityLog::activities(
                &app.db,
                &officer(),
                treem_domain::activity::ActivityKind::Forum,
                2026,
            )
            .await
            .unwrap()
        };
        assert!(forums().await.is_empty(), "{label}");
        form[8] = ("total", "2");
        for _ in 0..2 {
            let r = page.post(&app, "/activities/forum", &form).await;
            assert_eq!(r.status(), 303, "{label}");
        }
        let stored = forums().await;
        assert_eq!(stored.len(), 1, "{label}: stored once");
        let detail = treem_storage::ActivityLog::activity(&app.db, &officer(), stored[0].id)
            .await
            .unwrap();
        let mut ids: Vec<i64> = detail.participants.iter().map(|p| p.id).collect();
        ids.sort();
        let mut want = vec![a, b];
        want.sort();
        assert_eq!(ids, want, "{label}: the ticked and the typed, as ids");
    }
}

/// The relief page on a 360-px phone, as a village head uses it in the field: no sideways
/// scrolling, each child's tick and date box on screen.
#[tokio::test]
async fn the_relief_page_on_a_phone() {
    use crate::browser::*;
    let _one = BROWSER_LOCK.lock().await;
    let Some(b) = browser(360, 740).await else {
        return;
    };
    let app = spawn_app().await;
    let a = add(&app, "Giàng Thị Mai", "SP01", false).await;
    let c = add(&app, "Giàng A Sử", "SP01", false).await;
    let d = NewDisaster::parse(
        "15/03/2026",
        "flood",
        &["SP01".to_string()],
        "",
        2026,
        today(),
    )
    .unwrap();
    let id = app
        .db
        .record_disaster(&officer(), &d, &[a, c], None)
        .await
        .unwrap()
        .id;
    login(&b, &app.base, "village_head", "password-village_head").await;
    b.c.goto(&app.url(&format!("/work/disasters/{id}")))
        .await
        .unwrap();
    let date_box =
        b.c.wait()
            .for_element(fantoccini::Locator::Id(&format!("on-{a}")))
            .await
            .unwrap();
    assert!(date_box.is_displayed().await.unwrap());
    assert_no_overflow(&b, "relief page").await;
    shot(&b, "relief-phone-360").await;
}
