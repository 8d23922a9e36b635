//! `treem`: one binary for the commune's child-protection work.
mod cli;
mod memory;
mod settings;
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

/// How a new copy is sealed; without any of these it is not encrypted.
#[derive(clap::Args)]
pub struct SealArgs {
    /// Encrypt with a passphrase read from standard input (at least 12 characters).
    #[arg(long, conflicts_with_all = ["passphrase_file", "recipient"])]
    passphrase_stdin: bool,
    /// Encrypt with the passphrase in FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "recipient")]
    passphrase_file: Option<std::path::PathBuf>,
    /// Encrypt to a public key: `age1…`, or a file of them (the .pub of `treem backup-key new`).
    #[arg(long, value_name = "KEY|FILE")]
    recipient: Option<String>,
    /// Put the case key (TREEM_CASE_KEY_FILE) inside the encrypted copy.
    #[arg(long)]
    include_case_key: bool,
}

/// The server's own copies (sao lưu hằng đêm).
#[derive(clap::Args)]
pub struct NightlyArgs {
    /// Folder for a copy every night (a USB stick's folder, a network share); never created.
    #[arg(long, env = "TREEM_BACKUP_DIR", value_name = "DIR")]
    backup_dir: Option<std::path::PathBuf>,
    /// Encrypt the copies with the passphrase in FILE.
    #[arg(long, env = "TREEM_BACKUP_PASSPHRASE_FILE", value_name = "FILE")]
    backup_passphrase_file: Option<std::path::PathBuf>,
    /// Encrypt the copies to a public key: `age1…`, or a file of them.
    #[arg(long, env = "TREEM_BACKUP_RECIPIENT", value_name = "KEY|FILE")]
    backup_recipient: Option<String>,
    /// Vietnam time of the daily copy (HH:MM); when the PC is off then, the copy is made as soon
    /// as treem runs.
    #[arg(
        long,
        env = "TREEM_BACKUP_AT",
        default_value = "02:00",
        value_name = "HH:MM"
    )]
    backup_at: String,
    /// Put the case key (TREEM_CASE_KEY_FILE) inside each encrypted copy.
    #[arg(long)]
    backup_include_case_key: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, env = "TREEM_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        #[command(flatten)]
        nightly: NightlyArgs,
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
    /// Online, atomic, verified backup; encrypted when given a passphrase or a public key.
    Backup {
        #[command(flatten)]
        db: DbArg,
        out: std::path::PathBuf,
        #[command(flatten)]
        seal: SealArgs,
    },
    /// Restore a backup after verifying it (decrypting it first when it is encrypted).
    Restore {
        input: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// The passphrase of an encrypted copy, from standard input.
        #[arg(long, conflicts_with_all = ["passphrase_file", "identity"])]
        passphrase_stdin: bool,
        /// The passphrase of an encrypted copy, from FILE.
        #[arg(long, value_name = "FILE", conflicts_with = "identity")]
        passphrase_file: Option<std::path::PathBuf>,
        /// The private key file (from `treem backup-key new`) of a copy encrypted to its public key.
        #[arg(long, value_name = "FILE")]
        identity: Option<std::path::PathBuf>,
        /// Write the case key that travels in the copy to FILE (never overwritten).
        #[arg(long, value_name = "FILE")]
        case_key_out: Option<std::path::PathBuf>,
        /// Open and check the copy, then stop: nothing is restored.
        #[arg(long)]
        verify_only: bool,
    },
    /// A key pair for encrypted backups: the private key stays away from this PC.
    BackupKey {
        #[command(subcommand)]
        command: BackupKeyCommand,
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
    /// Reports up the chain (báo cáo): open a report, see where each stands.
    Report {
        #[command(subcommand)]
        command: cli::report::ReportCommand,
    },
    /// The commune's key that signs the report packages sent to the province.
    CommuneKey {
        #[command(subcommand)]
        command: CommuneKeyCommand,
    },
    /// The province's side: register communes' keys, import their report packages.
    Province {
        #[command(subcommand)]
        command: cli::province::ProvinceCommand,
    },
    /// The communes a PostgreSQL database hosts (each command works on the one TREEM_COMMUNE
    /// names).
    Commune {
        #[command(subcommand)]
        command: cli::communes::CommuneCommand,
    },
}

