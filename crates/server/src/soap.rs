//! CDC's IIS SOAP web service (SOAP 1.2), both WSDL generations, on `POST /v1/soap/iis`:
//!
//! - 2011 (`urn:cdc:iisb:2011`): `connectivityTest(echoBack)` → `return`;
//!   `submitSingleMessage(username, password, facilityID, hl7Message)` → `return`.
//! - 2014 (`urn:cdc:iisb:2014`): `ConnectivityTest(EchoBack)` → `EchoBack`;
//!   `SubmitSingleMessage(Username, Password, FacilityID, Hl7Message)` → `Hl7Message`.
//!
//! The answer speaks the generation asked (element case and namespace). Credentials go through
//! the registry's sign-in ladder ([`crate::auth::interface_sign_in`]): the facility ID is the
//! organization code. `Hl7Message` may hold several messages, each starting `MSH|`; each is
//! filed through [`crate::hl7::receive_message`] and their ACKs are returned one after another.
//! Faults: `SecurityFault` (credentials refused, or the account may not report doses),
//! `MessageTooLargeFault` (over 4,194,304 bytes, with `Size` and `MaxSize`),
//! `UnsupportedOperationFault` (any other operation) and `fault` (not a SOAP request);
//! sender faults are HTTP 400 (SOAP 1.2 HTTP binding), receiver faults 500. The service
//! descriptions are at `GET /v1/soap/iis?wsdl` (2011) and `?wsdl&generation=2014`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quick_xml::events::Event;
use shotbook_usecases::{need, Permit};

use crate::hl7::{receive_message, MAX_MESSAGE_BYTES};
use crate::AppState;

/// Largest SOAP request read: the 4 MiB message, escaped, in its envelope.
pub const MAX_ENVELOPE_BYTES: usize = 8 * 1024 * 1024;

const SOAP_MEDIA_TYPE: &str = "application/soap+xml; charset=utf-8";

/// Which WSDL the request follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generation {
    Cdc2011,
    Cdc2014,
}

impl Generation {
    fn namespace(self) -> &'static str {
        match self {
            Generation::Cdc2011 => "urn:cdc:iisb:2011",
            Generation::Cdc2014 => "urn:cdc:iisb:2014",
        }
    }
}

/// The operation element of the SOAP body: its local name and its children's text by local
/// name.
#[derive(Debug, Default)]
struct Operation {
    name: String,
    fields: Vec<(String, String)>,
}

impl Operation {
    /// A field's text by its local name, in either generation's case.
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `Envelope/Body/<operation>/<field>` (local names; prefixes and namespaces as sent).
fn read_operation(xml: &str) -> Result<Operation, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut operation: Option<Operation> = None;
    let mut text = String::new();
    loop {
        let event = reader.read_event().map_err(|e| format!("not XML: {e}"))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                match path.len() {
                    0 if name != "Envelope" => return Err("not a SOAP envelope".into()),
                    2 if path[1] == "Body" && operation.is_none() => {
                        operation = Some(Operation {
                            name: name.clone(),
                            ..Operation::default()
                        });
                    }
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                if path.len() == 2 && path[1] == "Body" && operation.is_none() {
                    operation = Some(Operation {
                        name,
                        ..Operation::default()
                    });
                } else if path.len() == 3 && path[1] == "Body" {
                    if let Some(op) = operation.as_mut() {
                        op.fields.push((name, String::new()));
                    }
                }
            }
            Event::End(_) => {
                if path.len() == 4 && path[1] == "Body" {
                    if let (Some(op), Some(name)) = (operation.as_mut(), path.last()) {
                        op.fields.push((name.clone(), std::mem::take(&mut text)));
                    }
                }
                path.pop();
            }
            Event::Text(t) if path.len() == 4 => {
                // Raw text, entity-unescaped: a CR sent literally stays a CR (HL7's segment
                // separator), which XML's end-of-line normalisation would turn into LF.
                let raw: &str = &t;
                let unescaped =
                    quick_xml::escape::unescape(raw).map_err(|e| format!("bad entity: {e}"))?;
                text.push_str(&unescaped);
            }
            Event::GeneralRef(r) if path.len() == 4 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match &*r {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        _ => return Err("unknown entity".into()),
                    },
                };
                text.push_str(&resolved);
            }
            Event::CData(t) if path.len() == 4 => {
                text.push_str(&t);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    operation.ok_or_else(|| "no operation in the SOAP body".into())
}

/// Text for an XML element, CRs kept as character references.
fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).replace('\r', "&#13;")
}

