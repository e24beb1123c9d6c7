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
