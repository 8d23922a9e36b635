//! `treem demo`: a synthetic commune (sample data) in an empty database, then serve it.
use anyhow::Result;
use treem_domain::role::ALL_ROLES;
use treem_storage::{Accounts, Actor, Commune, Db, NewUser, Register, Role};

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

/// Fills an empty database; does nothing to one that already has children.
pub async fn seed(db: &Db, children: usize, seed: u64) -> Result<bool> {
    let system = Actor::system();
    if db.commune().await?.is_some() {
        return Ok(false);
    }
    let today = treem_storage::today();
    db.set_commune(
        &system,
        &Commune {
            name: "Xã Sính Phình (dữ liệu mẫu)".into(),
            province: "Điện Biên".into(),
            code: None,
            sample: true,
        },
    )
    .await?;
    for v in crate::synth::villages() {
        db.create_village(&system, &v.code, &v.name).await?;
    }
    let admin = Actor {
        role: Role::Admin,
        ..Actor::system()
    };
    for (name, role, password) in demo_logins() {
        db.create_user(
            &admin,
            &NewUser {
                username: name,
                password,
                role,
                village: (role == Role::VillageHead).then(|| "SP01".to_string()),
                must_change_password: false,
            },
        )
        .await?;
    }
    let pb = super::progress(Some(children as u64), "Tạo xã mẫu");
    // Generation runs on its own thread and hands over batches, so a million children never
    // sit in memory at once.
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let generator = tokio::task::spawn_blocking(move || {
        crate::synth::generate_batches(children, seed, today, 20_000, &mut |b| {
            let _ = tx.blocking_send(b);
        })
    });
    let mut failure: Option<anyhow::Error> = None;
    while let Some(b) = rx.recv().await {
        let ids = match db.import_households(&system, &b.households).await {
            Ok(ids) => ids,
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        };
        let kids: Vec<_> = b
            .children
            .into_iter()
            .map(|(h, mut c)| {
                c.household_id = ids.get(h).copied();
                c
            })
            .collect();
        match db.import_children(&system, &kids).await {
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
    Ok(true)
}

pub async fn run(
    url: &str,
    listen: &str,
    children: usize,
    seed_value: u64,
    no_serve: bool,
) -> Result<i32> {
    let db = super::ops::open(url).await?;
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
    super::ops::serve_db(db, listen).await
}
