//! Helpers every stage may use, with no knowledge of sites: reading text files and
//! telling photo formats apart.

pub mod photo_kind;
pub mod text;
