//! Access tokens: PASETO v4.local (XChaCha20 + BLAKE2b: encrypted and authenticated, so a
//! client can neither read nor forge the claims, and there is no algorithm to choose). They
//! live minutes; refresh tokens (random, kept hashed in PostgreSQL, spent once, bound to an
//! enrolled device key) bring new ones.
//!
//! The key comes from `SHOTBOOK_TOKEN_KEY` (32 bytes, base64url), shared by every server
//! process behind the load balancer and never written to a file or a log; during a rotation
//! `SHOTBOOK_TOKEN_KEY_PREVIOUS` still opens the tokens issued before it (for their few
//! minutes). Without one the server makes a key in memory: fine for one process, and every
//! access token dies with it (the refresh tokens, in the database, do not).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use pasetors::keys::SymmetricKey;
use pasetors::token::UntrustedToken;
use pasetors::version4::{LocalToken, V4};
use pasetors::Local;
use serde::{Deserialize, Serialize};
use shotbook_core::ids::{OrganizationId, UserId};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long an access token lives.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(10);
/// How long a refresh token lives unused (a workstation refreshes all day long).
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::days(7);

/// Bound into every token, so a token of another PASETO use can never pass for one of ours.
const IMPLICIT_ASSERTION: &[u8] = b"shotbook-registry-access-v1";

/// What an access token says. The role and state are read again from the membership at every
/// request (a supervisor's change takes effect at once); the token only names who and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user.
    pub user: UserId,
    /// The organization signed in to.
    pub organization: OrganizationId,
    /// The enrolled device.
    pub device: Uuid,
    /// The refresh family (the sign-in it descends from; sign-out revokes it).
    pub family: Uuid,
    /// Last valid instant.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Why a token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefused {
    /// Not a token of this registry (or forged, or issued under a retired key).
    #[error("not a valid access token")]
    Invalid,
    /// Past its lifetime.
    #[error("access token expired")]
    Expired,
}

/// The access-token keys.
pub struct TokenKeys {
    current: SymmetricKey<V4>,
    previous: Option<SymmetricKey<V4>>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

/// Why the configured key cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0} must be 32 random bytes in base64url (make one with `shotbook-server new-token-key`)")]
pub struct BadKey(&'static str);

impl TokenKeys {
    /// The keys from `SHOTBOOK_TOKEN_KEY` (and `SHOTBOOK_TOKEN_KEY_PREVIOUS`); `None` when no
    /// key is configured.
    pub fn from_env() -> Result<Option<Self>, BadKey> {
        let read = |name: &'static str| -> Result<Option<SymmetricKey<V4>>, BadKey> {
            match std::env::var(name) {
                Ok(text) if !text.trim().is_empty() => {
                    let bytes = URL_SAFE_NO_PAD
                        .decode(text.trim())
                        .map_err(|_| BadKey(name))?;
                    if bytes.len() != 32 {
                        return Err(BadKey(name));
                    }
                    SymmetricKey::from(&bytes)
                        .map(Some)
                        .map_err(|_| BadKey(name))
                }
                _ => Ok(None),
            }
        };
        let Some(current) = read("SHOTBOOK_TOKEN_KEY")? else {
            return Ok(None);
        };
        Ok(Some(Self {
            current,
            previous: read("SHOTBOOK_TOKEN_KEY_PREVIOUS")?,
        }))
    }

    /// A key made now, in memory only.
    pub fn ephemeral() -> Self {
        Self {
            current: SymmetricKey::from(&random_bytes()).expect("32 bytes make a v4 key"),
            previous: None,
        }
    }

    /// A new random key, base64url, for `SHOTBOOK_TOKEN_KEY`.
    pub fn new_key_text() -> String {
        URL_SAFE_NO_PAD.encode(random_bytes())
    }

    /// Seals `claims` into a token.
    pub fn issue(&self, claims: &AccessClaims) -> String {
        let message = serde_json::to_vec(claims).expect("claims serialize");
        LocalToken::encrypt(&self.current, &message, None, Some(IMPLICIT_ASSERTION))
            .expect("a non-empty message encrypts")
    }

    /// Opens a token and checks its lifetime at `now`.
    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<AccessClaims, TokenRefused> {
        let untrusted =
            UntrustedToken::<Local, V4>::try_from(token).map_err(|_| TokenRefused::Invalid)?;
        let opened = std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .find_map(|key| {
                LocalToken::decrypt(key, &untrusted, None, Some(IMPLICIT_ASSERTION)).ok()
            })
            .ok_or(TokenRefused::Invalid)?;
        let claims: AccessClaims =
            serde_json::from_str(opened.payload()).map_err(|_| TokenRefused::Invalid)?;
        if claims.expires_at <= now {
            return Err(TokenRefused::Expired);
        }
        Ok(claims)
    }
}

fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    bytes
}

