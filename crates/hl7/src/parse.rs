//! The byte-level reading of an HL7 v2 message: segments, fields, repetitions, components and
//! subcomponents, with the separators the message declares in MSH-1 and MSH-2.
//!
//! Why not `hl7-parser` 0.3: it panics decoding an escape after a multi-byte character
//! (`"éé\T\Jones"`), silently keeps one segment of an LF-separated message, drops the
//! delimiters of escapes it does not know (`\X41\` → `X41`) and accepts duplicate separators
//! (interop-and-reports.md §A4). This reader splits on ASCII separator bytes only, which can
//! never fall inside a multi-byte UTF-8 character, so every slice is a valid `&str`; it never
//! indexes past what it checked, and it refuses what it cannot read with a [`ParseError`].
//!
//! Splitting is lazy: a [`Segment`] keeps its fields as slices of the input, and components
//! are split when asked for. Escapes are decoded only for leaf values ([`Value::text`]).

use std::borrow::Cow;

/// Largest message accepted: the CDC SOAP interface's and IZ Gateway's limit (4 MiB,
/// `PHIZ_WS_IIS_HUB_MAX_MESSAGE_SIZE`). Bigger input is refused before it is read.
pub const MAX_MESSAGE_BYTES: usize = 4_194_304;

/// The five delimiters a message declares in MSH-1 (field) and MSH-2 (component, repetition,
/// escape, subcomponent, in that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// Between fields (`|`).
    pub field: u8,
    /// Between components (`^`).
    pub component: u8,
    /// Between repetitions (`~`).
    pub repetition: u8,
    /// Starts and ends an escape sequence (`\`).
    pub escape: u8,
    /// Between subcomponents (`&`).
    pub subcomponent: u8,
}

impl Default for Separators {
    /// `|^~\&`, what every message in the CDC guide uses.
    fn default() -> Self {
        Self {
            field: b'|',
            component: b'^',
            repetition: b'~',
            escape: b'\\',
            subcomponent: b'&',
        }
    }
}

impl Separators {
    /// MSH-2 as written in a message built with these separators.
    pub fn encoding_characters(&self) -> String {
        let mut s = String::with_capacity(4);
        s.push(self.component as char);
        s.push(self.repetition as char);
        s.push(self.escape as char);
        s.push(self.subcomponent as char);
        s
    }
}

/// Why a text is not an HL7 message this reader can split. Each has a stable [`code`].
///
/// [`code`]: ParseError::code
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Bigger than [`MAX_MESSAGE_BYTES`].
    #[error("The message is {size} bytes; the limit is {max} bytes.")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not UTF-8 (the only character set read; MSH-18 other than UNICODE UTF-8 is not
    /// supported).
    #[error("The message is not UTF-8 text (invalid byte at offset {valid_up_to}).")]
    NotUtf8 {
        /// Bytes that were valid.
        valid_up_to: usize,
    },
    /// Nothing but blank lines.
    #[error("The message is empty.")]
    Empty,
    /// The first segment is not MSH (batch headers FHS/BHS are not read).
    #[error("The message must start with an MSH segment.")]
    NoMsh,
    /// MSH-1 or MSH-2 does not declare usable separators.
    #[error("MSH-1/MSH-2 do not declare usable separators: {reason}.")]
    BadSeparators {
        /// What is wrong with them.
        reason: &'static str,
    },
    /// A segment's ID is not three upper-case letters or digits.
    #[error("Segment {index} has no valid segment ID.")]
    BadSegmentId {
        /// Position of the segment in the message, 1-based.
        index: usize,
    },
    /// A second MSH: a batch of messages must be split before it is read.
    #[error("Segment {index} starts a second message; send one message at a time.")]
    SeveralMessages {
        /// Position of the second MSH, 1-based.
        index: usize,
    },
}

