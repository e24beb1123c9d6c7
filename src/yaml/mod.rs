//! YAML through serde-saphyr, with its errors turned into editor diagnostics that
//! point at the exact line and column of the file (not of the front-matter block).

use crate::diagnostic::{Diagnostic, Position, nearest};
use rust_i18n::t;
use serde::de::DeserializeOwned;
use serde_saphyr::{Error, Spanned};

pub mod traps;

/// Where a YAML text sits inside its file, so positions can be reported file-relative.
#[derive(Debug, Clone)]
pub struct YamlSource<'a> {
    pub file: &'a str,
    /// The whole file text, for the quoted source line.
    pub file_text: &'a str,
    pub yaml: &'a str,
    /// 0-based line of the file where `yaml` starts.
    pub first_line: usize,
    /// What this YAML describes, for messages: "a profile", "site.yaml".
    pub what: &'a str,
}

impl YamlSource<'_> {
    /// A file position for a location inside the YAML text.
    pub fn position(&self, line: u64, column: u64) -> Option<Position> {
        if line == 0 {
            return None;
        }
        Some(Position::new(
            line as usize + self.first_line,
            column.max(1) as usize,
        ))
    }

    pub fn position_of<T>(&self, spanned: &Spanned<T>) -> Option<Position> {
        self.position(spanned.referenced.line(), spanned.referenced.column())
    }

    /// A diagnostic at a spanned value.
    /// A diagnostic at a spanned value, underlining the whole value on its line.
    pub fn error_at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        let len = spanned.referenced.span().len() as usize;
        self.diagnostic_at(self.position_of(spanned), message)
            .spanning(len.max(1))
    }

    /// A warning at a spanned value: the same place and line as [`Self::error_at`].
    pub fn warning_at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        let mut d = self.error_at(spanned, message);
        d.severity = crate::diagnostic::Severity::Warning;
        d
    }

    pub fn diagnostic_at(
        &self,
        position: Option<Position>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(message)
            .in_file(self.file)
            .at_opt(position.or(Some(Position::new(self.first_line.max(1), 1))))
            .with_source(self.file_text)
    }

    /// Full-width colons, spaces and commas, invisible characters: the input method's
    /// traps, found before parsing (see [`traps`]). Parse only when none is an error.
    pub fn traps(&self) -> Vec<Diagnostic> {
        traps::find(self.yaml, self.first_line)
            .into_iter()
            .map(|d| d.in_file(self.file))
            .collect()
    }

    pub fn parse<T: DeserializeOwned>(&self, known_keys: &[&str]) -> Result<T, Diagnostic> {
        // An empty front matter is an empty mapping, not "no document".
        let text = if self.yaml.trim().is_empty() {
            "{}"
        } else {
            self.yaml
        };
        serde_saphyr::from_str::<T>(text).map_err(|e| self.translate(e, known_keys))
    }

    fn translate(&self, err: Error, known_keys: &[&str]) -> Diagnostic {
        let pos = err
            .location()
            .and_then(|l| self.position(l.line(), l.column()));
        let what = self.what;
        let syntax = !matches!(
            bare(&err),
            Error::SerdeUnknownField { .. }
                | Error::SerdeMissingField { .. }
                | Error::DuplicateMappingKey { .. }
        );
        let (message, hint, span) = match bare(&err) {
            Error::SerdeUnknownField {
                field, expected, ..
            } => {
                let choices: Vec<&str> = if expected.is_empty() {
                    known_keys.to_vec()
                } else {
                    expected.clone()
                };
                let keys = choices.join(", ");
                let hint = match nearest(field, choices.iter().copied()) {
                    Some(n) => t!(
                        "yaml.unknown_key.did_you_mean",
                        near = n,
                        what = what,
                        keys = keys
                    ),
                    None => t!("yaml.unknown_key.remove", what = what, keys = keys),
                };
                (
                    t!("yaml.unknown_key", field = field, what = what).into_owned(),
                    Some(hint.into_owned()),
                    field.chars().count(),
                )
            }
            Error::SerdeMissingField { field, .. } => (
                t!("yaml.missing", what = what, field = field).into_owned(),
                Some(t!("yaml.missing.hint", field = field).into_owned()),
                1,
            ),
            Error::DuplicateMappingKey { key, .. } => {
                let key = key.clone().unwrap_or_else(|| "?".into());
                (
                    t!("yaml.duplicate", key = key).into_owned(),
                    Some(t!("yaml.duplicate.hint").into_owned()),
                    key.chars().count(),
                )
            }
            other => {
                let raw = other.to_string();
                // serde-saphyr writes its own location; we show ours instead.
                let first = raw.lines().next().unwrap_or(&raw).to_string();
                let msg = strip_location(&first);
                (
                    t!("yaml.other", what = what, message = plain_message(&msg)).into_owned(),
                    Some(yaml_hint(&msg)),
                    1,
                )
            }
        };
        let mut d = self.diagnostic_at(pos, message).spanning(span);
        if let Some(h) = hint {
            d = d.hint(h);
        }
        // Chinese quotation marks look like quotes but YAML reads them as text, so a
        // `: ` inside them still ends the key.
        if syntax
            && d.source_line
                .as_deref()
                .is_some_and(|l| l.contains(['“', '”', '‘', '’']))
        {
            d = d.hint(t!("yaml.hint.smart_quotes"));
        }
        d
    }
}

