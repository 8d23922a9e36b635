//! What the province (Sở Y tế) is shown, over real HTTP, on the commune of issue 13: 190 births
//! in the first quarter of 2026 and one neonatal death, a H'Mông girl in village SP15; every
//! other count 0. No page or API answer may let that 1 be read, nor worked out by subtracting
//! the cells of a breakdown from its total, nor from a rate; the officer still sees it.
use crate::helpers::*;
use crate::pages::page_login;
use serde_json::Value;
use treem_domain::register::Sex;
use treem_domain::role::Role;
use treem_storage::{Cases, HealthLog, Register};

const HMONG: u8 = 8;
const THAI: u8 = 3;

/// The commune of the reproduction on `url`: villages SP01 (120 births), SP02 (3 births) and
/// SP15 (67 births, the girl among them), the records entered before 31/03/2026 (so that the
/// quarter end the province sees holds them), and one case file (counted by state).
async fn reproduction(url: String, dir: Option<tempfile::TempDir>) -> TestApp {
    let app = spawn_app_on(url, dir).await;
    let o = officer();
    let health = actor(Role::Health, None);
    app.db
        .create_village(&o, "SP15", "Sáng Tùng")
        .await
        .unwrap();
    let mut births = Vec::new();
    let mut girl = 0;
    for i in 0..190u32 {
        let village = match i {
            0..120 => "SP01",
            120..123 => "SP02",
            _ => "SP15",
        };
        let mut c = child(&format!("Trẻ sơ sinh {i}"), village);
        c.sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
        c.ethnicity = Some(if i % 10 == 3 { THAI } else { HMONG });
        let born = jiff::civil::date(2026, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(i % 50)))
            .unwrap();
        c.date_of_birth = Some(born);
        if i == 150 {
            c.sex = Sex::Female;
            c.ethnicity = Some(HMONG);
        }
        let id = app.db.create_child(&o, &c).await.unwrap().id;
        if i == 150 {
            girl = id;
        }
        births.push((
            "birth".to_string(),
            Some(id),
            born,
            serde_json::json!({"live": true, "place": "health_station", "weight_g": 3000}),
        ));
    }
    app.db
        .add_health_events(&health, &typed_events(&births))
        .await
        .unwrap();
    let girl_born = jiff::civil::date(2026, 1, 1)
        .checked_add(jiff::Span::new().days(150 % 50))
        .unwrap();
    app.db
        .add_health_events(
            &health,
            &typed_events(&[(
                "death".to_string(),
                Some(girl),
                girl_born.checked_add(jiff::Span::new().days(9)).unwrap(),
                serde_json::json!({"cause": "illness"}),
            )]),
        )
        .await
        .unwrap();
    // Entered before the quarter end: the records as they stood on 31/03/2026 hold them (the
    // province's figures read what was recorded by the quarter end).
    for table in ["child_version", "health_event"] {
        app.db
            .raw_execute(&format!(
                "UPDATE {table} SET recorded_at = '2026-03-01T00:00:00.000000Z'"
            ))
            .await
            .unwrap();
    }
    app.db.rebuild_copies().await.unwrap();
    let now = jiff::civil::date(2026, 3, 2).at(9, 0, 0, 0);
    app.db
        .open_case(&actor(Role::VillageHead, Some(1)), intake(now), now)
        .await
        .unwrap();
    app
}

fn intake(received_at: jiff::civil::DateTime) -> treem_domain::case::EntryKind {
    use treem_domain::case::*;
    use treem_domain::register::DobPrecision;
    EntryKind::Intake(Box::new(Intake {
        channel: Channel::VillageHead,
        received_at,
        category: IntakeCategory::Abused,
        child: ChildRef::New(NewChild {
            full_name: "Giàng Thị Mai".into(),
            sex: Sex::Female,
            date_of_birth: None,
            dob_precision: DobPrecision::Estimated,
            estimated_age: Some(9),
            village: None,
            description: String::new(),
        }),
        place: "Thôn Sính Phình".into(),
        current_condition: "Có vết bầm tím".into(),
        predicted_consequence: "Tiếp tục bị đánh".into(),
        father: None,
        mother: None,
        family_circumstances: String::new(),
        caregiver: None,
        actions_taken: String::new(),
        informant: None,
    }))
}

