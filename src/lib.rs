// Diagnostics are returned by value on the error path, which is cold; boxing them
// would only add noise at every call site.
#![allow(clippy::result_large_err)]
// No unsafe code: the one system call that needed it goes through rustix.
#![forbid(unsafe_code)]

//! laomo: a static site generator for model-worker (劳模) publicity sites.
//!
//! The data flows one way: [`load`] reads and checks every file, [`link`] resolves
//! references into one immutable [`link::Site`], [`render`] runs the Tera templates,
//! and [`write`] swaps the finished site into place atomically.

// The message catalogue, compiled in; English where a text has no translation yet.
rust_i18n::i18n!("locales", fallback = "en");

pub mod build;
pub mod config;
pub mod diagnostic;
pub mod imageproc;
pub mod link;
pub mod load;
pub mod manifest;
pub mod model;
pub mod pinyin;
pub mod poster;
pub mod print;
pub mod render;
pub mod roster;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod share;
pub mod util;
pub mod write;
pub mod yaml;
