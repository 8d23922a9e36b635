//! Pages for the people in the field (issue 18): cases name the child, case steps carry what
//! was entered, codes shown as words, honest charts, empty states and the growth lists.
use crate::cases::intake;
use crate::helpers::*;
use crate::pages::{page_login, Page};
use treem_domain::case::{ChildRef, EntryKind};
use treem_storage::{Cases, Register};

fn now() -> jiff::civil::DateTime {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime()
}

async fn login(app: &TestApp, role: &str) -> Page {
    page_login(app, role, &format!("password-{role}")).await
}

async fn html(app: &TestApp, p: &Page, path: &str) -> (u16, String) {
    let r = p.get(app, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A case reported by the village head about a child of the register; returns (case, child).
async fn case_about_registered_child(app: &TestApp, name: &str, village: &str) -> (i64, i64) {
    let child_id = app
        .db
        .create_child(&officer(), &child(name, village))
        .await
        .unwrap()
        .id;
    let EntryKind::Intake(mut i) = intake(now(), "Trẻ ở nhà một mình") else {
        unreachable!()
    };
    i.child = ChildRef::Registered { child_id };
    let id = app
        .db
        .open_case(&officer(), EntryKind::Intake(i), now())
        .await
        .unwrap();
    (id, child_id)
}

#[tokio::test]
async fn cases_name_the_child_and_village_to_those_who_may_read_them() {
    let app = spawn_app().await;
    let (id, child_id) = case_about_registered_child(&app, "Vàng Thị Sua", "SP02").await;
    let officer = login(&app, "officer").await;
    let (status, list) = html(&app, &officer, "/cases").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("Vàng Thị Sua (Làng Vùa)"),
        "the case list names the child and village: {list}"
    );
    assert!(!list.contains(&format!("trẻ số {child_id}")));
    let (_, home) = html(&app, &officer, "/").await;
    assert!(home.contains("Vàng Thị Sua"), "the home page's open cases");
    let (_, page) = html(&app, &officer, &format!("/cases/{id}")).await;
    assert!(
        page.contains("Vàng Thị Sua (Làng Vùa)"),
        "the case page: {page}"
    );
    assert!(!page.contains(&format!("trẻ số {child_id}")));
    let leader = login(&app, "leader").await;
    let (_, list) = html(&app, &leader, "/cases").await;
    assert!(list.contains("Vàng Thị Sua"));
    // A child not in the register: the name the report gives.
    app.db
        .open_case(
            &crate::helpers::officer(),
            intake(now(), "Trẻ ở nhà một mình"),
            now(),
        )
        .await
        .unwrap();
    let (_, list) = html(&app, &officer, "/cases").await;
    assert!(list.contains("Giàng Thị Mai (chưa có trong sổ)"), "{list}");

    // Those who may not read cases are still refused, and learn no name.
    for role in ["village_head", "admin", "services", "province", "health"] {
        let p = login(&app, role).await;
        let (status, body) = html(&app, &p, "/cases").await;
        assert!(
            status == 403 || !body.contains("Vàng Thị Sua"),
            "{role}: {status}"
        );
        let (_, home) = html(&app, &p, "/").await;
        assert!(!home.contains(&format!("/cases/{id}\"")), "{role}'s home");
        let (status, page) = html(&app, &p, &format!("/cases/{id}")).await;
        assert!(
            !page.contains("Vàng Thị Sua"),
            "{role} opens no case ({status})"
        );
    }
    let p = login(&app, "village_head").await;
    assert_eq!(html(&app, &p, "/cases").await.0, 403);
}

/// The `<select>` named `name` in `html`.
fn select<'a>(html: &'a str, name: &str) -> &'a str {
    let i = html
        .find(&format!("id=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name}"));
    let rest = &html[i..];
    &rest[..rest.find("</select>").unwrap()]
}

