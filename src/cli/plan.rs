//! `treem plan check FILE` and `treem plan new --from 2026 --year 2027`.
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;
use treem_domain::plan::{check, Plan};

#[derive(Subcommand)]
pub enum PlanCommand {
    /// List what a careful officer should know before adopting a plan.
    Check { file: PathBuf },
    /// Check a plan file and store it in the database (replacing that year's plan).
    Load {
        file: PathBuf,
        #[command(flatten)]
        db: crate::DbArg,
    },
    /// Print every target's figure as of a date (all records known now, or `--recorded-by`):
    /// what the dashboard shows, for the record and to compare two builds.
    Figures {
        #[arg(long)]
        year: i16,
        /// The day the figures are for (YYYY-MM-DD).
        #[arg(long)]
        as_of: treem_domain::Date,
        /// Only records typed in by this day, as an earlier report saw them.
        #[arg(long)]
        recorded_by: Option<treem_domain::Date>,
        #[command(flatten)]
        db: crate::DbArg,
    },
    /// Start next year's draft from an existing plan.
    New {
        #[arg(long)]
        from: i16,
        #[arg(long)]
        year: i16,
        /// Folder holding the plan files (plans/<commune>-<year>.toml).
        #[arg(long, default_value = "plans")]
        dir: PathBuf,
    },
}

fn plan_path(dir: &std::path::Path, year: i16) -> Result<PathBuf> {
    let suffix = format!("-{year}.toml");
    for e in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let p = e?.path();
        if p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(&suffix))
        {
            return Ok(p);
        }
    }
    anyhow::bail!("không có kế hoạch năm {year} trong {}", dir.display())
}

pub async fn run(cmd: PlanCommand) -> Result<i32> {
    match cmd {
        PlanCommand::Load { file, db } => {
            use treem_storage::Plans;
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
            let reading = treem_domain::indicator::read_plan_file(&text);
            let plan = match reading.plan {
                Some(plan) if reading.problems.is_empty() => plan,
                _ => {
                    for p in &reading.problems {
                        eprintln!("- {p}");
                    }
                    anyhow::bail!(
                        "kế hoạch có {} lỗi (xem `treem plan check`); chưa lưu",
                        reading.problems.len()
                    );
                }
            };
            let db = super::ops::open(&db.db).await?;
            db.save_plan(&treem_storage::Actor::system(), plan.year, &text)
                .await?;
            println!(
                "Đã lưu kế hoạch năm {} ({} chỉ tiêu).",
                plan.year,
                plan.targets.len()
            );
            Ok(0)
        }
        PlanCommand::Check { file } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
            let reading = treem_domain::indicator::read_plan_file(&text);
            if !reading.problems.is_empty() {
                println!(
                    "{} lỗi phải sửa trước khi lưu kế hoạch:",
                    reading.problems.len()
                );
                for p in &reading.problems {
                    println!("- {p}");
                }
            }
            if let Some(plan) = &reading.plan {
                let findings = check::check(plan);
                println!(
                    "Kế hoạch {} năm {}: {} chỉ tiêu.",
                    plan.commune,
                    plan.year,
                    plan.targets.len()
                );
                for f in &findings {
                    println!("- {}", f.message);
                }
                println!("{} điểm cần xem.", findings.len());
            }
            // Anything that would stop `plan load` fails the check.
            Ok(if reading.problems.is_empty() { 0 } else { 1 })
        }
        PlanCommand::Figures {
            year,
            as_of,
            recorded_by,
            db,
        } => {
            let db = super::ops::open(&db.db).await?;
            let state = treem_web::AppState::new(std::sync::Arc::new(db));
            let known = match recorded_by {
                Some(day) => treem_domain::indicator::Known::RecordedBy(day),
                None => treem_domain::indicator::Known::Now,
            };
            let computed = treem_web::figures::compute(&state, year, as_of, known)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{:#?}", computed.period);
            for r in &computed.results {
                println!("{r:#?}");
            }
            println!("{:#?}", computed.cases);
            Ok(0)
        }
        PlanCommand::New { from, year, dir } => {
            let years = treem_domain::limits::PLAN_YEARS;
            if !years.contains(&year) {
                anyhow::bail!(
                    "năm {year} không hợp lệ: kế hoạch cho các năm từ {} đến {}",
                    years.start(),
                    years.end()
                );
            }
            let src = plan_path(&dir, from)?;
            let text = std::fs::read_to_string(&src)?;
            let plan = Plan::from_toml(&text)?;
            let draft = plan.draft_for_year(year);
            let name = src
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("plan.toml")
                .replace(&from.to_string(), &year.to_string());
            let out = dir.join(name);
            if out.exists() {
                anyhow::bail!("{} đã có; không ghi đè", out.display());
            }
            std::fs::write(&out, draft.to_toml()?)?;
            println!("Đã tạo bản dự thảo {}.", out.display());
            Ok(0)
        }
    }
}
