//! Tamper evidence: a database file edited around Shotbook (audit rows deleted or changed
//! with the append-only triggers dropped, protective triggers removed) is refused on open,
//! and a backup is a consistent, private copy that passes the same checks.

use std::path::{Path, PathBuf};

use shotbook_core::audit::{AuditAction, AuditEvent};
use std::sync::LazyLock;

use shotbook_store::{at_rest, audit, DatabaseKey, Store, StoreError};
use time::macros::datetime;

/// The key of every database these tests write (one per test run).
static KEY: LazyLock<DatabaseKey> = LazyLock::new(DatabaseKey::random);

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shotbook-integrity-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn event(detail: &str) -> AuditEvent {
    AuditEvent {
        at: datetime!(2026-12-06 10:00 UTC),
        user_id: None,
        organization_id: None,
        workstation: "integrity-test".into(),
        action: AuditAction::SearchClients,
        client_id: None,
        detail: Some(detail.into()),
    }
}

/// A database with three audit entries, closed.
async fn with_three_entries(path: &Path) {
    let store = Store::open(path, &KEY).await.unwrap();
    for n in 1..=3 {
        audit::append_alone(&store, &event(&format!("entry {n}")))
            .await
            .unwrap();
    }
    assert_eq!(audit::verify_chain(&store).await.unwrap(), Ok(3));
    store.pool().close().await;
}

/// What someone with the file, its key and the sqlcipher tool could do: run SQL around
/// Shotbook (the tool does not enforce foreign keys unless asked).
async fn tamper(path: &Path, sql: &[&str]) {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = at_rest::connect_options(path, Some(&KEY))
        .connect()
        .await
        .unwrap();
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut conn)
        .await
        .unwrap();
    for statement in sql {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

fn tampered(result: Result<Store, StoreError>) -> String {
    match result {
        Err(StoreError::Tampered(why)) => why,
        Err(other) => panic!("expected a tampering refusal, got {other:?}"),
        Ok(_) => panic!("a tampered database was opened"),
    }
}

#[tokio::test]
async fn a_deleted_audit_entry_is_found_on_open() {
    let path = temp_db("deleted.sqlite");
    with_three_entries(&path).await;
    tamper(
        &path,
        &[
            "DROP TRIGGER audit_log_is_append_only_delete",
            "DELETE FROM audit_log WHERE detail = 'entry 2'",
            // Put the trigger back, as a careful intruder would.
            "CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END",
        ],
    )
    .await;
    let why = tampered(Store::open(&path, &KEY).await);
    assert!(why.contains("audit trail was altered"), "{why}");
}

#[tokio::test]
async fn a_changed_audit_entry_is_found_on_open() {
    let path = temp_db("changed.sqlite");
    with_three_entries(&path).await;
    tamper(
        &path,
        &[
            "DROP TRIGGER audit_log_is_append_only_update",
            "UPDATE audit_log SET detail = 'nothing happened' WHERE detail = 'entry 1'",
            "CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END",
        ],
    )
    .await;
    let why = tampered(Store::open(&path, &KEY).await);
    assert!(why.contains("does not match its link"), "{why}");
}

#[tokio::test]
async fn an_entry_written_around_shotbook_is_found_on_open() {
    let path = temp_db("unlinked.sqlite");
    with_three_entries(&path).await;
    tamper(
        &path,
        &["INSERT INTO audit_log (id, at, workstation, action) VALUES ('forged', '2026-12-06T11:00:00Z', 'x', 'sign_in')"],
    )
    .await;
    let why = tampered(Store::open(&path, &KEY).await);
    assert!(why.contains("without their link"), "{why}");
}

#[tokio::test]
async fn removed_protective_triggers_are_found_on_open() {
    let path = temp_db("triggers.sqlite");
    with_three_entries(&path).await;
    tamper(&path, &["DROP TRIGGER immunizations_are_never_deleted"]).await;
    let why = tampered(Store::open(&path, &KEY).await);
    assert!(why.contains("immunizations_are_never_deleted"), "{why}");
}

#[tokio::test]
async fn a_backup_is_a_private_copy_that_passes_the_same_checks() {
    let path = temp_db("live.sqlite");
    with_three_entries(&path).await;
    let store = Store::open(&path, &KEY).await.unwrap();
    let copy = path.with_file_name("backup.sqlite");
    store.backup_to(&copy).await.unwrap();
    assert!(
        store.backup_to(&copy).await.is_err(),
        "a backup never overwrites a file"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let restored = Store::open(&copy, &KEY)
        .await
        .expect("the copy opens and passes");
    assert_eq!(audit::verify_chain(&restored).await.unwrap(), Ok(3));
}
