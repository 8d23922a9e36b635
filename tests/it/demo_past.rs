//! The demo has a past: its register was imported on a go-live day and kept up since, so its
//! figures exist for every quarter end of the plan year, both with everything known now and as
//! recorded by each quarter end; no record is dated in the future; last year's plan is there.
use std::process::Command;
use std::sync::Arc;
use treem_domain::indicator::Known;
use treem_domain::plan::Source;
use treem_storage::{Db, Plans};

/// A small demo (the generator `treem demo` uses), in a temporary directory.
fn demo(dir: &tempfile::TempDir) -> String {
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "demo",
            "--db",
            &url,
            "--no-serve",
            "--children",
            "300",
            "--seed",
            "7",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    url
}

/// The quarter ends of 2026 up to today, and today.
fn dates() -> Vec<jiff::civil::Date> {
    let today = treem_storage::today();
    let mut d: Vec<_> = [(3, 31), (6, 30), (9, 30), (12, 31)]
        .into_iter()
        .map(|(m, d)| jiff::civil::date(2026, m, d))
        .filter(|d| *d <= today)
        .collect();
    if today.year() == 2026 {
        d.push(today);
    }
    d
}

#[tokio::test]
async fn the_demo_has_figures_for_every_quarter_end_now_and_as_recorded_then() {
    let dir = tempfile::tempdir().unwrap();
    let url = demo(&dir);
    let db = Db::open(&url).await.unwrap();
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    let mut fewer = false;
    for as_of in dates() {
        let now = treem_web::figures::compute(&state, 2026, as_of, Known::Now)
            .await
            .unwrap();
        let then = treem_web::figures::compute(&state, 2026, as_of, Known::RecordedBy(as_of))
            .await
            .unwrap();
        for (c, view) in [(&now, "now"), (&then, "recorded by")] {
            let register: Vec<_> = c
                .plan
                .targets
                .iter()
                .filter(|t| matches!(t.source, Source::Register { .. }))
                .map(|t| t.number)
                .collect();
            assert!(register.len() >= 8, "{register:?}");
            // Every target from the register has a figure, but HIV transmission (target 11),
            // counted by half year from the health station's report sent after it.
            let missing: Vec<_> = c
                .results
                .iter()
                .filter(|r| register.contains(&r.number) && r.number != 11)
                .filter(|r| r.figure.value.is_none())
                .map(|r| (r.number, r.figure.clone()))
                .collect();
            assert!(
                missing.is_empty(),
                "{as_of} ({view}): no figure: {missing:?}"
            );
            // The agencies' figures too, entered a week or so after each quarter: as recorded
            // by a quarter end, those of the quarters before it.
            let reported = c.results.iter().find(|r| r.number == 23).unwrap();
            if view == "now" || as_of > jiff::civil::date(2026, 3, 31) {
                assert!(
                    reported.figure.value.is_some(),
                    "target 23 on {as_of} ({view})"
                );
            }
        }
        // What was known then is at most what is known now, and less for some date: births
        // and moves recorded after the quarter end.
        let count = |c: &treem_web::figures::Computed| {
            let r = c.results.iter().find(|r| r.number == 19).unwrap();
            r.figure.denominator.unwrap()
        };
        assert!(count(&then) <= count(&now), "{as_of}");
        fewer |= count(&then) < count(&now);
    }
    assert!(fewer, "some records were recorded after a quarter end");
}

