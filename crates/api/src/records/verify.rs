//! Verifying a printed record's signed QR statement, and the keys records are signed with
//! and trusted by.

use super::*;

/// Checks a scanned or pasted payload. Needs a signed-in user (no client data is read: the
/// facts shown are those the payload carries).
pub async fn verify_record(
    ctx: &AppContext,
    request: VerifyRecordRequest,
) -> AppResult<RecordVerification> {
    if ctx.current_session().is_none() {
        return Err(AppError::NotSignedIn);
    }
    Ok(verification(&request.payload, &ctx.trusted_record_keys()))
}

/// Checks the payload inside a PDF file Shotbook saved.
pub async fn verify_record_file(ctx: &AppContext, path: &Path) -> AppResult<RecordVerification> {
    if ctx.current_session().is_none() {
        return Err(AppError::NotSignedIn);
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| AppError::Validation {
            issues: vec![FieldIssue {
                field: "file".into(),
                message: "The file could not be read.".into(),
            }],
        })?;
    Ok(verify_pdf_bytes(&bytes, &ctx.trusted_record_keys()))
}

/// The verdict on a PDF's bytes (also used by `shotbook verify`).
pub fn verify_pdf_bytes(bytes: &[u8], trusted: &TrustedKeys) -> RecordVerification {
    match shotbook_print::payload_of_pdf(bytes) {
        Some(payload) => verification(&payload, trusted),
        None => RecordVerification {
            valid: false,
            reason: "this file holds no Shotbook record code (not an Official Immunization Record printed by Shotbook)".into(),
            demo_key: false,
            statement: Vec::new(),
        },
    }
}

/// The verdict on a payload text (also used by `shotbook verify`).
pub fn verification(payload: &str, trusted: &TrustedKeys) -> RecordVerification {
    match shotbook_print::verify(payload, trusted) {
        Ok(v) => RecordVerification {
            valid: true,
            demo_key: v.key_kind == KeyKind::Demo,
            reason: match v.key_kind {
                KeyKind::Registry => format!(
                    "signed by the registry (key {}); compare the facts below with the paper",
                    v.key_id
                ),
                KeyKind::Demo => "signed with the public demo key: a genuine demo record, not an official one; compare the facts below with the paper".into(),
            },
            statement: v.statement.lines().map(str::to_string).collect(),
        },
        Err(why) => RecordVerification {
            valid: false,
            reason: why.to_string(),
            demo_key: false,
            statement: Vec::new(),
        },
    }
}

impl AppContext {
    /// The key records are signed with: the public demo key on the demo registry; otherwise
    /// the registry key from `SHOTBOOK_RECORD_SIGNING_KEY` or the OS keyring.
    pub fn record_key(&self) -> AppResult<RecordKey> {
        if self.signs_with_demo_key() {
            return Ok(RecordKey::demo());
        }
        let text = std::env::var(SIGNING_KEY_VAR)
            .ok()
            .or_else(|| self.secrets().get(SIGNING_KEY_ENTRY).ok().flatten())
            .ok_or_else(|| {
                unavailable(
                    "no_signing_key",
                    "no record-signing key is configured on this workstation \
                     (set SHOTBOOK_RECORD_SIGNING_KEY or the keyring entry record-signing-key)",
                )
            })?;
        RecordKey::from_text(&text).map_err(|e| unavailable("bad_signing_key", &e))
    }

    /// Keys whose signatures verify: see [`trusted_keys`]; with this workstation's registry key.
    pub fn trusted_record_keys(&self) -> TrustedKeys {
        let demo = self.signs_with_demo_key();
        let own = if demo { None } else { self.record_key().ok() };
        trusted_keys(own.as_ref(), demo)
    }
}

/// Keys whose signatures verify: `own` (the registry key of this workstation, if any), those
/// listed in `SHOTBOOK_TRUSTED_RECORD_KEYS`, and — on the demo registry only (`demo`) — the
/// public demo key, reported as such. Anyone can sign with the demo key (it is published), so
/// outside a demo a demo-signed record is a forgery and does not verify.
pub fn trusted_keys(own: Option<&RecordKey>, demo: bool) -> TrustedKeys {
    let mut trusted = if demo {
        TrustedKeys::demo_only()
    } else {
        TrustedKeys::default()
    };
    if let Some(key) = own {
        trusted.add_key(key);
    }
    for text in std::env::var(TRUSTED_KEYS_VAR)
        .unwrap_or_default()
        .split(',')
    {
        if !text.trim().is_empty() && trusted.add_public_text(text).is_err() {
            tracing::warn!("ignoring a malformed key in {TRUSTED_KEYS_VAR}");
        }
    }
    trusted
}