#[tokio::test]
async fn case_steps_carry_ratings_and_needs_show_the_plan_flag_the_leader_and_confirm_saves() {
    use crate::cases::{assessment, plan, specific};
    let app = spawn_app().await;
    let (id, _) = case_about_registered_child(&app, "Lò Văn Páo", "SP01").await;
    let o = officer();
    let add = |seq: u32, e: EntryKind| {
        let db = app.db.clone();
        let o = o.clone();
        async move {
            db.add_case_entry(&o, id, seq, e, now()).await.unwrap();
        }
    };
    let officer = login(&app, "officer").await;

    // Saving a step through its form says what was saved on the case page (PRG).
    let path = format!("/cases/{id}/step/initial_assessment");
    let (_, form) = html(&app, &officer, &path).await;
    let i = form.find("name=\"seq\" value=\"").unwrap() + 18;
    let seq = form[i..].split('"').next().unwrap().to_string();
    let r = officer
        .post(
            &app,
            &path,
            &[
                ("_csrf", officer.csrf.as_str()),
                ("seq", &seq),
                ("rating.muc_do_ton_hai", "trung_binh"),
                ("level", "can_thiep"),
                ("abuse_type", "bao_luc"),
                ("summary", "Trẻ bị đánh"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/cases/{id}?saved=")), "{to}");
    let (_, page) = html(&app, &officer, &to).await;
    assert!(
        page.contains("class=\"flash\"") && page.contains("Đã lưu: Đánh giá ban đầu (Mẫu 02)."),
        "{page}"
    );
    let (_, plain) = html(&app, &officer, &format!("/cases/{id}")).await;
    assert!(
        !plain.contains("class=\"flash\""),
        "no message without a save"
    );

    // Replaced by an assessment rating every item: the specific assessment starts from it.
    app.db
        .correct_case_entry(&o, id, 2, assessment("Trẻ bị bố đánh"), now())
        .await
        .unwrap();
    let (_, form) = html(
        &app,
        &officer,
        &format!("/cases/{id}/step/specific_assessment"),
    )
    .await;
    for (item, _) in treem_domain::case::STANDARD_ITEMS {
        assert!(
            select(&form, &format!("rating.{item}")).contains("value=\"trung_binh\" selected"),
            "{item} carried: {}",
            select(&form, &format!("rating.{item}"))
        );
    }
    // The needs found become a first plan's objectives, editable.
    add(3, specific(now())).await;
    let (_, form) = html(&app, &officer, &format!("/cases/{id}/step/plan")).await;
    let i = form.find("name=\"objectives\"").expect("objectives");
    let objectives = &form[i..i + form[i..].find("</textarea>").unwrap()];
    assert!(objectives.contains("Chăm sóc y tế"), "{objectives}");

    add(4, plan(now().date())).await;
    add(
        5,
        EntryKind::SubmitForApproval {
            note: String::new(),
        },
    )
    .await;
    // The leader's home flags the plan with the child's name and the working days left.
    let leader = login(&app, "leader").await;
    let (_, home) = html(&app, &leader, "/").await;
    let i = home.find("id=\"awaiting-me\"").expect("the leader's flag");
    let flag = &home[i..i + home[i..].find("</section>").unwrap()];
    assert!(flag.contains("Lò Văn Páo"), "{flag}");
    assert!(flag.contains(&format!("/cases/{id}")), "{flag}");
    assert!(
        flag.contains("ngày làm việc") || flag.contains("hôm nay"),
        "{flag}"
    );
    let (_, home) = html(&app, &officer, "/").await;
    assert!(
        !home.contains("id=\"awaiting-me\""),
        "nothing waits for the officer"
    );
    // The approval form shows the plan being approved.
    let (_, form) = html(&app, &leader, &format!("/cases/{id}/step/approve")).await;
    let i = form.find("id=\"plan-to-approve\"").expect("the plan");
    let shown = &form[i..i + form[i..].find("</section>").unwrap()];
    assert!(
        shown.contains("Trẻ an toàn, được chăm sóc y tế") && shown.contains("Trạm Y tế xã"),
        "{shown}"
    );
}

/// The text a person reads on a page: no tags, no attribute values, no scripts or styles,
/// and no drop-down choices' codes (their words stay).
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push(' ');
        let tail = &rest[i..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| tail.starts_with(*t))
            .map(|t| format!("</{}>", &t[1..]));
        rest = match skip_to {
            Some(end) => tail.find(&end).map_or("", |j| &tail[j + end.len()..]),
            None => tail.find('>').map_or("", |j| &tail[j + 1..]),
        };
    }
    out.push_str(rest);
    out.replace("&amp;", "&").replace("&#39;", "'")
}

/// Whether `word` stands on its own in `text` (not inside a longer word).
fn has_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..].chars().next().is_some_and(is_word)
    })
}

