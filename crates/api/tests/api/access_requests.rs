//! The electronic access-request workflow end to end on a real database: supervisor → emailed
//! User Agreement → registry review → account and emailed credentials; with the refusals.

use std::path::{Path, PathBuf};

use shotbook_api::access_requests::{
    access_request_options, access_request_queue, approve_access_request, get_access_request,
    list_access_requests, open_user_agreement, reject_access_request, return_access_request,
    save_access_request_draft, sign_user_agreement, submit_access_request,
};
use shotbook_api::auth::{sign_in, sign_out};
use shotbook_api::dto::{
    AccessRequestDetail, AccessRequestForm, AccessRequestIdRequest, DecideAccessRequestRequest,
    OpenUserAgreementRequest, SaveAccessRequestRequest, SignInRequest, SignInStep,
    SignUserAgreementRequest,
};
use shotbook_api::mail::Mailer;
use shotbook_api::{AppContext, AppError};
use shotbook_core::access_request::AGREEMENT_STATEMENT_IDS;
use time::Duration;

use crate::support::{audit_actions, complete_sign_in, credentials, fixture, Fixture};

pub fn with_outbox(f: Fixture) -> (Fixture, PathBuf) {
    let dir = std::env::temp_dir().join(format!("shotbook-outbox-{}", uuid::Uuid::now_v7()));
    let Fixture { ctx, clock, ana } = f;
    (
        Fixture {
            ctx: ctx.with_mailer(Mailer::Outbox(dir.clone())),
            clock,
            ana,
        },
        dir,
    )
}

/// The emails sent to `address`, as text.
pub fn emails_to(outbox: &Path, address: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Vec::new();
    };
    entries
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter(|text| text.contains(&format!("To: {address}")))
        .collect()
}

