#![allow(dead_code)]
pub mod measure;
pub mod site_gen;
