//! In-process guards of the sign-in screen, which needs no session and so is the first thing a
//! curious person tries:
//!
//! - one sign-in at a time per account, so parallel attempts cannot each get a password check
//!   before the failure count catches up (the lockout ladder holds under concurrency);
//! - the same ladder for accounts that do not exist, so a CAPTCHA or a lock never tells
//!   whether an org code and username are real;
//! - a cap on Forgot Password requests from this workstation, whatever the accounts named.
//!
//! The stored failure count remains the authority across restarts and processes; these guards
//! only close the gaps between its reads and writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct SignInGuards {
    accounts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    unknown_failures: Mutex<HashMap<String, u32>>,
    resets: Mutex<Vec<OffsetDateTime>>,
}

pub use shotbook_usecases::sign_in::account_key;

impl SignInGuards {
    /// Waits for any other sign-in of `key` to finish; holds the account until dropped.
    pub async fn one_at_a_time(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
            // Forget idle entries so the map cannot grow with every name ever typed.
            if map.len() > 1_000 {
                map.retain(|_, m| Arc::strong_count(m) > 1);
            }
            map.entry(key.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }

    /// Failures so far of a name that matches no account.
    pub fn unknown_failures(&self, key: &str) -> u32 {
        let map = self
            .unknown_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.get(key).copied().unwrap_or(0)
    }

    /// Counts a failure of a name that matches no account; returns the new count.
    pub fn count_unknown_failure(&self, key: &str) -> u32 {
        let mut map = self
            .unknown_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.clear();
        }
        let n = map.entry(key.to_string()).or_insert(0);
        *n = n.saturating_add(1);
        *n
    }

    /// Records a Forgot Password request at `now` unless `limit` were made in the `window`
    /// before it; returns whether it may go ahead.
    pub fn allow_reset(&self, now: OffsetDateTime, window: time::Duration, limit: usize) -> bool {
        let mut resets = self.resets.lock().unwrap_or_else(|e| e.into_inner());
        resets.retain(|at| now - *at < window);
        if resets.len() >= limit {
            return false;
        }
        resets.push(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_org_code_and_username_are_one_key_whatever_their_case() {
        assert_eq!(
            account_key(" TX0001", "Tx.Provider "),
            account_key("tx0001", "tx.provider")
        );
        assert_ne!(account_key("TX0001", "a"), account_key("TX0001a", ""));
    }

    #[test]
    fn the_workstation_cap_on_resets_slides_with_time() {
        let guards = SignInGuards::default();
        let t = datetime!(2026-12-06 9:00 UTC);
        let hour = time::Duration::hours(1);
        assert!(guards.allow_reset(t, hour, 2));
        assert!(guards.allow_reset(t, hour, 2));
        assert!(!guards.allow_reset(t + time::Duration::minutes(59), hour, 2));
        assert!(guards.allow_reset(t + hour, hour, 2));
    }

    #[tokio::test]
    async fn a_second_sign_in_of_one_account_waits_for_the_first() {
        let guards = Arc::new(SignInGuards::default());
        let first = guards.one_at_a_time("k").await;
        let g = guards.clone();
        let second = tokio::spawn(async move {
            let _held = g.one_at_a_time("k").await;
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!second.is_finished(), "the second waits");
        let _other = guards.one_at_a_time("another").await;
        drop(first);
        second.await.unwrap();
    }
}
