//! HL7 v2.5.1 over HTTPS POST: an EHR's VXU^V04 (Z22) filed through the same use cases as a
//! clinic's screens ([`shotbook_usecases::interface`]), answered by an ACK^V04 (Z23).
//!
//! The sender signs in as its organization's interface account (the bearer token of any user
//! with `add_immunizations`); its MSH-4 names it in every audit event (`interface:<MSH-4>`).
//! The body is the message itself (`application/hl7-v2`, ER7, UTF-8, at most 4 MiB); the
//! answer is always an ACK (content problems are in its ERR segments, never an HTTP error),
//! except when the token is missing or the role may not report doses (401/403, JSON), or the
//! registry could not store what it accepted (500: send the message again; doses already
//! recorded are then found already recorded, never twice).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use shotbook_core::consent::{ConsentMethod, ConsentStatus};
use shotbook_core::date::UsDate;
use shotbook_core::demographics::{
    person_record, Address, ConsentEntry, NewClientEntry, Personal, ResponsiblePerson,
};
use shotbook_core::error::IssueCollector;
use shotbook_core::ids::ClientId;
use shotbook_core::immunization::entry::DoseSource;
use shotbook_core::matching::{Dob, PersonRecord, Sex};
use shotbook_forecast::{Date as ForecastDate, Engine, EvaluationStatus};
use shotbook_hl7::ack::{ack_code, build_ack, ResponseContext};
use shotbook_hl7::codes::CodeSets;
use shotbook_hl7::header::Hd;
use shotbook_hl7::issue::{Hl7Issue, Location, Problem, Severity};
use shotbook_hl7::mapping::{CoreDose, GuardianForm, PatientForm};
use shotbook_hl7::qbp::{receive_qbp, Query};
use shotbook_hl7::rsp::{
    build_rsp, decide, vaccine_group_cvx, Body as RspBody, DoseEvaluation, Forecast as RspForecast,
    ForecastGroup, Found, Response as RspResponse, RspDose, RspPatient,
};
use shotbook_hl7::vxu::{receive_vxu, sort_issues, Name, PatientIdentifier, Received, Vxu};
use shotbook_usecases::forecast_input::{patient_of, StoredComment, StoredDose as StoredDoseInput};
use shotbook_usecases::interface::{self, DoseFate, Filed, Report, ReportedDose};
use shotbook_usecases::ports::ImmunizationReads;
use shotbook_usecases::{clients, need, search, Actor, Permit, UseCaseError, Via};
use time::Date;

use crate::auth::Authenticated;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

/// Largest message accepted (CDC's SOAP interface allows 4 MiB; so does this one).
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// The media type of an ER7 message.
const HL7_MEDIA_TYPE: &str = "application/hl7-v2; charset=utf-8";