impl ParseError {
    /// Stable code for logs, tests and the ACK's user message.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::TooLarge { .. } => "message.too_large",
            ParseError::NotUtf8 { .. } => "message.not_utf8",
            ParseError::Empty => "message.empty",
            ParseError::NoMsh => "message.no_msh",
            ParseError::BadSeparators { .. } => "message.bad_separators",
            ParseError::BadSegmentId { .. } => "message.bad_segment_id",
            ParseError::SeveralMessages { .. } => "message.several_messages",
        }
    }
}

/// A message split into segments. Borrows the input.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    separators: Separators,
    segments: Vec<Segment<'a>>,
}

/// One segment: its ID and its fields as slices of the input.
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    id: &'a str,
    /// `fields[0]` is the ID; for MSH `fields[1]` is MSH-1 and `fields[2]` MSH-2, so that
    /// `fields[n]` is always field `n` as HL7 numbers it.
    fields: Vec<&'a str>,
    /// Which occurrence of this ID in the message (1-based): ERR-2's segment sequence.
    sequence: u32,
    separators: Separators,
}

impl<'a> Message<'a> {
    /// Splits raw bytes: refuses more than [`MAX_MESSAGE_BYTES`] before looking at them, then
    /// anything that is not UTF-8.
    pub fn parse_bytes(input: &'a [u8]) -> Result<Self, ParseError> {
        check_size(input.len())?;
        let text = std::str::from_utf8(input).map_err(|e| ParseError::NotUtf8 {
            valid_up_to: e.valid_up_to(),
        })?;
        Self::parse(text)
    }

    /// Splits a message. Segments may end with CR, LF or CRLF; blank lines are skipped.
    ///
    /// ```
    /// use shotbook_hl7::parse::Message;
    /// let m = Message::parse("MSH|^~\\&|APP\nPID|1||123^^^A^MR||Núñez^Jos\\T\\é").unwrap();
    /// let pid = m.segment("PID").unwrap();
    /// assert_eq!(pid.get(5, 1).text().unwrap(), "Núñez");
    /// assert_eq!(pid.get(5, 2).text().unwrap(), "Jos&é");
    /// ```
    pub fn parse(input: &'a str) -> Result<Self, ParseError> {
        check_size(input.len())?;
        let mut lines = input
            .split(['\r', '\n'])
            .filter(|line| !line.trim().is_empty());
        let first = lines.next().ok_or(ParseError::Empty)?;
        // A byte-order mark or leading spaces before MSH are tolerated, nothing else.
        let first = first.trim_start_matches(['\u{feff}', ' ', '\t']);
        if !first.starts_with("MSH") {
            return Err(ParseError::NoMsh);
        }
        let separators = read_separators(first)?;
        let mut counts: Vec<(&'a str, u32)> = Vec::with_capacity(16);
        let mut segments = Vec::with_capacity(16);
        for (i, line) in std::iter::once(first).chain(lines).enumerate() {
            let id = segment_id(line, separators.field)
                .ok_or(ParseError::BadSegmentId { index: i + 1 })?;
            if id == "MSH" && i > 0 {
                return Err(ParseError::SeveralMessages { index: i + 1 });
            }
            let sequence = match counts.iter_mut().find(|(seen, _)| *seen == id) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((id, 1));
                    1
                }
            };
            let mut fields: Vec<&'a str> = line.split(separators.field as char).collect();
            if i == 0 {
                // MSH-1 is the field separator itself: the byte right after "MSH".
                fields.insert(1, &line[3..4]);
            }
            segments.push(Segment {
                id,
                fields,
                sequence,
                separators,
            });
        }
        Ok(Self {
            separators,
            segments,
        })
    }

    /// The separators MSH-1 and MSH-2 declare.
    pub fn separators(&self) -> Separators {
        self.separators
    }

    /// Every segment in order.
    pub fn segments(&self) -> &[Segment<'a>] {
        &self.segments
    }

    /// The first segment with this ID.
    pub fn segment(&self, id: &str) -> Option<&Segment<'a>> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// The MSH segment (always the first).
    pub fn msh(&self) -> &Segment<'a> {
        &self.segments[0]
    }
}

