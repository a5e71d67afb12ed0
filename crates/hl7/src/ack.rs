//! ACK^V04 (profile Z23) as the NIST conformance profile checks it and AIRA's tools read it.
//!
//! - MSH: the registry as sender (MSH-3/4 = the incoming MSH-5/6, else the registry's own),
//!   the submitter as receiver (MSH-5/6 = the incoming MSH-3/4), MSH-9 `ACK^V04^ACK`, MSH-11
//!   the incoming processing ID (never a hard-coded `T`), MSH-15/16 `NE`, MSH-21
//!   `Z23^CDCPHINVS`.
//! - MSA-1 ([`ack_code`]): `AR` when an error carries a 2xx condition (unsupported type,
//!   event, processing ID, version; the size limit), else `AE` when any error or warning,
//!   else `AA`. MSA-2 is the incoming MSH-10. MSA-3 and ERR-1 stay empty (X in Z23).
//! - One ERR per issue, errors first: ERR-2 location, ERR-3 table 0357, ERR-4 E/W/I, ERR-5
//!   table 0533, ERR-8 the user message.

use time::OffsetDateTime;

use crate::header::{Hd, Header};
use crate::issue::{Hl7Issue, Severity};
use crate::parse::Message;
use crate::vxu::Received;
use crate::write::{Field, MessageWriter};

/// MSA-1, HL7 table 0008.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// Accepted without error (information may be attached).
    Accepted,
    /// Processed with errors or warnings; see the ERR segments.
    Error,
    /// Rejected for reasons unrelated to content (unsupported type, event, processing ID,
    /// version, or size).
    Rejected,
}

impl AckCode {
    /// `AA`, `AE`, `AR`.
    pub fn code(self) -> &'static str {
        match self {
            AckCode::Accepted => "AA",
            AckCode::Error => "AE",
            AckCode::Rejected => "AR",
        }
    }
}

/// MSA-1 for a list of issues (the Sandbox's default mode, which AIRA's tools read).
pub fn ack_code(issues: &[Hl7Issue]) -> AckCode {
    let errors = issues.iter().filter(|i| i.severity == Severity::Error);
    if errors.clone().any(|i| i.problem.condition().is_rejection()) {
        AckCode::Rejected
    } else if issues.iter().any(|i| i.severity != Severity::Information) {
        AckCode::Error
    } else {
        AckCode::Accepted
    }
}

/// What the host supplies for an acknowledgement: its clock, a fresh control ID and its own
/// names (used when the incoming MSH-5/6 are empty or unreadable).
#[derive(Debug, Clone)]
pub struct ResponseContext {
    /// Now (MSH-7).
    pub now: OffsetDateTime,
    /// MSH-10 of the response: unique per response.
    pub control_id: String,
    /// The registry's application (MSH-3).
    pub registry_application: Hd,
    /// The registry's facility (MSH-4).
    pub registry_facility: Hd,
}

/// An HL7 DTM with seconds and offset: `20261207140502-0700`.
pub fn dtm(now: OffsetDateTime) -> String {
    let offset = now.offset();
    let minutes = offset.whole_minutes();
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        minutes / 60,
        minutes % 60
    )
}

/// The response MSH shared by ACK and RSP: sender and receiver swapped from `incoming`.
pub(crate) fn response_msh(
    w: &mut MessageWriter,
    incoming: Option<&Header>,
    ctx: &ResponseContext,
    message_type: &str,
    profile: &str,
) {
    let pick = |theirs: Option<&Hd>, ours: &Hd| match theirs {
        Some(h) if !h.is_empty() => Field::hd(h),
        _ => Field::hd(ours),
    };
    let processing = incoming
        .map(|h| h.processing_id.as_str())
        .filter(|p| matches!(*p, "P" | "T" | "D"))
        .unwrap_or("P");
    w.msh(vec![
        pick(
            incoming.map(|h| &h.receiving_application),
            &ctx.registry_application,
        ),
        pick(
            incoming.map(|h| &h.receiving_facility),
            &ctx.registry_facility,
        ),
        incoming.map_or_else(Field::empty, |h| Field::hd(&h.sending_application)),
        incoming.map_or_else(Field::empty, |h| Field::hd(&h.sending_facility)),
        Field::text(&dtm(ctx.now)),
        Field::empty(),
        Field::encoded(message_type.to_string()),
        Field::text(&ctx.control_id),
        Field::text(processing),
        Field::text("2.5.1"),
        Field::empty(),
        Field::empty(),
        Field::text("NE"),
        Field::text("NE"),
        Field::empty(),
        Field::empty(),
        Field::empty(),
        Field::empty(),
        Field::components(&[profile, "CDCPHINVS"]),
    ]);
}

