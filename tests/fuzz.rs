//! Property tests over every parser an editor's file reaches: front matter, shortcodes,
//! Markdown, site.yaml and photo sniffing. Whatever the input, each returns a result or
//! a diagnostic that prints; none panics.
//!
//! Inputs are built from the pieces those parsers care about (fences, braces, quotes,
//! full-width punctuation, Chinese text), so a few hundred cases reach deep branches.
//! `PROPTEST_CASES` sets how many (CI runs a longer pass); failures proptest finds are
//! kept in `proptest-regressions/` and replayed first, and the files in
//! `tests/fuzz-corpus/` (inputs that once crashed laomo) run through every target.

use laomo::config::Config;
use laomo::diagnostic::Diagnostics;
use laomo::load::{SiteRoot, kinds, markdown, shortcode, source};
use proptest::prelude::*;
use std::path::Path;

const PIECES: &[&str] = &[
    "{{",
    "}}",
    "{{/*",
    "*/}}",
    "/*",
    "*/",
    "/",
    "(",
    ")",
    "\"",
    "'",
    "\\",
    "`",
    "```",
    "~~~",
    "\n",
    "\n\n",
    "---\n",
    "...\n",
    ":",
    ": ",
    "：",
    "，",
    ",",
    "- ",
    "[",
    "]",
    "![",
    "](",
    "*",
    "**",
    "_",
    "#",
    "# ",
    "> ",
    "|",
    "<",
    ">",
    "&",
    "\t",
    " ",
    "　",
    "\u{a0}",
    "“",
    "”",
    "丁卫松",
    "劳模",
    "全国劳动模范",
    "长兴县",
    "。",
    "！",
    "figure",
    "gallery",
    "video",
    "profile",
    "src=",
    "caption=",
    "slug=",
    "a.jpg",
    "x.png",
    "[^1]",
    "[^1]: 注",
    "<!--",
    "-->",
    "title",
    "name",
    "honors",
    "year",
    "2015",
    "- {title: 浙江省劳动模范, year: 2015}",
    "private",
    "draft: true",
    "date: 2020-05-01",
    "people: [ding-weisong]",
    "&amp;",
    "\r\n",
    "0",
    "-1",
    "99999999999999999999",
    "null",
    "~",
    "{",
    "}",
    "!!str",
    "&a",
    "*a",
    "? ",
    "%YAML 1.2\n",
    "\u{feff}",
    "\u{200b}",
    "、",
    "［",
    "］",
    "－－－\n",
    "summary: |\n",
    "tags: [",
    "é",
    "🙂",
];

fn pieces(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
}

/// Structured pieces or arbitrary Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => pieces(80), 1 => any::<String>()]
}

const SITE_YAML: &str = "title: 测试\nbase_url: https://example.org/\nhonors:\n  - {id: national, name: 全国劳动模范, level: 全国}\n  - {id: zhejiang, name: 浙江省劳动模范, level: 省级}\n";

fn print(diags: impl IntoIterator<Item = laomo::diagnostic::Diagnostic>) {
    for d in diags {
        let shown = d.to_string();
        assert!(!shown.is_empty());
    }
}

/// One page file through the whole load step (decode, split, YAML, shortcodes,
/// Markdown, assets), as a profile and as a story.
fn load_as_pages(dir: &Path, bytes: &[u8]) {
    let site = SiteRoot::new(dir).expect("site root");
    let mut diags = Diagnostics::new();
    let config = Config::load(dir, &mut diags).expect("test site.yaml");
    for rel in [
        "content/profiles/x.md",
        "content/stories/y.md",
        "content/about.md",
    ] {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        let (_, d) = kinds::load_page(&site, &config, &path, false);
        print(d);
    }
}

fn site_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("site.yaml"), SITE_YAML).expect("site.yaml");
    dir
}

