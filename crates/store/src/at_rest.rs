//! Encryption at rest: every database file Shotbook opens is a SQLCipher database (AES-256,
//! HMAC-SHA512 per page) keyed with a random 256-bit [`DatabaseKey`]. SQLCipher is built into
//! `libsqlite3-sys` (`bundled-sqlcipher`), so sqlx stays the only SQLite binding and every
//! query runs unchanged.
//!
//! The key is a raw key (`x'…'`), not a passphrase: it is already random, so SQLCipher's
//! PBKDF2 stretching (256,000 rounds on every connection) would cost start-up time and buy
//! nothing. Where the key lives (the OS credential store, the public demo key, an explicit key)
//! is the host's decision, made in `shotbook_api::database_key`.
//!
//! A database written before encryption existed is encrypted once, in place, on its first
//! open ([`encrypt_plain_file`]); the plaintext file is replaced, never kept.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zeroize::Zeroizing;

use crate::{StoreError, StoreResult};

/// The first 16 bytes of every unencrypted SQLite database file.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The public key of demo and synthetic registries. It protects nothing (it is in this source
/// file): it exists so the demo runs through the same encrypted path as a real registry, and so
/// a real installation, which never uses it, cannot open a demo database by accident.
const DEMO_KEY_HEX: &str = "5d1f0c3a9be24e7781c6a3f05b2d94e8c07a6f13e95b48d2a1c37e60f4b8d925";

/// A 256-bit SQLCipher key. Wiped from memory when dropped; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey(Zeroizing<[u8; 32]>);

impl DatabaseKey {
    /// A new random key (the operating system's generator).
    pub fn random() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    /// The public key of demo and synthetic registries (see [`DEMO_KEY_HEX`]).
    pub fn demo() -> Self {
        Self::from_hex(DEMO_KEY_HEX).expect("the demo key is 64 hex digits")
    }

    /// Whether this is the public demo key.
    pub fn is_demo(&self) -> bool {
        *self == Self::demo()
    }

    /// Parses 64 hexadecimal digits (either case); `None` for anything else.
    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self(bytes))
    }

    /// The key as 64 lowercase hexadecimal digits (to keep it in a credential store).
    pub fn to_hex(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(64));
        for byte in self.0.iter() {
            text.push_str(&format!("{byte:02x}"));
        }
        text
    }

    /// SQLCipher's raw-key literal, `"x'…'"`, as `PRAGMA key` and `ATTACH … KEY` take it.
    fn sql_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", self.to_hex().as_str()))
    }

    /// The raw-key text for a bound `ATTACH … KEY ?` parameter.
    fn bound_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", self.to_hex().as_str()))
    }
}

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_demo() {
            "DatabaseKey(public demo key)"
        } else {
            "DatabaseKey(…)"
        })
    }
}

/// What is at a database path before it is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file, or an empty one: a new database will be created there.
    Missing,
    /// An unencrypted SQLite database (written before encryption, or by another tool).
    Plain,
    /// Anything else: an encrypted database (or not a database at all, which the key check
    /// reports).
    Encrypted,
}

/// Looks at the first bytes of the file at `path`.
pub fn file_state(path: &Path) -> StoreResult<FileState> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => {
            return Err(StoreError::Unexpected(
                anyhow::Error::new(e).context(format!("reading {}", path.display())),
            ))
        }
    };
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => {
                return Err(StoreError::Unexpected(
                    anyhow::Error::new(e).context(format!("reading {}", path.display())),
                ))
            }
        }
    }
    Ok(match read {
        0 => FileState::Missing,
        16 if &header == PLAIN_HEADER => FileState::Plain,
        _ => FileState::Encrypted,
    })
}

/// Connection options for the file at `path`, keyed with `key` (`None`: unencrypted, for the
/// one-time migration and the plain-vs-encrypted benchmark). Statement logging is off: the key
/// pragma is a statement, and no statement text belongs in a log of a clinical database.
/// Public for tools and tests that must reach the file around the store (the tamper tests).
pub fn connect_options(path: &Path, key: Option<&DatabaseKey>) -> SqliteConnectOptions {
    let options = SqliteConnectOptions::new().filename(path);
    let options = match key {
        Some(key) => options.pragma("key", key.sql_literal().to_string()),
        None => options,
    };
    options.disable_statement_logging()
}