fn check_size(size: usize) -> Result<(), ParseError> {
    if size > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge {
            size,
            max: MAX_MESSAGE_BYTES,
        });
    }
    Ok(())
}

/// Reads MSH-1 and MSH-2 from the first line, which starts with `MSH`.
fn read_separators(line: &str) -> Result<Separators, ParseError> {
    let bytes = line.as_bytes();
    let field = *bytes.get(3).ok_or(ParseError::BadSeparators {
        reason: "MSH-1 is missing",
    })?;
    let encoding: Vec<u8> = bytes[4..]
        .iter()
        .copied()
        .take_while(|b| *b != field)
        .collect();
    // MSH-2 is `^~\&`; a fifth character (v2.7's truncation character) is ignored but must
    // differ from the others.
    let (component, repetition, escape, subcomponent) = match encoding.as_slice() {
        [c, r, e, s] | [c, r, e, s, _] => (*c, *r, *e, *s),
        _ => {
            return Err(ParseError::BadSeparators {
                reason: "MSH-2 must hold 4 encoding characters",
            })
        }
    };
    if encoding.len() == 5 && bytes.get(9) != Some(&field) {
        return Err(ParseError::BadSeparators {
            reason: "MSH-2 must be followed by the field separator",
        });
    }
    let mut all = vec![field];
    all.extend_from_slice(&encoding);
    if all
        .iter()
        .any(|b| !b.is_ascii_punctuation() || *b == b'"' || *b == b'\'')
    {
        return Err(ParseError::BadSeparators {
            reason: "separators must be ASCII punctuation",
        });
    }
    let mut sorted = all.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != all.len() {
        return Err(ParseError::BadSeparators {
            reason: "the separators must all differ",
        });
    }
    Ok(Separators {
        field,
        component,
        repetition,
        escape,
        subcomponent,
    })
}

/// A segment's ID: three upper-case ASCII letters or digits starting with a letter, followed by
/// the field separator or the end of the line.
fn segment_id(line: &str, field: u8) -> Option<&str> {
    let bytes = line.as_bytes();
    if bytes.len() < 3 || (bytes.len() > 3 && bytes[3] != field) {
        return None;
    }
    let id = &bytes[..3];
    let ok = id[0].is_ascii_uppercase()
        && id[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    ok.then(|| &line[..3])
}

impl<'a> Segment<'a> {
    /// The three-letter ID.
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// Which occurrence of this ID in the message (1-based).
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// Number of fields present (the last field's number).
    pub fn field_count(&self) -> usize {
        self.fields.len().saturating_sub(1)
    }

    /// Field `n` (1-based, as HL7 numbers it); empty when absent. MSH-1 and MSH-2 are leaves:
    /// they hold separator characters and are never split or decoded.
    pub fn field(&self, n: usize) -> Value<'a> {
        let raw = if n == 0 {
            ""
        } else {
            self.fields.get(n).copied().unwrap_or("")
        };
        let level = if self.id == "MSH" && (n == 1 || n == 2) {
            Level::Literal
        } else {
            Level::Field
        };
        Value {
            raw,
            separators: self.separators,
            level,
        }
    }

    /// Component `c` of the first repetition of field `n`.
    pub fn get(&self, n: usize, c: usize) -> Value<'a> {
        self.field(n).component(c)
    }

    /// The decoded text of field `n`'s first repetition, first component, first subcomponent,
    /// or of component `c` when `c` > 0; a bad escape reads as nothing (see [`Value::text`] to
    /// tell the two apart).
    pub fn text(&self, n: usize, c: usize) -> Cow<'a, str> {
        let v = if c == 0 {
            self.field(n)
        } else {
            self.get(n, c)
        };
        v.text().unwrap_or(Cow::Borrowed(""))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Field,
    Repetition,
    Component,
    Subcomponent,
    /// MSH-1 / MSH-2: never split, never decoded.
    Literal,
}

