//! Account security rules, as ImmTrac2 and imMTrax define them and NIST SP 800-63B fills in:
//! the sign-in lockout ladder, password rules, temporary passwords, inactivity and end dates.
//!
//! Everything here is a pure function of its inputs (time included), so each rule is tested
//! with an injected clock.

use time::{Date, Duration, OffsetDateTime};

use crate::error::Issue;

/// Where an account stands on the failed-sign-in ladder.
///
/// ImmTrac2: after 3 failed attempts the user must solve a CAPTCHA; 3 more failures with the
/// CAPTCHA lock the account until the password is reset through Forgot Password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockoutStage {
    /// Fewer than 3 consecutive failures.
    Open,
    /// 3 or more failures: the next attempt must carry a solved CAPTCHA.
    CaptchaRequired,
    /// 6 failures: no password is accepted until a reset.
    Locked,
}

/// Failures before the CAPTCHA is required.
pub const FAILURES_BEFORE_CAPTCHA: u32 = 3;
/// Failures (in total) before the account locks.
pub const FAILURES_BEFORE_LOCK: u32 = 6;

impl LockoutStage {
    /// The stage reached after `consecutive_failures` failed attempts.
    pub fn after_failures(consecutive_failures: u32) -> Self {
        if consecutive_failures >= FAILURES_BEFORE_LOCK {
            LockoutStage::Locked
        } else if consecutive_failures >= FAILURES_BEFORE_CAPTCHA {
            LockoutStage::CaptchaRequired
        } else {
            LockoutStage::Open
        }
    }

    /// Stable code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            LockoutStage::Open => "open",
            LockoutStage::CaptchaRequired => "captcha_required",
            LockoutStage::Locked => "locked",
        }
    }
}

/// Shortest password accepted (NIST SP 800-63B recommends at least 8; the registry asks 12).
pub const MIN_PASSWORD_LENGTH: usize = 12;
/// Longest password accepted (long passphrases are welcome; this only bounds hashing work).
pub const MAX_PASSWORD_LENGTH: usize = 128;
/// How many previous passwords may not be reused.
pub const PASSWORD_HISTORY: usize = 5;

/// The password rules, as shown on the form before the user types.
pub const PASSWORD_RULES: &[&str] = &[
    "At least 12 characters (a passphrase of several words is easiest to remember).",
    "Not your username.",
    "Not a common or previously breached password.",
    "Not one of your last 5 passwords.",
];

const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// Is `candidate` in the bundled list of common and breached passwords (case-insensitive)?
pub fn is_common_password(candidate: &str) -> bool {
    let lower = candidate.to_lowercase();
    COMMON_PASSWORDS.lines().any(|line| line == lower)
}

