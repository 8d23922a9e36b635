//! The commune's key and the province's commands: `treem commune-key new`, `treem province
//! trust` and `treem province import`. The rules are the domain's
//! (`treem_domain::report::package`), the keeping is storage's; this reads and writes files.
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use rand::RngCore;
use std::io::Write;
use std::path::{Path, PathBuf};
use treem_domain::report::package::{CommuneKey, PublicKey};
use treem_storage::{files, Actor, Province, Role};

#[derive(Subcommand)]
pub enum ProvinceCommand {
    /// Register a commune's public key (FILE.pub from `treem commune-key new`).
    Trust {
        #[command(flatten)]
        db: crate::DbArg,
        file: PathBuf,
        /// The commune's code, when the key file has none or another.
        #[arg(long)]
        code: Option<String>,
        /// The commune's name, when the key file has none or another.
        #[arg(long)]
        name: Option<String>,
    },
    /// Import report packages; exits non-zero when any is refused (each refusal printed).
    Import {
        #[command(flatten)]
        db: crate::DbArg,
        #[arg(required = true)]
        packages: Vec<PathBuf>,
    },
}

/// The command line on a province database acts as the province (user 0, at the machine).
pub fn province_actor() -> Actor {
    Actor {
        user_id: 0,
        username: "system".into(),
        role: Role::Province,
        village_id: None,
    }
}

/// The public key file beside a private one.
pub fn public_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pub", path.display()))
}

/// Writes a new commune key to `path` (0600, never over a file) and its public key to
/// `path.pub`.
pub fn write_new_key(path: &Path, code: &str, name: &str) -> Result<CommuneKey> {
    if code.trim().is_empty() {
        bail!("cần mã xã (--code): mã đơn vị hành chính của xã");
    }
    let public = public_path(path);
    if public.exists() {
        bail!("đã có tệp {}; không ghi đè", public.display());
    }
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let key = CommuneKey::from_secret(code, name, secret);
    let mut f = files::create_new_private(path)
        .with_context(|| format!("không tạo được {} (đã có tệp này?)", path.display()))?;
    f.write_all(key.to_file().as_bytes())?;
    f.sync_all()?;
    let mut p = std::fs::File::create_new(&public)
        .with_context(|| format!("không tạo được {}", public.display()))?;
    p.write_all(key.public().to_file().as_bytes())?;
    p.sync_all()?;
    Ok(key)
}

/// Reads a commune's private key file.
pub fn read_key(path: &Path) -> Result<CommuneKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được {}", path.display()))?;
    CommuneKey::from_file(&text).with_context(|| path.display().to_string())
}

/// `treem commune-key new FILE --code C --name N`.
pub fn commune_key_new(path: &Path, code: &str, name: &str) -> Result<i32> {
    let key = write_new_key(path, code, name)?;
    println!(
        "Đã ghi khóa bí mật của xã vào {} và khóa công khai vào {}.",
        path.display(),
        public_path(path).display()
    );
    println!(
        "Dấu vân tay của khóa: {} — đọc cho cán bộ tỉnh khi gửi tệp .pub để tỉnh đối chiếu.",
        key.public().fingerprint()
    );
    println!("Giữ tệp khóa bí mật trên máy của xã; không gửi nó cho ai.");
    Ok(0)
}

pub async fn run(cmd: ProvinceCommand) -> Result<i32> {
    let actor = province_actor();
    match cmd {
        ProvinceCommand::Trust {
            db,
            file,
            code,
            name,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được {}", file.display()))?;
            let key = PublicKey::from_file(&text)
                .with_context(|| file.display().to_string())?
                .renamed(code.as_deref(), name.as_deref());
            let db = super::ops::open(&db.db).await?;
            db.trust_commune(&actor, &key).await?;
            println!(
                "Đã đăng ký khóa của xã {} (mã {}), dấu vân tay {}.",
                key.name,
                key.code,
                key.fingerprint()
            );
            Ok(0)
        }
        ProvinceCommand::Import { db, packages } => {
            let db = super::ops::open(&db.db).await?;
            let mut refused = 0;
            for p in &packages {
                let bytes = match std::fs::read(p) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("{}: không đọc được tệp: {e}", p.display());
                        refused += 1;
                        continue;
                    }
                };
                match db.import_package(&actor, &bytes).await {
                    Ok(done) if done.again => println!(
                        "{}: đã nhận trước đó ({} năm {} của xã {}); không lưu thêm.",
                        p.display(),
                        done.kind_name,
                        done.year,
                        done.commune_name
                    ),
                    Ok(done) => println!(
                        "{}: đã nhận {}{} năm {} của xã {}, {}.",
                        p.display(),
                        if done.amends.is_some() {
                            "báo cáo bổ sung — "
                        } else {
                            ""
                        },
                        done.kind_name,
                        done.year,
                        done.commune_name,
                        if done.on_time {
                            "đúng hạn"
                        } else {
                            "muộn hạn"
                        }
                    ),
                    Err(treem_storage::StorageError::Invalid(f)) => {
                        refused += 1;
                        let why: Vec<&str> = f.0.iter().map(|e| e.message.as_str()).collect();
                        eprintln!("{}: bị từ chối: {}", p.display(), why.join("; "));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if refused > 0 {
                eprintln!("{refused} gói bị từ chối; không gói nào trong số đó được lưu.");
                return Ok(3);
            }
            Ok(0)
        }
    }
}
