//! Times a distribution list of 1,000 children entered in one go (issue 17 floor: ≤ 2 s):
//! `cargo run --release --example support_bench -- [DB]`. Without DB, a fresh SQLite file in a
//! temporary folder; with a PostgreSQL URL, that (empty) database. The register of 1,000
//! children is imported first (not timed); then the list is parsed as the API does
//! ([`NewDistribution::parse`]) and stored ([`WorkLog::give_distribution`]: the scope check of
//! every child, the list and its 1,000 supports, the audit entry, in one transaction).
use std::time::Instant;
use treem_domain::register::ChildDraft;
use treem_storage::{Actor, Db, Register, SupportFilter, WorkLog};

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("treem-support-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| dir.join("bench.db").to_string_lossy().to_string());
    let db = Db::open(&url).await.unwrap();
    let officer = Actor::system();
    db.create_village(&officer, "SP01", "Sính Phình")
        .await
        .unwrap();
    let today = treem_storage::today();
    let rows: Vec<_> = (0..1000)
        .map(|i| {
            ChildDraft {
                full_name: Some(format!("Giàng Thị Mai {i}")),
                sex: Some(if i % 2 == 0 { "female" } else { "male" }.into()),
                date_of_birth: Some(format!("20{:02}-0{}-1{}", 10 + i % 15, 1 + i % 9, i % 10)),
                village: Some("SP01".into()),
                ..Default::default()
            }
            .parse(today)
            .unwrap()
        })
        .collect();
    db.import_children(&officer, rows).await.unwrap();
    let ids: Vec<i64> = db
        .register_entries(&officer, Some("SP01"))
        .await
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.id)
        .collect();
    assert_eq!(ids.len(), 1000);
    let year = today.year();
    let t = Instant::now();
    let list = treem_domain::work::NewDistribution::parse(
        "Quà Tết Nguyên đán",
        &format!("{year}-01-20"),
        "food_and_gifts",
        "300.000",
        "child_fund",
        "UBND xã",
        &ids,
        year,
        today,
    )
    .unwrap();
    let done = db
        .give_distribution(&officer, &list, Some("bench-distribution-0001"))
        .await
        .unwrap();
    let took = t.elapsed();
    assert!(!done.again);
    let stored = db
        .support_list(
            &officer,
            &SupportFilter {
                distribution: Some(done.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 1000);
    println!(
        "distribution list of 1,000 children entered in {:.0} ms ({}; floor 2,000 ms)",
        took.as_secs_f64() * 1000.0,
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