/// `POST /v1/hl7/vxu`: one VXU^V04 in, its ACK^V04 out.
#[utoipa::path(post, path = "/v1/hl7/vxu", tag = "hl7", security(("bearer" = [])),
    request_body(content = String, content_type = "application/hl7-v2",
        description = "One VXU^V04 message (CDC IG 1.5, Z22), ER7, UTF-8, at most 4 MiB"),
    responses(
        (status = 200, description = "ACK^V04 (Z23): MSA-1 AA, AE (see ERR: an error rejects the message or one vaccination; warnings and information accept) or AR (unsupported type, event, processing ID, version, size)", content_type = "application/hl7-v2", body = String),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden`: the role may not report doses", body = ErrorBody),
        (status = 500, description = "The registry could not store the message: send it again", body = ErrorBody),
    ))]
pub async fn vxu(
    State(state): State<AppState>,
    who: Authenticated,
    body: Bytes,
) -> ApiResult<Response> {
    // Refused before anything is read when the role may not report doses.
    let permit = Permit::<need::AddImmunizations>::check(who.actor)?;
    let ack = receive_message(&state, permit.actor().clone(), &body).await?;
    Ok(([(CONTENT_TYPE, HL7_MEDIA_TYPE)], ack).into_response())
}

/// Files one VXU for `actor` (who may report doses) and returns its ACK. The sender named in
/// MSH-4 becomes the actor's interface place, so every audit event names it.
pub(crate) async fn receive_message(
    state: &AppState,
    actor: Actor,
    body: &[u8],
) -> ApiResult<String> {
    let clock = state.clock.as_ref();
    let today = clock.today();
    let mut received = receive_vxu(body, today, CodeSets::embedded());
    let sender = received
        .header
        .as_ref()
        .map(|h| h.sending_facility.namespace.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unnamed sender".into());
    let mut actor = actor;
    actor.via = Via::Interface {
        sender: sender.clone(),
    };
    let permit = Permit::<need::AddImmunizations>::check(actor)?;

    let mut filed: Option<ClientId> = None;
    let mut counts = Counts::default();
    if let (false, Some(vxu)) = (received.message_rejected(), received.vxu.clone()) {
        match report_of(&vxu, &received, today) {
            Err(issues) => received.issues.extend(issues),
            Ok((warnings, report, indexes)) => {
                received.issues.extend(warnings);
                let outcome =
                    interface::receive_report(&state.registry, &permit, clock, report).await?;
                filed = Some(outcome.filed.client());
                if let Filed::New {
                    possible_duplicates,
                    ..
                } = outcome.filed
                {
                    counts.new_client = true;
                    if possible_duplicates > 0 {
                        received.issues.push(Hl7Issue::new(
                            Problem::PatientQueuedForReview,
                            Some(Location::segment("PID", 1)),
                            format!(
                                "Added as a new patient; {possible_duplicates} possible match(es) wait for review by the registry."
                            ),
                        ));
                    }
                }
                for (fate, index) in outcome.doses.iter().zip(indexes) {
                    let rxa = Some(Location::segment("RXA", index as u32 + 1));
                    match fate {
                        DoseFate::Recorded(_) => counts.recorded += 1,
                        DoseFate::AlreadyRecorded(_) => {
                            counts.duplicate += 1;
                            received.issues.push(
                                Hl7Issue::new(
                                    Problem::VaccinationDuplicate,
                                    rxa,
                                    "The registry already holds this vaccination for the patient; not recorded again.",
                                )
                                .for_vaccination(index),
                            );
                        }
                        DoseFate::Refused(why) => {
                            counts.refused += 1;
                            received.issues.push(
                                Hl7Issue::new(Problem::VaccinationRefused, rxa, refusal_text(why))
                                    .for_vaccination(index),
                            );
                        }
                    }
                }
            }
        }
    }
    sort_issues(&mut received.issues);
    let context = response_context(clock.now(), &permit.actor().state);
    let control_id = context.control_id.clone();
    let ack = build_ack(received.header.as_ref(), &received.issues, &context);
    let incoming_id = received
        .header
        .as_ref()
        .map(|h| h.control_id.as_str())
        .unwrap_or("");
    interface::audit_message(
        &state.registry,
        &permit,
        clock,
        filed,
        format!(
            "VXU {incoming_id} from {sender} answered {} (ACK {control_id}): {}{} recorded, {} already held, {} refused, {} issue(s)",
            ack_code(&received.issues).code(),
            if counts.new_client { "new patient; " } else { "" },
            counts.recorded,
            counts.duplicate,
            counts.refused,
            received.issues.len()
        ),
    )
    .await?;
    Ok(ack)
}

#[derive(Default)]
struct Counts {
    new_client: bool,
    recorded: usize,
    duplicate: usize,
    refused: usize,
}

/// ERR-8 for a refused vaccination: the rule's code and sentence (never the patient's name or
/// birth date; the use cases' messages name fields, not values, for exactly this reason).
fn refusal_text(why: &UseCaseError) -> String {
    match why {
        UseCaseError::Invalid(v) => v
            .issues
            .iter()
            .map(|i| i.message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        UseCaseError::ConsentRestricted(r) => format!(
            "The patient's record is restricted ({}): record the patient's consent first.",
            r.code()
        ),
        UseCaseError::Forbidden { permission } => {
            format!("Refused by the registry's rules ({permission}).")
        }
        UseCaseError::NotFound(what) => format!("Refused: no such {what} in the registry."),
        UseCaseError::Conflict(reason) => format!("Refused: {reason}"),
        UseCaseError::SignInRefused(_) | UseCaseError::Storage(_) => {
            "Refused by the registry.".into()
        }
    }
}

/// The report the use case files, with the message index of each dose; or the patient's
/// problems, which reject the message (a patient the registry cannot record takes no dose).
fn report_of(
    vxu: &Vxu,
    received: &Received,
    today: Date,
) -> Result<(Vec<Hl7Issue>, Report, Vec<usize>), Vec<Hl7Issue>> {
    let pid = || Some(Location::segment("PID", 1));
    let Some(patient) = vxu.patient.as_ref() else {
        return Err(Vec::new()); // `pid.missing` already rejects the message
    };
    let form = PatientForm::of(patient);
    let explained = |e: shotbook_core::ValidationError, severity: Severity| -> Vec<Hl7Issue> {
        e.issues
            .into_iter()
            .map(|i| {
                Hl7Issue::new(
                    Problem::PatientRefused,
                    pid(),
                    format!("Patient field {}: {}", i.field, i.message),
                )
                .with_severity(severity)
            })
            .collect()
    };
    let mut issues = IssueCollector::new();
    let personal = Personal::parse(form.personal_input(), today, &mut issues);
    let personal = match (issues.finish(), personal) {
        (Ok(()), Some(personal)) => personal,
        (Err(e), _) => return Err(explained(e, Severity::Error)),
        (Ok(()), None) => return Err(Vec::new()),
    };
    // An address the registry's rules refuse is left out with a warning (MQE weighs address
    // problems, it never rejects a patient for them); the doses still count.
    let mut address_issues = IssueCollector::new();
    let parsed = Address::parse("address.", form.address_input(), &mut address_issues);
    let (address, address_warnings) = match address_issues.finish() {
        Ok(()) => (parsed, Vec::new()),
        Err(e) => (
            Address::parse("address.", Default::default(), &mut IssueCollector::new()),
            explained(e, Severity::Warning),
        ),
    };
    // A guardian the registry cannot read is left out, not a reason to refuse the child's doses.
    let guardian = vxu.guardians.first().and_then(|g| {
        let form = GuardianForm::of(g);
        let mut own = IssueCollector::new();
        ResponsiblePerson::parse("guardian.", form.input(), &mut own)
            .filter(|_| own.finish().is_ok())
    });
    let signal = vxu.preferences.as_ref().and_then(|p| p.consent_signal());
    // An opt-in registry: without PD1-12 "N" (do not protect) the sender has not said the
    // patient agreed to share, so the record is the sender's own until consent is recorded.
    let consent = ConsentEntry {
        status: signal.map_or(ConsentStatus::NotGranted, |s| s.status),
        effective_on: UsDate::from_date(signal.and_then(|s| s.since).unwrap_or(today).min(today)),
        method: ConsentMethod::Verbal,
        given_by: None,
    };
    let person = person_record(&personal, &address);
    let mut indexes = Vec::new();
    let mut doses = Vec::new();
    for v in received.accepted_vaccinations() {
        // The client is the use case's to find; the placeholder is replaced before recording.
        let Some(dose) = v.to_core(ClientId::new()) else {
            continue; // refusals, not-administered and deletions record no dose
        };
        indexes.push(v.index);
        doses.push(match dose {
            CoreDose::Administered(d) => ReportedDose::Administered(d),
            CoreDose::Historical(d) => ReportedDose::Historical(d),
        });
    }
    Ok((
        address_warnings,
        Report {
            patient: NewClientEntry {
                personal,
                address,
                guardian,
                consent,
            },
            person,
            doses,
        },
        indexes,
    ))
}

/// `POST /v1/hl7/qbp`: one QBP^Q11 in, its RSP^K11 out. Z34 (immunization history) is answered
/// Z32 (one patient: demographics and doses), Z31 (2 up to min(20, RCP-2) likely matches,
/// identification only), Z33 NF / TM / PD (one patient whose consent keeps the record from the
/// querying organization: a record exists, nothing more) or Z33 AE. The search is the screens'
/// Smart search with its rules (consent, a school's reach); every patient listed and the record
/// answered are audited. Z44 (evaluated history and forecast) is answered Z42 for one patient
/// (the doses with their evaluation per vaccine group, then the CDSi forecast per group, as
/// the desktop's "Vaccines recommended" computes it) or Z33.
#[utoipa::path(post, path = "/v1/hl7/qbp", tag = "hl7", security(("bearer" = [])),
    request_body(content = String, content_type = "application/hl7-v2",
        description = "One QBP^Q11 (CDC IG 1.5, Z34 or Z44), ER7, UTF-8"),
    responses(
        (status = 200, description = "RSP^K11: Z32 or Z31 (Z34), Z42 (Z44), or Z33 (QAK-2 NF, TM, PD, AE)", content_type = "application/hl7-v2", body = String),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden`: the role may not search or view clients", body = ErrorBody),
    ))]
