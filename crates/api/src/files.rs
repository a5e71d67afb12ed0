//! Files that hold client data or secrets (the data directory, the demo outbox, saved and
//! batch-printed records, the printer's spool copy) are private to the user who runs Shotbook:
//! folders 0700, files 0600, set when they are created (not after, when another user could
//! already have opened them).

use std::io::Write;
use std::path::Path;

/// Creates `dir` (and its parents) if needed and makes it private (0700 on Unix).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// [`write_private`] off the async runtime's threads, for a file the user asked for (an export,
/// letters, notices); `what` names it in the error ("the coverage CSV").
pub async fn save_private(path: &Path, bytes: Vec<u8>, what: &str) -> crate::AppResult<()> {
    let target = path.to_path_buf();
    let fail =
        |e: &dyn std::fmt::Display| crate::AppError::internal(format!("writing {what}: {e}"));
    tokio::task::spawn_blocking(move || write_private(&target, &bytes))
        .await
        .map_err(|e| fail(&e))?
        .map_err(|e| fail(&e))
}

/// Writes `bytes` to a new or truncated file at `path` that only its owner can read (0600 on
/// Unix, from the moment it exists).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // An existing file keeps its mode on open: tighten it too.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

/// Makes an existing database file and its WAL companions (`-wal`, `-shm`) private (0600).
pub fn make_private(database: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = database.as_os_str().to_owned();
            name.push(suffix);
            let path = std::path::PathBuf::from(name);
            if path.exists() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = database;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn private_folders_and_files_are_closed_to_other_users() {
        let root = std::env::temp_dir().join(format!("shotbook-files-{}", uuid::Uuid::now_v7()));
        let dir = root.join("outbox");
        private_dir(&dir).unwrap();
        let file = dir.join("a.eml");
        std::fs::write(&file, b"old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&file, b"new").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&file), 0o600, "an existing file is tightened too");
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        std::fs::remove_dir_all(root).unwrap();
    }
}
