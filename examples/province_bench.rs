//! Times a province receiving its communes' packages (issue 16's floor: 45 communes imported in
//! ≤ 5 s in all, the communes × targets table in ≤ 200 ms): `cargo run --release --example
//! province_bench -- [N] [DB]`. Makes N communes (default 45, Điện Biên's count) with a key
//! each and a 6-month package of the seed plan whose register targets carry breakdowns by 12
//! villages, 3 sexes, 8 ethnic groups and 6 age bands; registers the keys in DB (default: a
//! new SQLite file in a temporary folder), imports every package, then times the table.
use std::time::{Duration, Instant};
use treem_domain::age::AgeBand;
use treem_domain::indicator::{Breakdown, Cell, TargetResult, TargetStatus};
use treem_domain::plan::Plan;
use treem_domain::register::Sex;
use treem_domain::report::package::CommuneKey;
use treem_domain::report::{freeze, Approval, Commune, Freezing, SectionText};
use treem_storage::{Actor, Db, Province, Role};

const PLAN: &str = include_str!("../plans/sinh-phinh-2026.toml");

fn cell(n: u64, d: u64) -> Cell {
    Cell {
        numerator: n,
        denominator: d,
        value: (d > 0).then(|| n as f64 / d as f64 * 100.0),
    }
}

/// Counts that vary by commune and group, some of them small.
fn breakdown(seed: u64) -> Breakdown {
    let c = |k: u64| cell(30 + (seed * 7 + k * 13) % 50, 90 + (seed + k) % 30);
    Breakdown {
        by_village: (0..12).map(|v| (format!("{v:02}"), c(v))).collect(),
        by_sex: [Sex::Male, Sex::Female, Sex::Unknown]
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s, if i == 2 { cell(2, 3) } else { c(i as u64) }))
            .collect(),
        by_ethnicity: (1..=8u8).map(|e| (Some(e), c(u64::from(e)))).collect(),
        by_age_band: [
            AgeBand::Under5,
            AgeBand::From5To10,
            AgeBand::From11To15,
            AgeBand::From16To17,
            AgeBand::Adult,
            AgeBand::Unknown,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, a)| (a, c(i as u64)))
        .collect(),
    }
}

fn package(plan: &Plan, key: &CommuneKey, seed: u64) -> Vec<u8> {
    let kind = plan.report("six_month").unwrap();
    let results: Vec<TargetResult> = plan
        .report_targets(kind)
        .iter()
        .map(|t| {
            let b = breakdown(seed + u64::from(t.number));
            let n: u64 = b.by_village.iter().map(|(_, c)| c.numerator).sum();
            let d: u64 = b.by_village.iter().map(|(_, c)| c.denominator).sum();
            let mut r = TargetResult {
                number: t.number,
                figure: Default::default(),
                secondary: None,
                status: TargetStatus::Met,
                trend: None,
                breakdown: b,
                note: None,
                related: Vec::new(),
            };
            r.figure.numerator = Some(n as f64);
            r.figure.denominator = Some(d as f64);
            r.figure.value = Some(n as f64 / d as f64 * 100.0);
            r.figure.numerator_ids = (1..=n as i64).collect();
            r
        })
        .collect();
    let period = kind.proposed_period(2026);
    let frozen = freeze(
        plan,
        kind,
        &results,
        Freezing {
            id: 1,
            year: 2026,
            period,
            as_of: period.end,
            number: "1".into(),
            commune: Commune {
                code: key.code.clone(),
                name: key.name.clone(),
                province: "Điện Biên".into(),
            },
            sections: vec![SectionText {
                agency: "health".into(),
                done: "Cân, đo trẻ dưới 5 tuổi tại các thôn. ".repeat(40),
                ..Default::default()
            }],
            approved: Approval {
                login: "leader".into(),
                full_name: "leader".into(),
                position: "Phó Chủ tịch".into(),
                at: "2026-05-30T03:00:00Z".into(),
                date: jiff::civil::date(2026, 5, 30),
            },
            amends: None,
            changes: Vec::new(),
            audit_head: "00".repeat(32),
        },
    );
    key.package(&frozen, plan).unwrap()
}

#[tokio::main]
async fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("number of communes"))
        .unwrap_or(45);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args()
        .nth(2)
        .unwrap_or_else(|| dir.path().join("province.db").to_string_lossy().to_string());
    let plan = Plan::from_toml(PLAN).unwrap();
    let db = Db::open(&url).await.unwrap();
    let province = Actor {
        user_id: 0,
        username: "bench".into(),
        role: Role::Province,
        village_id: None,
    };
    let t = Instant::now();
    let mut files = Vec::new();
    for i in 0..n {
        let key = CommuneKey::from_secret(
            &format!("{:05}", 3100 + i),
            &format!("Xã thử {i}"),
            [(i % 250) as u8 + 1; 32],
        );
        db.trust_commune(&province, &key.public()).await.unwrap();
        files.push(package(&plan, &key, i));
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    eprintln!(
        "{n} communes' keys and packages made in {:.2} s ({} KB a package)",
        t.elapsed().as_secs_f64(),
        bytes / files.len().max(1) / 1024
    );
    let t = Instant::now();
    for f in &files {
        let done = db.import_package(&province, f).await.unwrap();
        assert!(!done.again);
    }
    let import = t.elapsed();
    let mut best = Duration::MAX;
    let mut table = None;
    for _ in 0..5 {
        let t = Instant::now();
        table = db.province_table(&province, None).await.unwrap();
        best = best.min(t.elapsed());
    }
    let table = table.unwrap();
    println!(
        "import of {n} packages: {:.0} ms in all ({:.1} ms each); table of {} communes × {} targets: {:.1} ms (best of 5)",
        import.as_secs_f64() * 1e3,
        import.as_secs_f64() * 1e3 / n as f64,
        table.rows.len(),
        table.targets.len(),
        best.as_secs_f64() * 1e3
    );
}