pub async fn qbp(
    State(state): State<AppState>,
    who: Authenticated,
    body: Bytes,
) -> ApiResult<Response> {
    let search = Permit::<need::SearchClients>::check(who.actor.clone())?;
    let view = Permit::<need::ViewClient>::check(who.actor)?;
    let clock = state.clock.as_ref();
    let today = clock.today();
    let received = receive_qbp(&body, today);
    let mut issues = received.issues.clone();
    let query = received
        .query
        .as_ref()
        .filter(|_| !issues.iter().any(|i| i.severity == Severity::Error));
    let mut patients: Vec<RspPatient> = Vec::new();
    let mut doses: Vec<RspDose> = Vec::new();
    let mut forecast: Option<Evaluated> = None;
    let response = match query {
        None => RspResponse::QueryError,
        Some(q) => match search::smart(&state.registry, &search, clock, &query_person(q)).await {
            Err(UseCaseError::Invalid(v)) => {
                issues.extend(v.issues.into_iter().map(|i| {
                    Hl7Issue::new(
                        Problem::QueryPatientMissing,
                        Some(Location::at("QPD", 1, 0, 0)),
                        i.message,
                    )
                }));
                RspResponse::QueryError
            }
            Err(e) => return Err(e.into()),
            Ok(results) => {
                let likely: Vec<_> = results.clients.into_iter().filter(|c| c.likely).collect();
                let found = match likely.as_slice() {
                    [one] if !one.access.is_full() => Found::ConsentBlocked,
                    _ => Found::Matches(likely.len()),
                };
                let response = decide(q.profile, found, q.max_candidates);
                match response {
                    RspResponse::History | RspResponse::EvaluatedHistory => {
                        let client = likely[0].client.id;
                        clients::open_full_record(&state.registry, &view, clock, client).await?;
                        patients.push(rsp_patient(&likely[0].client));
                        let stored: Vec<_> = state
                            .registry
                            .doses_of(client)
                            .await?
                            .into_iter()
                            .filter(|d| !d.voided)
                            .collect();
                        if response == RspResponse::EvaluatedHistory {
                            let line = &likely[0].client;
                            let subject = (line.date_of_birth.as_str(), line.gender.as_str());
                            forecast =
                                Some(evaluate(&state, client, subject, &stored, today).await?);
                        }
                        let names = crate::clients::vaccine_names(&state.registry, &stored).await?;
                        for (position, d) in stored.into_iter().enumerate() {
                            doses.push(RspDose {
                                id: d.id.to_string(),
                                administered_on: d.administered_on,
                                vaccine: names.get(&d.cvx).cloned().unwrap_or_default(),
                                cvx: d.cvx,
                                amount_ml: None,
                                historical: d.source == DoseSource::Historical,
                                lot_number: d.lot_number,
                                mvx: None,
                                evaluations: forecast
                                    .as_ref()
                                    .map(|f| f.evaluations_of(position))
                                    .unwrap_or_default(),
                            });
                        }
                    }
                    RspResponse::Candidates => {
                        patients.extend(likely.iter().map(|c| rsp_patient(&c.client)));
                    }
                    _ => {}
                }
                response
            }
        },
    };
    let body = match response {
        RspResponse::History => RspBody::History {
            patient: &patients[0],
            guardians: &[],
            doses: &doses,
        },
        RspResponse::EvaluatedHistory => match &forecast {
            Some(f) => RspBody::EvaluatedHistory {
                patient: &patients[0],
                doses: &doses,
                forecast: &f.forecast,
            },
            None => RspBody::Empty,
        },
        RspResponse::Candidates => RspBody::Candidates(&patients),
        _ => RspBody::Empty,
    };
    let rsp = build_rsp(
        received.header.as_ref(),
        received.query.as_ref(),
        response,
        body,
        &issues,
        &response_context(clock.now(), &view.actor().state),
    );
    Ok(([(CONTENT_TYPE, HL7_MEDIA_TYPE)], rsp).into_response())
}

