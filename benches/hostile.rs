//! `cargo bench --bench hostile`: one page built from input that once made laomo
//! quadratic or gigabytes large (issue 11): 20,000 repeated headings, 20,000 photos or
//! shortcode calls in one page, 20,000 calls on one line, and files of 1 MB (the limit)
//! of `[` or `*a`. Prints wall time and peak memory of each `laomo build`.

mod support;

use std::path::{Path, PathBuf};

const SITE_YAML: &str = "title: 压力测试\nbase_url: https://example.org/\n";

fn page(dir: &Path, body: &str, photo: bool) {
    let _ = std::fs::remove_dir_all(dir);
    let page_dir = dir.join("content/stories/s");
    std::fs::create_dir_all(&page_dir).expect("mkdir");
    std::fs::write(dir.join("site.yaml"), SITE_YAML).expect("site.yaml");
    std::fs::write(
        page_dir.join("index.md"),
        format!("---\ntitle: 压力测试\ndate: 2020\n---\n{body}\n"),
    )
    .expect("page");
    if photo {
        let src =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("static/photos/city-bridge-at-night.jpg");
        std::fs::copy(src, page_dir.join("a.jpg")).expect("photo");
    }
}

fn main() {
    if support::measure::child_main() {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laomo"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-hostile");
    let n = 20_000;
    let limit = 1024 * 1024 - 64;
    let cases: Vec<(&str, String, bool)> = vec![
        (
            "20,000 equal headings",
            "## 同一个标题\n\n段落。\n\n".repeat(n),
            false,
        ),
        ("20,000 photos", "![图](a.jpg)\n\n".repeat(n), true),
        (
            "20,000 figure calls",
            "{{ figure(src=\"a.jpg\") }}\n\n".repeat(n),
            true,
        ),
        (
            "20,000 calls, one line",
            "{{ figure(src=\"a.jpg\") }} ".repeat(n),
            true,
        ),
        (
            "120,000 footnote refs",
            format!("{}\n\n[^a]: 注。\n", "见[^a]".repeat(120_000)),
            false,
        ),
        ("1 MB of [", "[".repeat(limit), false),
        ("1 MB of *a", "*a".repeat(limit / 2), false),
    ];
    println!("{:<24} {:>8} {:>10}", "page", "wall s", "peak MiB");
    for (name, body, photo) in cases {
        let site = root.join(name.replace([' ', ',', '*', '['], "_"));
        page(&site, &body, photo);
        let (wall, peak) = support::measure::build(&bin, &site);
        println!("{name:<24} {wall:>8.2} {peak:>10.1}");
    }
}
