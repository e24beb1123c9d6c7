//! Two things cargo needs told at build time:
//!
//! - Rebuild when the message catalogue changes: rust-i18n reads `locales/*.yml` at
//!   compile time but does not tell cargo, so an edited translation would otherwise be
//!   left out until some source file changed.
//! - Which page-checking tools this machine lacks (Chromium, Node's playwright-core and
//!   axe-core, Java with the Nu HTML Checker, poppler's pdftotext for the printed
//!   books), so that the tests needing them show as
//!   `ignored` with the reason in `cargo test`'s own output instead of passing quietly.
//!   With `LAOMO_REQUIRE_TOOLS` set (as `.ci/run` does) nothing is ignored: a missing
//!   tool fails its test.

use std::path::{Path, PathBuf};

fn on_path(names: &[&str]) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| names.iter().any(|n| dir.join(n).is_file()))
}

fn main() {
    println!("cargo:rerun-if-changed=locales");
    for var in [
        "LAOMO_REQUIRE_TOOLS",
        "LAOMO_NODE_MODULES",
        "LAOMO_VNU_JAR",
        "PATH",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    for cfg in [
        "laomo_no_browser",
        "laomo_no_node",
        "laomo_no_vnu",
        "laomo_no_poppler",
    ] {
        println!("cargo:rustc-check-cfg=cfg({cfg})");
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let tools = manifest.join("target/ci-tools");
    // Installing a tool changes these folders: checked again then.
    for dir in [Path::new("/usr/bin"), tools.as_path()] {
        if dir.is_dir() {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
    }
    if std::env::var_os("LAOMO_REQUIRE_TOOLS").is_some() {
        return;
    }
    let modules = std::env::var_os("LAOMO_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| tools.join("node_modules"));
    let node = on_path(&["node"]);
    let browser = on_path(&["chromium", "chromium-browser", "google-chrome"])
        && node
        && modules.join("playwright-core").is_dir()
        && modules.join("axe-core").is_dir();
    let vnu = on_path(&["java"])
        && std::env::var_os("LAOMO_VNU_JAR")
            .map(PathBuf::from)
            .unwrap_or_else(|| modules.join("vnu-jar/build/dist/vnu.jar"))
            .is_file();
    for (cfg, present) in [
        ("laomo_no_browser", browser),
        ("laomo_no_node", node),
        ("laomo_no_vnu", vnu),
        (
            "laomo_no_poppler",
            on_path(&["pdftotext"]) && on_path(&["pdftoppm"]) && on_path(&["pdffonts"]),
        ),
    ] {
        if !present {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}
