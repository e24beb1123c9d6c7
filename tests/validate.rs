//! The example site's HTML through the Nu HTML Checker (vnu.jar). `.ci/run` installs it
//! (npm `vnu-jar`) and sets LAOMO_VNU_JAR and LAOMO_REQUIRE_TOOLS; a plain `cargo test`
//! on a machine without Java or the jar says it skipped this check.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// The laomo binary, with English messages.
fn laomo() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_laomo"));
    c.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

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
#[cfg_attr(
    laomo_no_vnu,
    ignore = "needs Java and the Nu HTML Checker: apt install default-jre-headless; npm install vnu-jar in target/ci-tools, or set LAOMO_VNU_JAR (.ci/run does both)"
)]
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
    let build = laomo()
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
    // The preview's forms too, as `laomo serve` sends them, with a mistake shown.
    let mut pages = pages;
    let site = common::Site::new(&[(
        "content/profiles/ding.md",
        &common::profile("丁卫松", "[{title: 省劳模, year: 2015}]", "长兴县", ""),
    )]);
    let server = common::Server::start(&site);
    let forms = out.path().join("forms");
    std::fs::create_dir_all(&forms).expect("forms dir");
    for (name, path) in [
        ("new-profile", "/__laomo/new/profile"),
        ("edit-profile", "/__laomo/edit/profile/ding-weisong"),
        ("new-story", "/__laomo/new/story"),
        ("new-association", "/__laomo/new/association"),
        ("new-collection", "/__laomo/new/collection"),
        ("new-exhibition", "/__laomo/new/exhibition"),
        ("new-page", "/__laomo/new/page"),
    ] {
        let (status, _, html) = common::get_as(
            server.port,
            &format!("127.0.0.1:{}", server.port),
            path,
            "",
            std::time::Duration::from_secs(10),
        );
        assert_eq!(status, 200, "{path}");
        let file = forms.join(format!("{name}.html"));
        std::fs::write(&file, html).expect("form page");
        pages.push(file);
    }
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

/// Every `href`, `src` and `srcset` in every page of the example site that points into
/// the site names a file the build wrote: no missing favicon, photo, script or page.
#[test]
fn every_local_link_of_the_example_site_resolves() {
    let out = tempfile::tempdir().expect("tmp");
    let site = out.path().join("site");
    let build = laomo()
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--base-url"])
        .arg("https://example.org/laomo/")
        .arg("--output")
        .arg(&site)
        .output()
        .expect("build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let sel = scraper::Selector::parse("[href], [src], [srcset]").expect("selector");
    let mut checked = 0;
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("read page");
        let doc = scraper::Html::parse_document(&html);
        for el in doc.select(&sel) {
            let mut urls: Vec<&str> = ["href", "src"]
                .iter()
                .filter_map(|a| el.value().attr(a))
                .collect();
            if let Some(set) = el.value().attr("srcset") {
                urls.extend(set.split(',').filter_map(|c| c.split_whitespace().next()));
            }
            for url in urls {
                let Some(rest) = url.strip_prefix("/laomo/") else {
                    continue;
                };
                let rest = rest.split(['#', '?']).next().unwrap_or("");
                let decoded = percent_decode(rest);
                let target = site.join(&decoded);
                let ok = if decoded.is_empty() || decoded.ends_with('/') {
                    target.join("index.html").is_file()
                } else {
                    target.is_file()
                };
                checked += 1;
                if !ok {
                    missing.push(format!("{} -> {url}", entry.path().display()));
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
    assert!(
        missing.is_empty(),
        "{} links to nothing:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