/// Checks a new password against every rule except reuse (which needs the stored hashes; see
/// [`crate::password::verify_password`]). Reports problems on `field`.
pub fn check_new_password(field: &str, password: &str, username: &str) -> Result<(), Issue> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        return Err(Issue::new(
            field,
            format!("Use at least {MIN_PASSWORD_LENGTH} characters ({length} now)."),
        ));
    }
    if length > MAX_PASSWORD_LENGTH {
        return Err(Issue::new(
            field,
            format!("Use at most {MAX_PASSWORD_LENGTH} characters."),
        ));
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty() && lower.contains(&user) {
        return Err(Issue::new(
            field,
            "The password must not contain your username.",
        ));
    }
    if is_common_password(password)
        || is_common_password(password.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!'))
    {
        return Err(Issue::new(
            field,
            "This password is too common or has appeared in a data breach; choose another.",
        ));
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Err(Issue::new(
            field,
            "The password must not repeat one character.",
        ));
    }
    Ok(())
}

/// A temporary password (emailed with an approved access request) is valid this long.
pub const TEMPORARY_PASSWORD_VALIDITY: Duration = Duration::hours(24);

/// A Forgot Password code is valid this long: long enough to read the email, short enough that
/// a code left in a mailbox is worth little.
pub const RESET_CODE_VALIDITY: Duration = Duration::hours(1);

/// At most this many Forgot Password emails per account in [`RESET_REQUEST_WINDOW`]: enough for
/// a lost email, too few to flood a colleague's mailbox.
pub const RESET_REQUESTS_PER_WINDOW: i64 = 3;

/// The window of [`RESET_REQUESTS_PER_WINDOW`].
pub const RESET_REQUEST_WINDOW: Duration = Duration::hours(24);

/// Wrong codes typed against one reset before it stops working.
pub const RESET_CODE_ATTEMPTS: i64 = 5;

/// Forgot Password requests one workstation may make in [`RESET_REQUEST_WINDOW`], whatever the
/// accounts named (unknown ones included): slows probing of many accounts from one screen.
pub const RESET_REQUESTS_PER_WORKSTATION: usize = 20;

/// A session ends this long after it started, however active: the user signs in again (and
/// accepts the confidentiality statement again) at least once a working day.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// The idle limit a workstation may configure: HIPAA's automatic logoff (45 CFR
/// 164.312(a)(2)(iii)) allows no more than 15 minutes here; a few seconds is the floor.
pub const IDLE_LIMIT_RANGE: (Duration, Duration) = (Duration::seconds(5), Duration::minutes(15));

/// `requested` clamped to [`IDLE_LIMIT_RANGE`].
pub fn clamp_idle_limit(requested: Duration) -> Duration {
    requested.clamp(IDLE_LIMIT_RANGE.0, IDLE_LIMIT_RANGE.1)
}

/// Has a temporary password issued at `issued_at` expired at `now`?
pub fn temporary_password_expired(issued_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    now - issued_at >= TEMPORARY_PASSWORD_VALIDITY
}

/// Is an account last used on `last_used` inactive on `today`? imMTrax inactivates accounts
/// not used for 6 months (calendar months: last used March 3 ⇒ inactive from September 3).
pub fn inactive_since(last_used: Date, today: Date) -> bool {
    let months =
        (today.year() - last_used.year()) * 12 + (today.month() as i32 - last_used.month() as i32);
    months > 6 || (months == 6 && today.day() >= last_used.day())
}

/// Does an access end date stop access on `today`? Access ends on the end date itself.
pub fn access_ended(end_date: Option<Date>, today: Date) -> bool {
    end_date.is_some_and(|end| today >= end)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_idle_limit_cannot_exceed_fifteen_minutes_or_go_below_five_seconds() {
        use super::clamp_idle_limit;
        assert_eq!(clamp_idle_limit(Duration::hours(8)), Duration::minutes(15));
        assert_eq!(clamp_idle_limit(Duration::seconds(0)), Duration::seconds(5));
        assert_eq!(clamp_idle_limit(Duration::minutes(3)), Duration::minutes(3));
    }

    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six() {
        let stages: Vec<_> = (0..=7).map(LockoutStage::after_failures).collect();
        use LockoutStage::*;
        assert_eq!(
            stages,
            vec![
                Open,
                Open,
                Open,
                CaptchaRequired,
                CaptchaRequired,
                CaptchaRequired,
                Locked,
                Locked
            ]
        );
    }

    #[test]
    fn a_short_password_reports_its_length() {
        let issue = check_new_password("newPassword", "short-pw", "nurse").unwrap_err();
        assert_eq!(issue.field, "newPassword");
        assert!(
            issue.message.contains("12") && issue.message.contains("8 now"),
            "{}",
            issue.message
        );
    }

    #[test]
    fn a_password_containing_the_username_is_refused() {
        assert!(check_new_password("p", "my-tx.provider-pass", "TX.Provider").is_err());
    }

    #[test]
    fn common_and_breached_passwords_are_refused_even_with_digits_appended() {
        assert!(check_new_password("p", "passwordpassword", "nurse").is_err());
        assert!(check_new_password("p", "iloveyou12345678", "nurse").is_err());
        assert!(is_common_password("PASSWORD"));
    }

    #[test]
    fn a_long_passphrase_is_accepted() {
        assert!(check_new_password("p", "correct horse battery staple", "nurse").is_ok());
        assert!(check_new_password("p", "Big Sky vaccines 2026", "nurse").is_ok());
    }

    #[test]
    fn a_repeated_character_is_refused() {
        assert!(check_new_password("p", "aaaaaaaaaaaaaaaa", "nurse").is_err());
    }

    #[test]
    fn a_temporary_password_expires_after_exactly_24_hours() {
        let issued = datetime!(2026-11-22 9:00 UTC);
        assert!(!temporary_password_expired(
            issued,
            issued + Duration::hours(23) + Duration::minutes(59)
        ));
        assert!(temporary_password_expired(
            issued,
            issued + Duration::hours(24)
        ));
    }

    #[test]
    fn six_calendar_months_without_use_inactivate_an_account() {
        let used = date!(2026 - 03 - 03);
        assert!(!inactive_since(used, date!(2026 - 09 - 02)));
        assert!(inactive_since(used, date!(2026 - 09 - 03)));
        assert!(inactive_since(date!(2025 - 12 - 31), date!(2026 - 07 - 01)));
    }

    #[test]
    fn access_ends_on_the_end_date_itself() {
        let end = Some(date!(2026 - 11 - 22));
        assert!(!access_ended(end, date!(2026 - 11 - 21)));
        assert!(access_ended(end, date!(2026 - 11 - 22)));
        assert!(!access_ended(None, date!(2099 - 01 - 01)));
    }
}
