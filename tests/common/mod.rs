//! Test helpers: fixture sites in temp folders, the laomo binary, parsed HTML.
#![allow(dead_code)]

pub mod browser;

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SITE_YAML: &str = "title: 测试劳模馆\nbase_url: https://example.org/sub/\nhonors:\n  - {id: national-model, name: 全国劳动模范, level: 全国, aliases: [全国劳模]}\n  - {id: zhejiang-model, name: 浙江省劳动模范, level: 省级, aliases: [省劳模]}\n  - {id: changxing-model, name: 长兴县劳动模范, level: 县级}\neras:\n  - {name: 改革开放时期, until: 2011}\n  - {name: 新时代}\nregions:\n  湖州市: [长兴县, 安吉县]\nterm_slugs: {长兴县: changxing-xian}\npaginate: 2\nmenu: [{name: 劳模风采, url: /profiles/}]\n";

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A site with site.yaml and the given files (path, text).
    pub fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        site.write("site.yaml", SITE_YAML);
        for (p, t) in files {
            site.write(p, t);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    pub fn run(&self, args: &[&str]) -> Output {
        // From inside the site, as an editor runs it: relative files are the site's.
        laomo()
            .args(args)
            .arg("--root")
            .arg(self.root())
            .current_dir(self.root())
            .output()
            .expect("run laomo")
    }

    pub fn build(&self) -> Output {
        self.run(&["build"])
    }

    /// Builds and panics with the diagnostics if the build fails.
    pub fn build_ok(&self) -> Output {
        let out = self.build();
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn html(&self, site_path: &str) -> Html {
        let file = if site_path.ends_with('/') {
            format!("{site_path}index.html")
        } else {
            site_path.to_string()
        };
        let p = self.public().join(file.trim_start_matches('/'));
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        Html::parse_document(&text)
    }

    pub fn text(&self, site_path: &str) -> String {
        std::fs::read_to_string(self.public().join(site_path.trim_start_matches('/')))
            .expect("read output")
    }
}

/// The laomo binary, speaking English: the tests read its English messages. (Chinese is
/// its default; tests that check the Chinese set the language themselves.)
pub fn laomo() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_laomo"));
    c.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

/// A JPEG of `w`×`h` with a gradient (never one flat colour, so resizing shows).
pub fn gradient_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 90])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bytes, image::ImageFormat::Jpeg)
        .expect("jpeg");
    bytes.into_inner()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).collect()
}

pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

pub fn profile(name: &str, honors: &str, region: &str, extra: &str) -> String {
    format!("---\nname: {name}\nhonors: {honors}\nregion: {region}\n{extra}---\n\n{name}的事迹。\n")
}

/// Every file under `dir`, as (path relative to `dir`, bytes), sorted: a snapshot two
/// moments of a folder can be compared by.
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            (
                rel.to_string_lossy().to_string(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

/// `laomo serve` on a port of its choosing, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
}

impl Server {
    /// Starts `laomo serve --port 0` and reads the port it chose from its first line.
    pub fn start(site: &Site) -> Server {
        let mut child = laomo()
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET with the given Host header; reads until the server closes or `wait` passes
/// (an event stream never closes).
pub fn get_as(
    port: u16,
    host: &str,
    path: &str,
    extra: &str,
    wait: std::time::Duration,
) -> (u16, String, Vec<u8>) {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(wait)).expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extra}\r\n"
    )
    .expect("write");
    response(s)
}

/// Status, head and body of the response read from `s` until it closes or times out.
pub fn response(mut s: std::net::TcpStream) -> (u16, String, Vec<u8>) {
    use std::io::Read;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head, buf[split..].to_vec())
}
