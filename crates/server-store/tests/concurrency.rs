//! What PostgreSQL must keep right when units of work run at once (the server serves many
//! workstations; SQLite's single writer never had to): a lot's last dose is drawn once, and
//! audit entries appended together still form one chain.

use std::time::Duration;

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::entry::DoseSource;
use shotbook_protocol::{ChangeSource, Origin};
use shotbook_server_store::setup::{self, NewClient, NewOrganization, NewUser};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{audit, PgRegistry};
use shotbook_usecases::contract;
use shotbook_usecases::ports::{
    AuditWrites, DoseRecord, ImmunizationWrites, LotReads, LotWrites, Registry, UnitOfWork,
};
use time::macros::{date, datetime};
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-12-06 10:00 UTC);

fn origin() -> Origin {
    Origin {
        source: ChangeSource::Local,
        node: "concurrency-test".into(),
    }
}

struct Clinic {
    clinic: OrganizationId,
    nurse: UserId,
    client: ClientId,
    lot: VaccineLotId,
}

/// A clinic, its nurse, a client, and a lot holding one dose.
async fn clinic_with_one_dose(r: &PgRegistry) -> Clinic {
    let (clinic, nurse, client) = (OrganizationId::new(), UserId::new(), ClientId::new());
    let mut work = r.begin_as(ChangeSource::Local, NOW).await.unwrap();
    setup::insert_organization(
        &mut work,
        &NewOrganization {
            id: clinic,
            code: "MT9001".into(),
            name: "Busy Clinic".into(),
            kind: "provider".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            city: "Billings".into(),
            vfc_pin: None,
        },
    )
    .await
    .unwrap();
    setup::insert_user(
        &mut work,
        &NewUser {
            id: nurse,
            username: "busy.nurse".into(),
            password_hash: "x".into(),
            first_name: "B".into(),
            last_name: "N".into(),
            email: "b@example.org".into(),
            phone: None,
        },
    )
    .await
    .unwrap();
    setup::insert_client(
        &mut work,
        &NewClient {
            id: client,
            registry_id: None,
            first_name: "Ana".into(),
            last_name: "Busy".into(),
            date_of_birth: date!(2020 - 01 - 01),
            gender: "F".into(),
            consent: ConsentStatus::Granted,
            home_organization: Some(clinic),
        },
    )
    .await
    .unwrap();
    let lot = work
        .receive_lot(clinic, &contract::mmr_lot("1"), Some("M-M-R II"), nurse)
        .await
        .unwrap();
    work.commit().await.unwrap();
    Clinic {
        clinic,
        nurse,
        client,
        lot,
    }
}

fn dose(c: &Clinic) -> DoseRecord {
    DoseRecord {
        id: ImmunizationId::new(),
        client: c.client,
        cvx: "03".into(),
        mvx: Some("MSD".into()),
        administered_on: date!(2026 - 12 - 01),
        lot_number: Some("R024551".into()),
        expiration_date: Some(date!(2027 - 12 - 31)),
        source: DoseSource::Administered,
        organization: Some(c.clinic),
        details: Default::default(),
        funding_source: None,
        ndc: None,
        vis: None,
        historical_provider: None,
        recorded_by: c.nurse,
        recorded_by_organization: c.clinic,
    }
}

#[tokio::test]
async fn the_last_dose_of_a_lot_is_drawn_once_by_two_workstations_at_once() {
    let db = TestDatabase::create("concurrency-test").await.unwrap();
    let r = db.registry().clone();
    let c = clinic_with_one_dose(&r).await;
    let mut first = r.begin(origin(), NOW).await.unwrap();
    assert!(first.insert_dose_from_lot(&dose(&c), c.lot).await.unwrap());
    // The second draw waits on the first's row lock, then sees the lot empty.
    let second = {
        let (r, d, lot) = (r.clone(), dose(&c), c.lot);
        tokio::spawn(async move {
            let mut work = r.begin(origin(), NOW).await.unwrap();
            let drawn = work.insert_dose_from_lot(&d, lot).await.unwrap();
            work.commit().await.unwrap();
            drawn
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second draw waits for the first");
    first.commit().await.unwrap();
    assert!(!second.await.unwrap(), "an empty lot gives no dose");
    let lot = r.lot(c.lot).await.unwrap().unwrap();
    assert_eq!(lot.facts.on_hand, 0);
    let (doses,): (i64,) =
        shotbook_server_store::sqlx::query_as("SELECT count(*) FROM immunizations")
            .fetch_one(r.pool())
            .await
            .unwrap();
    assert_eq!(doses, 1);
}

#[tokio::test]
async fn audit_entries_appended_at_once_form_one_chain() {
    let db = TestDatabase::create("concurrency-test").await.unwrap();
    let r = db.registry().clone();
    let appends: Vec<_> = (0..8)
        .map(|i| {
            let r = r.clone();
            tokio::spawn(async move {
                let mut work = r.begin(origin(), NOW).await.unwrap();
                work.audit(&AuditEvent {
                    at: NOW,
                    user_id: Some(UserId::new()),
                    organization_id: None,
                    workstation: format!("pc-{i}"),
                    action: AuditAction::ViewClient,
                    client_id: Some(ClientId::new()),
                    detail: None,
                })
                .await
                .unwrap();
                // Hold the transaction open a little, as a use case does between its writes.
                tokio::time::sleep(Duration::from_millis(20)).await;
                UnitOfWork::commit(work).await.unwrap();
            })
        })
        .collect();
    for append in appends {
        append.await.unwrap();
    }
    assert_eq!(audit::verify_chain(&r).await.unwrap(), Ok(8));
}