/// The value after `label` in the one email to `address` that has it.
pub fn emailed(outbox: &Path, address: &str, label: &str) -> String {
    let values: Vec<String> = emails_to(outbox, address)
        .iter()
        .flat_map(|text| {
            text.lines()
                .filter_map(|l| l.strip_prefix(label))
                .map(|v| v.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        values.len(),
        1,
        "one {label:?} emailed to {address}: {values:?}"
    );
    values[0].clone()
}

/// Nancy Nurse, the imMTrax guide's example, at Big Sky Family Medicine (MT0001).
pub fn nancy() -> AccessRequestForm {
    AccessRequestForm {
        request_type: "new_access".into(),
        organization_code: String::new(),
        existing_username: String::new(),
        legal_first_name: "Nancy".into(),
        legal_middle_name: String::new(),
        legal_last_name: "Nurse".into(),
        date_of_birth: "03-20-1982".into(),
        phone: "(406) 444-1234".into(),
        email: "nancy.nurse@sphealth.org".into(),
        prior_access: "No".into(),
        employer: "Big Sky Family Medicine".into(),
        job_title: "Clinic RN".into(),
        location_name: "Big Sky Family Medicine - Grand Ave".into(),
        vfc_pin: "2102".into(),
        address: "2900 Grand Ave".into(),
        city: "Billings".into(),
        state: "MT".into(),
        county: "Yellowstone".into(),
        zip: "59102".into(),
        start_date: "11/22/2026".into(),
        end_date: String::new(),
        access_requested: "read_only_with_consent".into(),
        justification: "Nancy needs to know what immunizations her patients are due for.".into(),
        supervisor_name: "Stacy Halvorsen".into(),
        supervisor_title: "Clinic Manager".into(),
        attestation: true,
    }
}

pub fn save(form: AccessRequestForm) -> SaveAccessRequestRequest {
    SaveAccessRequestRequest {
        request_id: None,
        form,
    }
}

pub fn id(detail: &AccessRequestDetail) -> AccessRequestIdRequest {
    AccessRequestIdRequest {
        request_id: detail.summary.id.clone(),
    }
}

pub fn signature(number: &str, code: &str) -> SignUserAgreementRequest {
    SignUserAgreementRequest {
        request_number: number.into(),
        code: code.into(),
        accepted: AGREEMENT_STATEMENT_IDS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        facility_name: "Big Sky Family Medicine".into(),
        job_title: "Clinic RN".into(),
        full_legal_name: "Nancy N. Nurse, RN".into(),
        date: "11/22/2026".into(),
        signature_confirmed: true,
    }
}

fn fields(err: AppError) -> Vec<String> {
    match err {
        AppError::Validation { issues } => issues.into_iter().map(|i| i.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

pub async fn as_user(ctx: &AppContext, org: &str, user: &str) {
    sign_out(ctx).await.unwrap();
    complete_sign_in(ctx, credentials(org, user)).await;
}

#[tokio::test]
async fn a_new_user_is_requested_signs_the_agreement_is_approved_and_must_change_the_password() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    as_user(ctx, "MT0001", "mt.supervisor").await;

    // The form offers Montana's access levels and is pre-filled with the organization.
    let options = access_request_options(ctx).await.unwrap();
    assert_eq!(options.registry_name, "imMTrax");
    let roles: Vec<&str> = options.roles.iter().map(|r| r.code.as_str()).collect();
    assert!(roles.contains(&"read_only_with_consent") && !roles.contains(&"full_access_provider"));
    assert_eq!(options.blank_form.employer, "Big Sky Family Medicine");
    assert_eq!(options.blank_form.county, "Yellowstone");
    assert_eq!(options.organization.locations.len(), 2);

    // A half-filled form is kept as a draft, with a request number.
    let half = AccessRequestForm {
        legal_first_name: "Nancy".into(),
        ..options.blank_form.clone()
    };
    let draft = save_access_request_draft(ctx, save(half)).await.unwrap();
    assert_eq!(draft.summary.status, "draft");
    assert!(
        draft.summary.request_number.starts_with("REQ01"),
        "{}",
        draft.summary.request_number
    );
    assert_eq!(draft.form.legal_first_name, "Nancy");
    assert!(draft.editable);

    // Submitting it validates every field; the draft keeps what was typed.
    let err = submit_access_request(
        ctx,
        SaveAccessRequestRequest {
            request_id: Some(draft.summary.id.clone()),
            form: draft.form.clone(),
        },
    )
    .await
    .unwrap_err();
    let missing = fields(err);
    assert!(
        missing.contains(&"legalLastName".to_string())
            && missing.contains(&"attestation".to_string()),
        "{missing:?}"
    );

    let submitted = submit_access_request(
        ctx,
        SaveAccessRequestRequest {
            request_id: Some(draft.summary.id.clone()),
            form: nancy(),
        },
    )
    .await
    .unwrap();
    let number = submitted.summary.request_number.clone();
    assert_eq!(
        number, draft.summary.request_number,
        "the draft's number is kept"
    );
    assert_eq!(submitted.summary.status, "awaiting_agreement");
    assert_eq!(submitted.form.phone, "406-444-1234", "stored as validated");
    assert_eq!(submitted.form.date_of_birth, "03/20/1982");
    assert!(!submitted.editable);

    // The prospective user is emailed the request number and a code.
    assert_eq!(
        emailed(&outbox, "nancy.nurse@sphealth.org", "Request number:"),
        number
    );
    let code = emailed(&outbox, "nancy.nurse@sphealth.org", "Agreement code:");

    // A lost email: the supervisor sends a new code; the old one stops working.
    let resent = shotbook_api::access_requests::resend_user_agreement(ctx, id(&submitted))
        .await
        .unwrap();
    assert_eq!(resent.summary.status, "awaiting_agreement");
    let codes: Vec<String> = emails_to(&outbox, "nancy.nurse@sphealth.org")
        .iter()
        .flat_map(|t| {
            t.lines()
                .filter_map(|l| l.strip_prefix("Agreement code:"))
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(codes.len(), 2);
    let old = code;
    let code = codes.into_iter().find(|c| *c != old).expect("a new code");

    // The supervisor cannot sign for the user, even with the code.
    let err = sign_user_agreement(ctx, signature(&number, &code))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let err = open_user_agreement(
        ctx,
        OpenUserAgreementRequest {
            request_number: number.clone(),
            code: code.clone(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");

    // Signed out, the user opens the agreement with number and code from the email.
    sign_out(ctx).await.unwrap();
    let err = open_user_agreement(
        ctx,
        OpenUserAgreementRequest {
            request_number: number.clone(),
            code: "AAAA-AAAA".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(fields(err), ["code"]);
    let err = open_user_agreement(
        ctx,
        OpenUserAgreementRequest {
            request_number: number.clone(),
            code: old.clone(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(fields(err), ["code"], "the first code no longer works");
    let agreement = open_user_agreement(
        ctx,
        OpenUserAgreementRequest {
            request_number: number.to_lowercase(),
            code: code.to_lowercase().replace('-', ""),
        },
    )
    .await
    .unwrap();
    assert_eq!(agreement.user_name, "Nancy Nurse");
    assert_eq!(agreement.statements.len(), 8);
    assert_eq!(agreement.today, "11/22/2026");

    // Every statement is checked on its own.
    let mut partial = signature(&number, &code);
    partial.accepted.retain(|s| s != "sixMonthInactivation");
    partial.full_legal_name = "Stacy Halvorsen".into();
    assert_eq!(
        fields(sign_user_agreement(ctx, partial).await.unwrap_err()),
        ["statements.sixMonthInactivation", "fullLegalName"]
    );
    let signed = sign_user_agreement(ctx, signature(&number, &code))
        .await
        .unwrap();
    assert_eq!(signed.request_number, number);
    let err = sign_user_agreement(ctx, signature(&number, &code))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict { .. }),
        "signed once: {err:?}"
    );

    // Registry staff see it in their queue and review it beside the agreement.
    as_user(ctx, "MTREG", "mt.registry").await;
    let queue = access_request_queue(ctx).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].status, "awaiting_review");
    assert_eq!(queue[0].age_business_days, 0);
    assert!(!queue[0].overdue);
    let review = get_access_request(ctx, id(&submitted)).await.unwrap();
    let agreement = review.agreement.clone().expect("the signed agreement");
    assert_eq!(agreement.full_legal_name, "Nancy N. Nurse, RN");
    assert_eq!(agreement.statements.len(), 8);
    assert!(review.approvable);

    let approved = approve_access_request(ctx, id(&submitted)).await.unwrap();
    assert_eq!(approved.summary.status, "approved");
    let account = approved.subject_account.expect("the new account");
    assert_eq!(account.username, "nancy.nurse");
    assert_eq!(account.organizations[0].code, "MT0001");
    assert_eq!(
        account.organizations[0].role_title,
        "Read Only with Consent"
    );
    assert!(access_request_queue(ctx).await.unwrap().is_empty());

    // The user signs in with the emailed temporary password and must change it.
    assert_eq!(
        emailed(&outbox, "nancy.nurse@sphealth.org", "Username:"),
        "nancy.nurse"
    );
    assert_eq!(
        emailed(&outbox, "nancy.nurse@sphealth.org", "Organization code:"),
        "MT0001"
    );
    let temporary = emailed(&outbox, "nancy.nurse@sphealth.org", "Temporary password:");
    sign_out(ctx).await.unwrap();
    let step = sign_in(
        ctx,
        SignInRequest {
            organization_code: "MT0001".into(),
            username: "nancy.nurse".into(),
            password: temporary,
            captcha: None,
            remember: false,
        },
    )
    .await
    .unwrap();
    assert!(
        matches!(step, SignInStep::ChangePassword { .. }),
        "{step:?}"
    );

    let actions: Vec<String> = audit_actions(ctx)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for expected in [
        "access_request_saved",
        "access_request_submitted",
        "user_agreement_refused",
        "user_agreement_signed",
        "access_request_viewed",
        "account_created",
        "access_changed",
        "access_request_approved",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} not audited: {actions:?}"
        );
    }
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn roles_without_user_management_and_other_organizations_are_refused() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    as_user(ctx, "MT0001", "mt.readonly").await;
    let err = submit_access_request(ctx, save(nancy())).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    assert!(matches!(
        access_request_options(ctx).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));
    assert!(matches!(
        access_request_queue(ctx).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));

    // A Texas supervisor cannot request access at a Montana (or another Texas) organization.
    as_user(ctx, "TX0001", "tx.supervisor").await;
    for org in ["MT0001", "TX0002"] {
        let form = AccessRequestForm {
            organization_code: org.into(),
            ..nancy()
        };
        let err = save_access_request_draft(ctx, save(form))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden { .. }), "{org}: {err:?}");
    }
    // Supervisors do not approve.
    assert!(matches!(
        access_request_queue(ctx).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));

    // Montana registry staff cannot touch a Texas request; Texas state staff can.
    let texas = AccessRequestForm {
        access_requested: "full_access_provider".into(),
        state: "TX".into(),
        county: "Travis".into(),
        city: "Austin".into(),
        zip: "78702".into(),
        ..nancy()
    };
    let submitted = submit_access_request(ctx, save(texas)).await.unwrap();
    as_user(ctx, "MTREG", "mt.registry").await;
    assert!(
        access_request_queue(ctx).await.unwrap().is_empty(),
        "Montana's queue holds Montana requests"
    );
    let err = get_access_request(ctx, id(&submitted)).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let err = approve_access_request(ctx, id(&submitted))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");

    // Texas state staff see it, but cannot approve before the user signs.
    as_user(ctx, "TXDSHS", "tx.state").await;
    assert_eq!(access_request_queue(ctx).await.unwrap().len(), 1);
    let err = approve_access_request(ctx, id(&submitted))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn nobody_decides_a_request_they_submitted() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    // State staff may both request and approve, but not their own request.
    as_user(ctx, "TXDSHS", "tx.state").await;
    let form = AccessRequestForm {
        request_type: "permissions_change".into(),
        organization_code: "TX0001".into(),
        existing_username: "tx.provider".into(),
        access_requested: "provider_supervisor".into(),
        state: "TX".into(),
        county: "Travis".into(),
        ..nancy()
    };
    let submitted = submit_access_request(ctx, save(form)).await.unwrap();
    assert_eq!(
        submitted.summary.status, "awaiting_review",
        "a permissions change needs no new agreement"
    );
    let err = approve_access_request(ctx, id(&submitted))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let err = reject_access_request(
        ctx,
        DecideAccessRequestRequest {
            request_id: submitted.summary.id.clone(),
            reason: "no".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn a_returned_request_shows_the_reason_and_can_be_corrected_and_resubmitted() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    as_user(ctx, "MT0001", "mt.supervisor").await;
    let submitted = submit_access_request(ctx, save(nancy())).await.unwrap();
    let code = emailed(&outbox, "nancy.nurse@sphealth.org", "Agreement code:");
    let number = submitted.summary.request_number.clone();
    sign_out(ctx).await.unwrap();
    sign_user_agreement(ctx, signature(&number, &code))
        .await
        .unwrap();

    as_user(ctx, "MTREG", "mt.registry").await;
    let err = return_access_request(
        ctx,
        DecideAccessRequestRequest {
            request_id: submitted.summary.id.clone(),
            reason: "  ".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(fields(err), ["reason"]);
    let returned = return_access_request(
        ctx,
        DecideAccessRequestRequest {
            request_id: submitted.summary.id.clone(),
            reason: "Record Maintenance fits a Clinic RN who records doses; please confirm.".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(returned.summary.status, "returned");
    let err = approve_access_request(ctx, id(&submitted))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    // The supervisor is emailed the reason too.
    assert_eq!(
        emails_to(&outbox, "mt.supervisor@demo.shotbook.invalid").len(),
        1
    );

    as_user(ctx, "MT0001", "mt.supervisor").await;
    let mine = list_access_requests(ctx).await.unwrap();
    assert_eq!(mine[0].status, "returned");
    assert!(mine[0]
        .decision_reason
        .as_deref()
        .unwrap()
        .contains("Record Maintenance"));
    let corrected = AccessRequestForm {
        access_requested: "record_maintenance".into(),
        ..nancy()
    };
    let resubmitted = submit_access_request(
        ctx,
        SaveAccessRequestRequest {
            request_id: Some(submitted.summary.id.clone()),
            form: corrected,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        resubmitted.summary.status, "awaiting_review",
        "the signed agreement is kept"
    );
    assert_eq!(resubmitted.summary.access_requested, "Record Maintenance");

    as_user(ctx, "MTREG", "mt.registry").await;
    let rejected = reject_access_request(
        ctx,
        DecideAccessRequestRequest {
            request_id: submitted.summary.id.clone(),
            reason: "Duplicate of another request.".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(rejected.summary.status, "rejected");
    as_user(ctx, "MT0001", "mt.supervisor").await;
    let err = submit_access_request(
        ctx,
        SaveAccessRequestRequest {
            request_id: Some(submitted.summary.id.clone()),
            form: nancy(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict { .. }),
        "a rejection is final: {err:?}"
    );
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn the_queue_is_oldest_first_and_flags_requests_waiting_over_three_business_days() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    as_user(ctx, "MT0001", "mt.supervisor").await;
    // Sunday 11/22: the first request.
    let first = submit_access_request(ctx, save(nancy())).await.unwrap();
    f.clock.advance(Duration::days(2));
    as_user(ctx, "MT0001", "mt.supervisor").await;
    let second = AccessRequestForm {
        legal_first_name: "Oscar".into(),
        email: "oscar@sphealth.org".into(),
        start_date: "11/24/2026".into(),
        ..nancy()
    };
    submit_access_request(ctx, save(second)).await.unwrap();
    // Saturday 11/28: five business days after the first, three after the second.
    f.clock.advance(Duration::days(4));
    as_user(ctx, "MTREG", "mt.registry").await;
    let queue = access_request_queue(ctx).await.unwrap();
    let seen: Vec<(&str, i32, bool)> = queue
        .iter()
        .map(|r| (r.user_name.as_str(), r.age_business_days, r.overdue))
        .collect();
    assert_eq!(seen, [("Nancy Nurse", 5, true), ("Oscar Nurse", 3, false)]);
    assert_eq!(queue[0].id, first.summary.id);
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn a_permissions_change_and_an_access_deletion_change_the_account_when_approved() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    as_user(ctx, "TX0001", "tx.supervisor").await;
    let texas = |kind: &str, user: &str| AccessRequestForm {
        request_type: kind.into(),
        existing_username: user.into(),
        prior_access: "yes".into(),
        state: "TX".into(),
        county: "Travis".into(),
        ..nancy()
    };
    // A user who does not work here cannot be changed.
    let err = submit_access_request(
        ctx,
        save(AccessRequestForm {
            access_requested: "provider_supervisor".into(),
            ..texas("permissions_change", "tx.school")
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(fields(err), ["existingUsername"]);
    let change = submit_access_request(
        ctx,
        save(AccessRequestForm {
            access_requested: "provider_supervisor".into(),
            ..texas("permissions_change", "tx.provider")
        }),
    )
    .await
    .unwrap();
    let deletion = submit_access_request(
        ctx,
        save(AccessRequestForm {
            start_date: String::new(),
            access_requested: String::new(),
            end_date: "11/22/2026".into(),
            ..texas("access_deletion", "tx.float")
        }),
    )
    .await
    .unwrap();
    assert_eq!(deletion.summary.status, "awaiting_review");

    as_user(ctx, "TXDSHS", "tx.state").await;
    let changed = approve_access_request(ctx, id(&change)).await.unwrap();
    let account = changed.subject_account.unwrap();
    assert_eq!(account.username, "tx.provider");
    assert_eq!(account.organizations[0].role_title, "Provider Supervisor");
    approve_access_request(ctx, id(&deletion)).await.unwrap();

    // tx.float can no longer sign in at TX0001, but still at TX0002.
    sign_out(ctx).await.unwrap();
    let err = sign_in(ctx, credentials("TX0001", "tx.float"))
        .await
        .unwrap_err();
    assert_eq!(err, AppError::AccessEnded);
    sign_in(ctx, credentials("TX0002", "tx.float"))
        .await
        .unwrap();
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn a_change_of_employer_moves_the_account_and_ends_the_old_access() {
    let (f, outbox) = with_outbox(fixture().await);
    let ctx = &f.ctx;
    as_user(ctx, "MT0001", "mt.supervisor").await;
    let move_joe = AccessRequestForm {
        request_type: "change_employer".into(),
        existing_username: "mt.vaccines".into(),
        prior_access: "yes".into(),
        legal_first_name: "Joe".into(),
        legal_last_name: "Brennan".into(),
        email: "joe.brennan@bigsky.example.org".into(),
        access_requested: "vaccine_management".into(),
        ..nancy()
    };
    let submitted = submit_access_request(ctx, save(move_joe)).await.unwrap();
    assert_eq!(submitted.summary.status, "awaiting_agreement");
    let code = emailed(&outbox, "joe.brennan@bigsky.example.org", "Agreement code:");
    sign_out(ctx).await.unwrap();
    sign_user_agreement(
        ctx,
        SignUserAgreementRequest {
            full_legal_name: "Joseph Joe Brennan".into(),
            ..signature(&submitted.summary.request_number, &code)
        },
    )
    .await
    .unwrap();
    as_user(ctx, "MTREG", "mt.registry").await;
    approve_access_request(ctx, id(&submitted)).await.unwrap();
    sign_out(ctx).await.unwrap();
    assert_eq!(
        sign_in(ctx, credentials("MT0002", "mt.vaccines"))
            .await
            .unwrap_err(),
        AppError::AccessEnded
    );
    complete_sign_in(ctx, credentials("MT0001", "mt.vaccines")).await;
    std::fs::remove_dir_all(outbox).ok();
}
