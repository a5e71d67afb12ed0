//! The record's seal: an Ed25519 signature by the registry over the digest of the record's
//! signed statement (identity, every dose, document and client ids — see
//! `RecordDocument::signed_statement`), carried with the statement itself in the QR code.
//!
//! Payload text (what the QR code holds and what a scanner app returns):
//!
//! ```text
//! SHOTBOOK-OIR1:<base64url, no padding, of: version (1 byte = 1) | key id (8) | signature (64) | statement (UTF-8)>
//! ```
//!
//! The signed message is `"shotbook-official-immunization-record-v1\0" ‖ SHA-256(statement)`.
//! Because the statement travels with the signature, a verifier needs no database: it checks
//! the signature with the registry's public key and shows the statement, which the reader
//! compares with the paper. See `docs/decisions/20261122T0900-record-verification.md`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// What every payload starts with.
pub const PAYLOAD_PREFIX: &str = "SHOTBOOK-OIR1:";
const VERSION: u8 = 1;
const DOMAIN: &[u8] = b"shotbook-official-immunization-record-v1\0";
const KEY_ID_LEN: usize = 8;
const HEADER_LEN: usize = 1 + KEY_ID_LEN + 64;

/// The public seed of the demo registry's key. Anyone can sign with it: records it signs are
/// reported as demo records, never as official ones.
const DEMO_SEED_TEXT: &[u8] = b"Shotbook demo registry record-signing key. Public: demo data only.";

/// First 8 bytes of SHA-256 of the public key: names the key in a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyId([u8; KEY_ID_LEN]);

impl KeyId {
    fn of(key: &VerifyingKey) -> Self {
        let digest = Sha256::digest(key.as_bytes());
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        Self(id)
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Whose key signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The registry's own key (configuration or the OS keyring).
    Registry,
    /// The public demo key: a demo record, not an official one.
    Demo,
}

/// A registry's signing key.
#[derive(Clone)]
pub struct RecordKey {
    signing: SigningKey,
    kind: KeyKind,
}

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordKey")
            .field("id", &self.id().to_string())
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl RecordKey {
    /// The demo registry's key (its seed is public).
    pub fn demo() -> Self {
        let seed: [u8; 32] = Sha256::digest(DEMO_SEED_TEXT).into();
        Self {
            signing: SigningKey::from_bytes(&seed),
            kind: KeyKind::Demo,
        }
    }

    /// A registry key from its 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(&seed),
            kind: KeyKind::Registry,
        }
    }

    /// A registry key from the base64url (or standard base64) text of its seed, as kept in
    /// configuration or the keyring.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let bytes =
            decode_any_base64(text.trim()).ok_or("the record-signing key is not base64 text")?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the record-signing key is not 32 bytes")?;
        Ok(Self::from_seed(seed))
    }

    /// A new random registry key from 32 random bytes the caller draws.
    pub fn seed_text(seed: [u8; 32]) -> String {
        URL_SAFE_NO_PAD.encode(seed)
    }

    /// The key's id.
    pub fn id(&self) -> KeyId {
        KeyId::of(&self.signing.verifying_key())
    }

    /// Registry or demo.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The public half, as base64url text (what verifiers are configured with).
    pub fn public_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.signing.verifying_key().as_bytes())
    }

    /// Signs `statement` and returns the payload text for the QR code.
    pub fn seal(&self, statement: &str) -> String {
        let signature = self.signing.sign(&message(statement));
        let mut bytes = Vec::with_capacity(HEADER_LEN + statement.len());
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.id().0);
        bytes.extend_from_slice(&signature.to_bytes());
        bytes.extend_from_slice(statement.as_bytes());
        format!("{PAYLOAD_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }
}

fn decode_any_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::STANDARD;
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .or_else(|| STANDARD.decode(text).ok())
}

fn message(statement: &str) -> Vec<u8> {
    let mut m = DOMAIN.to_vec();
    m.extend_from_slice(&Sha256::digest(statement.as_bytes()));
    m
}

/// The public keys a verifier accepts.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<(KeyId, VerifyingKey, KeyKind)>,
}

impl TrustedKeys {
    /// Only the demo key.
    pub fn demo_only() -> Self {
        let mut keys = Self::default();
        keys.add_key(&RecordKey::demo());
        keys
    }

    /// Trusts the public half of `key`.
    pub fn add_key(&mut self, key: &RecordKey) {
        let public = key.signing.verifying_key();
        self.keys.push((KeyId::of(&public), public, key.kind));
    }

    /// Trusts a registry public key given as base64 text.
    pub fn add_public_text(&mut self, text: &str) -> Result<(), String> {
        let bytes =
            decode_any_base64(text.trim()).ok_or("a trusted record key is not base64 text")?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "a trusted record key is not 32 bytes")?;
        let public =
            VerifyingKey::from_bytes(&bytes).map_err(|_| "a trusted record key is not a key")?;
        self.keys
            .push((KeyId::of(&public), public, KeyKind::Registry));
        Ok(())
    }
}

/// Why a payload is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// The text is not a Shotbook record payload at all.
    #[error("this is not a Shotbook record code (it should start with {PAYLOAD_PREFIX})")]
    NotAPayload,
    /// The text is damaged: bad characters, cut short, unknown version.
    #[error("the code is damaged or incomplete: {0}")]
    Damaged(&'static str),
    /// Signed by a key this workstation does not trust.
    #[error("signed with key {0}, which is not this registry's key")]
    UnknownKey(String),
    /// The signature does not match the statement: altered, or not issued by the registry.
    #[error("the signature does not match the record: it was altered after printing or was not issued by the registry")]
    SignatureMismatch,
}

