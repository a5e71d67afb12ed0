//! The record seal as a scanner returns it: `verify` on any payload text answers `Ok` only
//! for what a trusted key sealed, and a typed `Invalid` otherwise, never a panic; a PDF's
//! payload is looked for in any bytes. Also: the key texts of the configuration.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use shotbook_print::seal::PAYLOAD_PREFIX;
use shotbook_print::{payload_of_pdf, verify, Invalid, KeyKind, RecordKey, TrustedKeys};

/// The first byte picks what the rest is (so seeds are plain files):
/// 0 what a scanner returned, as is; 1 text after the prefix (gets past the first check);
/// 2 bytes that are base64url-encoded after the prefix (version, key id, signature and
/// statement as chosen); 3 a genuine payload of the statement after three bytes that say
/// which bit of its decoded bytes to flip (none when the third is 0xff); 4 any file given to
/// "verify a PDF"; 5 key text from the configuration or the keyring.
const MODES: u8 = 6;

fn trusted() -> TrustedKeys {
    let mut keys = TrustedKeys::demo_only();
    keys.add_key(&RecordKey::from_seed([7; 32]));
    keys
}

fn check(payload: &str, trusted: &TrustedKeys) {
    match verify(payload, trusted) {
        Ok(v) => {
            // Only a sealed payload verifies; sealing its statement again gives it back.
            let key = match v.key_kind {
                KeyKind::Demo => RecordKey::demo(),
                KeyKind::Registry => RecordKey::from_seed([7; 32]),
            };
            assert_eq!(v.key_id, key.id().to_string());
            assert_eq!(
                key.seal(&v.statement),
                payload.trim(),
                "a payload that verified"
            );
        }
        Err(Invalid::NotAPayload) => assert!(!payload.trim().starts_with(PAYLOAD_PREFIX)),
        Err(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let trusted = trusted();
    match mode % MODES {
        0 => check(&text, &trusted),
        1 => check(&format!("{PAYLOAD_PREFIX}{text}"), &trusted),
        2 => check(
            &format!("{PAYLOAD_PREFIX}{}", URL_SAFE_NO_PAD.encode(rest)),
            &trusted,
        ),
        3 => {
            let (flip, statement) = match rest {
                [lo, hi, bit, statement @ ..] => {
                    let flip = (*bit != 0xff)
                        .then(|| (usize::from(u16::from_le_bytes([*lo, *hi])), bit % 8));
                    (flip, String::from_utf8_lossy(statement))
                }
                _ => (None, text.clone()),
            };
            let key = RecordKey::from_seed([7; 32]);
            let payload = key.seal(&statement);
            let verified = verify(&payload, &trusted).expect("a sealed payload verifies");
            assert_eq!(verified.statement, statement);
            assert_eq!(verified.key_kind, KeyKind::Registry);
            if let Some((at, bit)) = flip {
                let mut bytes = URL_SAFE_NO_PAD
                    .decode(&payload[PAYLOAD_PREFIX.len()..])
                    .expect("a payload is base64url");
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
                let changed = format!("{PAYLOAD_PREFIX}{}", URL_SAFE_NO_PAD.encode(&bytes));
                assert!(
                    verify(&changed, &trusted).is_err(),
                    "flipping bit {bit} of byte {at} went unnoticed"
                );
            }
        }
        4 => {
            if let Some(payload) = payload_of_pdf(rest) {
                assert!(payload.starts_with(PAYLOAD_PREFIX));
                check(&payload, &trusted);
            }
        }
        _ => {
            if let Ok(key) = RecordKey::from_text(&text) {
                let mut keys = TrustedKeys::default();
                keys.add_public_text(&key.public_text())
                    .expect("a key's public text is trusted");
                let sealed = key.seal(&text);
                let verified = verify(&sealed, &keys).map(|v| v.statement);
                assert_eq!(verified.as_deref(), Ok(&*text));
            }
            let _ = TrustedKeys::default().add_public_text(&text);
        }
    }
});