async fn json(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

fn item(v: &Value, n: u64) -> Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == n)
        .unwrap()
        .clone()
}

/// A count as a page writes it ("1.234"), or `None` for "<5", "ẩn", "—".
fn number(cell: &str) -> Option<u64> {
    let s = cell.trim().replace('.', "");
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse().unwrap())
}

/// The cells of each table of a page: (the heading before it, rows of cells), from the HTML.
fn tables(html: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = html[at..].find("<table") {
        let start = at + i;
        let before = &html[..start];
        let heading = before
            .rfind("<h2>")
            .map(|h| before[h + 4..].split("</h2>").next().unwrap().to_string())
            .unwrap_or_default();
        let table = &html[start..];
        let table = &table[..table.find("</table>").unwrap()];
        at = start + table.len();
        let Some((_, body)) = table.split_once("<tbody>") else {
            continue;
        };
        let body = body.split("</tbody>").next().unwrap();
        let rows = body
            .split("<tr")
            .skip(1)
            .map(|row| {
                row.split("<td")
                    .skip(1)
                    .map(|td| {
                        let inner = td.split_once('>').map(|x| x.1).unwrap_or("");
                        inner.split("</td>").next().unwrap().to_string()
                    })
                    .collect()
            })
            .collect();
        out.push((heading, rows));
    }
    out
}

/// Whether a column of counts with its total lets a count from 1 to 4 be read or worked out:
/// one shown, or a single hidden cell beside a known total (the attack of issue 13).
fn gives_away(total: Option<u64>, cells: &[String]) -> Option<String> {
    let shown: Vec<u64> = cells.iter().filter_map(|c| number(c)).collect();
    if let Some(n) = shown.iter().find(|n| (1..=4).contains(*n)) {
        return Some(format!("a cell shows {n}"));
    }
    let hidden = cells.len() - shown.len();
    if let Some(t) = total {
        if (1..=4).contains(&t) {
            return Some(format!("the total shows {t}"));
        }
        let rest = t.saturating_sub(shown.iter().sum());
        if hidden == 1 && (1..=4).contains(&rest) {
            return Some(format!("the one hidden cell is {t} − the others = {rest}"));
        }
    }
    None
}

