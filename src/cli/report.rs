//! `treem report open` and `treem report status`: the reports of a plan year from the command
//! line, through the same steps as the pages (the operator acts as the officer).
use anyhow::Result;
use clap::Subcommand;
use treem_storage::Reports;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Open a report of a kind of the plan on its stated or confirmed period.
    Open {
        #[arg(long)]
        year: i16,
        /// The kind's code in the plan: six_month, yearly, month_of_action, forum,
        /// self_assessment.
        #[arg(long)]
        kind: String,
        /// For a forum report: the day of the forum (YYYY-MM-DD or dd/mm/yyyy).
        #[arg(long)]
        forum_date: Option<String>,
        #[command(flatten)]
        db: crate::DbArg,
    },
    /// Write the signed package of the latest approved report of KIND for YEAR to OUT, for the
    /// province (never over a file); exits non-zero when none is approved.
    Package {
        #[command(flatten)]
        db: crate::DbArg,
        #[arg(long)]
        year: i16,
        /// The report kind's code in the plan (`six_month`, `yearly`, …).
        #[arg(long)]
        kind: String,
        /// The commune's private key (`treem commune-key new`); TREEM_COMMUNE_KEY_FILE when
        /// not given.
        #[arg(long, value_name = "FILE")]
        commune_key: Option<std::path::PathBuf>,
        out: std::path::PathBuf,
    },
    /// The approved report of a year and kind as a Word file (Decree 30/2020 layout).
    Docx {
        #[arg(long)]
        year: i16,
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        db: crate::DbArg,
        /// Where to write the .docx.
        out: std::path::PathBuf,
    },
    /// The approved report of a year and kind as an Excel workbook (table and breakdowns).
    Xlsx {
        #[arg(long)]
        year: i16,
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        db: crate::DbArg,
        /// Where to write the .xlsx.
        out: std::path::PathBuf,
    },
    /// Each report of the year: state, sections submitted, due date, overdue.
    Status {
        #[arg(long)]
        year: i16,
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        db: crate::DbArg,
    },
}

/// The error in words, each field's message for a refused input.
fn failed(e: treem_web::ApiError) -> anyhow::Error {
    match e {
        treem_web::ApiError::Invalid(f) => anyhow::anyhow!(
            "{}",
            f.0.iter()
                .map(|x| x.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(cmd: ReportCommand) -> Result<i32> {
    use treem_web::report_documents::DocumentKind;
    match cmd {
        ReportCommand::Package {
            db,
            year,
            kind,
            commune_key,
            out,
        } => super::package::package(db, year, kind, commune_key, out).await,
        ReportCommand::Docx {
            year,
            kind,
            db,
            out,
        } => super::report_documents::write(&db.db, year, &kind, &out, DocumentKind::Docx).await,
        ReportCommand::Xlsx {
            year,
            kind,
            db,
            out,
        } => super::report_documents::write(&db.db, year, &kind, &out, DocumentKind::Xlsx).await,
        ReportCommand::Open {
            year,
            kind,
            forum_date,
            db,
        } => {
            let forum = match forum_date.as_deref() {
                None => None,
                Some(d) => Some(treem_domain::plan::parse_date(d).ok_or_else(|| {
                    anyhow::anyhow!("ngày tổ chức diễn đàn «{d}» không hợp lệ (dd/mm/yyyy)")
                })?),
            };
            let db = super::ops::open(&db.db).await?;
            let state = treem_web::AppState::new(std::sync::Arc::new(db));
            let actor = treem_storage::Actor::system();
            let rep = treem_web::reports::open(&state, &actor, year, &kind, forum)
                .await
                .map_err(failed)?;
            println!(
                "Đã mở báo cáo #{} ({}), kỳ {} – {}, hạn gửi trước {}; {} phần.",
                rep.id,
                kind,
                treem_domain::plan::format_date_vi(rep.period.start),
                treem_domain::plan::format_date_vi(rep.period.end),
                treem_domain::plan::format_date_vi(rep.due_before),
                rep.sections.len()
            );
            Ok(0)
        }
        ReportCommand::Status { year, kind, db } => {
            let db = super::ops::open(&db.db).await?;
            let reps = db
                .reports(&treem_storage::Actor::system(), Some(year))
                .await?;
            let state = treem_web::AppState::new(std::sync::Arc::new(db));
            let plan = treem_web::figures::load_plan(&state, year)
                .await
                .map_err(failed)?;
            let kind_name = |k: &str| plan.report(k).map_or(k.to_string(), |r| r.name.clone());
            let agency_name = |a: &str| plan.agency(a).map_or(a.to_string(), |x| x.name.clone());
            let today = treem_storage::today();
            let mut shown = 0;
            for r in reps
                .iter()
                .filter(|r| kind.as_ref().is_none_or(|k| *k == r.kind))
            {
                shown += 1;
                let submitted = r
                    .sections
                    .iter()
                    .filter(|s| s.state == treem_domain::report::SectionState::Submitted)
                    .count();
                let late = treem_domain::report::overdue(today, r.due_before, r.state, None);
                println!(
                    "#{} {} ({}–{}): {}; đã nộp {}/{} phần; hạn gửi trước {}{}{}",
                    r.id,
                    kind_name(&r.kind),
                    treem_domain::plan::format_date_vi(r.period.start),
                    treem_domain::plan::format_date_vi(r.period.end),
                    r.state.label_vi(),
                    submitted,
                    r.sections.len(),
                    treem_domain::plan::format_date_vi(r.due_before),
                    if late { "; QUÁ HẠN" } else { "" },
                    r.amends
                        .map_or(String::new(), |a| format!("; bổ sung cho #{a}")),
                );
                for s in &r.sections {
                    let late =
                        treem_domain::report::overdue(today, r.due_before, r.state, Some(s.state));
                    println!(
                        "    {}: {}{}",
                        agency_name(&s.agency),
                        s.state.label_vi(),
                        if late { " (quá hạn)" } else { "" }
                    );
                }
            }
            if shown == 0 {
                println!("Chưa có báo cáo nào năm {year}.");
            }
            Ok(0)
        }
    }
}
