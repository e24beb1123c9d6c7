//! Rebuilds when the message catalogue changes: rust-i18n reads `locales/*.yml` at
//! compile time but does not tell cargo, so an edited translation would otherwise be
//! left out until some source file changed.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