/// A payload that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signed statement, to compare with the paper.
    pub statement: String,
    /// The key that signed it.
    pub key_id: String,
    /// Registry or demo key.
    pub key_kind: KeyKind,
}

/// Checks a payload (surrounding whitespace ignored).
pub fn verify(payload: &str, trusted: &TrustedKeys) -> Result<Verified, Invalid> {
    let body = payload
        .trim()
        .strip_prefix(PAYLOAD_PREFIX)
        .ok_or(Invalid::NotAPayload)?;
    // The standard decoder refuses non-zero trailing bits, so every character counts.
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| Invalid::Damaged("it contains characters a record code never has"))?;
    if bytes.len() < HEADER_LEN {
        return Err(Invalid::Damaged("it is too short"));
    }
    if bytes[0] != VERSION {
        return Err(Invalid::Damaged("unknown version"));
    }
    let mut key_id = [0u8; KEY_ID_LEN];
    key_id.copy_from_slice(&bytes[1..1 + KEY_ID_LEN]);
    let key_id = KeyId(key_id);
    let signature: [u8; 64] = bytes[1 + KEY_ID_LEN..HEADER_LEN]
        .try_into()
        .map_err(|_| Invalid::Damaged("it is too short"))?;
    let signature = Signature::from_bytes(&signature);
    let statement = std::str::from_utf8(&bytes[HEADER_LEN..])
        .map_err(|_| Invalid::Damaged("the record text is not UTF-8"))?;
    let (_, public, kind) = trusted
        .keys
        .iter()
        .find(|(id, _, _)| *id == key_id)
        .ok_or_else(|| Invalid::UnknownKey(key_id.to_string()))?;
    public
        .verify_strict(&message(statement), &signature)
        .map_err(|_| Invalid::SignatureMismatch)?;
    Ok(Verified {
        statement: statement.to_string(),
        key_id: key_id.to_string(),
        key_kind: *kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATEMENT: &str = "ImmTrac2 — Texas Immunization Registry\nOfficial Immunization Record\nDocument 1\nClient 9000000003\nName Núñez, José Luis\nBorn 11/03/1958\nDoses 1\n01/22/2024 CVX 216\n";

    #[test]
    fn a_sealed_statement_verifies_and_comes_back_unchanged() {
        let key = RecordKey::from_seed([7; 32]);
        let mut trusted = TrustedKeys::default();
        trusted.add_public_text(&key.public_text()).unwrap();
        let verified = verify(&key.seal(STATEMENT), &trusted).unwrap();
        assert_eq!(verified.statement, STATEMENT);
        assert_eq!(verified.key_kind, KeyKind::Registry);
        assert_eq!(verified.key_id, key.id().to_string());
    }

    #[test]
    fn changing_any_character_of_the_payload_makes_it_invalid() {
        let key = RecordKey::demo();
        let trusted = TrustedKeys::demo_only();
        let payload = key.seal(STATEMENT);
        assert!(verify(&payload, &trusted).is_ok());
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..payload.len() {
            let mut bytes = payload.clone().into_bytes();
            let original = bytes[i];
            // Replace with the next character of the payload alphabet (always a change).
            let pos = alphabet.iter().position(|c| *c == original).unwrap_or(0);
            bytes[i] = alphabet[(pos + 1) % alphabet.len()];
            let changed = String::from_utf8(bytes).unwrap();
            assert!(
                verify(&changed, &trusted).is_err(),
                "changing character {i} ({}) went unnoticed",
                original as char
            );
        }
    }

    #[test]
    fn flipping_any_bit_of_the_decoded_payload_makes_it_invalid() {
        let key = RecordKey::demo();
        let trusted = TrustedKeys::demo_only();
        let payload = key.seal(STATEMENT);
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.strip_prefix(PAYLOAD_PREFIX).unwrap())
            .unwrap();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut changed = bytes.clone();
                changed[i] ^= 1 << bit;
                let text = format!("{PAYLOAD_PREFIX}{}", URL_SAFE_NO_PAD.encode(&changed));
                assert!(
                    verify(&text, &trusted).is_err(),
                    "flipping bit {bit} of byte {i} went unnoticed"
                );
            }
        }
    }

    #[test]
    fn each_failure_says_why() {
        let trusted = TrustedKeys::demo_only();
        assert_eq!(verify("hello", &trusted), Err(Invalid::NotAPayload));
        assert!(matches!(
            verify("SHOTBOOK-OIR1:@@@", &trusted),
            Err(Invalid::Damaged(_))
        ));
        assert!(matches!(
            verify("SHOTBOOK-OIR1:AQID", &trusted),
            Err(Invalid::Damaged("it is too short"))
        ));
        let stranger = RecordKey::from_seed([1; 32]).seal(STATEMENT);
        assert!(matches!(
            verify(&stranger, &trusted),
            Err(Invalid::UnknownKey(_))
        ));
        // The demo key's records verify as demo records.
        let demo = verify(&RecordKey::demo().seal(STATEMENT), &trusted).unwrap();
        assert_eq!(demo.key_kind, KeyKind::Demo);
    }

    #[test]
    fn a_key_survives_its_text_form() {
        let text = RecordKey::seed_text([9; 32]);
        let key = RecordKey::from_text(&text).unwrap();
        assert_eq!(key.id(), RecordKey::from_seed([9; 32]).id());
        assert!(RecordKey::from_text("not a key").is_err());
        assert!(RecordKey::from_text(&RecordKey::seed_text([9; 32])[..10]).is_err());
    }
}
