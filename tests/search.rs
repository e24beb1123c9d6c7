//! Search in a real browser: the example site is built and served on loopback, and
//! headless Chromium (Debian's `chromium`) types queries into the search page.
//! `.ci/run` installs Chromium and makes its absence a failure; a plain `cargo test`
//! without it says it skipped.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// A tiny static file server for the built site (the test must not depend on serve's
/// live-reload connection, which keeps a page loading forever).
fn serve_dir(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let raw = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .to_string();
                let path = percent_decode(&raw);
                let mut file = root.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    file = file.join("index.html");
                }
                let (status, body) = match (path.contains(".."), std::fs::read(&file)) {
                    (false, Ok(b)) => ("200 OK", b),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let mime = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("json") => "application/json",
                    _ => "application/octet-stream",
                };
                let mut s = &stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            });
        }
    });
    port
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

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
    let required = std::env::var_os("LAOMO_REQUIRE_TOOLS").is_some();
    let Some(browser) = chromium() else {
        assert!(
            !required,
            "Chromium is required here but missing (apt install chromium)"
        );
        eprintln!("skipped: Chromium not found (apt install chromium)");
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("site");
    // The port must be known before building, so links point at this server.
    let listener = TcpListener::bind("127.0.0.1:0").expect("probe");
    drop(listener);
    let port = serve_dir(site.clone());
    let build = Command::new(env!("CARGO_BIN_EXE_laomo"))
        .args([
            "build",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--base-url",
            &format!("http://127.0.0.1:{port}/"),
            "--output",
        ])
        .arg(&site)
        .output()
        .expect("build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
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
