//! Writing messages: segments joined by CR, every value escaped, trailing empty fields and
//! components left out. Messages are always written with the standard separators `|^~\&`.

use crate::header::Hd;
use crate::parse::{escape, Separators};

/// A message being written.
#[derive(Debug, Default)]
pub struct MessageWriter {
    out: String,
}

/// One field's encoded text (already escaped and joined).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field(pub(crate) String);

impl Field {
    /// An empty field.
    pub fn empty() -> Self {
        Self::default()
    }

    /// A single value, escaped.
    pub fn text(text: &str) -> Self {
        Self(escape(text, &Separators::default()).into_owned())
    }

    /// Components, each escaped; trailing empty ones left out.
    pub fn components(parts: &[&str]) -> Self {
        let used = parts
            .iter()
            .rposition(|p| !p.is_empty())
            .map_or(0, |i| i + 1);
        let s = Separators::default();
        Self(
            parts[..used]
                .iter()
                .map(|p| escape(p, &s))
                .collect::<Vec<_>>()
                .join("^"),
        )
    }

    /// A coded element `code^text^system`, empty when there is no code.
    pub fn coded(code: &str, text: &str, system: &str) -> Self {
        if code.is_empty() {
            return Self::empty();
        }
        Self::components(&[code, text, system])
    }

    /// An HD.
    pub fn hd(hd: &Hd) -> Self {
        Self::components(&[&hd.namespace, &hd.universal_id, &hd.universal_id_type])
    }

    /// Components already encoded (e.g. a nested subcomponent list), joined with `^`.
    pub fn raw_components(parts: &[String]) -> Self {
        let used = parts
            .iter()
            .rposition(|p| !p.is_empty())
            .map_or(0, |i| i + 1);
        Self(parts[..used].join("^"))
    }

    /// Repetitions joined with `~`.
    pub fn repeated(reps: Vec<Field>) -> Self {
        Self(reps.into_iter().map(|f| f.0).collect::<Vec<_>>().join("~"))
    }

    /// Encoded text verbatim (the caller guarantees it is valid for `|^~\&`).
    pub fn encoded(text: String) -> Self {
        Self(text)
    }
}

impl MessageWriter {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends MSH; `fields[0]` is MSH-3.
    pub fn msh(&mut self, fields: Vec<Field>) {
        self.out.push_str("MSH|^~\\&");
        self.push_fields(fields);
    }

    /// Appends a segment; `fields[0]` is field 1.
    pub fn segment(&mut self, id: &str, fields: Vec<Field>) {
        if !self.out.is_empty() {
            self.out.push('\r');
        }
        self.out.push_str(id);
        self.push_fields(fields);
    }

    fn push_fields(&mut self, fields: Vec<Field>) {
        let used = fields
            .iter()
            .rposition(|f| !f.0.is_empty())
            .map_or(0, |i| i + 1);
        for f in &fields[..used] {
            self.out.push('|');
            self.out.push_str(&f.0);
        }
    }

    /// The message, segments separated (and ended) by CR.
    pub fn finish(mut self) -> String {
        self.out.push('\r');
        self.out
    }
}
