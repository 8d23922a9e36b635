//! Times the case lists now that each case's summary is sealed (every list opens every
//! summary): `cargo run --release --example cases_bench -- [N] [DB]`. Writes N cases (default
//! 2,000; four entries each: report, initial assessment, specific assessment, an assignment) into
//! DB (default: a new SQLite file in a temporary folder), then times what the pages call.
use std::time::{Duration, Instant};
use treem_domain::case::EntryKind;
use treem_storage::{Accounts, Actor, CaseKey, Cases, Db, NewUser, Role};

fn entry(v: serde_json::Value) -> EntryKind {
    serde_json::from_value(v).unwrap()
}

/// Best of `runs` timings of `f`.
async fn best<F, Fut, T>(runs: usize, mut f: F) -> (Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f().await;
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.unwrap())
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("number of cases"))
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args()
        .nth(2)
        .unwrap_or_else(|| dir.path().join("cases.db").to_string_lossy().to_string());
    let db = Db::open(&url)
        .await
        .unwrap()
        .with_case_key(CaseKey::random());
    let admin = Actor {
        user_id: 0,
        username: "bench-admin".into(),
        role: Role::Admin,
        village_id: None,
    };
    let _ = db
        .create_user(
            &admin,
            &NewUser {
                username: "police-bench".into(),
                password: "Công-an-xã-đo-thời-gian".into(),
                role: Role::Police,
                village: None,
                must_change_password: false,
                full_name: "Lò Văn Thắng".into(),
                position: "Phó Trưởng Công an xã".into(),
            },
        )
        .await;
    let officer = Actor::system();
    let police = Actor {
        user_id: 0,
        username: "police-bench".into(),
        role: Role::Police,
        village_id: None,
    };
    let ratings: Vec<serde_json::Value> = treem_domain::case::STANDARD_ITEMS
        .iter()
        .map(|(code, _)| serde_json::json!({"item": code, "rating": "trung_binh"}))
        .collect();
    let t = Instant::now();
    for i in 0..n {
        let day = 1 + (i % 28);
        let at = |h: u32| -> jiff::civil::DateTime {
            format!("2026-03-{day:02}T{h:02}:00:00").parse().unwrap()
        };
        let id = db
            .open_case(
                &officer,
                entry(serde_json::json!({
                    "kind": "intake", "channel": "phone", "received_at": at(8).to_string(),
                    "category": "abused",
                    "child": {"type": "new", "sex": "female", "dob_precision": "estimated",
                              "estimated_age": 9, "full_name": format!("Trẻ số {i}")},
                    "place": "Bản", "current_condition": "Có vết bầm tím ở tay, trẻ sợ về nhà"
                })),
                at(9),
            )
            .await
            .unwrap();
        let steps = [
            serde_json::json!({"kind": "initial_assessment", "ratings": ratings, "abuse_type": "bao_luc",
                "level": "can_thiep", "serious_harm": false, "summary": "Trẻ bị đánh"}),
            serde_json::json!({"kind": "specific_assessment", "information": "Đã gặp trẻ và gia đình",
                "needs": ["Chăm sóc y tế"], "meeting": {"held_at": at(11).to_string(),
                "attendees": [{"name": "Cán bộ", "position": "UBND xã"}], "minutes": "Thống nhất"}}),
            serde_json::json!({"kind": "assign", "username": "police-bench", "role": "police"}),
        ];
        for (s, step) in steps.into_iter().enumerate() {
            db.add_case_entry(&officer, id, s as u32 + 1, entry(step), at(10 + s as u32))
                .await
                .unwrap();
        }
    }
    println!("{n} cases written in {:?}", t.elapsed());
    let (d, list) = best(5, || db.cases(&officer)).await;
    println!("cases list (officer, {} rows): {d:?}", list.unwrap().len());
    let (d, list) = best(5, || db.cases(&police)).await;
    println!(
        "cases list (assigned police, {} rows): {d:?}",
        list.unwrap().len()
    );
    let (d, counts) = best(5, || db.case_counts()).await;
    println!("counts by step: {d:?} ({:?})", counts.unwrap());
    let (d, damaged) = best(5, || db.damaged_cases(&officer)).await;
    println!("damaged cases: {d:?} ({} found)", damaged.unwrap().len());
    let (d, mine) = best(5, || db.my_reports(&officer)).await;
    println!("my reports: {d:?} ({})", mine.unwrap().len());
    let (d, one) = best(5, || db.case_file(&officer, (n / 2) as i64)).await;
    println!(
        "one case opened: {d:?} ({} entries)",
        one.unwrap().entries().len()
    );
    let (d, all) = best(3, || db.cases_for_figures()).await;
    println!(
        "every case replayed for target 16: {d:?} ({} cases)",
        all.unwrap().cases.len()
    );
    let (d, report) = best(1, || async { treem_storage::AuditLog::check(&db).await }).await;
    println!(
        "check (whole database): {d:?} ({} problems)",
        report.unwrap().problems.len()
    );
}