/// A new refresh token (256 random bits, base64url) and the SHA-256 kept of it.
pub fn new_refresh_token() -> (String, [u8; 32]) {
    let token = URL_SAFE_NO_PAD.encode(random_bytes());
    let hash = refresh_token_hash(&token);
    (token, hash)
}

/// The SHA-256 kept of a refresh token.
pub fn refresh_token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// What a device signs to prove it holds its key when it refreshes: this prefix, then the
/// refresh token.
pub const REFRESH_PROOF_PREFIX: &str = "shotbook-refresh-v1\n";

/// Does `signature` (base64url) prove that the holder of `public_key` refreshes `token`?
pub fn refresh_proof_holds(public_key: &[u8; 32], token: &str, signature: &str) -> bool {
    use ed25519_dalek::{Signature, VerifyingKey};
    let Ok(key) = VerifyingKey::from_bytes(public_key) else {
        return false;
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature.trim()) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(&bytes) else {
        return false;
    };
    let message = format!("{REFRESH_PROOF_PREFIX}{token}");
    key.verify_strict(message.as_bytes(), &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn claims(expires_at: OffsetDateTime) -> AccessClaims {
        AccessClaims {
            user: UserId::new(),
            organization: OrganizationId::new(),
            device: Uuid::now_v7(),
            family: Uuid::now_v7(),
            expires_at,
        }
    }

    #[test]
    fn a_token_opens_until_it_expires_and_only_under_its_keys() {
        let keys = TokenKeys::ephemeral();
        let noon = datetime!(2026-12-07 12:00 UTC);
        let issued = claims(noon + ACCESS_TOKEN_LIFETIME);
        let token = keys.issue(&issued);
        assert!(token.starts_with("v4.local."));
        assert_eq!(keys.verify(&token, noon), Ok(issued.clone()));
        assert_eq!(
            keys.verify(&token, noon + ACCESS_TOKEN_LIFETIME),
            Err(TokenRefused::Expired)
        );
        let other = TokenKeys::ephemeral();
        assert_eq!(other.verify(&token, noon), Err(TokenRefused::Invalid));
        let rotated = TokenKeys {
            current: SymmetricKey::from(&random_bytes()).unwrap(),
            previous: Some(SymmetricKey::from(keys.current.as_bytes()).unwrap()),
        };
        assert_eq!(rotated.verify(&token, noon), Ok(issued));
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(keys.verify(&tampered, noon), Err(TokenRefused::Invalid));
        assert_eq!(
            keys.verify("v4.public.abc", noon),
            Err(TokenRefused::Invalid)
        );
    }

    #[test]
    fn a_refresh_proof_holds_only_for_the_device_key_and_that_token() {
        use ed25519_dalek::{Signer, SigningKey};
        let device = SigningKey::from_bytes(&random_bytes());
        let public = device.verifying_key().to_bytes();
        let sign = |token: &str| {
            URL_SAFE_NO_PAD.encode(
                device
                    .sign(format!("{REFRESH_PROOF_PREFIX}{token}").as_bytes())
                    .to_bytes(),
            )
        };
        let (token, hash) = new_refresh_token();
        assert_eq!(hash, refresh_token_hash(&token));
        assert!(refresh_proof_holds(&public, &token, &sign(&token)));
        assert!(!refresh_proof_holds(
            &public,
            &token,
            &sign("another token")
        ));
        let stranger = SigningKey::from_bytes(&random_bytes())
            .verifying_key()
            .to_bytes();
        assert!(!refresh_proof_holds(&stranger, &token, &sign(&token)));
        assert!(!refresh_proof_holds(&public, &token, "not base64 !"));
    }
}
