//! FHIR R4 (4.0.1) reads on the registry, JSON only, under `/fhir/r4`: the CapabilityStatement
//! (`metadata`), Patient read and search (`family`, `given`, `birthdate`, all three: the
//! screens' Basic search), and Immunization search by `patient` (US Core Immunization's
//! must-support elements). The same use cases as every other door: the consent rule trims
//! what a Patient shows (identification only without consent; no contacts for a school), a
//! school reaches only the children it serves, and every Patient listed or read and every
//! immunization history answered is audited. Refusals are OperationOutcomes.

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use shotbook_core::consent::ClientAccess;
use shotbook_core::ids::ClientId;
use shotbook_core::immunization::entry::DoseSource;
use shotbook_core::search::{BasicSearch, BasicSearchInput};
use shotbook_usecases::ports::{ClientLine, ImmunizationReads};
use shotbook_usecases::{clients, need, search, Permit, UseCaseError};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::AppState;

const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";
const CVX_SYSTEM: &str = "http://hl7.org/fhir/sid/cvx";
const REGISTRY_ID_SYSTEM: &str = "urn:shotbook:client-id";

fn resource(status: StatusCode, body: Value) -> Response {
    (status, [(CONTENT_TYPE, FHIR_JSON)], body.to_string()).into_response()
}

/// An OperationOutcome for a refusal or a failure (never quoting client data).
fn outcome(status: StatusCode, code: &str, diagnostics: &str) -> Response {
    resource(
        status,
        json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }]
        }),
    )
}

fn refused(error: ApiError) -> Response {
    match error {
        ApiError::UseCase(UseCaseError::Forbidden { permission }) => outcome(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("Refused: {permission}."),
        ),
        ApiError::UseCase(UseCaseError::ConsentRestricted(r)) => outcome(
            StatusCode::FORBIDDEN,
            "suppressed",
            &format!("The record is restricted ({}).", r.code()),
        ),
        ApiError::UseCase(UseCaseError::NotFound(what)) => outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("No such {what}."),
        ),
        ApiError::UseCase(UseCaseError::Invalid(v)) => outcome(
            StatusCode::BAD_REQUEST,
            "invalid",
            &v.issues
                .iter()
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => other.into_response(),
    }
}

fn no_such_patient() -> Response {
    outcome(StatusCode::NOT_FOUND, "not-found", "No such Patient.")
}

/// `GET /fhir/r4/metadata`.
pub async fn metadata() -> Response {
    resource(
        StatusCode::OK,
        json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-12-07",
            "kind": "instance",
            "software": { "name": "Shotbook registry", "version": env!("CARGO_PKG_VERSION") },
            "implementation": { "description": "Shotbook immunization information system" },
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "rest": [{
                "mode": "server",
                "security": {
                    "description": "A bearer access token from POST /v1/sign-in; the consent rule and the role decide what is shown, and every read is audited."
                },
                "resource": [
                    {
                        "type": "Patient",
                        "supportedProfile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"],
                        "interaction": [{ "code": "read" }, { "code": "search-type" }],
                        "searchParam": [
                            { "name": "family", "type": "string" },
                            { "name": "given", "type": "string" },
                            { "name": "birthdate", "type": "date" }
                        ]
                    },
                    {
                        "type": "ImmunizationRecommendation",
                        "supportedProfile": ["http://hl7.org/fhir/us/immds/StructureDefinition/immds-immunizationrecommendation"],
                        "interaction": [{ "code": "search-type" }],
                        "searchParam": [{ "name": "patient", "type": "reference" }]
                    },
                    {
                        "type": "Immunization",
                        "supportedProfile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-immunization"],
                        "interaction": [{ "code": "search-type" }],
                        "searchParam": [{ "name": "patient", "type": "reference" }]
                    }
                ]
            }]
        }),
    )
}

fn gender(code: &str) -> &'static str {
    match code {
        "F" => "female",
        "M" => "male",
        "X" => "other",
        _ => "unknown",
    }
}

/// A Patient from a result line (already trimmed by the consent rule and the facility rule).
fn patient_of_line(line: &ClientLine) -> Value {
    let mut given = vec![line.first_name.clone()];
    given.extend(line.middle_name.clone());
    let mut patient = json!({
        "resourceType": "Patient",
        "id": line.id.to_string(),
        "name": [{ "family": line.last_name, "given": given }],
        "gender": gender(&line.gender),
        "birthDate": line.date_of_birth,
    });
    if let Some(id) = &line.registry_id {
        patient["identifier"] = json!([{ "system": REGISTRY_ID_SYSTEM, "value": id }]);
    }
    if line.city.is_some() || line.state.is_some() || line.zip.is_some() {
        patient["address"] = json!([{
            "city": line.city, "state": line.state, "postalCode": line.zip
        }]);
    }
    patient
}

