//! `treem demo`: a synthetic commune (sample data) in an empty database, then serve it.
//!
//! The commune has a past: its register was imported on a go-live day two years ago
//! ([`crate::synth::go_live`]) and kept up since, so every record carries the time it would
//! have been recorded (births days to weeks after they happen, moves and deaths after the fact,
//! health events on or after their dates, agencies' figures after each quarter), never one in
//! the future. The figures "as recorded by" an earlier day therefore show what was known then.
use anyhow::Result;
use jiff::civil::Date;
use jiff::Timestamp;
use treem_domain::role::ALL_ROLES;
use treem_storage::{Accounts, Actor, Commune, Db, NewUser, RecordedVersion, Register, Role};

mod activities;
mod assess;
mod cases;
mod hazards;
mod health;
mod plans;
mod reports;
mod work;
use cases::seed_cases;
use health::seed_health;
use plans::seed_plan;

/// Demo accounts: (username, role, password). Printed at start; never for real communes.
pub fn demo_logins() -> Vec<(String, Role, String)> {
    ALL_ROLES
        .iter()
        .map(|r| {
            let name = match r {
                Role::VillageHead => "truongthon".to_string(),
                other => other.as_str().to_string(),
            };
            (name, *r, format!("demo-{}", r.as_str()))
        })
        .collect()
}

/// The demo accounts' full names and positions (họ và tên, chức vụ), as their forms and
/// reports sign: invented, plausible for a commune of Điện Biên.
pub fn demo_signer(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Officer => ("Lù Thị Hoa", "Công chức Văn hóa - Xã hội"),
        Role::Leader => ("Giàng A Dơ", "Phó Chủ tịch UBND xã"),
        Role::Health => ("Vàng Thị Mai", "Trạm trưởng Trạm Y tế xã"),
        Role::Police => ("Lò Văn Thắng", "Phó Trưởng Công an xã"),
        Role::Office => ("Quàng Thị Lan", "Chánh Văn phòng HĐND - UBND xã"),
        Role::Services => ("Cà Văn Tuấn", "Viên chức Trung tâm dịch vụ tổng hợp"),
        Role::VillageHead => ("Sùng A Páo", "Trưởng thôn Sính Phình"),
        Role::Province => ("Nguyễn Thị Thu", "Chuyên viên Sở Y tế tỉnh Điện Biên"),
        Role::Admin => ("Lường Văn Hải", "Quản trị hệ thống"),
        Role::Economic => ("Mùa A Chính", "Chuyên viên Phòng Kinh tế"),
    }
}

/// Fills an empty database; does nothing to one that already has children.
pub async fn seed(db: &Db, children: usize, seed: u64) -> Result<bool> {
    let system = Actor::system();
    let existing = db.commune().await?;
    // Sample data only ever goes into an empty commune, never next to real children; a sample
    // commune made before is served again.
    if !db.villages(&system).await?.is_empty() {
        if existing.as_ref().is_some_and(|c| c.sample) {
            return Ok(false);
        }
        anyhow::bail!("cơ sở dữ liệu này đã có dữ liệu thật (thôn/bản); demo chỉ tạo xã mẫu trong cơ sở dữ liệu trống");
    }
    let today = treem_storage::today();
    // A commune just added to a database hosting many has its name and code already.
    let commune = match existing {
        Some(c) => Commune { sample: true, ..c },
        None => Commune {
            name: "Xã Sính Phình (dữ liệu mẫu)".into(),
            province: "Điện Biên".into(),
            code: None,
            sample: true,
        },
    };
    db.set_commune(&system, &commune).await?;
    for v in crate::synth::villages() {
        db.create_village(&system, &v.code, &v.name).await?;
    }
    let admin = Actor {
        role: Role::Admin,
        ..Actor::system()
    };
    for (name, role, password) in demo_logins() {
        let (full_name, position) = demo_signer(role);
        db.create_user(
            &admin,
            &NewUser {
                username: name,
                password,
                role,
                village: (role == Role::VillageHead).then(|| "SP01".to_string()),
                must_change_password: false,
                full_name: full_name.into(),
                position: position.into(),
            },
        )
        .await?;
    }
    let pb = super::progress(Some(children as u64), "Tạo xã mẫu");
    // Generation runs on its own thread and hands over batches, so a million children never
    // sit in memory at once. Each child comes with the versions its record went through.
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let generator = tokio::task::spawn_blocking(move || {
        let mut index = 0u64;
        crate::synth::generate_batches(children, seed, today, 20_000, &mut |b| {
            let kids: Vec<(usize, Vec<crate::synth::Recorded>)> = b
                .children
                .into_iter()
                .map(|(h, c)| {
                    index += 1;
                    (h, crate::synth::versions(&c, seed, index, today))
                })
                .collect();
            let _ = tx.blocking_send((b.households, kids));
        })
    });
    let mut failure: Option<anyhow::Error> = None;
    let mut index = 0u64;
    while let Some((households, children)) = rx.recv().await {
        let ids = match db.import_households(&system, &households).await {
            Ok(ids) => ids,
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        };
        let kids: Vec<Vec<RecordedVersion>> = children
            .into_iter()
            .map(|(h, versions)| {
                index += 1;
                versions
                    .into_iter()
                    .enumerate()
                    .map(|(k, v)| {
                        let mut data = v.data;
                        data.household_id = ids.get(h).copied();
                        RecordedVersion {
                            data,
                            recorded_at: recorded_at(v.day, index * 7 + k as u64, today),
                        }
                    })
                    .collect()
            })
            .collect();
        match db.import_children_history(&system, kids).await {
            Ok(n) => pb.inc(n as u64),
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        }
    }
    drop(rx);
    let _ = generator.await;
    pb.finish_and_clear();
    if let Some(e) = failure {
        return Err(e);
    }
    // The year's steps read the register just written (PostgreSQL plans them by statistics).
    db.refresh_statistics(&[]).await?;
    // The year's work, a step at a time: on a large register each takes a while.
    let steps = super::progress(None, "Công việc trong năm của xã mẫu");
    steps.step("kế hoạch");
    seed_plan(db, seed, today).await?;
    steps.step("trợ giúp, thiên tai, tảo hôn");
    work::seed_work(db, seed, today).await?;
    steps.step("y tế");
    seed_health(db, seed, today).await?;
    steps.step("nguy cơ, kinh phí, hoạt động");
    hazards::seed_hazards(db, seed, today).await?;
    hazards::seed_budget(db, seed, today).await?;
    activities::seed_activities(db, seed, today).await?;
    if db.has_case_key() {
        steps.step("hồ sơ vụ việc");
        seed_cases(db, today).await?;
    }
    // The plan year's reports (the shipped plan's year, as seed_plan stores it).
    steps.step("báo cáo, tự đánh giá");
    let year = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN)?.year;
    reports::seed_reports(db, year).await?;
    assess::seed_assessment(db, year, today).await?;
    // The server that follows plans by the year's records too.
    db.refresh_statistics(&[]).await?;
    steps.finish_and_clear();
    Ok(true)
}

