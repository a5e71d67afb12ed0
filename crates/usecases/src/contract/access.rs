//! The access-request workflow through the ports: submit → sign → approve creates the account
//! with a temporary password; nobody decides their own request; scope keeps a supervisor to
//! their organization.

use shotbook_core::access_request::{AgreementInput, RequestForm, RequestStatus};
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::permission::Role;

use super::clock;
use crate::access_requests::{self, AgreementProof};
use crate::memory::MemoryHost;
use crate::ports::{Mail, Registry};
use crate::{need, Actor, Permit, UseCaseError, Via};

/// What a registry must hold before an access contract function runs, all in Montana:
/// `clinic` (a provider, org code `MT9001`, Yellowstone County) and `other_clinic` (a
/// provider, `MT9002`, Cascade County), each with an Authorizing Official (`supervisor`,
/// `other_supervisor`); the registry's office `registry` (kind registry, Lewis and Clark
/// County) with a Registry Staff member (`staff`) and a Full Access State user
/// (`state_admin`). Every account is active, unlocked, with an email; no account is named
/// `nancy.nurse`.
#[derive(Debug, Clone, Copy)]
pub struct AccessSetup {
    /// The clinic.
    pub clinic: OrganizationId,
    /// Another clinic.
    pub other_clinic: OrganizationId,
    /// The registry's office.
    pub registry: OrganizationId,
    /// The clinic's Authorizing Official.
    pub supervisor: UserId,
    /// The other clinic's Authorizing Official.
    pub other_supervisor: UserId,
    /// Registry staff.
    pub staff: UserId,
    /// A Full Access State user (may both submit and approve).
    pub state_admin: UserId,
}

fn actor(user: UserId, organization: OrganizationId, role: Role) -> Actor {
    Actor {
        user_id: user,
        organization_id: organization,
        role,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation {
            name: "contract-pc".into(),
        },
    }
}

/// A New Access request for Nancy Nurse at the clinic, as a supervisor types it.
pub fn nancy_form() -> RequestForm {
    RequestForm {
        request_type: "new_access".into(),
        organization_code: "MT9001".into(),
        legal_first_name: "Nancy".into(),
        legal_last_name: "Nurse".into(),
        date_of_birth: "03/20/1982".into(),
        phone: "406-444-1234".into(),
        email: "nancy.nurse@example.org".into(),
        prior_access: "No".into(),
        employer: "Contract Clinic".into(),
        job_title: "Clinic RN".into(),
        location_name: "Contract Clinic".into(),
        address: "1 Main Street".into(),
        city: "Billings".into(),
        state: "MT".into(),
        county: "Yellowstone".into(),
        zip: "59101".into(),
        start_date: "12/06/2026".into(),
        access_requested: "read_only_with_consent".into(),
        justification: "Nancy needs to see which immunizations her patients are due for.".into(),
        supervisor_name: "Stacy Supervisor".into(),
        supervisor_title: "Clinic Manager".into(),
        attestation: true,
        ..RequestForm::default()
    }
}