proptest! {
    #[test]
    fn shortcodes_never_panic(body in text()) {
        let (e, d) = shortcode::expand(&body, "t.md", 3);
        print(d);
        prop_assert!(e.markdown.len() >= body.trim().len() / 4);
    }

    #[test]
    fn markdown_never_panics(body in text()) {
        let r = markdown::render(&body, "/sub/");
        let _ = r;
    }

    #[test]
    fn front_matter_split_never_panics(body in text()) {
        if let Ok(s) = source::split_front_matter(&body) {
            prop_assert!(s.body.len() <= body.len());
        }
    }

    #[test]
    fn page_files_never_panic(front in pieces(60), body in text()) {
        let dir = site_dir();
        load_as_pages(dir.path(), format!("---\n{front}\n---\n{body}").as_bytes());
    }

    #[test]
    fn site_yaml_never_panics(yaml in prop_oneof![pieces(80), Just(SITE_YAML.to_string()).prop_flat_map(|s| mutate(s.into_bytes()).prop_map(|b| String::from_utf8_lossy(&b).into_owned()))]) {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("site.yaml"), &yaml).expect("write");
        let mut diags = Diagnostics::new();
        let _ = Config::load(dir.path(), &mut diags);
        print(diags);
    }

    #[test]
    fn photo_sniffing_never_panics(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        mutate(small_jpeg()),
        mutate(small_png()),
    ]) {
        if let Ok(format) = laomo::imageproc::decode::sniff(&bytes) {
            let _ = laomo::imageproc::decode::stored_dimensions(&bytes, format);
        }
        let _ = laomo::imageproc::decode::decode(&bytes, 10_000_000, 64);
    }
}

/// A valid file with a few bytes changed, cut or repeated.
fn mutate(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = seed.len();
    (
        prop::collection::vec((0..len, any::<u8>()), 0..8),
        prop::option::of(0..len),
    )
        .prop_map(move |(edits, cut)| {
            let mut b = seed.clone();
            for (at, v) in edits {
                b[at] = v;
            }
            if let Some(c) = cut {
                b.truncate(c);
            }
            b
        })
}

fn small_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    let pixels: Vec<u8> = (0..16 * 12 * 3).map(|i| (i * 7 % 251) as u8).collect();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, 16, 12, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    out
}

fn small_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(9, 7, |x, y| {
        image::Rgba([x as u8 * 20, y as u8 * 30, 7, 200])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// Inputs that once crashed laomo, one file each, through every target.
#[test]
fn the_crash_corpus_stays_fixed() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(&corpus).expect("tests/fuzz-corpus") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        let (_, d) = shortcode::expand(&text, "t.md", 0);
        print(d);
        let _ = markdown::render(&text, "/");
        let dir = site_dir();
        load_as_pages(dir.path(), &bytes);
        let _ = laomo::imageproc::decode::decode(&bytes, 10_000_000, 64);
        n += 1;
    }
    assert!(n >= 1, "the corpus is empty");
}

/// A roster table from the pieces: rows of cells with commas, quotes, years, honors.
fn roster_text() -> impl Strategy<Value = String> {
    let cell = prop::sample::select(vec![
        "姓名",
        "丁卫松",
        "工作单位",
        "荣誉",
        "2015年省劳模；",
        "2015.4",
        "42123",
        "年份",
        "地区",
        "长兴县",
        "",
        "\"",
        ",",
        "\n",
        "；",
        "（2020年）",
        "手机",
        "13800138000",
        "9999年",
        "０",
        "\u{3000}",
        "A",
    ]);
    prop::collection::vec(cell, 0..40).prop_map(|cells| cells.join(","))
}

proptest! {
    // A roster in any shape, as CSV or as bytes named .xlsx, is read, matched to columns
    // and turned into people or diagnostics, never a panic.
    #[test]
    fn rosters_never_panic(text in roster_text(), junk in prop::collection::vec(any::<u8>(), 0..300)) {
        use laomo::roster::{columns, person, table};
        let dir = site_dir();
        let mut diags = Diagnostics::new();
        let config = Config::load(dir.path(), &mut diags).expect("site.yaml");
        for (name, bytes) in [("r.csv", text.as_bytes()), ("r.xlsx", &junk[..]), ("r.ods", text.as_bytes())] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("write");
            match table::read(&path, name) {
                Ok(t) => {
                    if let Ok(layout) = person::layout(&t, &columns::Mapping::default()) {
                        let (people, _) = person::people(&t, &layout, &config, false, &mut diags);
                        let _ = people.len();
                    }
                }
                Err(d) => print([d]),
            }
        }
        for piece in person::split_list(&text) {
            let _ = person::split_year(&piece);
            let _ = person::year_of(&table::Cell { text: piece, date: None });
        }
        print(diags.iter().cloned().collect::<Vec<_>>());
    }
}