/// A client's evaluated history and forecast as Z42 carries them.
pub(crate) struct Evaluated {
    /// Per stored dose (by its position among the client's doses not voided), the evaluation
    /// in each vaccine group.
    evaluations: Vec<Vec<DoseEvaluation>>,
    pub(crate) forecast: RspForecast,
}

impl Evaluated {
    fn evaluations_of(&self, position: usize) -> Vec<DoseEvaluation> {
        self.evaluations.get(position).cloned().unwrap_or_default()
    }
}

fn to_time(date: ForecastDate) -> Option<Date> {
    let (y, m, d) = date.ymd();
    Date::from_calendar_date(y, time::Month::try_from(m as u8).ok()?, d as u8).ok()
}

/// Runs the CDSi engine on a stored client as the desktop's "Vaccines recommended" does (the
/// same input builder, the coded comments as observations, one row per vaccine group showing
/// the series that applies now).
pub(crate) async fn evaluate(
    state: &AppState,
    client: ClientId,
    (date_of_birth, gender): (&str, &str),
    doses: &[shotbook_usecases::ports::StoredDose],
    today: Date,
) -> ApiResult<Evaluated> {
    let comments = state.registry.forecast_comments(client).await?;
    let on = ForecastDate::from_ymd(
        today.year(),
        u8::from(today.month()).into(),
        today.day().into(),
    )
    .ok_or(crate::error::ApiError::Internal)?;
    let dates: Vec<String> = doses
        .iter()
        .map(|d| d.administered_on.to_string())
        .collect();
    let (patient, positions) = patient_of(
        date_of_birth,
        gender,
        doses.iter().zip(&dates).map(|(d, date)| StoredDoseInput {
            status: "completed",
            cvx: &d.cvx,
            mvx: None,
            administered_on: date,
        }),
        comments.iter().map(|c| StoredComment {
            code: &c.code,
            applies_from: &c.applies_from,
            applies_until: c.applies_until.as_deref(),
            voided: c.voided,
        }),
        on,
    )
    .map_err(|_| crate::error::ApiError::Internal)?;
    let assessment = tokio::task::spawn_blocking(move || Engine::embedded().evaluate(&patient, on))
        .await
        .map_err(|_| crate::error::ApiError::Internal)?;
    let mut evaluations = vec![Vec::new(); doses.len()];
    for d in &assessment.doses {
        let Some(&position) = positions.get(d.index) else {
            continue;
        };
        // One evaluation per vaccine group: valid when every antigen of the group is.
        let mut groups: Vec<DoseEvaluation> = Vec::new();
        for a in &d.antigens {
            let Some(cvx) = vaccine_group_cvx(&a.vaccine_group) else {
                continue;
            };
            let valid = a.status == EvaluationStatus::Valid;
            match groups
                .iter_mut()
                .find(|g| g.vaccine_group == a.vaccine_group)
            {
                Some(g) => g.valid &= valid,
                None => groups.push(DoseEvaluation {
                    vaccine_group_cvx: cvx.to_string(),
                    vaccine_group: a.vaccine_group.clone(),
                    valid,
                    dose_number: a.target_dose.and_then(|n| u8::try_from(n).ok()),
                }),
            }
        }
        evaluations[position] = groups;
    }
    let groups = assessment
        .rows()
        .into_iter()
        .filter_map(|row| {
            let g = &assessment.groups[row.forecast];
            Some(ForecastGroup {
                vaccine_group_cvx: vaccine_group_cvx(&g.vaccine_group)?.to_string(),
                vaccine_group: g.vaccine_group.clone(),
                status: g.status.as_str().to_string(),
                dose_number: g.forecast_dose_number.and_then(|n| u8::try_from(n).ok()),
                earliest: g.earliest.and_then(to_time),
                recommended: g.recommended.and_then(to_time),
                overdue: g.past_due.and_then(to_time),
                latest: g.latest.and_then(to_time),
            })
        })
        .collect();
    Ok(Evaluated {
        evaluations,
        forecast: RspForecast {
            assessed_on: today,
            schedule: ("VXC16".into(), "ACIP".into()),
            groups,
        },
    })
}

