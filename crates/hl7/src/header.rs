//! MSH, read and checked: who sent the message, what it is, and whether this endpoint takes it.

use time::Date;

use crate::dates::{day_of, DateProblem};
use crate::issue::{Hl7Issue, Location, Problem};
use crate::parse::{Segment, Value};

/// An HL7 HD (hierarchic designator): namespace ID, universal ID, universal ID type, decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hd {
    /// HD.1, e.g. `NISTEHRAPP`.
    pub namespace: String,
    /// HD.2, e.g. an OID.
    pub universal_id: String,
    /// HD.3, e.g. `ISO`.
    pub universal_id_type: String,
}

impl Hd {
    pub(crate) fn read(value: Value<'_>) -> Self {
        let part = |c: usize| {
            value
                .component(c)
                .text()
                .map(|t| t.into_owned())
                .unwrap_or_default()
        };
        Self {
            namespace: part(1),
            universal_id: part(2),
            universal_id_type: part(3),
        }
    }

    /// Whether nothing is there.
    pub fn is_empty(&self) -> bool {
        self.namespace.is_empty() && self.universal_id.is_empty()
    }

    /// An HD with a namespace only.
    pub fn named(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_string(),
            ..Self::default()
        }
    }
}

/// The message header as the ACK and the use cases need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// MSH-3.
    pub sending_application: Hd,
    /// MSH-4: the organization that sent the message (its interface account).
    pub sending_facility: Hd,
    /// MSH-5.
    pub receiving_application: Hd,
    /// MSH-6.
    pub receiving_facility: Hd,
    /// MSH-7's day, when it is one.
    pub sent_on: Option<Date>,
    /// MSH-9.1 (`VXU`).
    pub message_type: String,
    /// MSH-9.2 (`V04`).
    pub trigger_event: String,
    /// MSH-10: the ACK's MSA-2.
    pub control_id: String,
    /// MSH-11.1: P (production), T (training), D (debugging).
    pub processing_id: String,
    /// MSH-12.1.
    pub version: String,
    /// MSH-21.1 of each repetition (`Z22`).
    pub profiles: Vec<String>,
}

/// What an endpoint accepts: message type, event and the profiles it knows.
#[derive(Debug, Clone, Copy)]
pub struct Expected {
    /// MSH-9.1.
    pub message_type: &'static str,
    /// MSH-9.2.
    pub trigger_event: &'static str,
    /// MSH-21.1 values.
    pub profiles: &'static [&'static str],
}

/// Reads MSH and adds an issue for each MQE header detection. `today` is the registry's
/// current day (the host's clock, passed in).
pub fn read_header(
    msh: &Segment<'_>,
    expected: Expected,
    today: Date,
    issues: &mut Vec<Hl7Issue>,
) -> Header {
    let text = |n: usize, c: usize| {
        let v = if c == 0 { msh.field(n) } else { msh.get(n, c) };
        v.text().map(|t| t.trim().to_string()).unwrap_or_default()
    };
    let at = |n: u32, c: u32| Some(Location::at("MSH", 1, n, c));
    let mut header = Header {
        sending_application: Hd::read(msh.field(3)),
        sending_facility: Hd::read(msh.field(4)),
        receiving_application: Hd::read(msh.field(5)),
        receiving_facility: Hd::read(msh.field(6)),
        sent_on: None,
        message_type: text(9, 1),
        trigger_event: text(9, 2),
        control_id: text(10, 0),
        processing_id: text(11, 1),
        version: text(12, 1),
        profiles: msh
            .field(21)
            .repetitions()
            .filter_map(|r| r.component(1).text().ok())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
    };
    if header.message_type != expected.message_type {
        issues.push(Hl7Issue::new(
            Problem::MessageTypeUnsupported,
            at(9, 1),
            format!(
                "Message type '{}' is not accepted here; send {}.",
                header.message_type, expected.message_type
            ),
        ));
    } else if header.trigger_event != expected.trigger_event {
        issues.push(Hl7Issue::new(
            Problem::TriggerEventUnsupported,
            at(9, 2),
            format!(
                "Event '{}' is not accepted here; send {}^{}.",
                header.trigger_event, expected.message_type, expected.trigger_event
            ),
        ));
    }
    if !matches!(header.processing_id.as_str(), "P" | "T" | "D") {
        issues.push(Hl7Issue::new(
            Problem::ProcessingIdUnsupported,
            at(11, 1),
            "Processing ID (MSH-11) must be P, T or D.",
        ));
    }
    if header.version != "2.5.1" {
        issues.push(Hl7Issue::new(
            Problem::VersionUnsupported,
            at(12, 1),
            format!(
                "Version '{}' is not accepted; send HL7 2.5.1.",
                header.version
            ),
        ));
    }
    if header.control_id.is_empty() {
        issues.push(Hl7Issue::new(
            Problem::ControlIdMissing,
            at(10, 0),
            "Message control ID (MSH-10) is missing.",
        ));
    }
    match day_of(msh.field(7).component(1).raw()) {
        Ok(day) if day > today => issues.push(Hl7Issue::new(
            Problem::MessageDateInFuture,
            at(7, 0),
            "Message date (MSH-7) is in the future.",
        )),
        Ok(day) => header.sent_on = Some(day),
        Err(DateProblem::Missing) => issues.push(Hl7Issue::new(
            Problem::MessageDateMissing,
            at(7, 0),
            "Message date (MSH-7) is missing.",
        )),
        Err(DateProblem::Invalid) => issues.push(Hl7Issue::new(
            Problem::MessageDateInvalid,
            at(7, 0),
            "Message date (MSH-7) is not a valid HL7 date and time.",
        )),
    }
    if header.sending_facility.is_empty() {
        issues.push(Hl7Issue::new(
            Problem::SendingFacilityMissing,
            at(4, 0),
            "Sending facility (MSH-4) is missing.",
        ));
    }
    if header.profiles.is_empty() {
        issues.push(Hl7Issue::new(
            Problem::ProfileMissing,
            at(21, 0),
            format!(
                "Message profile (MSH-21) is missing; expected {}^CDCPHINVS.",
                expected.profiles.join(" or ")
            ),
        ));
    } else if !header
        .profiles
        .iter()
        .any(|p| expected.profiles.contains(&p.as_str()))
    {
        issues.push(Hl7Issue::new(
            Problem::ProfileUnexpected,
            at(21, 1),
            format!(
                "Message profile '{}' is not {}.",
                header.profiles[0],
                expected.profiles.join(" or ")
            ),
        ));
    }
    header
}