/// Whether `error` is SQLite's "file is not a database" (SQLITE_NOTADB): what a wrong key, or
/// a file that is no database, looks like.
pub(crate) fn is_not_a_database(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("26"))
}

/// Encrypts the unencrypted database at `path` with `key`, in place: `sqlcipher_export` into
/// a new file beside it, flushed to disk, then renamed over the original. A crash before the
/// rename leaves the plain file as it was (the next open starts again); after it, only the
/// encrypted file exists.
pub async fn encrypt_plain_file(path: &Path, key: &DatabaseKey) -> StoreResult<()> {
    let staging = sibling(path, "encrypting");
    remove_if_present(&staging)?;
    // The create flag lets ATTACH create the staging file (it inherits the connection's flags).
    let mut conn = connect_options(path, None)
        .create_if_missing(true)
        .connect()
        .await
        .with_context(|| format!("opening {} to encrypt it", path.display()))?;
    // Everything committed, including what is still in the write-ahead log, goes into the copy.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    let (user_version,): (i64,) = sqlx::query_as("PRAGMA user_version")
        .fetch_one(&mut conn)
        .await?;
    sqlx::query("ATTACH DATABASE ? AS encrypted KEY ?")
        .bind(staging.to_string_lossy().to_string())
        .bind(key.bound_literal().to_string())
        .execute(&mut conn)
        .await?;
    sqlx::query("SELECT sqlcipher_export('encrypted')")
        .execute(&mut conn)
        .await?;
    sqlx::query(&format!("PRAGMA encrypted.user_version = {user_version}"))
        .execute(&mut conn)
        .await?;
    sqlx::query("DETACH DATABASE encrypted")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    crate::private_file(&staging)?;
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("flushing {}", staging.display()))?;
    std::fs::rename(&staging, path)
        .with_context(|| format!("replacing {} with its encrypted copy", path.display()))?;
    // The plain database's journal files, if any survived its close, describe a file that no
    // longer exists.
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        remove_if_present(Path::new(&name))?;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename is durable once the folder is.
        if let Ok(d) = std::fs::File::open(dir) {
            d.sync_all().ok();
        }
    }
    Ok(())
}

/// Copies the database behind `conn` to a new file at `to`, encrypted with `key`
/// (`sqlcipher_export` in one read transaction: consistent as of one instant).
pub(crate) async fn export_to(
    conn: &mut sqlx::SqliteConnection,
    to: &Path,
    key: Option<&DatabaseKey>,
) -> StoreResult<()> {
    let literal = key.map_or_else(|| Zeroizing::new(String::new()), |k| k.bound_literal());
    sqlx::query("ATTACH DATABASE ? AS copy KEY ?")
        .bind(to.to_string_lossy().to_string())
        .bind(literal.to_string())
        .execute(&mut *conn)
        .await?;
    let exported = sqlx::query("SELECT sqlcipher_export('copy')")
        .execute(&mut *conn)
        .await;
    sqlx::query("DETACH DATABASE copy")
        .execute(&mut *conn)
        .await?;
    exported?;
    Ok(())
}

fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> StoreResult<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::Unexpected(
            anyhow::Error::new(e).context(format!("removing {}", path.display())),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_hex_and_never_print() {
        let key = DatabaseKey::random();
        let again = DatabaseKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(key, again);
        assert_ne!(key, DatabaseKey::random(), "two random keys differ");
        assert_eq!(format!("{key:?}"), "DatabaseKey(…)");
        assert!(!format!("{key:?}").contains(key.to_hex().as_str()));
        assert!(DatabaseKey::demo().is_demo());
        assert!(!key.is_demo());
    }

    #[test]
    fn only_64_hex_digits_make_a_key() {
        assert!(DatabaseKey::from_hex("ab").is_none());
        assert!(DatabaseKey::from_hex(&"g".repeat(64)).is_none());
        assert!(DatabaseKey::from_hex(&"é".repeat(32)).is_none());
        assert!(DatabaseKey::from_hex(&"AB".repeat(32)).is_some());
    }
}