/// The registry's side of a response: its names (`SHOTBOOK`, `<state>IIS`) and a fresh control
/// ID.
fn response_context(now: time::OffsetDateTime, state: &str) -> ResponseContext {
    ResponseContext {
        now,
        control_id: uuid::Uuid::now_v7().simple().to_string(),
        registry_application: Hd {
            namespace: "SHOTBOOK".into(),
            ..Hd::default()
        },
        registry_facility: Hd {
            namespace: format!("{state}IIS"),
            ..Hd::default()
        },
    }
}

/// The person a query describes, as Smart search compares them.
fn query_person(q: &Query) -> PersonRecord {
    PersonRecord {
        given: q.name.given.clone(),
        middle: q.name.middle.clone(),
        family: q.name.family.clone(),
        dob: q.birth_date.and_then(|d| {
            Dob::parse_digits(
                &format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
                false,
            )
        }),
        sex: q.sex.and_then(Sex::parse),
        mother_maiden: q.mother_maiden_name.clone().unwrap_or_default(),
        zip: q
            .address
            .as_ref()
            .map(|a| a.zip.chars().take(5).collect())
            .unwrap_or_default(),
        street: q
            .address
            .as_ref()
            .map(|a| a.street.clone())
            .unwrap_or_default(),
    }
}

/// A listed client as PID: the registry's client number as its identifier (SR), the names,
/// birth date and sex (a line already trimmed to identification when that is all the consent
/// rule shows).
fn rsp_patient(line: &shotbook_usecases::ports::ClientLine) -> RspPatient {
    RspPatient {
        identifiers: vec![PatientIdentifier {
            id: line
                .registry_id
                .clone()
                .unwrap_or_else(|| line.id.to_string()),
            assigning_authority: "SHOTBOOK".into(),
            type_code: "SR".into(),
        }],
        name: Name {
            family: line.last_name.clone(),
            given: line.first_name.clone(),
            middle: line.middle_name.clone().unwrap_or_default(),
            suffix: String::new(),
        },
        mother_maiden_name: None,
        birth_date: Date::parse(
            &line.date_of_birth,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap_or(Date::MIN),
        sex: Some(line.gender.clone()),
        address: None,
        phone: None,
        multiple_birth: None,
        birth_order: None,
    }
}
