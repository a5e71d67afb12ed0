//! The port contract against the in-memory registry.

use shotbook_core::codes::Cvx;
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::dose::{AdministeredDose, DoseProduct};
use shotbook_core::immunization::entry::{LotFacts, VaccineFacts};
use shotbook_core::immunization::lot::FundingSource;
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::contract::{self, Setup, BORN};
use shotbook_usecases::memory::{MemoryRegistry, MemoryState};
use shotbook_usecases::ports::{ClientFacts, StoredLot};
use shotbook_usecases::{immunizations, need, Permit};
use time::macros::date;

fn vaccine(cvx: &str, name: &str, group: &str) -> (String, VaccineFacts) {
    (
        cvx.to_string(),
        VaccineFacts {
            cvx: Cvx::parse(cvx).unwrap(),
            short_description: name.into(),
            status: "Active".into(),
            groups: vec![group.into()],
        },
    )
}

fn registry() -> (MemoryRegistry, Setup) {
    let setup = Setup {
        clinic: OrganizationId::new(),
        nurse: UserId::new(),
        client: ClientId::new(),
        lot: VaccineLotId::new(),
    };
    let mut state = MemoryState::default();
    state.clients.insert(
        setup.client,
        ClientFacts {
            date_of_birth: BORN,
            consent: ConsentStatus::Granted,
            organizations: vec![setup.clinic],
        },
    );
    state.vaccines.extend([
        vaccine("03", "MMR", "MMR"),
        vaccine("21", "varicella", "VARICELLA"),
    ]);
    state.lots.insert(
        setup.lot,
        StoredLot {
            id: setup.lot,
            facts: LotFacts {
                lot_number: "R024551".into(),
                organization_id: setup.clinic,
                cvx: Cvx::parse("03").unwrap(),
                expires_on: date!(2027 - 12 - 31),
                on_hand: 3,
            },
            mvx: Some("MSD".into()),
            ndc: Some("00006-4681-01".into()),
            funding: Some(FundingSource::Vfc),
        },
    );
    (MemoryRegistry::new(state), setup)
}

#[tokio::test]
async fn a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back() {
    let (r, setup) = registry();
    contract::a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back(&r, &setup).await;
}

#[tokio::test]
async fn a_warned_dose_is_saved_only_once_confirmed() {
    let (r, setup) = registry();
    contract::a_warned_dose_is_saved_only_once_confirmed(&r, &setup).await;
}

#[tokio::test]
async fn another_organization_cannot_void_a_dose() {
    let (r, setup) = registry();
    contract::another_organization_cannot_void_a_dose(&r, &setup).await;
}

#[tokio::test]
async fn a_shot_card_is_saved_whole_or_not_at_all() {
    let (r, setup) = registry();
    contract::a_shot_card_is_saved_whole_or_not_at_all(&r, &setup).await;
}

#[tokio::test]
async fn an_interface_message_logs_its_changes_as_interface_and_audits_the_sender() {
    let (r, setup) = registry();
    let permit =
        Permit::<need::AddImmunizations>::check(contract::interface_actor(&setup)).unwrap();
    let dose = AdministeredDose {
        client: setup.client,
        administered_on: date!(2026 - 12 - 01),
        product: DoseProduct::FromLot(setup.lot),
        details: Default::default(),
        vis: None,
    };
    let saved = immunizations::record_administered(&r, &permit, &contract::clock(), dose, true)
        .await
        .unwrap();
    let state = r.snapshot();
    let logged: Vec<_> = state
        .changes
        .iter()
        .filter(|c| c.entity == Entity::Immunization && c.op == ChangeOp::Insert)
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].id, saved.ids[0].to_string());
    assert_eq!(logged[0].origin.source, contract::INTERFACE_SOURCE);
    assert_eq!(logged[0].origin.node, "EHR-CONTRACT");
    assert_eq!(state.audit.len(), 1);
    assert_eq!(state.audit[0].workstation, "interface:EHR-CONTRACT");
}

#[tokio::test]
async fn lots_are_received_and_adjusted_within_the_organization() {
    let (r, setup) = registry();
    contract::lots_are_received_and_adjusted_within_the_organization(&r, &setup).await;
}

fn access_registry() -> (MemoryRegistry, contract::AccessSetup) {
    use shotbook_core::organization::OrganizationKind;
    use shotbook_core::permission::Role;
    use shotbook_usecases::memory::MemoryAccount;
    use shotbook_usecases::ports::{AccountFacts, Membership, OrganizationFacts};

    let setup = contract::AccessSetup {
        clinic: OrganizationId::new(),
        other_clinic: OrganizationId::new(),
        registry: OrganizationId::new(),
        supervisor: UserId::new(),
        other_supervisor: UserId::new(),
        staff: UserId::new(),
        state_admin: UserId::new(),
    };
    let mut state = MemoryState::default();
    for (id, code, kind, county) in [
        (
            setup.clinic,
            "MT9001",
            OrganizationKind::Provider,
            "Yellowstone",
        ),
        (
            setup.other_clinic,
            "MT9002",
            OrganizationKind::Provider,
            "Cascade",
        ),
        (
            setup.registry,
            "MT0000",
            OrganizationKind::Registry,
            "Lewis and Clark",
        ),
    ] {
        state.organizations.insert(
            id,
            OrganizationFacts {
                id,
                code: code.into(),
                name: format!("Organization {code}"),
                kind,
                state: "MT".into(),
                county: county.into(),
            },
        );
    }
    for (user, username, organization, role) in [
        (
            setup.supervisor,
            "contract.supervisor",
            setup.clinic,
            Role::AuthorizingOfficial,
        ),
        (
            setup.other_supervisor,
            "other.supervisor",
            setup.other_clinic,
            Role::AuthorizingOfficial,
        ),
        (
            setup.staff,
            "contract.staff",
            setup.registry,
            Role::RegistryStaff,
        ),
        (
            setup.state_admin,
            "contract.admin",
            setup.registry,
            Role::FullAccessState,
        ),
    ] {
        state.accounts.insert(
            user,
            MemoryAccount {
                facts: AccountFacts {
                    username: username.into(),
                    first_name: "Contract".into(),
                    last_name: username.into(),
                    email: format!("{username}@example.org"),
                    active: true,
                    locked: false,
                },
                password_hash: "x".into(),
                must_change_password: false,
            },
        );
        state.memberships.insert(
            (user, organization),
            Membership {
                role: role.code().into(),
                access_ends: None,
            },
        );
    }
    (MemoryRegistry::new(state), setup)
}

#[tokio::test]
async fn submit_sign_approve_creates_the_account_with_a_temporary_password() {
    let (r, setup) = access_registry();
    contract::submit_sign_approve_creates_the_account_with_a_temporary_password(&r, &setup).await;
    let state = r.snapshot();
    let nancy = state
        .accounts
        .values()
        .find(|a| a.facts.username == "nancy.nurse")
        .unwrap();
    assert!(nancy.must_change_password);
    assert!(nancy.password_hash.starts_with("hash:Temp-"));
}

#[tokio::test]
async fn nobody_decides_their_own_request() {
    let (r, setup) = access_registry();
    contract::nobody_decides_their_own_request(&r, &setup).await;
}

#[tokio::test]
async fn scope_refuses_another_organizations_request() {
    let (r, setup) = access_registry();
    contract::scope_refuses_another_organizations_request(&r, &setup).await;
}