/// `GET /fhir/r4/Patient/{id}`: the Patient as the consent rule shows it to the caller.
pub async fn read_patient(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
) -> Response {
    let Ok(client) = id.parse::<ClientId>() else {
        return no_such_patient();
    };
    let Ok(permit) = Permit::<need::ViewClient>::check(who.actor) else {
        return refused(ApiError::UseCase(UseCaseError::Forbidden {
            permission: "view_client",
        }));
    };
    let access: ClientAccess =
        match clients::open_record(&state.registry, &permit, state.clock.as_ref(), client).await {
            Ok(a) => a,
            Err(e) => return refused(e.into()),
        };
    let row = match state.registry.patient_row(client).await {
        Ok(Some(r)) => r,
        Ok(None) => return no_such_patient(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut given = vec![row.first_name.clone()];
    given.extend(row.middle_name.clone());
    let mut patient = json!({
        "resourceType": "Patient",
        "id": client.to_string(),
        "name": [{ "family": row.last_name, "given": given }],
        "gender": gender(&row.gender),
        "birthDate": row.date_of_birth,
    });
    if let Some(id) = &row.registry_id {
        patient["identifier"] = json!([{ "system": REGISTRY_ID_SYSTEM, "value": id }]);
    }
    if let Some(kept) = row.merged_into {
        patient["active"] = json!(false);
        patient["link"] =
            json!([{ "other": { "reference": format!("Patient/{kept}") }, "type": "replaced-by" }]);
    }
    if access.is_full() && access.contacts {
        patient["address"] = json!([{
            "line": row.address_line1.iter().collect::<Vec<_>>(),
            "city": row.city, "state": row.state, "postalCode": row.zip
        }]);
        if let Some(phone) = &row.phone {
            patient["telecom"] = json!([{ "system": "phone", "value": phone }]);
        }
    }
    resource(StatusCode::OK, patient)
}

/// Patient search parameters.
#[derive(Debug, Deserialize)]
pub struct PatientSearch {
    family: Option<String>,
    given: Option<String>,
    birthdate: Option<String>,
}

fn bundle(entries: Vec<Value>) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": entries.len(),
        "entry": entries.into_iter().map(|r| {
            let url = format!("{}/{}", r["resourceType"].as_str().unwrap_or_default(), r["id"].as_str().unwrap_or_default());
            json!({ "fullUrl": url, "resource": r, "search": { "mode": "match" } })
        }).collect::<Vec<_>>()
    })
}

/// `GET /fhir/r4/Patient?family=&given=&birthdate=YYYY-MM-DD`: the screens' Basic search.
pub async fn search_patients(
    State(state): State<AppState>,
    who: Authenticated,
    Query(params): Query<PatientSearch>,
) -> Response {
    let Ok(permit) = Permit::<need::SearchClients>::check(who.actor) else {
        return refused(ApiError::UseCase(UseCaseError::Forbidden {
            permission: "search_clients",
        }));
    };
    // FHIR dates are ISO; the search form reads MM/DD/YYYY.
    let birthdate = params
        .birthdate
        .as_deref()
        .map(|d| match d.split('-').collect::<Vec<_>>().as_slice() {
            [y, m, day] => format!("{m}/{day}/{y}"),
            _ => d.to_string(),
        })
        .unwrap_or_default();
    let criteria = match BasicSearch::parse(
        BasicSearchInput {
            last_name: params.family.as_deref().unwrap_or_default(),
            first_name: params.given.as_deref().unwrap_or_default(),
            date_of_birth: &birthdate,
            ..BasicSearchInput::default()
        },
        state.clock.today(),
    ) {
        Ok(c) => c,
        Err(v) => return refused(ApiError::UseCase(UseCaseError::Invalid(v))),
    };
    match search::basic(&state.registry, &permit, state.clock.as_ref(), &criteria).await {
        Ok(found) => resource(
            StatusCode::OK,
            bundle(
                found
                    .clients
                    .iter()
                    .map(|l| patient_of_line(&l.client))
                    .collect(),
            ),
        ),
        Err(e) => refused(e.into()),
    }
}

/// Immunization and ImmunizationRecommendation search parameters.
#[derive(Debug, Deserialize)]
pub struct ImmunizationSearch {
    patient: Option<String>,
}

/// The client a history search names, once the consent rule has let the caller see the whole
/// record (the read audited), or the OperationOutcome refusing it.
async fn opened_history(
    state: &AppState,
    who: Authenticated,
    params: ImmunizationSearch,
) -> Result<ClientId, Box<Response>> {
    let Some(reference) = params.patient else {
        return Err(Box::new(outcome(
            StatusCode::BAD_REQUEST,
            "required",
            "Search by patient.",
        )));
    };
    let Ok(client) = reference.trim_start_matches("Patient/").parse::<ClientId>() else {
        return Err(Box::new(no_such_patient()));
    };
    let Ok(permit) = Permit::<need::ViewClient>::check(who.actor) else {
        return Err(Box::new(refused(ApiError::UseCase(
            UseCaseError::Forbidden {
                permission: "view_client",
            },
        ))));
    };
    clients::open_full_record(&state.registry, &permit, state.clock.as_ref(), client)
        .await
        .map_err(|e| Box::new(refused(e.into())))?;
    Ok(client)
}

