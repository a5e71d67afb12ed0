//! "Remember me": the organization code and username (never the password) and the current
//! session's token, kept in the operating system's credential store (Secret Service / macOS
//! Keychain / Windows Credential Manager through the `keyring` crate).
//!
//! When the workstation has no credential store (a bare Linux session without a keyring
//! daemon, CI), [`SecretStore::available`] says so and the UI explains that the sign-in will
//! not be remembered; nothing falls back to a plain file.

use std::collections::HashMap;
use std::sync::Mutex;

/// The service name entries are filed under.
pub const SERVICE: &str = "org.shotbook.desktop";
/// Entry holding `{"organizationCode": …, "username": …}`.
pub const REMEMBERED_SIGN_IN: &str = "remembered-sign-in";
/// Entry holding the current session token.
pub const SESSION_TOKEN: &str = "session-token";

/// Where remembered values are kept.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// Reads an entry; `Ok(None)` when absent.
    fn get(&self, key: &str) -> Result<Option<String>, String>;
    /// Writes an entry.
    fn set(&self, key: &str, value: &str) -> Result<(), String>;
    /// Removes an entry (absent is fine).
    fn delete(&self, key: &str) -> Result<(), String>;
    /// Whether this store can keep anything on this workstation.
    fn available(&self) -> bool;
}

/// The OS credential store.
#[derive(Debug, Default)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(key: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new(SERVICE, key).map_err(|e| e.to_string())
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        match Self::entry(key)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        Self::entry(key)?
            .set_password(value)
            .map_err(|e| e.to_string())
    }

    fn delete(&self, key: &str) -> Result<(), String> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn available(&self) -> bool {
        // A round trip through a probe entry: the only reliable test across platforms.
        let probe = "availability-probe";
        self.set(probe, "ok").is_ok() && self.delete(probe).is_ok()
    }
}

/// An in-memory store shared across handles (tests; `keyring`'s own mock forgets values
/// between `Entry` objects).
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, String>>,
    unavailable: bool,
}

impl MemoryStore {
    /// A store that refuses everything, like a workstation without a keyring service.
    pub fn unavailable() -> Self {
        Self {
            values: Mutex::default(),
            unavailable: true,
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        if self.unavailable {
            return Err("no credential store".into());
        }
        Ok(self
            .values
            .lock()
            .map_err(|e| e.to_string())?
            .get(key)
            .cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        if self.unavailable {
            return Err("no credential store".into());
        }
        self.values
            .lock()
            .map_err(|e| e.to_string())?
            .insert(key.into(), value.into());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), String> {
        if self.unavailable {
            return Err("no credential store".into());
        }
        self.values.lock().map_err(|e| e.to_string())?.remove(key);
        Ok(())
    }

    fn available(&self) -> bool {
        !self.unavailable
    }
}

/// Hash of a session token as stored in the database (the token itself stays in the keyring).
pub fn token_hash(token: &str) -> String {
    use blake2::{Blake2s256, Digest};
    let digest = Blake2s256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random session token (256 bits, hex).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_store_keeps_values_across_calls_and_the_unavailable_one_refuses() {
        let store = MemoryStore::default();
        store.set("k", "v").unwrap();
        assert_eq!(store.get("k").unwrap().as_deref(), Some("v"));
        store.delete("k").unwrap();
        assert_eq!(store.get("k").unwrap(), None);
        assert!(!MemoryStore::unavailable().available());
        assert!(MemoryStore::unavailable().set("k", "v").is_err());
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_stored() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }
}
