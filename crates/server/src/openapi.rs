//! The API's OpenAPI 3.1 document, generated from the handlers' and types' annotations (so it
//! cannot drift from the code), served at `GET /v1/openapi.json` and committed as
//! `docs/api/openapi.json` (a test fails when the committed copy is stale).

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{access_requests, auth, clients, error, search, sync};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shotbook registry API",
        version = "1",
        description = "The state immunization registry's API for Shotbook workstations and other clients. Every request but sign-in, refresh, health and readiness carries `Authorization: Bearer <access token>`. Dates are MM/DD/YYYY; errors are `ErrorBody`."
    ),
    paths(
        crate::health,
        crate::ready,
        auth::sign_in,
        auth::sign_in_with_new_password,
        auth::refresh,
        auth::sign_out,
        auth::me,
        clients::immunizations,
        clients::record_historical_doses,
        access_requests::list,
        access_requests::queue,
        access_requests::get_one,
        access_requests::save_draft,
        access_requests::submit,
        access_requests::resend_agreement,
        access_requests::approve,
        access_requests::return_request,
        access_requests::reject,
        access_requests::open_agreement,
        access_requests::sign_agreement,
        access_requests::end_access,
        search::basic,
        search::smart,
        search::quick,
        sync::status,
        sync::pull,
        sync::snapshot,
        sync::push,
        crate::hl7::vxu,
        crate::hl7::qbp,
    ),
    components(schemas(error::ErrorBody, error::FieldIssue, error::CaptchaChallenge)),
    modifiers(&BearerTokens),
    tags(
        (name = "operations", description = "Health and readiness for load balancers"),
        (name = "sign-in", description = "Signing in, tokens, signing out"),
        (name = "clients", description = "A client's record"),
        (name = "access-requests", description = "Requesting, approving and ending registry access; the User Agreement"),
        (name = "search", description = "Client search: Basic, Smart and Quick, as on a workstation"),
        (name = "hl7", description = "HL7 v2.5.1 (CDC IG 1.5) over HTTPS POST: VXU^V04 in, ACK^V04 out; QBP^Q11 in, RSP^K11 out"),
        (name = "sync", description = "Filling and refreshing a workstation's replica of its organization: status, snapshot, pull, push"),
    )
)]
pub struct ApiDoc;

struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("PASETO v4.local".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document as pretty JSON (what is committed).
pub fn document_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}