#[tokio::test]
async fn the_main_pages_show_words_not_codes_to_every_role() {
    use serde_json::json;
    use treem_storage::HealthLog;
    let app = spawn_app().await;
    let born = today().checked_sub(jiff::Span::new().years(2)).unwrap();
    let mut data = child("Sùng Thị Mỷ", "SP02");
    data.date_of_birth = Some(born);
    data.school_level = Some("nha_tre".into());
    let id = app.db.create_child(&officer(), &data).await.unwrap().id;
    let at = |days: i64| born.checked_add(jiff::Span::new().days(days)).unwrap();
    let mut events = vec![
        typed_event(
            "vaccination",
            Some(id),
            at(0),
            json!({"vaccine": "VGB_SS", "dose": 1}),
        ),
        typed_event(
            "vaccination",
            Some(id),
            at(60),
            json!({"vaccine": "DPT_VGB_HIB", "dose": 1}),
        ),
        typed_event(
            "vaccination",
            Some(id),
            at(280),
            json!({"vaccine": "SOI", "dose": 1}),
        ),
        typed_event(
            "vaccination",
            Some(id),
            at(370),
            json!({"vaccine": "VNNB", "dose": 1}),
        ),
    ];
    events.push(typed_event(
        "measurement",
        Some(id),
        at(400),
        json!({"weight_kg": 7.9, "length_cm": 72.0, "measure": "lying"}),
    ));
    let health = crate::helpers::actor(treem_domain::role::Role::Health, None);
    app.db.add_health_events(&health, &events).await.unwrap();
    let (case, _) = case_about_registered_child(&app, "Thào Văn Lử", "SP01").await;

    let codes = [
        "DPT_VGB_HIB",
        "VGB_SS",
        "SOI",
        "VNNB",
        "stunting_under5",
        "underweight_under5",
        "fully_immunised_under1",
        "Z-score",
        "z-score",
        "(male)",
        "nha_tre",
        "tieu_hoc",
    ];
    // The audit log's own words: none of its codes on its page.
    let audit_codes = [
        "read", "update", "create", "login", "child", "case", "village",
    ];
    let pages = [
        "/".to_string(),
        "/children".into(),
        format!("/children/{id}"),
        format!("/children/{id}/health"),
        "/health/lists?village=SP02".into(),
        "/health/weighing?village=SP02".into(),
        "/dashboard".into(),
        "/dashboard/targets/7".into(),
        "/dashboard/targets/9".into(),
        "/dashboard/targets/10".into(),
        "/households".into(),
        "/cases".into(),
        format!("/cases/{case}"),
        "/audit".into(),
        "/import".into(),
    ];
    let mut found = vec![];
    let mut seen = 0;
    for role in treem_domain::role::ALL_ROLES {
        let p = login(&app, role.as_str()).await;
        for path in &pages {
            let (status, body) = html(&app, &p, path).await;
            if status != 200 {
                continue;
            }
            seen += 1;
            let text = visible_text(&body);
            for c in codes {
                if has_word(&text, c) {
                    found.push(format!("{role} {path}: {c}"));
                }
            }
            if path == "/audit" {
                for c in audit_codes {
                    if has_word(&text, c) {
                        found.push(format!("{role} {path}: {c}"));
                    }
                }
            }
        }
    }
    assert!(seen > 40, "pages seen: {seen}");
    assert!(found.is_empty(), "codes shown: {found:#?}");

    // Villages by their names: the register's list and the child's page.
    let o = login(&app, "officer").await;
    let (_, list) = html(&app, &o, "/children").await;
    let i = list.find("Sùng Thị Mỷ").expect("in the list");
    let row = &list[i..i + list[i..].find("</tr>").unwrap()];
    assert!(
        row.contains("Làng Vùa") && !has_word(&visible_text(row), "SP02"),
        "{row}"
    );
    let (_, page) = html(&app, &o, &format!("/children/{id}")).await;
    assert!(page.contains("Làng Vùa"));
    assert!(visible_text(&page).contains("Tiêm 5 trong 1 (DPT-VGB-Hib) mũi 1"));
}

