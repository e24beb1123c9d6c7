//! Helpers every stage may use, with no knowledge of sites: reading text files,
//! telling Chinese characters and photo formats apart, and encoding paths in URLs.

pub mod cjk;
pub mod fs;
pub mod lang;
pub mod photo_kind;
pub mod text;
pub mod url;
