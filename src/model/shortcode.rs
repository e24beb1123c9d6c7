//! A shortcode call as the loader found it: its name, arguments, place in the file,
//! and the files it names. The render stage expands it.

use crate::diagnostic::Position;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Text(String),
    Number(f64),
    Bool(bool),
}

impl ArgValue {
    pub fn as_text(&self) -> String {
        match self {
            ArgValue::Text(s) => s.clone(),
            ArgValue::Number(n) => n.to_string(),
            ArgValue::Bool(b) => b.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ShortcodeCall {
    pub name: String,
    pub args: BTreeMap<String, ArgValue>,
    /// Where the call is, in the file (for errors found later, e.g. a missing image).
    pub position: Position,
    pub source_line: crate::diagnostic::SourceLine,
    /// Files the call names, resolved by the loader (figure src, video src and poster).
    pub image: Option<crate::model::Image>,
    pub video: Option<crate::model::Media>,
}
