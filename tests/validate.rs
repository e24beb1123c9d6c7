//! The example site's HTML through the Nu HTML Checker (vnu.jar). `.ci/run` installs it
//! (npm `vnu-jar`) and sets LAOMO_VNU_JAR and LAOMO_REQUIRE_TOOLS; a plain `cargo test`
//! on a machine without Java or the jar says it skipped this check.

use std::path::PathBuf;
use std::process::Command;

fn vnu_jar() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("LAOMO_VNU_JAR").map(PathBuf::from),
        Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/ci-tools/node_modules/vnu-jar/build/dist/vnu.jar"),
        ),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

#[test]
fn example_site_html_is_valid() {
    let required = std::env::var_os("LAOMO_REQUIRE_TOOLS").is_some();
    let java_ok = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let Some(jar) = vnu_jar().filter(|_| java_ok) else {
        assert!(
            !required,
            "the Nu HTML Checker is required here but java or vnu.jar is missing"
        );
        eprintln!(
            "skipped: Nu HTML Checker not found (install Java and `npm install vnu-jar`, or set LAOMO_VNU_JAR)"
        );
        return;
    };
    let out = tempfile::tempdir().expect("tmp");
    let build = Command::new(env!("CARGO_BIN_EXE_laomo"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(out.path().join("site"))
        .output()
        .expect("build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(out.path().join("site"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(pages.len() > 50, "{} pages", pages.len());
    let check = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&pages)
        .output()
        .expect("vnu");
    let report = String::from_utf8_lossy(&check.stderr);
    assert!(
        check.status.success() && report.trim().is_empty(),
        "HTML errors:\n{report}"
    );
}