#[tokio::test]
async fn a_trend_of_one_figure_is_not_drawn_and_the_target_is_named_off_the_figures() {
    let app = spawn_app().await;
    app.db
        .create_child(&officer(), &child("Giàng A Lử", "SP01"))
        .await
        .unwrap();
    let o = login(&app, "officer").await;
    // Mid-February: one date only (no quarter has ended).
    let (status, page) = html(&app, &o, "/dashboard/targets/13?year=2026&as_of=15/02/2026").await;
    assert_eq!(status, 200, "{page}");
    let trend = &page[page.find("id=\"trend\"").expect("the trend card")..];
    let trend = &trend[..trend.find("</section>").unwrap()];
    assert!(
        !trend.contains("<svg"),
        "one figure drawn as a trend: {trend}"
    );
    assert!(
        trend.contains("Chưa đủ số liệu để vẽ xu hướng") && trend.contains("15/02/2026"),
        "{trend}"
    );
    // Later in the year: the chart, with the target's value named once, in its legend above
    // the plot, not over the figures.
    let (_, page) = html(&app, &o, "/dashboard/targets/13?year=2026&as_of=15/08/2026").await;
    let trend = &page[page.find("id=\"trend\"").unwrap()..];
    let trend = &trend[..trend.find("</section>").unwrap()];
    assert!(trend.contains("<svg"), "{trend}");
    let legend = &trend[trend.find("class=\"legend\"").expect("a legend")..];
    let legend = &legend[..legend.find("</g>").unwrap()];
    assert!(legend.contains("chỉ tiêu"), "{legend}");
    assert_eq!(trend.matches("chỉ tiêu").count(), 1, "{trend}");
}

#[tokio::test]
async fn empty_states_say_what_to_do_and_the_child_page_shows_no_blank_labels() {
    use treem_storage::HealthLog;
    let app = spawn_app().await;
    let h = login(&app, "health").await;
    // No village chosen: a short instruction, no empty list, nothing to print.
    let (status, page) = html(&app, &h, "/health/weighing").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"choose-village\""), "{page}");
    assert!(!page.contains("id=\"weighing\""));
    let (_, page) = html(&app, &h, "/health/lists").await;
    assert!(page.contains("id=\"choose-village\""), "{page}");
    assert!(!page.contains("id=\"due\"") && !page.contains("data-print"));
    let (_, page) = html(&app, &h, "/health/lists?village=SP01").await;
    assert!(!page.contains("id=\"choose-village\"") && page.contains("id=\"due\""));

    // A baby of four months, weighed once: nothing about school or moves to show.
    let born = today().checked_sub(jiff::Span::new().days(120)).unwrap();
    let mut data = child("Vàng A Dình", "SP01");
    data.date_of_birth = Some(born);
    let id = app.db.create_child(&officer(), &data).await.unwrap().id;
    let health = crate::helpers::actor(treem_domain::role::Role::Health, None);
    let on = born.checked_add(jiff::Span::new().days(90)).unwrap();
    use treem_domain::health::{Event, Measure, Measurement, Reading};
    let weighed = Measurement::assess(
        id,
        on,
        treem_domain::register::Sex::Female,
        born,
        Reading {
            weight_kg: Some(4.2),
            length_cm: Some(57.0),
            measure: Measure::Lying,
            oedema: false,
        },
    );
    app.db
        .add_health_events(&health, &[Event::Measurement(weighed)])
        .await
        .unwrap();
    let (_, page) = html(&app, &h, &format!("/children/{id}")).await;
    assert!(
        !page.contains("<dd></dd>"),
        "a label with a blank value: {page}"
    );
    assert!(!page.contains("id=\"schooling\"") && !page.contains("id=\"moves\""));
    assert!(page.contains("chưa ghi"), "a missing personal ID says so");
    // The growth chart spans the first year, names its lines and says the last weighing.
    let g = &page[page.find("id=\"growth\"").expect("the growth card")..];
    let g = &g[..g.find("</section>").unwrap()];
    assert!(g.contains("12 tháng") && !g.contains("5 tuổi"), "{g}");
    assert!(g.contains("id=\"growth-legend\"") && g.contains("dưới −2 là nhẹ cân"));
    let last = &g[g.find("id=\"growth-last\"").unwrap()..];
    assert!(last.contains(&crate::i18n_date(on)), "{last}");
    assert!(
        last.contains("suy dinh dưỡng"),
        "the status in words: {last}"
    );
    assert!(g.contains("Chỉ số Z: cân nặng theo tuổi:"), "{g}");
}

