//! Which key opens the workstation's database (encryption at rest: `shotbook_store::at_rest`).
//!
//! - **Demo registry** (`--demo`, and the synthetic registries the CLI generates): the public
//!   demo key. It protects nothing, and a real installation never uses it, so a demo database
//!   cannot be opened as a real registry by accident.
//! - **An explicit key** in [`DATABASE_KEY_VAR`] (64 hex digits): tests, and deployments whose
//!   secrets come from a managed store through the environment. Never read from a file.
//! - **Otherwise the OS credential store** (Secret Service / Keychain / Credential Manager): one
//!   random 256-bit key per database file, created with the database (or when a database from
//!   before encryption is encrypted), kept under [`entry_name`]. Without a credential store a
//!   real registry is not opened at all: there is nowhere safe to keep its key.

use std::path::{Path, PathBuf};

use shotbook_store::at_rest::{self, FileState};
use shotbook_store::DatabaseKey;

use crate::remember::SecretStore;

/// Environment variable holding an explicit database key (64 hexadecimal digits).
pub const DATABASE_KEY_VAR: &str = "SHOTBOOK_DATABASE_KEY";

/// Why a database cannot be opened: said in full to whoever started Shotbook (a dialog in the
/// app, standard error in the CLI). Never carries the key.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No credential store answers on this workstation.
    #[error("this workstation has no credential store (on Linux: a Secret Service such as GNOME Keyring, unlocked), so Shotbook has nowhere safe to keep the key of the registry database and will not open it. Sign in to a desktop session with a keyring, or ask your registry help desk")]
    NoCredentialStore,
    /// The file is encrypted, and its key is not in this workstation's credential store.
    #[error("the database {path} is encrypted, and its key is not in this workstation's credential store (the keyring was reset, or the file was copied from another workstation). Restore the keyring, or ask your registry help desk")]
    KeyNotInCredentialStore {
        /// The database file.
        path: PathBuf,
    },
    /// The credential store holds something that is not a key for this database.
    #[error("the credential store's entry for {path} is not a database key; ask your registry help desk")]
    DamagedKeyEntry {
        /// The database file.
        path: PathBuf,
    },
    /// [`DATABASE_KEY_VAR`] is set but is not 64 hexadecimal digits.
    #[error("{DATABASE_KEY_VAR} must be 64 hexadecimal digits (a 256-bit key)")]
    InvalidExplicitKey,
    /// The key store refused to keep a new key.
    #[error("the credential store did not keep the new database key: {0}")]
    KeyNotKept(String),
    /// The database itself: wrong key, tampered, newer schema, damaged.
    #[error(transparent)]
    Store(#[from] shotbook_store::StoreError),
    /// The database folder or file (creating it, making it private).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Where a key came from (said in the start-up log; the key never is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// The public demo key.
    Demo,
    /// [`DATABASE_KEY_VAR`].
    Explicit,
    /// The OS credential store, an existing entry.
    CredentialStore,
    /// The OS credential store, a key made now for a new (or newly encrypted) database.
    NewInCredentialStore,
}

/// The credential-store entry (service `org.shotbook.desktop`) of the database at `path`.
pub fn entry_name(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!("database-key:{}", absolute.display())
}

/// The key of the database at `path`, as the rules above decide. `explicit` is the value of
/// [`DATABASE_KEY_VAR`] when set.
pub fn resolve(
    path: &Path,
    demo: bool,
    explicit: Option<&str>,
    secrets: &dyn SecretStore,
) -> Result<(DatabaseKey, KeySource), OpenError> {
    if demo {
        return Ok((DatabaseKey::demo(), KeySource::Demo));
    }
    if let Some(text) = explicit {
        let key = DatabaseKey::from_hex(text).ok_or(OpenError::InvalidExplicitKey)?;
        return Ok((key, KeySource::Explicit));
    }
    let entry = entry_name(path);
    let damaged = || OpenError::DamagedKeyEntry {
        path: path.to_path_buf(),
    };
    // A store that cannot be read is no store: the read itself is the availability check (no
    // probe entry written and erased at every start).
    match secrets
        .get(&entry)
        .map_err(|_| OpenError::NoCredentialStore)?
    {
        Some(text) => Ok((
            DatabaseKey::from_hex(&text).ok_or_else(damaged)?,
            KeySource::CredentialStore,
        )),
        None => match at_rest::file_state(path)? {
            FileState::Encrypted => Err(OpenError::KeyNotInCredentialStore {
                path: path.to_path_buf(),
            }),
            FileState::Missing | FileState::Plain => {
                let key = DatabaseKey::random();
                secrets
                    .set(&entry, &key.to_hex())
                    .map_err(OpenError::KeyNotKept)?;
                // Read back before a single page is encrypted with it: a key the store did not
                // really keep would lock the registry out at the next start.
                let kept = secrets
                    .get(&entry)
                    .map_err(OpenError::KeyNotKept)?
                    .and_then(|t| DatabaseKey::from_hex(&t));
                if kept.as_ref() != Some(&key) {
                    return Err(OpenError::KeyNotKept(
                        "the key read back differs from the key stored".into(),
                    ));
                }
                Ok((key, KeySource::NewInCredentialStore))
            }
        },
    }
}