/// Submitted by the clinic's supervisor, Nancy signs with the mailed code, registry staff
/// approve: the account `nancy.nurse` exists with the role asked for, its password is the
/// temporary one mailed to her (to change at the first sign-in).
///
/// Returns Nancy's account and the temporary password mailed to her (the sign-in contract
/// starts from them).
pub async fn submit_sign_approve_creates_the_account_with_a_temporary_password<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) -> (UserId, String) {
    let host = MemoryHost::default();
    let supervisor = Permit::<need::ManageOrganizationUsers>::check(actor(
        setup.supervisor,
        setup.clinic,
        Role::AuthorizingOfficial,
    ))
    .unwrap();
    let id = access_requests::submit(registry, &supervisor, &clock(), &host, None, nancy_form())
        .await
        .expect("a complete request is submitted");
    let row = registry.access_request(id).await.unwrap();
    assert_eq!(row.status, RequestStatus::AwaitingAgreement);
    assert_eq!(row.form.phone, "406-444-1234");
    let Some(Mail::AgreementCode {
        to, code, number, ..
    }) = queued(registry).await.pop()
    else {
        panic!("the agreement code is queued: {:?}", queued(registry).await);
    };
    assert_eq!(to, "nancy.nurse@example.org");
    assert_eq!(number, row.number);

    let staff = Permit::<need::ApproveAccessRequests>::check(actor(
        setup.staff,
        setup.registry,
        Role::RegistryStaff,
    ))
    .unwrap();
    let early = access_requests::approve(registry, &staff, &clock(), &host, id)
        .await
        .unwrap_err();
    assert!(
        matches!(early, UseCaseError::Conflict(_)),
        "not before the agreement: {early:?}"
    );

    let proof = AgreementProof {
        number: &number,
        code: &code.to_lowercase(),
        via: Via::Workstation {
            name: "contract-pc".into(),
        },
        signed_in: None,
    };
    let accepted: Vec<String> = shotbook_core::access_request::AGREEMENT_STATEMENT_IDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let input = AgreementInput {
        accepted: &accepted,
        facility_name: "Contract Clinic",
        job_title: "Clinic RN",
        full_legal_name: "Nancy N. Nurse, RN",
        date: "12/06/2026",
        signature_confirmed: true,
    };
    access_requests::sign_agreement(registry, &clock(), &host, &proof, &input)
        .await
        .expect("the code opens the agreement");
    assert_eq!(
        registry.access_request(id).await.unwrap().status,
        RequestStatus::AwaitingReview
    );

    let user = access_requests::approve(registry, &staff, &clock(), &host, id)
        .await
        .expect("registry staff approve");
    let row = registry.access_request(id).await.unwrap();
    assert_eq!(row.status, RequestStatus::Approved);
    assert_eq!(row.subject, Some(user));
    let account = registry.account(user).await.unwrap();
    assert_eq!(account.username, "nancy.nurse");
    assert!(account.active && !account.locked);
    let membership = registry
        .membership(user, setup.clinic)
        .await
        .unwrap()
        .expect("a member of the clinic");
    assert_eq!(membership.role, "read_only_with_consent");
    match queued(registry).await.pop() {
        Some(Mail::Approved {
            to,
            username,
            temporary_password: Some(temporary),
            organization_code,
            ..
        }) => {
            assert_eq!(to, "nancy.nurse@example.org");
            assert_eq!(username, "nancy.nurse");
            assert_eq!(organization_code, "MT9001");
            assert!(!temporary.is_empty());
            (user, temporary)
        }
        other => panic!("credentials are mailed: {other:?}"),
    }
}

/// Someone who may both submit and approve (Full Access State) cannot approve, return or
/// reject a request they submitted; nothing changes.
pub async fn nobody_decides_their_own_request<R: Registry>(registry: &R, setup: &AccessSetup) {
    let host = MemoryHost::default();
    let admin = actor(setup.state_admin, setup.registry, Role::FullAccessState);
    let submitter = Permit::<need::ManageOrganizationUsers>::check(admin.clone()).unwrap();
    let form = RequestForm {
        // A permissions change needs no agreement: straight to review. The state admin
        // reaches the clinic (same state).
        request_type: "permissions_change".into(),
        existing_username: "contract.supervisor".into(),
        prior_access: "Yes".into(),
        ..nancy_form()
    };
    let id = access_requests::submit(registry, &submitter, &clock(), &host, None, form)
        .await
        .expect("the state admin submits for a clinic of the state");
    assert_eq!(
        registry.access_request(id).await.unwrap().status,
        RequestStatus::AwaitingReview
    );
    let decider = Permit::<need::ApproveAccessRequests>::check(admin).unwrap();
    let refused = access_requests::approve(registry, &decider, &clock(), &host, id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            UseCaseError::Forbidden {
                permission: "approve_access_requests"
            }
        ),
        "{refused:?}"
    );
    let refused = access_requests::decide(
        registry,
        &decider,
        &clock(),
        &host,
        id,
        access_requests::Decision::Reject,
        "no",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(refused, UseCaseError::Forbidden { .. }),
        "{refused:?}"
    );
    assert_eq!(
        registry.access_request(id).await.unwrap().status,
        RequestStatus::AwaitingReview,
        "nothing changed"
    );
    assert!(queued(registry).await.is_empty(), "nothing mailed");
}