#[derive(Subcommand)]
enum CommuneKeyCommand {
    /// Write a new private key to FILE (0600) and its public key to FILE.pub (refuses to
    /// overwrite); FILE.pub goes to the province.
    New {
        file: std::path::PathBuf,
        /// The commune's code (mã đơn vị hành chính).
        #[arg(long)]
        code: String,
        /// The commune's name.
        #[arg(long)]
        name: String,
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
        /// Họ và tên, printed under the account's signature ("Lò Văn Minh").
        #[arg(long)]
        full_name: String,
        /// Chức vụ ("Phó Chủ tịch UBND xã").
        #[arg(long)]
        position: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set an account's full name and position (họ và tên, chức vụ), which forms and reports
    /// sign with; for accounts made before they were asked.
    Signer {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        #[arg(long)]
        position: String,
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
        /// Write even when the check found warnings (never with errors); without it a file
        /// with warnings is reported and nothing is written (exit code 4).
        #[arg(long)]
        accept_warnings: bool,
    },
    /// A whole commune from `treem export`, into an empty database.
    All {
        input: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum BackupKeyCommand {
    /// Write a new private key to FILE and its public key to FILE.pub (refuses to overwrite).
    New { file: std::path::PathBuf },
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
    /// The children import template (XLSX); with a database, its sheet "Danh mục" lists the
    /// commune's villages and the village column offers them.
    Children {
        out: std::path::PathBuf,
        /// Database whose villages the template lists.
        #[arg(long, env = "TREEM_DB")]
        db: Option<String>,
    },
}

fn main() {
    memory::give_back_what_is_freed();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(start()),
        Err(e) => {
            eprintln!("Lỗi: {e}");
            std::process::exit(1);
        }
    }
}

async fn start() {
    // Every file this process creates holds, or may hold, personal data: owner-only.
    #[cfg(unix)]
    // SAFETY: umask(2) only sets the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Err(e) = settings::Settings::init() {
        eprintln!("Lỗi: {e:#}");
        std::process::exit(1);
    }
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
        Command::Serve {
            db,
            listen,
            nightly,
        } => {
            let nightly = nightly_config(nightly)?;
            cli::serve::serve(&db.db, &listen, nightly).await
        }
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
                    full_name,
                    position,
                    password_stdin: _,
                },
        } => {
            let signer = (full_name.as_str(), position.as_str());
            cli::ops::user_add(&db.db, &username, &role, village, signer).await
        }
        Command::User {
            command:
                UserCommand::Signer {
                    db,
                    username,
                    full_name,
                    position,
                },
        } => cli::ops::user_signer(&db.db, &username, &full_name, &position).await,
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
            command:
                ImportCommand::Children {
                    file,
                    db,
                    dry_run,
                    accept_warnings,
                },
        } => cli::import::children(&file, &db.db, dry_run, accept_warnings).await,
        Command::Import {
            command: ImportCommand::All { input, db },
        } => cli::ops::import_all(&input, &db.db).await,
        Command::Template {
            command: TemplateCommand::Children { out, db },
        } => cli::import::template(&out, db.as_deref()).await,
        Command::Export { db, out } => cli::ops::export(&db.db, &out).await,
        Command::Backup { db, out, seal } => {
            let passphrase = cli::backup::read_passphrase(
                seal.passphrase_stdin,
                seal.passphrase_file.as_deref(),
            )?;
            let sealed = cli::backup::seal_from(passphrase, seal.recipient.as_deref())?;
            cli::backup::run(&db.db, &out, sealed, seal.include_case_key).await
        }
        Command::Restore {
            input,
            db,
            passphrase_stdin,
            passphrase_file,
            identity,
            case_key_out,
            verify_only,
        } => {
            let unseal = match (
                cli::backup::read_passphrase(passphrase_stdin, passphrase_file.as_deref())?,
                identity,
            ) {
                (Some(p), _) => cli::backup::Unseal::Passphrase(p),
                (None, Some(f)) => {
                    cli::backup::Unseal::Identities(cli::backup::read_identities(&f)?)
                }
                (None, None) => cli::backup::Unseal::Nothing,
            };
            let opts = cli::backup::RestoreOptions {
                unseal,
                case_key_out,
                verify_only,
                env_case_key: cli::ops::env_case_key()?,
            };
            cli::backup::restore(&input, &db.db, opts).await
        }
        Command::BackupKey {
            command: BackupKeyCommand::New { file },
        } => cli::backup::new_backup_key(&file),
        Command::Check { db, expect_head } => cli::ops::check(&db.db, &expect_head).await,
        Command::RebuildCopies { db } => cli::ops::rebuild_copies(&db.db).await,
        Command::Plan { command } => cli::plan::run(command).await,
        Command::CommuneKey {
            command: CommuneKeyCommand::New { file, code, name },
        } => cli::province::commune_key_new(&file, &code, &name),
        Command::Province { command } => cli::province::run(command).await,
        Command::Commune { command } => cli::communes::run(command).await,
        Command::Report { command } => cli::report::run(command).await,
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

/// The nightly copies' settings, checked before the server starts.
fn nightly_config(a: NightlyArgs) -> Result<Option<cli::nightly::Nightly>> {
    let Some(dir) = a.backup_dir else {
        if a.backup_passphrase_file.is_some()
            || a.backup_recipient.is_some()
            || a.backup_include_case_key
        {
            anyhow::bail!("thiếu --backup-dir: thư mục để sao lưu hằng đêm");
        }
        return Ok(None);
    };
    let passphrase = cli::backup::read_passphrase(false, a.backup_passphrase_file.as_deref())?;
    let seal = cli::backup::seal_from(passphrase, a.backup_recipient.as_deref())?;
    if !seal.encrypted() {
        // The copies leave the building: a lost stick must not give away every child's record.
        anyhow::bail!(
            "sao lưu hằng đêm phải được mã hóa: thêm --backup-recipient (khóa công khai) hoặc \
             --backup-passphrase-file"
        );
    }
    let at = jiff::civil::Time::strptime("%H:%M", &a.backup_at).map_err(|_| {
        anyhow::anyhow!(
            "--backup-at «{}»: cần giờ dạng HH:MM, ví dụ 02:00",
            a.backup_at
        )
    })?;
    let case_key = if a.backup_include_case_key {
        let Some(path) = cli::ops::case_key_path() else {
            anyhow::bail!("--backup-include-case-key cần TREEM_CASE_KEY_FILE trỏ tới khóa hồ sơ");
        };
        Some(cli::backup::case_key_hex(&path)?)
    } else {
        None
    };
    Ok(Some(cli::nightly::Nightly {
        dir,
        seal: std::sync::Arc::new(seal),
        at,
        case_key,
        check_key: cli::ops::env_case_key()?,
    }))
}