/// [`resolve`] with [`DATABASE_KEY_VAR`] read from the environment.
pub fn resolve_from_env(
    path: &Path,
    demo: bool,
    secrets: &dyn SecretStore,
) -> Result<(DatabaseKey, KeySource), OpenError> {
    let explicit = std::env::var(DATABASE_KEY_VAR).ok();
    resolve(path, demo, explicit.as_deref(), secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remember::MemoryStore;

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("shotbook-key-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_new_real_database_gets_a_random_key_kept_in_the_credential_store() {
        let secrets = MemoryStore::default();
        let path = temp_path("real.sqlite");
        let (key, source) = resolve(&path, false, None, &secrets).unwrap();
        assert_eq!(source, KeySource::NewInCredentialStore);
        assert!(!key.is_demo());
        let (again, source) = resolve(&path, false, None, &secrets).unwrap();
        assert_eq!(source, KeySource::CredentialStore);
        assert_eq!(key, again, "the next start finds the same key");
        let other = temp_path("other.sqlite");
        let (other_key, _) = resolve(&other, false, None, &secrets).unwrap();
        assert_ne!(key, other_key, "each database has its own key");
    }

    #[test]
    fn without_a_credential_store_a_real_registry_is_refused_and_the_demo_is_not() {
        let secrets = MemoryStore::unavailable();
        let path = temp_path("real.sqlite");
        assert!(matches!(
            resolve(&path, false, None, &secrets),
            Err(OpenError::NoCredentialStore)
        ));
        let (key, source) = resolve(&path, true, None, &secrets).unwrap();
        assert!(key.is_demo());
        assert_eq!(source, KeySource::Demo);
        let hex = DatabaseKey::random().to_hex();
        let (_, source) = resolve(&path, false, Some(&hex), &secrets).unwrap();
        assert_eq!(source, KeySource::Explicit);
    }

    #[test]
    fn an_encrypted_file_whose_key_is_gone_is_not_given_a_new_one() {
        let secrets = MemoryStore::default();
        let path = temp_path("copied.sqlite");
        // Any bytes that are not a plain SQLite header: an encrypted file from elsewhere.
        std::fs::write(&path, [0x5au8; 4096]).unwrap();
        assert!(matches!(
            resolve(&path, false, None, &secrets),
            Err(OpenError::KeyNotInCredentialStore { .. })
        ));
        assert_eq!(
            secrets.get(&entry_name(&path)).unwrap(),
            None,
            "no key was invented for it"
        );
    }

    #[test]
    fn the_e2e_runner_gives_the_demo_key_to_its_real_registry_launch() {
        let runner = include_str!("../../../tests/e2e/run.sh");
        let line = format!(
            "{DATABASE_KEY_VAR}={}",
            DatabaseKey::demo().to_hex().as_str()
        );
        assert!(
            runner.lines().any(|l| l.trim() == format!("export {line}")),
            "tests/e2e/run.sh must export {line}"
        );
    }

    #[test]
    fn a_bad_explicit_key_or_entry_is_refused_without_echoing_it() {
        let secrets = MemoryStore::default();
        let path = temp_path("x.sqlite");
        let err = resolve(&path, false, Some("not-a-key-secret"), &secrets).unwrap_err();
        assert!(!err.to_string().contains("not-a-key-secret"));
        secrets.set(&entry_name(&path), "garbage").unwrap();
        assert!(matches!(
            resolve(&path, false, None, &secrets),
            Err(OpenError::DamagedKeyEntry { .. })
        ));
    }
}