/// A supervisor reaches their own organization only: another clinic's request cannot be
/// read, resent or edited, nor a request made for another clinic's org code, nor another
/// clinic's user's access ended.
pub async fn scope_refuses_another_organizations_request<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) {
    let host = MemoryHost::default();
    let mine = Permit::<need::ManageOrganizationUsers>::check(actor(
        setup.supervisor,
        setup.clinic,
        Role::AuthorizingOfficial,
    ))
    .unwrap();
    let id = access_requests::submit(registry, &mine, &clock(), &host, None, nancy_form())
        .await
        .unwrap();
    let theirs = Permit::<need::ManageOrganizationUsers>::check(actor(
        setup.other_supervisor,
        setup.other_clinic,
        Role::AuthorizingOfficial,
    ))
    .unwrap();
    let forbidden = |e: UseCaseError| matches!(e, UseCaseError::Forbidden { .. });
    let e = access_requests::request_for_supervisor(registry, &theirs, id)
        .await
        .unwrap_err();
    assert!(forbidden(e));
    let e = access_requests::resend_agreement(registry, &theirs, &clock(), &host, id)
        .await
        .unwrap_err();
    assert!(forbidden(e));
    let e = access_requests::save_draft(registry, &theirs, &clock(), None, nancy_form())
        .await
        .unwrap_err();
    assert!(forbidden(e), "MT9001 is not theirs");
    let e = access_requests::end_user_access(
        registry,
        &theirs,
        &clock(),
        "MT9001",
        "contract.supervisor",
        "left employment",
    )
    .await
    .unwrap_err();
    assert!(forbidden(e));
    assert_eq!(
        queued(registry).await.len(),
        1,
        "only the first agreement code"
    );
    assert_eq!(
        registry.access_request(id).await.unwrap().status,
        RequestStatus::AwaitingAgreement
    );
}

/// The mail the registry's units of work queued (and no delivery has sent yet), oldest first.
async fn queued<R: Registry>(registry: &R) -> Vec<Mail> {
    registry
        .unsent_mail()
        .await
        .expect("the mail queue is readable")
        .into_iter()
        .map(|q| q.mail)
        .collect()
}

/// An emailed agreement code is 60 bits, works for 14 days and for 10 wrong tries on its
/// request, however the tries come; the supervisor's resend issues a new code and starts both
/// again. Every refusal is audited; the right code past either limit is refused too.
pub async fn an_agreement_code_expires_and_stops_after_ten_wrong_tries<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) {
    use shotbook_core::access_request::{AGREEMENT_CODE_ATTEMPTS, AGREEMENT_CODE_VALIDITY};
    use shotbook_core::clock::FixedClock;

    let host = MemoryHost::default();
    let supervisor = Permit::<need::ManageOrganizationUsers>::check(actor(
        setup.supervisor,
        setup.clinic,
        Role::AuthorizingOfficial,
    ))
    .unwrap();
    let id = access_requests::submit(registry, &supervisor, &clock(), &host, None, nancy_form())
        .await
        .expect("a complete request is submitted");
    let emailed = |mail: Option<Mail>| match mail {
        Some(Mail::AgreementCode { code, number, .. }) => (code, number),
        other => panic!("an agreement code is mailed: {other:?}"),
    };
    let (code, number) = emailed(queued(registry).await.pop());
    assert_eq!(code.len(), 14, "three groups of four: {code}");
    let (host_ref, number_ref) = (&host, number.as_str());
    let open = move |code: String, at: time::OffsetDateTime| {
        let host = host_ref;
        async move {
            let proof = AgreementProof {
                number: number_ref,
                code: &code,
                via: Via::Workstation {
                    name: "home-pc".into(),
                },
                signed_in: None,
            };
            access_requests::open_agreement(registry, &FixedClock(at), host, &proof)
                .await
                .map(|_| ())
        }
    };
    let message = |result: Result<(), UseCaseError>| match result {
        Err(UseCaseError::Invalid(v)) if v.issues[0].field == "code" => v.issues[0].message.clone(),
        other => panic!("a refusal on the code field, not {other:?}"),
    };
    let soon = clock().0 + time::Duration::hours(1);
    open(code.clone(), soon)
        .await
        .expect("the emailed code opens it");
    for _ in 0..AGREEMENT_CODE_ATTEMPTS {
        let refused = message(open("ZZZZ-ZZZZ-ZZZZ".into(), soon).await);
        assert!(refused.contains("do not match"), "{refused}");
    }
    let refused = message(open(code.clone(), soon).await);
    assert!(refused.contains("Too many wrong codes"), "{refused}");

    access_requests::resend_agreement(registry, &supervisor, &clock(), &host, id)
        .await
        .expect("the supervisor resends it");
    let (fresh, _) = emailed(queued(registry).await.pop());
    assert_ne!(fresh, code);
    let refused = message(open(code, soon).await);
    assert!(
        refused.contains("do not match"),
        "the old code is gone: {refused}"
    );
    open(fresh.clone(), soon)
        .await
        .expect("the resent code opens it, the count started again");
    let late = clock().0 + AGREEMENT_CODE_VALIDITY + time::Duration::minutes(1);
    let refused = message(open(fresh, late).await);
    assert!(refused.contains("expired"), "{refused}");
}
