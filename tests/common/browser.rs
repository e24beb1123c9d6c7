//! Browser tests' helpers: finding Chromium and the Node tools, and serving a built site
//! on loopback with a tiny static server (serve's live-reload connection would keep a
//! page loading forever).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

/// Says a browser tool is missing: a failure under `.ci/run` (LAOMO_REQUIRE_TOOLS), a
/// clear "skipped" line in a plain `cargo test`.
pub fn tool_missing(tool: &str, how: &str) {
    assert!(
        std::env::var_os("LAOMO_REQUIRE_TOOLS").is_none(),
        "{tool} is required here but missing ({how})"
    );
    eprintln!("skipped: {tool} not found ({how}); .ci/run installs it");
}

/// The example site built for `http://127.0.0.1:PORT/` and served there.
pub fn example_site_on_loopback() -> (tempfile::TempDir, PathBuf, u16) {
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("site");
    let port = serve_dir(site.clone());
    let build = super::laomo()
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
    (dir, site, port)
}

/// Chromium's full path: Playwright wants a path, not a command name.
pub fn chromium() -> Option<PathBuf> {
    let name = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })?;
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
        .or(Some(name))
}

/// A tiny static file server for the built site (the test must not depend on serve's
/// live-reload connection, which keeps a page loading forever).
pub fn serve_dir(root: PathBuf) -> u16 {
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
                    Some("svg") => "image/svg+xml",
                    Some("jpg" | "jpeg") => "image/jpeg",
                    Some("png") => "image/png",
                    Some("webp") => "image/webp",
                    Some("xml") => "application/xml",
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
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
