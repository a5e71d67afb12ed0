//! Test fixtures: a context over an in-memory database with the demo organizations and users,
//! a clock the test can move, and a few clients with doses.

use std::sync::{Arc, Mutex};

use shotbook_api::dto::{SignInRequest, SignInStep, SignedInUser};
use shotbook_api::AppContext;
use shotbook_core::clock::Clock;
use shotbook_core::ids::ClientId;
use shotbook_store::clients::{self, NewClient};
use shotbook_store::immunizations::{self, NewImmunization};
use shotbook_store::Store;
use shotbook_synth::demo::{seed_organizations_and_users, DEMO_PASSWORD};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const START: OffsetDateTime = datetime!(2026-11-22 14:00 UTC);

/// A clock tests can move forward.
#[derive(Debug, Clone)]
pub struct TestClock(Arc<Mutex<OffsetDateTime>>);

/// A test clock at [`START`].
pub fn clock_at_start() -> TestClock {
    TestClock(Arc::new(Mutex::new(START)))
}

impl TestClock {
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

pub struct Fixture {
    pub ctx: AppContext,
    pub clock: TestClock,
    pub ana: ClientId,
}

pub async fn fixture() -> Fixture {
    let store = Store::open_in_memory().await.unwrap();
    seed_organizations_and_users(&store, START).await.unwrap();
    let ana = add_client(&store, "Ana", "García", "2019-03-14").await;
    add_client(&store, "Ana", "Garcia-Lopez", "2018-07-01").await;
    add_client(&store, "Benjamin", "Running Crane", "2024-01-15").await;
    let mut tx = store.begin().await.unwrap();
    for (cvx, mvx, on, source) in [
        ("08", "MSD", "2019-03-14", "administered"),
        ("110", "SKB", "2019-05-20", "administered"),
        ("94", "MSD", "2020-03-20", "historical"),
    ] {
        let dose = NewImmunization {
            client_id: ana,
            cvx: cvx.into(),
            mvx: Some(mvx.into()),
            administered_on: on.into(),
            source: source.into(),
            ..Default::default()
        };
        immunizations::insert_in_tx(&mut tx, &dose, START)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let clock = TestClock(Arc::new(Mutex::new(START)));
    let ctx = AppContext::new(store, Arc::new(clock.clone()));
    Fixture { ctx, clock, ana }
}

pub async fn add_client(store: &Store, first: &str, last: &str, dob: &str) -> ClientId {
    add_client_at(store, first, last, dob, ("Billings", "MT", "59101")).await
}

/// A client living at `(city, state, ZIP)`, consent granted.
pub async fn add_client_at(
    store: &Store,
    first: &str,
    last: &str,
    dob: &str,
    (city, state, zip): (&str, &str, &str),
) -> ClientId {
    let client = NewClient {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: dob.into(),
        gender: "F".into(),
        consent: "granted".into(),
        city: Some(city.into()),
        state: Some(state.into()),
        zip: Some(zip.into()),
        ..Default::default()
    };
    let mut tx = store.begin().await.unwrap();
    clients::insert_in_tx(&mut tx, &client, START)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    client.id
}

pub fn credentials(org: &str, user: &str) -> SignInRequest {
    SignInRequest {
        organization_code: org.into(),
        username: user.into(),
        password: DEMO_PASSWORD.into(),
        captcha: None,
        remember: false,
    }
}

/// Signs in all the way: credentials, "I Agree", and the typed organization if asked.
pub async fn complete_sign_in(ctx: &AppContext, request: SignInRequest) -> SignedInUser {
    let org = request.organization_code.clone();
    let step = shotbook_api::auth::sign_in(ctx, request)
        .await
        .expect("credentials accepted");
    assert!(
        matches!(step, SignInStep::Confidentiality { .. }),
        "{step:?}"
    );
    match shotbook_api::auth::accept_confidentiality(ctx)
        .await
        .unwrap()
    {
        SignInStep::SignedIn { user } => *user,
        SignInStep::ChooseOrganization { .. } => shotbook_api::auth::choose_organization(
            ctx,
            shotbook_api::dto::ChooseOrganizationRequest {
                organization_code: org,
            },
        )
        .await
        .unwrap(),
        other => panic!("unexpected step {other:?}"),
    }
}

pub async fn signed_in_as(org: &str, user: &str) -> Fixture {
    let f = fixture().await;
    complete_sign_in(&f.ctx, credentials(org, user)).await;
    f
}

/// Audit actions recorded so far, oldest first.
pub async fn audit_actions(ctx: &AppContext) -> Vec<(String, Option<String>)> {
    let mut rows = shotbook_store::audit::recent(ctx.store(), 1000)
        .await
        .unwrap();
    rows.reverse();
    rows.into_iter().map(|r| (r.action, r.client_id)).collect()
}
