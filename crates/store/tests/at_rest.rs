//! Encryption at rest, checked on real files: what is on disk never holds client data in the
//! clear, a wrong key opens nothing, a database from before encryption is encrypted once on
//! open with nothing lost, and a backup is as encrypted as its source.

use std::path::{Path, PathBuf};

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_store::at_rest::{self, FileState};
use shotbook_store::{audit, DatabaseKey, Store, StoreError};
use time::macros::datetime;

/// A word that appears nowhere else: if its bytes are in a file, the file holds it in clear.
const MARKER: &str = "Quetzalcoatlus-Marker-Ximena";

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shotbook-at-rest-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn event(detail: &str) -> AuditEvent {
    AuditEvent {
        at: datetime!(2026-12-06 10:00 UTC),
        user_id: None,
        organization_id: None,
        workstation: "at-rest-test".into(),
        action: AuditAction::SearchClients,
        client_id: None,
        detail: Some(detail.into()),
    }
}

/// Every file of the database (main, write-ahead log, shared memory) holds `needle` in clear.
fn on_disk(path: &Path, needle: &str) -> bool {
    let dir = path.parent().unwrap();
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

async fn count_marked(store: &Store) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM audit_log WHERE detail = ?")
        .bind(MARKER)
        .fetch_one(store.pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn what_is_written_never_reaches_the_disk_in_clear() {
    let path = temp_db("new.sqlite");
    let key = DatabaseKey::random();
    let store = Store::open(&path, &key).await.unwrap();
    audit::append_alone(&store, &event(MARKER)).await.unwrap();
    // Checked while the write-ahead log still holds the write, and again after checkpointing.
    assert!(
        !on_disk(&path, MARKER),
        "the write-ahead log holds it in clear"
    );
    store.pool().close().await;
    assert!(
        !on_disk(&path, MARKER),
        "the database file holds it in clear"
    );
    assert_eq!(at_rest::file_state(&path).unwrap(), FileState::Encrypted);
    assert!(!on_disk(&path, "SQLite format 3"), "no plain SQLite header");

    let again = Store::open(&path, &key).await.unwrap();
    assert_eq!(count_marked(&again).await, 1, "the right key reads it back");
}

#[tokio::test]
async fn another_key_and_the_public_demo_key_open_nothing() {
    let path = temp_db("keyed.sqlite");
    let key = DatabaseKey::random();
    let store = Store::open(&path, &key).await.unwrap();
    store.pool().close().await;
    for wrong in [DatabaseKey::random(), DatabaseKey::demo()] {
        let refused = Store::open(&path, &wrong).await;
        assert!(
            matches!(refused, Err(StoreError::WrongKey)),
            "{:?}",
            refused.map(|_| ())
        );
    }
    assert!(matches!(
        Store::open_unencrypted_for_benchmark(&path).await,
        Err(StoreError::WrongKey)
    ));
    // The refusals changed nothing: the right key still opens it.
    Store::open(&path, &key).await.unwrap();
}

#[tokio::test]
async fn a_database_from_before_encryption_is_encrypted_once_with_nothing_lost() {
    let path = temp_db("legacy.sqlite");
    let plain = Store::open_unencrypted_for_benchmark(&path).await.unwrap();
    for detail in ["first", MARKER, "third"] {
        audit::append_alone(&plain, &event(detail)).await.unwrap();
    }
    plain.pool().close().await;
    assert_eq!(at_rest::file_state(&path).unwrap(), FileState::Plain);
    assert!(
        on_disk(&path, MARKER),
        "the test needs a plain file to start"
    );

    let key = DatabaseKey::random();
    let store = Store::open(&path, &key).await.unwrap();
    assert_eq!(count_marked(&store).await, 1);
    assert_eq!(
        audit::verify_chain(&store).await.unwrap(),
        Ok(3),
        "the audit chain survives the export"
    );
    store.pool().close().await;
    assert_eq!(at_rest::file_state(&path).unwrap(), FileState::Encrypted);
    assert!(!on_disk(&path, MARKER), "no plaintext copy is left behind");
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("encrypting")),
        "no staging file left: {names:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the encrypted file is private");
    }
    // Once: the next open finds an encrypted file and does not export again.
    let again = Store::open(&path, &key).await.unwrap();
    assert_eq!(count_marked(&again).await, 1);
}

#[tokio::test]
async fn a_backup_is_encrypted_with_the_same_key() {
    let path = temp_db("live.sqlite");
    let key = DatabaseKey::random();
    let store = Store::open(&path, &key).await.unwrap();
    audit::append_alone(&store, &event(MARKER)).await.unwrap();
    let copy = path.with_file_name("copy.sqlite");
    store.backup_to(&copy).await.unwrap();
    store.pool().close().await;
    std::fs::remove_file(&path).unwrap();
    for suffix in ["-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
    assert!(
        !on_disk(&copy, MARKER),
        "the backup holds client data in clear"
    );
    assert!(matches!(
        Store::open(&copy, &DatabaseKey::random()).await,
        Err(StoreError::WrongKey)
    ));
    let restored = Store::open(&copy, &key).await.unwrap();
    assert_eq!(count_marked(&restored).await, 1);
}
