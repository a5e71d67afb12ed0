//! Who acts, through which door, and the permit that proves their role allows it.

use std::marker::PhantomData;

use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_core::session::Session;
use shotbook_protocol::{ChangeSource, Origin};

use crate::UseCaseError;

/// How the actor reached the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A user at a Shotbook workstation.
    Workstation {
        /// The machine's name.
        name: String,
    },
    /// An interface sender: an EHR's HL7 or FHIR endpoint, acting for a registered user.
    Interface {
        /// The sending facility or client id.
        sender: String,
    },
    /// The sync engine applying changes that a user made elsewhere.
    SyncPeer {
        /// The workstation that made them.
        node: String,
    },
}

/// The user, organization and role a use case acts for, and how they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// The organization they act for.
    pub organization_id: OrganizationId,
    /// Their role at that organization.
    pub role: Role,
    /// That organization's state (two letters): state-scoped roles hold the records of their
    /// own state only.
    pub state: String,
    /// What kind of organization it is: schools and child care reach only the children they
    /// serve ([`shotbook_core::facility`]).
    pub organization_kind: OrganizationKind,
    /// How they came.
    pub via: Via,
}

impl Actor {
    /// The signed-in user of a desktop session, at `workstation`.
    pub fn at_workstation(session: &Session, workstation: &str) -> Self {
        Self {
            user_id: session.user_id,
            organization_id: session.organization_id,
            role: session.role,
            state: session.organization_state.clone(),
            organization_kind: session.organization_kind,
            via: Via::Workstation {
                name: workstation.to_string(),
            },
        }
    }

    /// The origin of the changes this actor writes.
    pub fn origin(&self) -> Origin {
        self.via.origin()
    }

    /// An audit event of this actor acting for its organization, at its place.
    pub fn audit_event(
        &self,
        at: time::OffsetDateTime,
        action: shotbook_core::audit::AuditAction,
        client: Option<shotbook_core::ids::ClientId>,
        detail: Option<String>,
    ) -> shotbook_core::audit::AuditEvent {
        shotbook_core::audit::AuditEvent {
            at,
            user_id: Some(self.user_id),
            organization_id: Some(self.organization_id),
            workstation: self.audit_place(),
            action,
            client_id: client,
            detail,
        }
    }

    /// What the audit log records as the place of the event.
    pub fn audit_place(&self) -> String {
        self.via.audit_place()
    }
}

impl Via {
    /// The origin of the changes written through this door.
    pub fn origin(&self) -> Origin {
        match self {
            Via::Workstation { name } => Origin {
                source: ChangeSource::Local,
                node: name.clone(),
            },
            Via::Interface { sender } => Origin {
                source: ChangeSource::Interface,
                node: sender.clone(),
            },
            Via::SyncPeer { node } => Origin {
                source: ChangeSource::Sync,
                node: node.clone(),
            },
        }
    }

    /// What the audit log records as the place of the event.
    pub fn audit_place(&self) -> String {
        match self {
            Via::Workstation { name } => name.clone(),
            Via::Interface { sender } => format!("interface:{sender}"),
            Via::SyncPeer { node } => format!("sync:{node}"),
        }
    }
}

pub use shotbook_core::permission::{need, Need};

/// Proof that an actor's role holds the permission `P`. Made only by [`Permit::check`]; every
/// use case that writes takes one, so skipping the check does not compile.
#[derive(Debug, Clone)]
pub struct Permit<P: Need> {
    actor: Actor,
    need: PhantomData<P>,
}

impl<P: Need> Permit<P> {
    /// Checks the actor's role against `P`.
    pub fn check(actor: Actor) -> Result<Self, UseCaseError> {
        if actor.role.grants(P::PERMISSION) {
            Ok(Self {
                actor,
                need: PhantomData,
            })
        } else {
            Err(UseCaseError::Forbidden {
                permission: P::PERMISSION.code(),
            })
        }
    }

    /// Who holds it.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, via: Via) -> Actor {
        Actor {
            user_id: UserId::new(),
            organization_id: OrganizationId::new(),
            role,
            state: "MT".into(),
            organization_kind: shotbook_core::organization::OrganizationKind::Provider,
            via,
        }
    }

    #[test]
    fn a_permit_is_refused_when_the_role_lacks_the_permission() {
        let school = actor(
            Role::ViewOnlyNonProvider,
            Via::Workstation { name: "w".into() },
        );
        let refused = Permit::<need::AddImmunizations>::check(school.clone()).unwrap_err();
        assert!(matches!(
            refused,
            UseCaseError::Forbidden {
                permission: "add_immunizations"
            }
        ));
        assert!(Permit::<need::ViewClient>::check(school).is_ok());
    }

    #[test]
    fn the_door_decides_the_change_source_and_the_audit_place() {
        let ehr = actor(
            Role::FullAccessProvider,
            Via::Interface {
                sender: "EPIC-LSP".into(),
            },
        );
        assert_eq!(ehr.origin().source, ChangeSource::Interface);
        assert_eq!(ehr.audit_place(), "interface:EPIC-LSP");
        let peer = actor(
            Role::FullAccessProvider,
            Via::SyncPeer {
                node: "clinic-2".into(),
            },
        );
        assert_eq!(peer.origin().source, ChangeSource::Sync);
        let desk = actor(
            Role::FullAccessProvider,
            Via::Workstation { name: "pc".into() },
        );
        assert_eq!(desk.origin().source, ChangeSource::Local);
        assert_eq!(desk.audit_place(), "pc");
    }
}