fn envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\">\
         <soap:Body>{body}</soap:Body></soap:Envelope>"
    )
}

fn answer(status: StatusCode, xml: String) -> Response {
    (status, [(CONTENT_TYPE, SOAP_MEDIA_TYPE)], xml).into_response()
}

/// A CDC fault: `kind` (`SecurityFault` …) with its Code, Reason and Detail, plus `extra`
/// elements (`Size`, `MaxSize`).
fn fault(
    generation: Generation,
    receiver: bool,
    kind: &str,
    code: u32,
    reason: &str,
    detail: &str,
    extra: &[(&str, String)],
) -> Response {
    let extra: String = extra
        .iter()
        .map(|(name, value)| format!("<{name}>{}</{name}>", escape(value)))
        .collect();
    let side = if receiver { "Receiver" } else { "Sender" };
    let xml = envelope(&format!(
        "<soap:Fault><soap:Code><soap:Value>soap:{side}</soap:Value></soap:Code>\
         <soap:Reason><soap:Text xml:lang=\"en\">{reason}</soap:Text></soap:Reason>\
         <soap:Detail><{kind} xmlns=\"{ns}\"><Code>{code}</Code><Reason>{reason}</Reason>\
         <Detail>{detail}</Detail>{extra}</{kind}></soap:Detail></soap:Fault>",
        ns = generation.namespace(),
        reason = escape(reason),
        detail = escape(detail),
    ));
    let status = if receiver {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    };
    answer(status, xml)
}

/// `POST /v1/soap/iis`: CDC's IIS web service.
pub async fn iis(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(xml) = std::str::from_utf8(&body) else {
        return fault(
            Generation::Cdc2011,
            false,
            "fault",
            0,
            "Bad request",
            "The request is not UTF-8.",
            &[],
        );
    };
    let operation = match read_operation(xml) {
        Ok(op) => op,
        Err(why) => {
            return fault(
                Generation::Cdc2011,
                false,
                "fault",
                0,
                "Bad request",
                &why,
                &[],
            )
        }
    };
    let generation = if operation.name.starts_with(|c: char| c.is_ascii_uppercase()) {
        Generation::Cdc2014
    } else {
        Generation::Cdc2011
    };
    let ns = generation.namespace();
    match operation.name.as_str() {
        "connectivityTest" | "ConnectivityTest" => {
            let echo = operation.field("echoBack").unwrap_or_default();
            let (response, inner) = match generation {
                Generation::Cdc2011 => ("connectivityTestResponse", "return"),
                Generation::Cdc2014 => ("ConnectivityTestResponse", "EchoBack"),
            };
            answer(
                StatusCode::OK,
                envelope(&format!(
                    "<{response} xmlns=\"{ns}\"><{inner}>{}</{inner}></{response}>",
                    escape(echo)
                )),
            )
        }
        "submitSingleMessage" | "SubmitSingleMessage" => {
            submit(&state, generation, &operation).await
        }
        other => fault(
            generation,
            false,
            "UnsupportedOperationFault",
            0,
            "Unsupported operation",
            &format!("This service offers connectivityTest and submitSingleMessage, not {other}."),
            &[],
        ),
    }
}

async fn submit(state: &AppState, generation: Generation, operation: &Operation) -> Response {
    let message = operation.field("hl7Message").unwrap_or_default();
    if message.len() > MAX_MESSAGE_BYTES {
        return fault(
            generation,
            false,
            "MessageTooLargeFault",
            0,
            "Message too large",
            "The HL7 message is larger than this service accepts.",
            &[
                ("Size", message.len().to_string()),
                ("MaxSize", MAX_MESSAGE_BYTES.to_string()),
            ],
        );
    }
    let security = |detail: &str| {
        fault(
            generation,
            false,
            "SecurityFault",
            10,
            "Security",
            detail,
            &[],
        )
    };
    let credentials = (
        operation.field("username").unwrap_or_default(),
        operation.field("password").unwrap_or_default(),
        operation.field("facilityID").unwrap_or_default(),
    );
    if credentials.0.trim().is_empty()
        || credentials.1.is_empty()
        || credentials.2.trim().is_empty()
    {
        return security("Username, password and facility ID are required.");
    }
    // One answer for every refusal: which part was wrong is not said.
    let Ok(actor) = crate::auth::interface_sign_in(
        state,
        credentials.2.to_string(),
        credentials.0.to_string(),
        credentials.1.to_string(),
    )
    .await
    else {
        return security("The username, password or facility ID is not accepted.");
    };
    let Ok(permit) = Permit::<need::AddImmunizations>::check(actor) else {
        return security("This account may not report vaccinations.");
    };
    let mut acks = String::new();
    for one in split_messages(message) {
        match receive_message(state, permit.actor().clone(), one.as_bytes()).await {
            Ok(ack) => acks.push_str(&ack),
            Err(_) => {
                return fault(
                    generation,
                    true,
                    "fault",
                    0,
                    "Registry unavailable",
                    "The registry could not store the message; send it again.",
                    &[],
                )
            }
        }
    }
    let (response, inner) = match generation {
        Generation::Cdc2011 => ("submitSingleMessageResponse", "return"),
        Generation::Cdc2014 => ("SubmitSingleMessageResponse", "Hl7Message"),
    };
    answer(
        StatusCode::OK,
        envelope(&format!(
            "<{response} xmlns=\"{ns}\"><{inner}>{}</{inner}></{response}>",
            escape(&acks),
            ns = generation.namespace()
        )),
    )
}