#[tokio::test]
async fn the_province_cannot_recover_the_one_neonatal_death() {
    for (label, url, dir) in databases().await {
        let app = reproduction(url, dir).await;
        let province = app.token(Role::Province).await;
        let officer = app.token(Role::Officer).await;
        let path = "/api/v1/plans/2026/targets?as_of=2026-03-31";

        // The officer sees the death exactly.
        let v = json(&app, &officer, path).await;
        let t3 = item(&v, 3);
        assert_eq!(t3["numerator"].as_f64(), Some(1.0), "{label}: {t3}");
        assert_eq!(t3["denominator"].as_f64(), Some(190.0), "{label}");
        assert!(t3["figure"].as_f64().unwrap() > 5.0, "{label}: 5,3‰");

        // The province: "<5" over 190, no rate, and no count of 1–4 anywhere in the answer.
        let v = json(&app, &province, path).await;
        assert_eq!(v["as_of"], "2026-03-31", "{label}");
        let t3 = item(&v, 3);
        assert!(t3["numerator"].is_null(), "{label}: {t3}");
        assert_eq!(t3["suppressed"]["numerator"], "<5", "{label}");
        assert_eq!(t3["denominator"].as_u64(), Some(190), "{label}");
        assert!(t3["figure"].is_null(), "{label}: the rate would give 1/190");
        // Any death in 190 births fails "dưới 2,9‰": saying so tells nothing more than "<5".
        assert_eq!(t3["status"], "not_met", "{label}");
        for t in v["items"].as_array().unwrap() {
            for field in ["numerator", "denominator"] {
                if let Some(n) = t[field].as_f64() {
                    assert!(
                        !(1.0..=4.0).contains(&n),
                        "{label}: target {} {field} {n}",
                        t["number"]
                    );
                }
            }
        }
        // Targets 4 and 5 count the same death.
        for n in [4, 5] {
            assert!(item(&v, n)["numerator"].is_null(), "{label}: target {n}");
        }

        // The target page: "<5/190", no rate, and no breakdown gives the death away.
        let p = page_login(&app, "province", "password-province").await;
        let html = p
            .get(&app, "/dashboard/targets/3?year=2026&as_of=2026-03-31")
            .await
            .text()
            .await
            .unwrap();
        // "<5" as the pages escape it.
        assert!(html.contains("&#60;5/190"), "{label}");
        assert!(!html.contains("1/190"), "{label}");
        assert!(
            !html.contains("5,3"),
            "{label}: the rate, in the figure or the trend"
        );
        let breakdowns: Vec<_> = tables(&html)
            .into_iter()
            .filter(|(h, _)| h.starts_with("Theo "))
            .collect();
        assert_eq!(
            breakdowns.len(),
            4,
            "{label}: the four breakdowns are there"
        );
        for (heading, rows) in &breakdowns {
            let numerators: Vec<String> = rows.iter().map(|r| r[1].clone()).collect();
            let denominators: Vec<String> = rows.iter().map(|r| r[2].clone()).collect();
            assert_eq!(gives_away(None, &numerators), None, "{label}: {heading}");
            assert_eq!(
                gives_away(Some(190), &denominators),
                None,
                "{label}: {heading} {denominators:?}"
            );
            // The rates of the rows would give the numerators back.
            assert!(rows.iter().all(|r| r[3] == "—"), "{label}: {heading}");
        }
        // SP02's 3 births are a small count too.
        let by_village = &breakdowns[0].1;
        let sp02 = by_village.iter().find(|r| r[0] == "SP02").unwrap();
        assert_eq!(sp02[2], "ẩn", "{label}");
        // The sex breakdown does not tell the death is a girl's.
        let by_sex = &breakdowns[1].1;
        assert!(by_sex.iter().all(|r| r[1] == "ẩn"), "{label}: {by_sex:?}");

        // The dashboard shows the same.
        let html = p
            .get(&app, "/dashboard?year=2026&as_of=2026-03-31")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("&#60;5/190") && !html.contains("1/190"),
            "{label}"
        );

        // The officer's page keeps the exact counts.
        let o = page_login(&app, "officer", "password-officer").await;
        let html = o
            .get(&app, "/dashboard/targets/3?year=2026&as_of=2026-03-31")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("1/190"), "{label}");
        let by_sex = &tables(&html)
            .into_iter()
            .find(|(h, _)| h == "Theo giới tính")
            .unwrap()
            .1;
        assert!(
            by_sex.iter().any(|r| r[0] == "Nữ" && r[1] == "1"),
            "{label}: {by_sex:?}"
        );
    }
}

#[tokio::test]
async fn the_province_sees_figures_only_as_of_quarter_ends_that_have_passed() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("q.db").to_string_lossy().to_string();
    let app = reproduction(url, Some(dir)).await;
    let province = app.token(Role::Province).await;
    // Any day would let the province subtract one day's figures from the next day's.
    let v = json(
        &app,
        &province,
        "/api/v1/plans/2026/targets?as_of=2026-02-20",
    )
    .await;
    assert_eq!(v["as_of"], "2025-12-31");
    let v = json(
        &app,
        &province,
        "/api/v1/plans/2026/targets?as_of=2026-05-20",
    )
    .await;
    assert_eq!(v["as_of"], "2026-03-31");
    let today = today();
    let v = json(
        &app,
        &province,
        &format!(
            "/api/v1/plans/2026/targets?as_of={}",
            today.saturating_add(jiff::Span::new().days(400))
        ),
    )
    .await;
    let shown: jiff::civil::Date = v["as_of"].as_str().unwrap().parse().unwrap();
    assert!(shown <= today, "never a quarter end still to come");
    assert!([(3, 31), (6, 30), (9, 30), (12, 31)].contains(&(shown.month(), shown.day())));
    // The officer gets the day asked.
    let officer = app.token(Role::Officer).await;
    let v = json(
        &app,
        &officer,
        "/api/v1/plans/2026/targets?as_of=2026-02-20",
    )
    .await;
    assert_eq!(v["as_of"], "2026-02-20");
}