/// A field, repetition, component or subcomponent: a slice of the message, split further on
/// demand.
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    raw: &'a str,
    separators: Separators,
    level: Level,
}

impl<'a> Value<'a> {
    /// The text as it appears in the message (escapes not decoded).
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// Nothing there, or HL7's explicit null `""` (which only means "delete" in an update, and
    /// this registry never deletes data on an incoming null).
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty() || self.raw == "\"\""
    }

    fn child(&self, raw: &'a str, level: Level) -> Value<'a> {
        Value {
            raw,
            separators: self.separators,
            level,
        }
    }

    /// The repetitions of a field (one for a field without `~`; none for an empty field).
    pub fn repetitions(&self) -> impl Iterator<Item = Value<'a>> + '_ {
        let raw = if self.level == Level::Field {
            self.raw
        } else {
            ""
        };
        raw.split(self.separators.repetition as char)
            .filter(move |_| !raw.is_empty())
            .map(move |r| self.child(r, Level::Repetition))
    }

    /// Repetition `r` (1-based) of a field.
    pub fn repetition(&self, r: usize) -> Value<'a> {
        match self.level {
            Level::Field => {
                let raw = nth(self.raw, self.separators.repetition, r);
                self.child(raw, Level::Repetition)
            }
            _ if r == 1 => *self,
            _ => self.child("", self.level),
        }
    }

    /// Component `c` (1-based); of the first repetition when this is a whole field.
    pub fn component(&self, c: usize) -> Value<'a> {
        match self.level {
            Level::Field => self.repetition(1).component(c),
            Level::Repetition => {
                let raw = nth(self.raw, self.separators.component, c);
                self.child(raw, Level::Component)
            }
            _ if c == 1 => *self,
            _ => self.child("", self.level),
        }
    }

    /// Subcomponent `s` (1-based) of a component.
    pub fn subcomponent(&self, s: usize) -> Value<'a> {
        match self.level {
            Level::Field | Level::Repetition => self.component(1).subcomponent(s),
            Level::Component => {
                let raw = nth(self.raw, self.separators.subcomponent, s);
                self.child(raw, Level::Subcomponent)
            }
            _ if s == 1 => *self,
            _ => self.child("", self.level),
        }
    }

    /// The decoded text of the first leaf (first repetition, component and subcomponent).
    /// `""` (HL7 null) reads as empty.
    pub fn text(&self) -> Result<Cow<'a, str>, EscapeError> {
        if self.level == Level::Literal {
            return Ok(Cow::Borrowed(self.raw));
        }
        let leaf = self.subcomponent(1);
        if leaf.is_empty() {
            return Ok(Cow::Borrowed(""));
        }
        decode(leaf.raw, &self.separators)
    }
}

/// The `n`th (1-based) piece of `raw` split on `sep`; empty when there are fewer.
fn nth(raw: &str, sep: u8, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    raw.split(sep as char).nth(n - 1).unwrap_or("")
}

/// Why an escape sequence could not be decoded. The value is then unreadable, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    /// An escape character without its closing one.
    #[error("an escape sequence is not closed")]
    Unterminated,
    /// `\Z…\` (locally defined), `\C…\` / `\M…\` (character-set switches) or anything else
    /// this registry does not read.
    #[error("an escape sequence is not one HL7 defines for this registry")]
    Unsupported,
    /// `\X…\` without an even number of hexadecimal digits, or decoding to bytes that are not
    /// UTF-8.
    #[error("a hexadecimal escape is malformed")]
    BadHex,
}

impl EscapeError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            EscapeError::Unterminated => "escape.unterminated",
            EscapeError::Unsupported => "escape.unsupported",
            EscapeError::BadHex => "escape.bad_hex",
        }
    }
}