/// Stunted under-5s: `n` in `village`, each weighed 10 days ago with a length far below the
/// median; their ids.
async fn stunted_children(app: &TestApp, village: &str, n: usize, first: usize) -> Vec<i64> {
    use treem_domain::health::{Event, Measure, Measurement, Reading};
    use treem_storage::HealthLog;
    let born = today().checked_sub(jiff::Span::new().days(730)).unwrap();
    let on = today().checked_sub(jiff::Span::new().days(10)).unwrap();
    let mut ids = vec![];
    let mut events = vec![];
    for i in first..first + n {
        let mut data = child(&format!("Giàng Thị Số{i:03}"), village);
        data.date_of_birth = Some(born);
        let id = app.db.create_child(&officer(), &data).await.unwrap().id;
        let m = Measurement::assess(
            id,
            on,
            treem_domain::register::Sex::Female,
            born,
            Reading {
                weight_kg: Some(9.5),
                length_cm: Some(74.0),
                measure: Measure::Lying,
                oedema: false,
            },
        );
        assert_eq!(m.stunted(), Some(true), "{m:?}");
        events.push(Event::Measurement(m));
        ids.push(id);
    }
    let health = crate::helpers::actor(treem_domain::role::Role::Health, None);
    app.db.add_health_events(&health, &events).await.unwrap();
    ids
}

#[tokio::test]
async fn growth_lists_name_the_indicator_and_page_through_every_child_by_village() {
    let app = spawn_app().await;
    stunted_children(&app, "SP01", 55, 0).await;
    stunted_children(&app, "SP02", 1, 100).await;
    let h = login(&app, "health").await;

    // /health/lists: who is stunted, in words with the z-score, 50 a page, by village.
    let (_, page) = html(&app, &h, "/health/lists?village=SP01").await;
    let low = &page[page.find("id=\"low\"").expect("the growth list")..];
    let low = &low[..low.find("</section>").unwrap()];
    assert!(low.contains("(55)"), "{low}");
    assert_eq!(low.matches("Giàng Thị Số").count(), 50, "50 a page");
    assert!(
        low.contains("thấp còi") && low.contains("chiều dài/chiều cao theo tuổi, chỉ số Z −"),
        "{low}"
    );
    assert!(!low.contains("Số100"), "another village's child");
    assert!(low.contains("Trang 1/2"));
    let (_, page) = html(&app, &h, "/health/lists?village=SP01&low_page=2").await;
    let low = &page[page.find("id=\"low\"").unwrap()..];
    let low = &low[..low.find("</section>").unwrap()];
    assert_eq!(low.matches("Giàng Thị Số").count(), 5, "{low}");
    let (_, page) = html(&app, &h, "/health/lists?village=SP02").await;
    assert!(page.contains("Giàng Thị Số100"));

    // Target 7: every name, 50 a page, with a village filter (no stop at 200 either).
    let (_, page) = html(&app, &h, "/dashboard/targets/7").await;
    let records = &page[page.find("id=\"records\"").expect("the children counted")..];
    let num = &records
        [records.find("id=\"numerator\"").unwrap()..records.find("id=\"denominator\"").unwrap()];
    assert!(num.contains("(56)"), "{num}");
    assert_eq!(num.matches("Giàng Thị Số").count(), 50);
    let next = num.find("rel=\"next\"").expect("a next page");
    let href = &num[num[..next].rfind("href=\"").unwrap() + 6..];
    let href = href[..href.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let (_, page2) = html(&app, &h, &href).await;
    let records = &page2[page2.find("id=\"records\"").unwrap()..];
    let num = &records
        [records.find("id=\"numerator\"").unwrap()..records.find("id=\"denominator\"").unwrap()];
    assert_eq!(num.matches("Giàng Thị Số").count(), 6, "{num}");
    let (_, page) = html(&app, &h, "/dashboard/targets/7?village=SP02").await;
    let records = &page[page.find("id=\"records\"").unwrap()..];
    let num = &records
        [records.find("id=\"numerator\"").unwrap()..records.find("id=\"denominator\"").unwrap()];
    assert!(
        num.contains("(1)") && num.contains("Giàng Thị Số100"),
        "{num}"
    );
}