#[tokio::test]
async fn counts_of_children_and_cases_give_no_small_count_to_the_province() {
    for (label, url, dir) in databases().await {
        let app = reproduction(url, dir).await;
        let province = app.token(Role::Province).await;
        // Children: never the village × sex table; by village SP02's 3 are hidden, and with
        // them the next smallest village, so that 189 − 120 cannot be split (190 registered; the girl who died is no longer present).
        let v = json(&app, &province, "/api/v1/stats/children").await;
        assert!(v.get("items").is_none(), "{label}: {v}");
        assert_eq!(v["total"].as_u64(), Some(189), "{label}");
        let count = |rows: &Value, key: &str, code: &str| {
            rows.as_array()
                .unwrap()
                .iter()
                .find(|r| r[key] == code)
                .unwrap()["count"]
                .clone()
        };
        assert!(
            count(&v["by_village"], "village", "SP02").is_null(),
            "{label}"
        );
        assert!(
            count(&v["by_village"], "village", "SP15").is_null(),
            "{label}"
        );
        assert_eq!(
            count(&v["by_village"], "village", "SP01").as_u64(),
            Some(120)
        );
        assert_eq!(count(&v["by_sex"], "sex", "female").as_u64(), Some(95));
        for margin in ["by_village", "by_sex"] {
            let cells: Vec<String> = v[margin]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r["count"]
                        .as_u64()
                        .map(|n| n.to_string())
                        .unwrap_or("ẩn".into())
                })
                .collect();
            assert_eq!(gives_away(Some(189), &cells), None, "{label}: {margin}");
        }
        // The home page: the same two margins.
        let p = page_login(&app, "province", "password-province").await;
        let html = p.get(&app, "/").await.text().await.unwrap();
        assert!(
            !html.contains("<th>Nam</th><th>Nữ</th>"),
            "{label}: no two-way table"
        );
        for (heading, rows) in tables(&html) {
            let cells: Vec<String> = rows.iter().map(|r| r[1].clone()).collect();
            assert_eq!(gives_away(Some(189), &cells), None, "{label}: {heading}");
        }
        assert!(html.contains("SP02 — Làng Vùa</td><td>ẩn"), "{label}");
        // The officer still has the village × sex counts.
        let officer = app.token(Role::Officer).await;
        let v = json(&app, &officer, "/api/v1/stats/children").await;
        let sp02: i64 = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["village"] == "SP02")
            .map(|r| r["count"].as_i64().unwrap())
            .sum();
        assert_eq!(sp02, 3, "{label}");

        // One case: its state is not told to the province, nor on the cases page.
        let v = json(&app, &province, "/api/v1/cases").await;
        let counts = v["counts"].as_array().unwrap();
        assert_eq!(
            counts.len(),
            treem_domain::case::ALL_STATES.len(),
            "{label}"
        );
        assert!(counts.iter().all(|c| c["count"].is_null()), "{label}: {v}");
        let html = p.get(&app, "/cases").await.text().await.unwrap();
        assert!(!html.contains("<td>1</td>"), "{label}");
        // The police, who open no case, keep the exact count.
        let police = app.token(Role::Police).await;
        let v = json(&app, &police, "/api/v1/cases").await;
        let total: u64 = v["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert_eq!(total, 1, "{label}");
    }
}
