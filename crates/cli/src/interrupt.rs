//! Ctrl-C for the long jobs (`dedup`, `forecast-registry`): the first Ctrl-C sets a flag the
//! job checks between chunks of work, so what it finished is kept; the process is not killed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag set (after printing `message` on stderr) when the user presses Ctrl-C. The signal is
/// awaited on a thread of its own, because the job keeps the main thread busy.
pub fn cancel_flag_on_ctrl_c(message: &'static str) -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        if rt.block_on(tokio::signal::ctrl_c()).is_ok() {
            eprintln!("{message}");
            flag.store(true, Ordering::Relaxed);
        }
    });
    cancel
}