/// Most ERR segments in one response: errors come first, so the ones that matter are listed;
/// the last says how many more there were. Bounds the answer to a message of a million OBX.
pub const MAX_ERR_SEGMENTS: usize = 100;

/// MSA plus one ERR per issue (at most [`MAX_ERR_SEGMENTS`]).
pub(crate) fn msa_and_errs(
    w: &mut MessageWriter,
    code: AckCode,
    incoming: Option<&Header>,
    issues: &[Hl7Issue],
) {
    w.segment(
        "MSA",
        vec![
            Field::text(code.code()),
            Field::text(incoming.map_or("", |h| h.control_id.as_str())),
        ],
    );
    let listed = issues.len().min(MAX_ERR_SEGMENTS);
    for (n, issue) in issues[..listed].iter().enumerate() {
        let mut message = issue.message.clone();
        if n + 1 == MAX_ERR_SEGMENTS && issues.len() > listed {
            message.push_str(&format!(
                " ({} more issues not listed.)",
                issues.len() - listed
            ));
        }
        let location = issue
            .location
            .as_ref()
            .map(|l| {
                let parts = l.components();
                Field::components(&parts.iter().map(String::as_str).collect::<Vec<_>>())
            })
            .unwrap_or_default();
        let condition = issue.problem.condition();
        let app = issue.problem.application_error();
        w.segment(
            "ERR",
            vec![
                Field::empty(),
                location,
                Field::coded(&condition.code().to_string(), condition.text(), "HL70357"),
                Field::text(issue.severity.code()),
                app.map_or_else(Field::empty, |a| {
                    Field::coded(&a.code().to_string(), a.text(), "HL70533")
                }),
                Field::empty(),
                Field::empty(),
                Field::text(&message),
            ],
        );
    }
}

/// The ACK^V04 for issues found in a message with header `incoming` (none when MSH could not
/// be read).
pub fn build_ack(incoming: Option<&Header>, issues: &[Hl7Issue], ctx: &ResponseContext) -> String {
    let mut w = MessageWriter::new();
    response_msh(&mut w, incoming, ctx, "ACK^V04^ACK", "Z23");
    msa_and_errs(&mut w, ack_code(issues), incoming, issues);
    w.finish()
}

/// The ACK for a received VXU.
pub fn acknowledge(received: &Received, ctx: &ResponseContext) -> String {
    build_ack(received.header.as_ref(), &received.issues, ctx)
}

/// How AIRA's `AckAnalyzer` (DEFAULT rule) reads an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiraReading {
    /// Empty, not `MSH|…`, or MSH-9 is not ACK.
    NotAnAck,
    /// The message was accepted.
    Accepted,
    /// The message was not accepted.
    NotAccepted,
}

/// Reads an ACK as AIRA's tools do: AA accepted; AR not; AE accepted unless some ERR-4 is `E`,
/// and not accepted when no ERR carries a severity at all.
pub fn aira_reading(ack: &str) -> AiraReading {
    if !ack.starts_with("MSH|") {
        return AiraReading::NotAnAck;
    }
    let Ok(message) = Message::parse(ack) else {
        return AiraReading::NotAnAck;
    };
    if message.msh().text(9, 1) != "ACK" {
        return AiraReading::NotAnAck;
    }
    let code = message.segment("MSA").map(|s| s.text(1, 0).into_owned());
    let severities: Vec<String> = message
        .segments()
        .iter()
        .filter(|s| s.id() == "ERR")
        .map(|s| s.text(4, 0).into_owned())
        .filter(|s| !s.is_empty())
        .collect();
    match code.as_deref() {
        Some("AA") => AiraReading::Accepted,
        Some("AE") if severities.is_empty() => AiraReading::NotAccepted,
        Some("AE") if severities.iter().any(|s| s == "E") => AiraReading::NotAccepted,
        Some("AE") => AiraReading::Accepted,
        _ => AiraReading::NotAccepted,
    }
}