/// Children read at a time by the year's steps: a register of a million is never in memory
/// whole (those steps of `treem demo --children 1000000` stay under 800 MB; the last, the
/// reports' figures, still reads it whole).
const SLICE: i64 = 50_000;

/// The id ranges `(after, up_to]` the register is read in, a slice of children at a time.
pub(super) async fn slices(db: &Db) -> Result<Vec<(i64, i64)>> {
    let last = db.last_child_id().await?;
    // An empty register is one empty slice: the steps still write what is not a child's.
    Ok((0..last.max(1))
        .step_by(SLICE as usize)
        .map(|after| (after, (after + SLICE).min(last)))
        .collect())
}

/// When something dated `day` was recorded: on the go-live day, at the import (10:00 in
/// Vietnam); on another day during office hours (07:00–16:59, drawn from `key`); never after
/// now.
pub(super) fn recorded_at(day: Date, key: u64, today: Date) -> Timestamp {
    let minute = if day == crate::synth::go_live(today) {
        180
    } else {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % 600
    };
    let vietnam = jiff::tz::TimeZone::fixed(jiff::tz::offset(7));
    let now = Timestamp::now();
    day.at(7 + (minute / 60) as i8, (minute % 60) as i8, 0, 0)
        .to_zoned(vietnam)
        .map(|z| z.timestamp())
        .unwrap_or(now)
        .min(now)
}

/// `days` after `from`, not before the go-live day (records kept on paper until then came in
/// with the import) nor after today.
pub(super) fn recorded_day(from: Date, days: u64, today: Date) -> Date {
    from.checked_add(jiff::Span::new().days(days as i64))
        .unwrap_or(from)
        .max(crate::synth::go_live(today))
        .min(today)
}

/// A deterministic stream of numbers from one key (no state shared between children).
pub(super) struct Draw(u64);

impl Draw {
    pub(super) fn new(key: u64, seed: u64) -> Self {
        Draw(key.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed.rotate_left(17))
    }
    pub(super) fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        mean + sd * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// The demo commune's code on its packages: no real commune has it, so a demo package never
/// passes for a real commune's at a province.
pub const DEMO_COMMUNE_CODE: &str = "99999";

/// A file beside the demo's database (`treem-demo.db.case.key`), or in the working folder for
/// PostgreSQL (`treem-demo.case.key`).
fn beside(url: &str, what: &str) -> std::path::PathBuf {
    if url.starts_with("postgres") {
        std::path::PathBuf::from(format!("treem-demo.{what}"))
    } else {
        let file = url.trim_start_matches("sqlite://");
        std::path::PathBuf::from(format!("{}.{what}", file.split('?').next().unwrap_or(file)))
    }
}

pub async fn run(
    url: &str,
    listen: &str,
    children: usize,
    seed_value: u64,
    no_serve: bool,
) -> Result<i32> {
    let mut db = super::ops::open(url).await?;
    // The demo keeps its own case key beside its database, made on first run.
    if !db.has_case_key() {
        let path = beside(url, "case.key");
        let key = if path.exists() {
            treem_storage::CaseKey::from_file(&path)?
        } else {
            treem_storage::CaseKey::generate_file(&path)?
        };
        db = db.with_case_key(key);
    }
    // And its commune key, which signs its report packages for the province.
    let commune_key = beside(url, "commune.key");
    if !commune_key.exists() {
        super::province::write_new_key(&commune_key, DEMO_COMMUNE_CODE, "Sính Phình")?;
    }
    let started = std::time::Instant::now();
    if seed(&db, children, seed_value).await? {
        eprintln!(
            "Đã tạo xã mẫu: {children} trẻ trong {:.1} giây ({url}).",
            started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("Cơ sở dữ liệu {url} đã có dữ liệu; dùng lại.");
    }
    println!("DỮ LIỆU MẪU — không phải trẻ em thật.");
    println!("Tài khoản thử (tên / mật khẩu / vai trò):");
    for (name, role, password) in demo_logins() {
        println!("  {name:<12} {password:<20} {}", role.label_vi());
    }
    if no_serve {
        return Ok(0);
    }
    let key = super::province::read_key(&commune_key)?;
    super::ops::serve_db(db, listen, Some(key)).await
}
