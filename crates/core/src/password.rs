//! Password hashing with Argon2id (OWASP / NIST SP 800-63B memory-hard hashing).
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`), so parameters can be raised later
//! without invalidating stored hashes. Hashing is CPU-heavy: async callers run it on a blocking
//! thread.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use password_hash::rand_core::OsRng;

/// Hashes `password` with Argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters cannot fail on a generated salt")
        .to_string()
}

/// True when `password` matches the PHC `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random temporary password sent by email (`Ab3d-EfGh-…`, 19 characters): four groups of
/// four from an alphabet without look-alikes (0/O, 1/l/I), since it is read from an email and
/// typed. About 93 bits; it passes the password rules.
pub fn temporary_password() -> String {
    use password_hash::rand_core::RngCore;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = OsRng;
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..4)
                .map(|_| {
                    // Modulo bias over 2^32 for 57 symbols is below one part in 10^7.
                    let i = rng.next_u32() as usize % ALPHABET.len();
                    char::from(ALPHABET[i])
                })
                .collect()
        })
        .collect();
    groups.join("-")
}

/// A valid Argon2id hash of a random secret, verified against when a username does not exist so
/// that "no such user" takes as long as "wrong password" (no account enumeration by timing).
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2hvdGJvb2tkdW1teXNhbHQ$3uX2m8eCz6l4oH2fAaN0cqR0G7YpC3b7VQm1nYV6a1A";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_long_unambiguous_and_pass_the_rules() {
        for _ in 0..50 {
            let p = temporary_password();
            assert_eq!(p.len(), 19);
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
            assert!(
                crate::account::check_new_password("p", &p, "nurse").is_ok(),
                "{p}"
            );
        }
        assert_ne!(temporary_password(), temporary_password());
    }

    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batter", &hash));
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_salt() {
        assert_ne!(hash_password("same"), hash_password("same"));
    }

    #[test]
    fn the_dummy_hash_parses_and_matches_nothing_typed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
        assert!(!verify_password("password", DUMMY_HASH));
    }
}
