//! Native file dialogs, opened from Rust (the web view has no dialog permission at all).
//!
//! The end-to-end tests cannot drive a native GTK dialog through WebDriver. When
//! `SHOTBOOK_TEST_SAVE_PATH` / `SHOTBOOK_TEST_OPEN_PATH` / `SHOTBOOK_TEST_FOLDER` is set, the
//! matching dialog is not shown and that path is the user's answer; everything after the answer
//! (writing, auditing, verifying) runs as it does for a person. The variables are read here
//! only, only the e2e runner sets them, and only debug builds (what the e2e suite drives) read
//! them: an installed release build always asks the person, so nothing in its environment can
//! send a record somewhere silently.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

/// What a dialog calls back with the user's choice.
type Answered = Box<dyn FnOnce(Option<FilePath>) + Send>;

async fn answer<R: Runtime>(
    override_var: &str,
    dialog: FileDialogBuilder<R>,
    show: fn(FileDialogBuilder<R>, Answered),
) -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        if let Some(path) = std::env::var_os(override_var) {
            return Some(PathBuf::from(path));
        }
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    show(
        dialog,
        Box::new(move |picked| {
            let _ = tx.send(picked.and_then(|p| p.into_path().ok()));
        }),
    );
    rx.await.ok().flatten()
}

/// "Save as PDF…": the path chosen, or `None` when cancelled.
pub async fn save_pdf<R: Runtime>(app: &AppHandle<R>, file_name: &str) -> Option<PathBuf> {
    let dialog = app
        .dialog()
        .file()
        .add_filter("PDF", &["pdf"])
        .set_file_name(file_name);
    answer("SHOTBOOK_TEST_SAVE_PATH", dialog, |d, f| d.save_file(f)).await
}

/// "Export CSV…": the path chosen, or `None` when cancelled.
pub async fn save_csv<R: Runtime>(app: &AppHandle<R>, file_name: &str) -> Option<PathBuf> {
    let dialog = app
        .dialog()
        .file()
        .add_filter("CSV", &["csv"])
        .set_file_name(file_name);
    answer("SHOTBOOK_TEST_SAVE_PATH", dialog, |d, f| d.save_file(f)).await
}

/// "Open a saved record": a PDF to verify, or `None` when cancelled.
pub async fn open_pdf<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    let dialog = app.dialog().file().add_filter("PDF", &["pdf"]);
    answer("SHOTBOOK_TEST_OPEN_PATH", dialog, |d, f| d.pick_file(f)).await
}

/// A folder for a batch of records, or `None` when cancelled.
pub async fn pick_folder<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    answer("SHOTBOOK_TEST_FOLDER", app.dialog().file(), |d, f| {
        d.pick_folder(f)
    })
    .await
}
