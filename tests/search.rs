//! Search in a real browser: the example site is built and served on loopback, and
//! headless Chromium (Debian's `chromium`) types queries into the search page.
//! `.ci/run` installs Chromium and makes its absence a failure; a plain `cargo test`
//! without it says it skipped.

mod common;
use common::browser::{chromium, example_site_on_loopback, tool_missing};
use std::path::Path;
use std::process::Command;

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The page after its scripts ran, as Chromium sees it.
fn dom(browser: &Path, url: &str, profile: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=8000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .expect("chromium");
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn first_result(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(".results .result a").ok()?;
    doc.select(&sel)
        .next()
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
}

#[test]
#[cfg_attr(
    laomo_no_browser,
    ignore = "needs Chromium, Node and playwright-core + axe-core: apt install chromium; npm install playwright-core axe-core in target/ci-tools (.ci/run does both)"
)]
fn chinese_pinyin_and_initials_find_the_right_pages() {
    let Some(browser) = chromium() else {
        return tool_missing("Chromium", "apt install chromium");
    };
    let (dir, _site, port) = example_site_on_loopback();
    let profile = dir.path().join("chromium-profile");
    for (query, expected) in [
        ("丁卫松", "/profiles/ding-weisong/"),
        ("劳模林", "/stories/laomo-lin/"),
        ("卢火佳", "/profiles/lu-huojia/"),
        ("dingweisong", "/profiles/ding-weisong/"),
        ("dws", "/profiles/ding-weisong/"),
    ] {
        let html = dom(
            &browser,
            &format!("http://127.0.0.1:{port}/search/?q={}", encode(query)),
            &profile,
        );
        assert_eq!(
            first_result(&html).as_deref(),
            Some(expected),
            "query {query}:\n{}",
            html.lines()
                .filter(|l| l.contains("result"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The index (Rust) and the search page (search.js) cut and hash words the same way:
/// both are checked against the same vectors, so neither can drift alone.
#[test]
#[cfg_attr(
    laomo_no_node,
    ignore = "needs Node to run search.js: apt install nodejs (.ci/run does)"
)]
fn index_and_script_agree_on_tokens_and_shards() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search");
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vectors.json")).expect("vectors"))
            .expect("json");
    assert_eq!(vectors["shards"], laomo::search::SHARDS);
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    for c in cases {
        let text = c["text"].as_str().expect("text");
        let tokens: Vec<String> = laomo::search::tokens(text)
            .into_iter()
            .map(|t| t.into_owned())
            .collect();
        let want: Vec<String> = serde_json::from_value(c["tokens"].clone()).expect("tokens");
        assert_eq!(tokens, want, "tokens of {text}");
        let shards: Vec<u32> = tokens.iter().map(|t| laomo::search::shard_of(t)).collect();
        let want: Vec<u32> = serde_json::from_value(c["shards"].clone()).expect("shards");
        assert_eq!(shards, want, "shards of {text}");
    }
    let node = std::process::Command::new("node")
        .arg(dir.join("vectors.cjs"))
        .output();
    match node {
        Ok(out) if !out.status.success() => panic!(
            "tests/search/vectors.cjs failed (were search.js's functions renamed?):\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Ok(out) => {
            let report: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("node report");
            assert_eq!(report["checked"].as_u64(), Some(cases.len() as u64));
            assert_eq!(
                report["wrong"],
                serde_json::json!([]),
                "search.js disagrees"
            );
        }
        other => {
            assert!(
                std::env::var_os("LAOMO_REQUIRE_TOOLS").is_none(),
                "node is required here: {other:?}"
            );
            eprintln!("skipped: node not found, search.js not checked against the vectors");
        }
    }
}
