//! `treem commune add|host|list|figures`: the communes one PostgreSQL database hosts (issue 19).
use anyhow::{Context, Result};
use clap::Subcommand;
use treem_storage::NewCommune;

#[derive(Subcommand)]
pub enum CommuneCommand {
    /// Add a commune to a PostgreSQL database that hosts many.
    Add {
        #[command(flatten)]
        db: crate::DbArg,
        /// The commune's administrative code (mã xã).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        province: String,
        /// The web address its officials use (`treem serve` answers it with this commune).
        #[arg(long)]
        host: Option<String>,
    },
    /// Give a hosted commune (its code or number) the web address `treem serve` answers with it.
    Host {
        #[command(flatten)]
        db: crate::DbArg,
        /// The commune's code (mã xã) or number (1 for the database's first).
        commune: String,
        /// The web address, e.g. sinhphinh.treem.dienbien.gov.vn.
        host: String,
    },
    /// List the communes the database holds.
    List {
        #[command(flatten)]
        db: crate::DbArg,
    },
    /// The province's table of every hosted commune's figures now (tạm tính, not approved),
    /// published as packages would be.
    Figures {
        #[command(flatten)]
        db: crate::DbArg,
        /// The report kind (six_month, yearly, …).
        #[arg(long, default_value = "six_month")]
        kind: String,
        #[arg(long, default_value_t = 2026)]
        year: i16,
    },
}

pub async fn run(command: CommuneCommand) -> Result<i32> {
    match command {
        CommuneCommand::Add {
            db,
            code,
            name,
            province,
            host,
        } => {
            let db = super::ops::open_all(&db.db).await?;
            let added = db
                .add_commune(&NewCommune {
                    code,
                    name,
                    province,
                    host,
                })
                .await
                .context("không thêm được xã")?;
            println!(
                "Đã thêm xã số {} (mã {}){}.",
                added.id,
                added.code.unwrap_or_default(),
                added
                    .host
                    .map(|h| format!(", địa chỉ {h}"))
                    .unwrap_or_default()
            );
            Ok(0)
        }
        CommuneCommand::Host { db, commune, host } => {
            let db = super::ops::open_all(&db.db).await?;
            let set = db
                .set_commune_host(&commune, &host)
                .await
                .context("không đặt được địa chỉ web cho xã")?;
            println!(
                "Xã số {} (mã {}) có địa chỉ {}.",
                set.id,
                set.code.unwrap_or_default(),
                set.host.unwrap_or_default()
            );
            Ok(0)
        }
        CommuneCommand::Figures { db, kind, year } => figures(&db.db, &kind, year).await,
        CommuneCommand::List { db } => {
            let db = super::ops::open_all(&db.db).await?;
            for c in db.hosted_communes().await? {
                println!(
                    "{:>5}  {:<10} {:<30} {}",
                    c.id,
                    c.code.unwrap_or_default(),
                    c.name.unwrap_or_default(),
                    c.host.unwrap_or_default()
                );
            }
            Ok(0)
        }
    }
}

/// Every hosted commune's figures now, as the province's table: one line per commune, then the
/// province's totals, and the time it took.
async fn figures(url: &str, kind: &str, year: i16) -> Result<i32> {
    let db = super::ops::open(url).await?;
    let started = std::time::Instant::now();
    // Each commune on a pool of its own, closed after: the connections stay few whatever the
    // number of communes.
    let communes: Vec<_> = db
        .hosted_communes()
        .await?
        .into_iter()
        .map(|c| {
            treem_web::province_live::LiveCommune::open(
                c.code.unwrap_or_else(|| c.id.to_string()),
                c.name.unwrap_or_default(),
                db.clone(),
                c.id,
            )
        })
        .collect();
    let live = treem_web::province_live::live_table(&communes, kind, year, treem_storage::today())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let table = &live.table;
    println!(
        "{} năm {year} — số liệu tạm tính của {} xã (chưa phê duyệt):",
        table.kind_name,
        communes.len()
    );
    for row in &table.rows {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| {
                format!(
                    "{}:{}",
                    c.target,
                    if c.value.is_empty() { "—" } else { &c.value }
                )
            })
            .collect();
        let line = match live.missing_for(&row.code) {
            Some(why) => format!("({why})"),
            None => cells.join("  "),
        };
        println!("  {:<10} {:<24} {line}", row.code, row.name);
    }
    let totals: Vec<String> = table
        .totals
        .iter()
        .map(|t| match (t.numerator, t.denominator) {
            (Some(n), Some(d)) => format!(
                "{}:{}/{}",
                t.target,
                treem_domain::text::format_integer_vi(n as i128),
                treem_domain::text::format_integer_vi(d as i128)
            ),
            (Some(n), None) => {
                format!(
                    "{}:{}",
                    t.target,
                    treem_domain::text::format_integer_vi(n as i128)
                )
            }
            _ => format!("{}:{}", t.target, t.missing.unwrap_or("—")),
        })
        .collect();
    println!("  {:<35} {}", "Toàn tỉnh", totals.join("  "));
    eprintln!(
        "Tính trong {:.2} giây ({} xã dữ liệu không đổi từ lần tính trước: lấy số đã tính).",
        started.elapsed().as_secs_f64(),
        live.kept
    );
    Ok(0)
}