/// The messages in `text`, each starting at a segment `MSH|` (CDC's sandbox accepts several in
/// one `hl7Message`); text before the first MSH belongs to the first (and gets its own ACK
/// saying it does not start with MSH).
fn split_messages(text: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = vec![0];
    for (i, _) in text.match_indices("MSH|") {
        let at_segment_start = i > 0 && matches!(text.as_bytes()[i - 1], b'\r' | b'\n');
        if at_segment_start && !text[..i].trim().is_empty() {
            starts.push(i);
        }
    }
    starts.push(text.len());
    starts
        .windows(2)
        .map(|w| &text[w[0]..w[1]])
        .filter(|m| !m.trim().is_empty())
        .collect()
}

const WSDL_2011: &str = include_str!("../wsdl/cdc-iis-2011.wsdl");
const WSDL_2014: &str = include_str!("../wsdl/cdc-iis-2014.wsdl");

/// `GET /v1/soap/iis?wsdl` (2011) or `?wsdl&generation=2014`: the service description a SOAP
/// toolkit generates its client from, with this server's address.
pub async fn wsdl(
    headers: axum::http::HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let generation_2014 = query.split('&').any(|p| p == "generation=2014");
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let address = format!("https://{host}/v1/soap/iis");
    let document = if generation_2014 {
        WSDL_2014
    } else {
        WSDL_2011
    };
    (
        [(CONTENT_TYPE, "text/xml; charset=utf-8")],
        document.replace("SERVICE_ADDRESS", &address),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_generations_read_with_any_prefix_and_keep_carriage_returns() {
        let op = read_operation(
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>\
             <c:submitSingleMessage xmlns:c=\"urn:cdc:iisb:2011\"><c:username>u</c:username>\
             <c:password>p&amp;w</c:password><c:facilityID>TX0001</c:facilityID>\
             <c:hl7Message>MSH|^~\\&amp;|A\rPID|1&#13;PV1|</c:hl7Message></c:submitSingleMessage>\
             </s:Body></s:Envelope>",
        )
        .unwrap();
        assert_eq!(op.name, "submitSingleMessage");
        assert_eq!(op.field("password"), Some("p&w"));
        assert_eq!(op.field("hl7Message"), Some("MSH|^~\\&|A\rPID|1\rPV1|"));
        let op = read_operation(
            "<Envelope><Body><ConnectivityTest><EchoBack>hi</EchoBack></ConnectivityTest></Body></Envelope>",
        )
        .unwrap();
        assert_eq!(
            (op.name.as_str(), op.field("echoBack")),
            ("ConnectivityTest", Some("hi"))
        );
        assert!(read_operation("<html/>").is_err());
        assert!(read_operation("MSH|^~\\&|").is_err());
        assert!(read_operation("<Envelope><Body></Body></Envelope>").is_err());
    }

    #[test]
    fn several_messages_split_at_their_msh_segments() {
        let two = "MSH|^~\\&|A|1\rPID|1\rMSH|^~\\&|A|2\rPID|2\r";
        assert_eq!(
            split_messages(two),
            vec!["MSH|^~\\&|A|1\rPID|1\r", "MSH|^~\\&|A|2\rPID|2\r"]
        );
        // "MSH|" inside a field is not a new message.
        assert_eq!(split_messages("MSH|^~\\&|x MSH| y\r").len(), 1);
        assert!(split_messages("  ").is_empty());
    }

    #[test]
    fn answers_escape_markup_and_keep_carriage_returns() {
        assert_eq!(escape("a<b&c\rd"), "a&lt;b&amp;c&#13;d");
    }
}