/// The error itself, without the snippet and alias wrappers serde-saphyr adds.
fn bare(mut e: &Error) -> &Error {
    loop {
        match e {
            Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => e = error,
            other => return other,
        }
    }
}

fn strip_location(s: &str) -> String {
    let mut s = s.trim().trim_start_matches("error:").trim();
    // "line 4 column 7: message"
    if let Some(rest) = s.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
        && rest[..i]
            .split_whitespace()
            .all(|w| w == "column" || w.chars().all(|c| c.is_ascii_digit()))
    {
        s = &rest[i + 2..];
    }
    for marker in [" at line ", " at ", ", line "] {
        if let Some(i) = s.rfind(marker) {
            let tail = &s[i + marker.len()..];
            if tail.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return s[..i].trim_end_matches([',', ':']).to_string();
            }
        }
    }
    s.to_string()
}

fn yaml_hint(msg: &str) -> String {
    let m = msg.to_lowercase();
    let key = if m.contains("expected sequence")
        || m.contains("expected a sequence")
        || m.contains("expected a list")
    {
        "yaml.hint.list"
    } else if m.contains("invalid type: sequence") || m.contains("invalid type: map") {
        "yaml.hint.single"
    } else if m.contains("invalid type") || m.contains("expected") {
        "yaml.hint.form"
    } else if m.contains("tab") {
        "yaml.hint.tab"
    } else {
        "yaml.hint.general"
    };
    t!(key).into_owned()
}

/// "invalid type: sequence, expected a text" reads better as what was found and wanted.
fn plain_message(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let found = match found {
            "sequence" => t!("yaml.found.list"),
            "map" => t!("yaml.found.mapping"),
            other => other.into(),
        };
        return t!("yaml.found", found = found, expected = expected).into_owned();
    }
    msg.to_string()
}

/// A scalar as written in YAML: editors write `2018` and `2018-03` alike, `360` and `360多`.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    pub fn as_text(&self) -> String {
        match self {
            Scalar::Text(s) => s.clone(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a text")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                i64::try_from(v)
                    .map(Scalar::Int)
                    .map_err(|_| E::custom("number too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// An ordered mapping of text keys to scalars (figures keep the order written).
#[derive(Debug, Clone, Default)]
pub struct OrderedScalars(pub Vec<(String, Spanned<Scalar>)>);

impl<'de> serde::Deserialize<'de> for OrderedScalars {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderedScalars;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping such as {场次: 50, 捐款: 415290元}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Scalar, Spanned<Scalar>>()? {
                    out.push((k.as_text(), v));
                }
                Ok(OrderedScalars(out))
            }
        }
        d.deserialize_map(V)
    }
}

pub type Sp<T> = Spanned<T>;

/// A list of texts that may also be written as a single text: `tags: 植树`.
#[derive(Debug, Clone, Default)]
pub struct TextList(pub Vec<String>);

impl<'de> serde::Deserialize<'de> for TextList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TextList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list such as [植树, 环保], or one text")
            }
            fn visit_str<E>(self, v: &str) -> Result<TextList, E> {
                Ok(TextList(vec![v.to_string()]))
            }
            fn visit_i64<E>(self, v: i64) -> Result<TextList, E> {
                Ok(TextList(vec![v.to_string()]))
            }
            fn visit_u64<E>(self, v: u64) -> Result<TextList, E> {
                Ok(TextList(vec![v.to_string()]))
            }
            fn visit_unit<E>(self) -> Result<TextList, E> {
                Ok(TextList(Vec::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<TextList, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Scalar>()? {
                    out.push(s.as_text());
                }
                Ok(TextList(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// An empty key (`people:` with nothing after it) is an empty list, not an error:
/// `laomo new` skeletons and editors leave keys empty all the time.
pub fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}
