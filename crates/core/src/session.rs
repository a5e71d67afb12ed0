//! A signed-in user's session and the permission grants it hands out.
//!
//! A use case that needs a permission takes a [`Grant`] argument. A `Grant` can only be made by
//! [`Session::require`], so the compiler makes sure no caller skips the check.

use time::{Duration, OffsetDateTime};

use crate::ids::{OrganizationId, UserId};
use crate::permission::{Permission, Role};

/// Who is signed in, for which organization, in which role.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user_id: UserId,
    /// The user's sign-in name.
    pub username: String,
    /// Display name for the menu bar.
    pub display_name: String,
    /// The organization the user signed in for.
    pub organization_id: OrganizationId,
    /// Its code (the "org code" typed at sign-in).
    pub organization_code: String,
    /// Its name.
    pub organization_name: String,
    /// Its state (two letters).
    pub organization_state: String,
    /// What kind of organization it is (schools and child care reach only the children they
    /// serve).
    pub organization_kind: crate::organization::OrganizationKind,
    /// The user's role at that organization.
    pub role: Role,
    /// When the session started.
    pub started_at: OffsetDateTime,
    /// Last time the user did something; drives the idle timeout.
    pub last_active_at: OffsetDateTime,
}

/// Proof that the current session holds one permission. Cheap to copy; carries the identity
/// that the audit log records.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    permission: Permission,
    user_id: UserId,
    organization_id: OrganizationId,
}

impl Grant {
    /// The permission granted.
    pub fn permission(&self) -> Permission {
        self.permission
    }
    /// Who holds it.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    /// For which organization.
    pub fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }
}

/// Why a session cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The session was idle too long; the user must enter the password again.
    #[error("the session timed out after {idle_seconds} seconds without activity")]
    Expired {
        /// The idle limit, in seconds (tests and kiosks configure limits shorter than a minute).
        idle_seconds: i64,
    },
    /// The session reached its absolute lifetime ([`crate::account::SESSION_LIFETIME`]); the
    /// user signs in again.
    #[error("the session reached its maximum length")]
    LifetimeReached,
    /// The role does not include the permission.
    #[error("the role does not allow {0:?}")]
    Forbidden(Permission),
}

impl Session {
    /// Checks the absolute lifetime and idleness against `now` and the role against
    /// `permission`, and returns a grant.
    pub fn require(
        &self,
        permission: Permission,
        now: OffsetDateTime,
        idle_limit: Duration,
    ) -> Result<Grant, SessionError> {
        if now - self.started_at >= crate::account::SESSION_LIFETIME {
            return Err(SessionError::LifetimeReached);
        }
        if now - self.last_active_at > idle_limit {
            return Err(SessionError::Expired {
                idle_seconds: idle_limit.whole_seconds(),
            });
        }
        if !self.role.grants(permission) {
            return Err(SessionError::Forbidden(permission));
        }
        Ok(Grant {
            permission,
            user_id: self.user_id,
            organization_id: self.organization_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn session(role: Role) -> Session {
        let t = datetime!(2026-11-22 9:00 UTC);
        Session {
            user_id: UserId::new(),
            username: "u".into(),
            display_name: "U".into(),
            organization_id: OrganizationId::new(),
            organization_code: "MT0001".into(),
            organization_name: "Org".into(),
            organization_state: "MT".into(),
            organization_kind: crate::organization::OrganizationKind::Provider,
            role,
            started_at: t,
            last_active_at: t,
        }
    }

    #[test]
    fn a_granted_permission_carries_the_user_and_organization() {
        let s = session(Role::FullAccessProvider);
        let g = s
            .require(Permission::ViewClient, s.started_at, Duration::minutes(15))
            .unwrap();
        assert_eq!(g.user_id(), s.user_id);
        assert_eq!(g.organization_id(), s.organization_id);
    }

    #[test]
    fn a_session_ends_twelve_hours_after_it_started_however_active() {
        let s = session(Role::FullAccessProvider);
        let mut busy = s.clone();
        busy.last_active_at = s.started_at + Duration::hours(12) - Duration::seconds(1);
        let at = |d: Duration| s.started_at + d;
        assert!(busy
            .require(
                Permission::ViewClient,
                at(Duration::hours(12) - Duration::seconds(1)),
                Duration::minutes(15)
            )
            .is_ok());
        assert_eq!(
            busy.require(
                Permission::ViewClient,
                at(Duration::hours(12)),
                Duration::minutes(15)
            )
            .unwrap_err(),
            SessionError::LifetimeReached
        );
    }

    #[test]
    fn a_permission_outside_the_role_is_forbidden() {
        let s = session(Role::ViewOnlyNonProvider);
        let e = s.require(
            Permission::AddImmunizations,
            s.started_at,
            Duration::minutes(15),
        );
        assert_eq!(
            e.unwrap_err(),
            SessionError::Forbidden(Permission::AddImmunizations)
        );
    }

    #[test]
    fn an_idle_session_expires_even_for_allowed_permissions() {
        let s = session(Role::FullAccessState);
        let later = s.last_active_at + Duration::minutes(16);
        let e = s.require(Permission::ViewClient, later, Duration::minutes(15));
        assert_eq!(e.unwrap_err(), SessionError::Expired { idle_seconds: 900 });
    }
}