/// `GET /fhir/r4/Immunization?patient={id}`: the client's doses (voided ones as
/// `entered-in-error`), when the consent rule shows the caller the whole record.
pub async fn search_immunizations(
    State(state): State<AppState>,
    who: Authenticated,
    Query(params): Query<ImmunizationSearch>,
) -> Response {
    let client = match opened_history(&state, who, params).await {
        Ok(client) => client,
        Err(refusal) => return *refusal,
    };
    let doses = match state.registry.doses_of(client).await {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let names = match crate::clients::vaccine_names(&state.registry, &doses).await {
        Ok(names) => names,
        Err(e) => return e.into_response(),
    };
    let mut entries = Vec::with_capacity(doses.len());
    for d in doses {
        let display = names.get(&d.cvx);
        let mut immunization = json!({
            "resourceType": "Immunization",
            "id": d.id.to_string(),
            "status": if d.voided { "entered-in-error" } else { "completed" },
            "vaccineCode": { "coding": [{ "system": CVX_SYSTEM, "code": d.cvx, "display": display }] },
            "patient": { "reference": format!("Patient/{client}") },
            "occurrenceDateTime": d.administered_on.to_string(),
            "primarySource": d.source == DoseSource::Administered,
        });
        if d.source == DoseSource::Historical {
            immunization["reportOrigin"] = json!({ "text": "historical record" });
        }
        if let Some(lot) = &d.lot_number {
            immunization["lotNumber"] = json!(lot);
        }
        if let Some(on) = d.expiration_date {
            immunization["expirationDate"] = json!(on.to_string());
        }
        entries.push(immunization);
    }
    resource(StatusCode::OK, bundle(entries))
}

/// `GET /fhir/r4/ImmunizationRecommendation?patient={id}`: the CDSi forecast per vaccine group
/// as of today, computed as the desktop's "Vaccines recommended" and RSP Z42 compute it, when
/// the consent rule shows the caller the whole record.
pub async fn search_recommendations(
    State(state): State<AppState>,
    who: Authenticated,
    Query(params): Query<ImmunizationSearch>,
) -> Response {
    let client = match opened_history(&state, who, params).await {
        Ok(client) => client,
        Err(refusal) => return *refusal,
    };
    let clock = state.clock.as_ref();
    let (row, doses) = match (
        state.registry.patient_row(client).await,
        state.registry.doses_of(client).await,
    ) {
        (Ok(Some(row)), Ok(doses)) => (row, doses),
        (Ok(None), _) => return no_such_patient(),
        (Err(e), _) => return ApiError::from(e).into_response(),
        (_, Err(e)) => return ApiError::from(e).into_response(),
    };
    let doses: Vec<_> = doses.into_iter().filter(|d| !d.voided).collect();
    let today = clock.today();
    let subject = (row.date_of_birth.as_str(), row.gender.as_str());
    let evaluated = match crate::hl7::evaluate(&state, client, subject, &doses, today).await {
        Ok(e) => e,
        Err(e) => return e.into_response(),
    };
    let iso = |d: Option<time::Date>| d.map(|d| d.to_string());
    let recommendations: Vec<Value> = evaluated
        .forecast
        .groups
        .iter()
        .filter_map(|g| {
            let status = match g.status.as_str() {
                "Complete" => "complete",
                "Immune" => "immune",
                "Contraindicated" => "contraindicated",
                "Not Complete" if g.overdue.is_some_and(|d| d <= today) => "overdue",
                "Not Complete" => "due",
                // Aged out, not recommended: nothing to recommend.
                _ => return None,
            };
            let mut criteria = Vec::new();
            for (loinc, display, date) in [
                ("30981-5", "Earliest date to give", g.earliest),
                ("30980-7", "Date vaccine due", g.recommended),
                ("59778-1", "Date when overdue for immunization", g.overdue),
                ("59777-3", "Latest date to give immunization", g.latest),
            ] {
                if let Some(value) = iso(date) {
                    criteria.push(json!({
                        "code": { "coding": [{ "system": "http://loinc.org", "code": loinc, "display": display }] },
                        "value": value
                    }));
                }
            }
            let mut recommendation = json!({
                "vaccineCode": [{ "coding": [{ "system": CVX_SYSTEM, "code": g.vaccine_group_cvx, "display": g.vaccine_group }] }],
                "forecastStatus": { "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status",
                    "code": status
                }], "text": g.status },
                "dateCriterion": criteria,
            });
            if let Some(n) = g.dose_number {
                recommendation["doseNumberPositiveInt"] = json!(n);
            }
            Some(recommendation)
        })
        .collect();
    let recommendation = json!({
        "resourceType": "ImmunizationRecommendation",
        "id": format!("{client}-{today}"),
        "patient": { "reference": format!("Patient/{client}") },
        "date": today.to_string(),
        "authority": { "display": "CDC CDSi (ACIP schedule) via Shotbook" },
        "recommendation": recommendations,
    });
    resource(StatusCode::OK, bundle(vec![recommendation]))
}