#[tokio::test]
async fn no_demo_record_is_recorded_before_its_date_or_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let url = demo(&dir);
    let now = jiff::Timestamp::now().to_string();
    let sql = rusqlite::Connection::open(&url).unwrap();
    let vietnam_day = |at: &str| {
        at.parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
            .date()
    };
    let rows = |q: &str| -> Vec<(String, Option<String>)> {
        let mut st = sql.prepare(q).unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // Every child's first version after its birth (days to weeks: the register learns of a
    // birth when it is registered or reported); the register imported on one go-live day.
    let first = rows("SELECT recorded_at, data FROM child_version WHERE version = 1");
    assert_eq!(first.len(), 300);
    let mut import_days = std::collections::BTreeMap::new();
    let mut after_go_live = 0;
    for (at, data) in &first {
        let d: treem_domain::register::ChildData =
            serde_json::from_str(data.as_ref().unwrap()).unwrap();
        let day = vietnam_day(at);
        if let Some(dob) = d.date_of_birth {
            assert!(day >= dob, "recorded {at} before the birth on {dob}");
            if day > dob && dob > jiff::civil::date(2025, 1, 1) {
                after_go_live += 1;
            }
        }
        *import_days.entry(day).or_insert(0) += 1;
    }
    let (go_live, imported) = import_days.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(go_live.year() < 2026 && *imported > 200, "{import_days:?}");
    assert!(after_go_live > 10, "births entered as they came");
    // Later versions (registrations, moves, deaths, circumstances), after the first.
    let later = rows("SELECT recorded_at, NULL FROM child_version WHERE version > 1");
    assert!(!later.is_empty());
    // Health events on or after their dates; supports too.
    for (table, date) in [("health_event", "date"), ("support_record", "date")] {
        let events = rows(&format!("SELECT recorded_at, {date} FROM {table}"));
        assert!(!events.is_empty(), "{table}");
        for (at, date) in events {
            let date: jiff::civil::Date = date.unwrap().parse().unwrap();
            assert!(vietnam_day(&at) >= date, "{table}: {date} recorded {at}");
        }
    }
    // Nothing in the future, whatever the table.
    for (table, column) in [
        ("child_version", "recorded_at"),
        ("child", "updated_at"),
        ("health_event", "recorded_at"),
        ("support_record", "recorded_at"),
        ("reported_value", "entered_at"),
    ] {
        for (at, _) in rows(&format!("SELECT {column}, NULL FROM {table}")) {
            assert!(at <= now, "{table}.{column} {at} after {now}");
        }
    }
    // The records and their seals agree (the current rows' times and presence included).
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(["check", "--db", &url])
        .env("TREEM_CASE_KEY_FILE", format!("{url}.case.key"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_demo_has_last_years_plan_with_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let url = demo(&dir);
    let db = Db::open(&url).await.unwrap();
    assert_eq!(db.plan_years().await.unwrap(), vec![2025, 2026]);
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    let last =
        treem_web::figures::compute(&state, 2025, jiff::civil::date(2025, 12, 31), Known::Now)
            .await
            .unwrap();
    let figure = |c: &treem_web::figures::Computed, n: u16| {
        c.results
            .iter()
            .find(|r| r.number == n)
            .unwrap()
            .figure
            .value
    };
    // Targets 13 and 18 compare with the year before: it has its figures.
    assert!(figure(&last, 13).is_some());
    assert!(figure(&last, 18).is_some());
    // This year's target 18 has last year's count as its baseline, so it has a status.
    let this = treem_web::figures::compute(&state, 2026, dates()[dates().len() - 1], Known::Now)
        .await
        .unwrap();
    let t18 = this.plan.target(18).unwrap();
    assert_eq!(
        t18.baseline.as_ref().and_then(|b| b.value),
        figure(&last, 18)
    );
    let r18 = this.results.iter().find(|r| r.number == 18).unwrap();
    assert!(r18.figure.value.is_some());
    assert!(
        r18.note.as_deref().is_none_or(|n| !n.contains("năm cơ sở")),
        "{:?}",
        r18.note
    );
    // And as recorded by the end of last year, last year's figures were there already.
    let then = treem_web::figures::compute(
        &state,
        2025,
        jiff::civil::date(2025, 12, 31),
        Known::RecordedBy(jiff::civil::date(2025, 12, 31)),
    )
    .await
    .unwrap();
    assert!(figure(&then, 13).is_some());
}

/// The demo's dashboard and a trend chart at 1366 px (docs/screenshots/demo-*.png are copies of
/// these): the chart has a point for every quarter end of the year up to today.
#[tokio::test]
async fn the_demo_dashboard_and_a_trend_chart_at_1366_px() {
    let Some(b) = crate::browser::browser(1366, 900).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = demo(&dir);
    let app = crate::helpers::serve_db(Db::open(&url).await.unwrap()).await;
    crate::browser::login(&b, &app.base, "officer", "demo-officer").await;
    b.c.goto(&app.url("/dashboard")).await.unwrap();
    crate::browser::shot(&b, "demo-dashboard-1366").await;
    b.c.goto(&app.url("/dashboard/targets/19?year=2026"))
        .await
        .unwrap();
    let page = b.c.source().await.unwrap();
    assert!(page.contains("<svg"), "the trend chart");
    // One point per quarter end behind today and today's: not a single point.
    let points = page.matches("<circle").count();
    assert!(points >= dates().len(), "{points} points");
    let chart = "document.querySelector('svg').closest('section').scrollIntoView()";
    b.c.execute(chart, vec![]).await.unwrap();
    crate::browser::shot(&b, "demo-trend-1366").await;
    // As recorded by the end of September: what the third quarter's report knew.
    b.c.goto(&app.url("/dashboard/targets/19?year=2026&as_of=30/09/2026&recorded_by=30/09/2026"))
        .await
        .unwrap();
    assert!(b.c.source().await.unwrap().contains("<circle"));
    b.c.execute(chart, vec![]).await.unwrap();
    crate::browser::shot(&b, "demo-trend-recorded-by-1366").await;
}
