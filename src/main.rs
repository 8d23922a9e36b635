//! `treem`: one binary for the commune's child-protection work.
mod cli;
mod synth;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// treem — sổ theo dõi và bảo vệ trẻ em của xã.
#[derive(Parser)]
#[command(name = "treem", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
pub struct DbArg {
    /// Database: a SQLite file path or sqlite://…, or postgres://…
    #[arg(long, env = "TREEM_DB", default_value = "treem.db")]
    pub db: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, env = "TREEM_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Fill an empty database with a synthetic commune (sample data) and serve it.
    Demo {
        /// Its own variable: a real TREEM_DB must never receive sample data.
        #[arg(long, env = "TREEM_DEMO_DB", default_value = "treem-demo.db")]
        db: String,
        #[arg(long, env = "TREEM_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long, default_value_t = 5500)]
        children: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Generate and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import children from CSV/XLSX, or a whole export.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Write an import template.
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
    /// Export everything as JSON Lines (the way between SQLite and PostgreSQL).
    Export {
        #[command(flatten)]
        db: DbArg,
        out: std::path::PathBuf,
    },
    /// Online, atomic backup.
    Backup {
        #[command(flatten)]
        db: DbArg,
        out: std::path::PathBuf,
    },
    /// Restore a backup after verifying it.
    Restore {
        input: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Verify the database and the audit chain; exits non-zero on any problem.
    Check {
        #[command(flatten)]
        db: DbArg,
        /// A head of the audit chain written down earlier (SEQ:HASH, the hash whole or its
        /// first 16 digits), as printed by `check`, `backup` and `export`: fails if the chain no
        /// longer holds that entry with that hash. May be given several times.
        #[arg(long = "expect-head", value_name = "SEQ:HASH")]
        expect_head: Vec<String>,
    },
    /// Build again the narrow copies the figures read (child_fact, health_pack) from the full
    /// records, when `treem check` finds them out of step.
    RebuildCopies {
        #[command(flatten)]
        db: DbArg,
    },
    /// The key that seals case narratives (hồ sơ trường hợp) at rest.
    CaseKey {
        #[command(subcommand)]
        command: CaseKeyCommand,
    },
    /// WHO 2006 growth standards.
    Growth {
        #[command(subcommand)]
        command: GrowthCommand,
    },
    /// Plans (kế hoạch): check a plan file, start next year's draft.
    Plan {
        #[command(subcommand)]
        command: cli::plan::PlanCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        village: Option<String>,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Confirm what the administrator did to an account that reads children or case files
    /// (made it, reset its password, enabled it again), giving it a temporary password read
    /// from standard input; or refuse it with --refuse. For when no other leader can.
    Confirm {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// Leave the account disabled instead.
        #[arg(long, conflicts_with = "password_stdin")]
        refuse: bool,
        /// Read the temporary password from standard input (required unless --refuse).
        #[arg(long, required_unless_present = "refuse")]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Children from CSV or XLSX with Vietnamese headers; all rows or none.
    Children {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Check every row, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A whole commune from `treem export`, into an empty database.
    All {
        input: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum CaseKeyCommand {
    /// Write a new random key to FILE (refuses to overwrite one).
    New { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum GrowthCommand {
    /// Z-scores for every row of a CSV (columns id, sex, age_days, weight_kg, lenhei_cm, measure).
    Zscores {
        input: std::path::PathBuf,
        output: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// The children import template (XLSX).
    Children { out: std::path::PathBuf },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            std::process::exit(1);
        }
    }
}

async fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Serve { db, listen } => cli::ops::serve(&db.db, &listen).await,
        Command::Demo {
            db,
            listen,
            children,
            seed,
            no_serve,
        } => cli::demo::run(&db, &listen, children, seed, no_serve).await,
        Command::Migrate { db } => cli::ops::migrate(&db.db).await,
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    username,
                    role,
                    village,
                    password_stdin: _,
                },
        } => cli::ops::user_add(&db.db, &username, &role, village).await,
        Command::User {
            command:
                UserCommand::Confirm {
                    db,
                    username,
                    refuse,
                    password_stdin: _,
                },
        } => cli::ops::user_confirm(&db.db, &username, refuse).await,
        Command::Import {
            command: ImportCommand::Children { file, db, dry_run },
        } => cli::import::children(&file, &db.db, dry_run).await,
        Command::Import {
            command: ImportCommand::All { input, db },
        } => cli::ops::import_all(&input, &db.db).await,
        Command::Template {
            command: TemplateCommand::Children { out },
        } => cli::import::template(&out),
        Command::Export { db, out } => cli::ops::export(&db.db, &out).await,
        Command::Backup { db, out } => cli::ops::backup(&db.db, &out).await,
        Command::Restore { input, db } => cli::ops::restore(&input, &db.db).await,
        Command::Check { db, expect_head } => cli::ops::check(&db.db, &expect_head).await,
        Command::RebuildCopies { db } => cli::ops::rebuild_copies(&db.db).await,
        Command::Plan { command } => cli::plan::run(command).await,
        Command::CaseKey {
            command: CaseKeyCommand::New { file },
        } => cli::ops::new_case_key(&file),
        Command::Growth {
            command: GrowthCommand::Zscores { input, output },
        } => {
            let r = std::fs::File::open(&input)?;
            let w = std::io::BufWriter::new(std::fs::File::create(&output)?);
            let n = growth::batch::zscores_csv(std::io::BufReader::new(r), w)?;
            println!("Đã tính {n} dòng vào {}.", output.display());
            Ok(0)
        }
    }
}