/// Decodes the escape sequences of one leaf value (HL7 v2.5.1 §2.7): `\F\ \S\ \T\ \R\ \E\`
/// give back the separators, `\Xhh…\` bytes (UTF-8), `\.br\` a line break; `\H\` and `\N\`
/// (highlighting) and the other formatting commands (`\.sp\`, `\.in\` …) are dropped.
///
/// ```
/// use shotbook_hl7::parse::{decode, Separators};
/// let s = Separators::default();
/// assert_eq!(decode(r"éé\T\Jones", &s).unwrap(), "éé&Jones");
/// assert_eq!(decode(r"\X41\\X0D\", &s).unwrap(), "A\r");
/// assert!(decode(r"Smith\T", &s).is_err());
/// ```
pub fn decode<'a>(raw: &'a str, separators: &Separators) -> Result<Cow<'a, str>, EscapeError> {
    let escape = separators.escape;
    if !raw.as_bytes().contains(&escape) {
        return Ok(Cow::Borrowed(raw));
    }
    let bytes = raw.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != escape {
            out.push(b);
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        let len = rest
            .iter()
            .position(|c| *c == escape)
            .ok_or(EscapeError::Unterminated)?;
        let sequence = &rest[..len];
        match sequence {
            b"F" => out.push(separators.field),
            b"S" => out.push(separators.component),
            b"T" => out.push(separators.subcomponent),
            b"R" => out.push(separators.repetition),
            b"E" => out.push(escape),
            b"H" | b"N" => {}
            b".br" => out.push(b'\n'),
            [b'.', ..] => {}
            [b'X', hex @ ..] => {
                if hex.is_empty() || hex.len() % 2 != 0 {
                    return Err(EscapeError::BadHex);
                }
                for pair in hex.chunks(2) {
                    let hi = hex_digit(pair[0]).ok_or(EscapeError::BadHex)?;
                    let lo = hex_digit(pair[1]).ok_or(EscapeError::BadHex)?;
                    out.push(hi << 4 | lo);
                }
            }
            _ => return Err(EscapeError::Unsupported),
        }
        i += len + 2;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| EscapeError::BadHex)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Escapes a value for writing (the inverse of [`decode`]): separators become `\F\ \S\ \T\ \R\
/// \E\`, CR and LF `\X0D\` and `\X0A\`, so no value can end a field or a segment early.
///
/// ```
/// use shotbook_hl7::parse::{decode, escape, Separators};
/// let s = Separators::default();
/// let text = "O'Brien & Sons | ^~\\\r\n";
/// assert_eq!(decode(&escape(text, &s), &s).unwrap(), text);
/// ```
pub fn escape<'a>(text: &'a str, separators: &Separators) -> Cow<'a, str> {
    let special = |b: u8| {
        b == separators.field
            || b == separators.component
            || b == separators.repetition
            || b == separators.subcomponent
            || b == separators.escape
            || b == b'\r'
            || b == b'\n'
    };
    if !text.bytes().any(special) {
        return Cow::Borrowed(text);
    }
    let esc = separators.escape as char;
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        let code = match ch {
            '\r' => Some("X0D"),
            '\n' => Some("X0A"),
            c if c.is_ascii() => {
                let b = c as u8;
                if b == separators.field {
                    Some("F")
                } else if b == separators.component {
                    Some("S")
                } else if b == separators.subcomponent {
                    Some("T")
                } else if b == separators.repetition {
                    Some("R")
                } else if b == separators.escape {
                    Some("E")
                } else {
                    None
                }
            }
            _ => None,
        };
        match code {
            Some(code) => {
                out.push(esc);
                out.push_str(code);
                out.push(esc);
            }
            None => out.push(ch),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VXU: &str = "MSH|^~\\&|APP|FAC|IIS|IISFAC|20150624084727||VXU^V04^VXU_V04|CTRL1|P|2.5.1\rPID|1||123^^^A^MR~456^^^B^SR||Doe^Jane^^^^^L\rRXA|0|1|20150624||08^HepB^CVX|0.5";

    #[test]
    fn fields_are_numbered_as_hl7_numbers_them_msh_included() {
        let m = Message::parse(VXU).unwrap();
        let msh = m.msh();
        assert_eq!(msh.field(1).raw(), "|");
        assert_eq!(msh.field(2).raw(), "^~\\&");
        assert_eq!(msh.text(3, 0), "APP");
        assert_eq!(msh.text(9, 2), "V04");
        assert_eq!(msh.text(10, 0), "CTRL1");
        assert_eq!(msh.text(12, 0), "2.5.1");
    }

    #[test]
    fn repetitions_components_and_subcomponents_are_split_on_demand() {
        let m = Message::parse(VXU).unwrap();
        let pid = m.segment("PID").unwrap();
        let ids: Vec<_> = pid
            .field(3)
            .repetitions()
            .map(|r| r.component(1).text().unwrap().into_owned())
            .collect();
        assert_eq!(ids, ["123", "456"]);
        assert_eq!(pid.field(3).repetition(2).component(5).raw(), "SR");
        assert_eq!(pid.field(3).repetition(3).raw(), "");
        assert_eq!(pid.text(5, 7), "L");
        let rcp = Message::parse("MSH|^~\\&\rRCP|I|1^RD&Records&HL70126").unwrap();
        let rcp = rcp.segment("RCP").unwrap();
        assert_eq!(rcp.get(2, 2).subcomponent(2).raw(), "Records");
        assert_eq!(rcp.get(2, 2).text().unwrap(), "RD");
    }

    #[test]
    fn cr_lf_and_crlf_all_end_segments_and_blank_lines_are_skipped() {
        for ending in ["\r", "\n", "\r\n", "\n\n", "\r\n\r\n"] {
            let text = VXU.replace('\r', ending) + ending;
            let m = Message::parse(&text).unwrap();
            let ids: Vec<_> = m.segments().iter().map(|s| s.id()).collect();
            assert_eq!(ids, ["MSH", "PID", "RXA"], "ending {ending:?}");
        }
    }

    #[test]
    fn the_separators_come_from_msh_1_and_msh_2() {
        let m = Message::parse("MSH#$*/%#APP\rPID#1##12$$$A$MR~x*y##Doe$Ann/T/e").unwrap();
        let s = m.separators();
        assert_eq!(
            (s.field, s.component, s.repetition, s.escape, s.subcomponent),
            (b'#', b'$', b'*', b'/', b'%')
        );
        let pid = m.segment("PID").unwrap();
        assert_eq!(pid.text(3, 4), "A");
        assert_eq!(pid.text(5, 2), "Ann%e");
        assert_eq!(pid.field(3).repetition(2).raw(), "y");
    }

    #[test]
    fn unusable_separators_are_refused_with_a_reason() {
        for bad in [
            "MSH",
            "MSH|",
            "MSH|^~",
            "MSH|||||",
            "MSH|^^\\&|",
            "MSH|^~\\|",
            "MSH|^~&|",
            "MSH|^~\\&&|A",
            "MSHA^~\\&|",
            "MSH|a~\\&|",
            "MSH|^~\\&X",
        ] {
            let e = Message::parse(bad).unwrap_err();
            assert!(
                matches!(e, ParseError::BadSeparators { .. }),
                "{bad:?} gave {e:?}"
            );
        }
    }

    #[test]
    fn what_is_not_a_single_message_is_refused_with_its_code() {
        assert_eq!(Message::parse("").unwrap_err().code(), "message.empty");
        assert_eq!(
            Message::parse("\r\n \n").unwrap_err().code(),
            "message.empty"
        );
        assert_eq!(
            Message::parse("PID|1").unwrap_err().code(),
            "message.no_msh"
        );
        assert_eq!(
            Message::parse("FHS|^~\\&\rMSH|^~\\&").unwrap_err().code(),
            "message.no_msh"
        );
        assert_eq!(
            Message::parse("MSH|^~\\&\rpid|1").unwrap_err(),
            ParseError::BadSegmentId { index: 2 }
        );
        assert_eq!(
            Message::parse("MSH|^~\\&\rPIDX|1").unwrap_err(),
            ParseError::BadSegmentId { index: 2 }
        );
        assert_eq!(
            Message::parse("MSH|^~\\&\rMSH|^~\\&").unwrap_err(),
            ParseError::SeveralMessages { index: 2 }
        );
        assert_eq!(
            Message::parse_bytes(b"MSH|^~\\&|\xff").unwrap_err().code(),
            "message.not_utf8"
        );
        let big = "MSH|^~\\&|".to_string() + &"A".repeat(MAX_MESSAGE_BYTES);
        assert_eq!(
            Message::parse(&big).unwrap_err().code(),
            "message.too_large"
        );
    }

    #[test]
    fn inputs_that_crashed_other_hl7_parsers_are_refused_or_read() {
        // nHapi #196/#203 (index out of range, null reference, a permanent hang), deoxxa/hl7 #1
        // (slice bounds), interop note §A5.
        for input in [
            "",
            "MSH|0|||||||||||0",
            "MSHH0\r",
            "MSH|^|||||||^A|||2.2\r^AA",
            "MSH00000",
            "MSH|^~\\",
        ] {
            assert!(Message::parse(input).is_err(), "{input:?}");
        }
        // Mirth #253: a segment that is only its ID.
        assert_eq!(
            Message::parse("MSH|^~\\&\rPV1").unwrap().segments().len(),
            2
        );
    }

    #[test]
    fn a_segment_with_an_id_only_has_empty_fields() {
        let m = Message::parse("MSH|^~\\&\rPV1").unwrap();
        let pv1 = m.segment("PV1").unwrap();
        assert_eq!(pv1.field_count(), 0);
        assert!(pv1.field(50).is_empty());
        assert_eq!(pv1.text(2, 3), "");
    }

    #[test]
    fn escapes_after_multibyte_characters_decode_correctly() {
        // hl7-parser 0.3 panics on the first and corrupts the second (research §A4).
        let s = Separators::default();
        assert_eq!(decode(r"éé\T\Jones", &s).unwrap(), "éé&Jones");
        assert_eq!(decode(r"José\T\Jones", &s).unwrap(), "José&Jones");
        assert_eq!(decode(r"Nguyễn\S\Thị", &s).unwrap(), "Nguyễn^Thị");
    }

    #[test]
    fn every_defined_escape_decodes_and_nothing_else_is_guessed() {
        let s = Separators::default();
        assert_eq!(
            decode(r"a\F\b\S\c\T\d\R\e\E\f", &s).unwrap(),
            "a|b^c&d~e\\f"
        );
        assert_eq!(decode(r"\X41\\X42C3A9\", &s).unwrap(), "ABé");
        assert_eq!(
            decode(r"\H\bold\N\ line\.br\two\.sp\", &s).unwrap(),
            "bold line\ntwo"
        );
        assert_eq!(decode(r"\X4\", &s), Err(EscapeError::BadHex));
        assert_eq!(decode(r"\XZZ\", &s), Err(EscapeError::BadHex));
        assert_eq!(decode(r"\X\", &s), Err(EscapeError::BadHex));
        assert_eq!(decode(r"\XFF\", &s), Err(EscapeError::BadHex));
        assert_eq!(decode(r"\Zcustom\", &s), Err(EscapeError::Unsupported));
        assert_eq!(decode(r"\C2842\", &s), Err(EscapeError::Unsupported));
        assert_eq!(decode(r"\\", &s), Err(EscapeError::Unsupported));
        assert_eq!(decode(r"abc\F", &s), Err(EscapeError::Unterminated));
    }

    #[test]
    fn escaping_then_decoding_gives_back_the_text() {
        let s = Separators::default();
        for text in [
            "",
            "plain",
            "Núñez|García",
            "a^b~c&d\\e",
            "\r\n",
            "éé&Jones",
        ] {
            assert_eq!(decode(&escape(text, &s), &s).unwrap(), text);
        }
    }
}
