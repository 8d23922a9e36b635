//! Files that hold personal data — the database and its `-wal`/`-shm`, backups, exports, the
//! scratch copies made while checking them, keys — are readable by their owner only (0600),
//! whatever the process's umask: a shared office PC has other accounts.
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Owner read and write only.
pub const PRIVATE_MODE: u32 = 0o600;

fn private_options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    opts.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(PRIVATE_MODE);
    }
    opts
}

/// Creates (or truncates) `path` for writing, owner-only. An existing file keeps its owner but
/// loses any group or world access.
pub fn create_private(path: &Path) -> io::Result<File> {
    let f = private_options().create(true).truncate(true).open(path)?;
    restrict(&f)?;
    Ok(f)
}

/// Creates `path`, owner-only; fails if it exists (keys are never overwritten).
pub fn create_new_private(path: &Path) -> io::Result<File> {
    private_options().create_new(true).open(path)
}

/// Takes group and world access away from an open file.
pub fn restrict(f: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = f.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            f.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = f;
    Ok(())
}

/// Takes group and world access away from `path` if it exists; whether it had any.
pub fn restrict_path(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Ok(m) => m.permissions().mode(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(false)
}

/// Makes a rename or a new file in `dir` survive a power cut (the directory entry is flushed).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates the SQLite file `path` empty and owner-only when it does not exist yet, so that
/// SQLite (which gives its `-wal` and `-shm` files the database file's mode) never makes a
/// world-readable database.
pub(crate) fn precreate_sqlite(path: &str) {
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return;
    }
    let p = Path::new(path);
    if p.exists() {
        return;
    }
    // Failing here is left to SQLite, which reports it with the path.
    let _ = create_new_private(p);
}
