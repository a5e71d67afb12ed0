//! The database key never reaches a log: everything sqlx and SQLite report while a keyed
//! database is created, opened, written, backed up and encrypted from plain is captured at the
//! most verbose level and searched for the key.

use std::sync::Mutex;

use shotbook_store::{DatabaseKey, Store};

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        LINES
            .lock()
            .unwrap()
            .push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

#[tokio::test]
async fn the_key_is_in_no_log_line_at_any_level() {
    static CAPTURE: Capture = Capture;
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let dir = std::env::temp_dir().join(format!("shotbook-key-log-{}", uuid::Uuid::now_v7()));
    let key = DatabaseKey::random();

    let store = Store::open(&dir.join("keyed.sqlite"), &key).await.unwrap();
    store.backup_to(&dir.join("backup.sqlite")).await.unwrap();
    store.pool().close().await;
    let plain = Store::open_unencrypted_for_benchmark(&dir.join("legacy.sqlite"))
        .await
        .unwrap();
    plain.pool().close().await;
    Store::open(&dir.join("legacy.sqlite"), &key).await.unwrap();

    let lines = LINES.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("sqlx") || l.contains("shotbook")),
        "the capture works: something was logged ({} lines)",
        lines.len()
    );
    let hex = key.to_hex();
    let upper = hex.to_uppercase();
    for line in lines.iter() {
        assert!(
            !line.contains(hex.as_str()) && !line.contains(&upper) && !line.contains("PRAGMA key"),
            "a log line carries the key: {}",
            line.replace(hex.as_str(), "<KEY>")
        );
    }
}
