//! Print: `laomo book` typesets a collection, read back with poppler (pdftotext,
//! pdffonts, pdfimages, pdftoppm): every story is in it, the contents' page numbers are
//! the pages the chapters open on, nothing private or draft is printed, the fonts are
//! embedded, photos are at 300 dpi for their printed size. Pages are rasterised into
//! target/screenshots/ for a look. `.ci/run` installs poppler-utils.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e} (apt install poppler-utils)"));
    assert!(out.status.success(), "{name} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of each page, in layout order.
fn pages(pdf: &Path) -> Vec<String> {
    let text = tool("pdftotext", &["-layout"], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn lines(page: &str) -> Vec<&str> {
    page.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

fn info(pdf: &Path, args: &[&str], name: &str) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn book_site() -> Site {
    let site = Site::new(&[
        (
            "content/profiles/ding.md",
            &profile(
                "丁卫松",
                "[{title: 省劳模, year: 2015}]",
                "长兴县",
                "portrait: ding.jpg\nprivate: {phone: 13800138000, note: 内部备注不可印}\n",
            ),
        ),
        (
            "content/collections/book.md",
            "---\ntitle: 奋斗者足迹\nsubtitle: 长兴劳模故事选\nkind: book\npublisher: 长兴县劳动模范协会\npublished: 2024-05\ncover: cover.jpg\nprint: {paper: 16开}\nparts:\n  - {title: 第一辑 匠心, stories: [first, second]}\n  - {title: 第二辑 初心, stories: [third]}\n---\n\n这本书收录了三位劳模的故事，前言写在文集自己的正文里。\n",
        ),
        (
            "content/stories/first.md",
            "---\ntitle: 车间里的“金扳手”\ndate: 2024-03-12\nlocation: 长兴县\n---\n\n他是**“劳模”**精神的代表，也是厂里公认的*好师傅*。\n\n- 三十年不离岗\n- 带出五十个徒弟\n\n有人问他秘诀[^1]。\n\n[^1]: 他说只有一个字：钻。\n",
        ),
        (
            "content/stories/second.md",
            "---\ntitle: 重阳节前的走访\ndate: 2023-10-20\npeople: [丁卫松]\ngallery:\n  - {src: photo.jpg, caption: 劳模宣讲进校园。}\n---\n\n志愿者们带着鲜花走访老劳模。#set page(width: 1cm) 这样的文字只是文字。\n",
        ),
        (
            "content/stories/third.md",
            &format!(
                "---\ntitle: 高温下的送清凉\ndate: 2023-07-18\n---\n\n{}\n",
                "七月中旬，长兴连续多日最高气温超过三十七度，劳模志愿者们把绿豆汤和毛巾送到了建设工地和环卫站点。"
                    .repeat(40)
            ),
        ),
        (
            "content/stories/draft.md",
            "---\ntitle: 还没写完的草稿\ndate: 2024-03\ndraft: true\n---\n草稿正文。\n",
        ),
    ]);
    site.write_bytes("content/collections/cover.jpg", &gradient_jpeg(3000, 2000));
    site.write_bytes("content/stories/photo.jpg", &gradient_jpeg(2400, 1600));
    site.write_bytes("content/profiles/ding.jpg", &gradient_jpeg(600, 800));
    site
}

fn screenshots(pdf: &Path, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    let status = Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-f", "1", "-l", "8"])
        .arg(pdf)
        .arg(dir.join(name))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
}

#[test]
#[cfg_attr(
    laomo_no_poppler,
    ignore = "needs poppler's pdftotext, pdffonts and pdftoppm: apt install poppler-utils (.ci/run does)"
)]
fn a_collection_prints_as_a_book_whose_contents_match_its_pages() {
    let site = book_site();
    let pdf = site.root().join("奋斗者足迹.pdf");
    let run = site.run(&["book", "book", "-o", pdf.to_str().expect("utf-8")]);
    assert!(run.status.success(), "{}", stderr(&run));
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(said.contains("3 chapters"), "{said}");
    screenshots(&pdf, "book");

    let pages = pages(&pdf);
    let all = pages.join("\n");
    // Every story, the preface from the collection's body, the parts; no draft, nothing
    // private, and text that looks like Typst is printed as text.
    for want in [
        "车间里的“金扳手”",
        "重阳节前的走访",
        "高温下的送清凉",
        "第一辑 匠心",
        "第二辑 初心",
        "这本书收录了三位劳模的故事",
        "长兴劳模故事选",
        "丁卫松",
        "浙江省劳动模范",
        "劳模宣讲进校园。",
        "#set page(width: 1cm)",
        "他说只有一个字：钻。",
    ] {
        assert!(all.contains(want), "{want} missing from the book:\n{all}");
    }
    for never in ["13800138000", "内部备注", "还没写完的草稿", "草稿正文"] {
        assert!(!all.contains(never), "{never} printed");
    }

    // The contents: each chapter's number is the folio of the page it opens on.
    let contents = pages
        .iter()
        .position(|p| lines(p).first() == Some(&"目录"))
        .expect("a contents page");
    let mut checked = 0;
    for line in lines(&pages[contents]) {
        let Some((title, number)) = line.rsplit_once(' ') else {
            continue;
        };
        let title = title.trim_end_matches([' ', '.']).trim();
        let Ok(number) = number.trim_start_matches('\u{2060}').parse::<usize>() else {
            continue;
        };
        if title.starts_with("第") && title.contains("辑") {
            continue;
        }
        let opens = pages
            .iter()
            .position(|p| lines(p).first().is_some_and(|l| l.starts_with(title)))
            .unwrap_or_else(|| panic!("no page opens with {title}"));
        let folio = lines(&pages[opens]).last().map(|s| s.to_string());
        assert_eq!(
            folio,
            Some(number.to_string()),
            "{title}: contents say page {number}, it opens on a page numbered {folio:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 4, "three chapters and the credits in the contents");

    // 16开 paper; every font embedded as a subset.
    let pdfinfo = info(&pdf, &[], "pdfinfo");
    let size: Vec<f64> = pdfinfo
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .expect("page size")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let mm = |pt: f64| pt / 72.0 * 25.4;
    assert!(
        (mm(size[0]) - 185.0).abs() < 0.1 && (mm(size[1]) - 260.0).abs() < 0.1,
        "{pdfinfo}"
    );
    let fonts = info(&pdf, &[], "pdffonts");
    let font_lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!font_lines.is_empty());
    for l in &font_lines {
        let cols: Vec<&str> = l.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 3], ["yes", "yes"], "not embedded: {l}");
    }
    // Photos at 300 dpi for their printed width: the cover across the 185 mm page
    // (2185 px, from a 3000 px original), a story photo across the 143 mm text block.
    let images = info(&pdf, &["-list"], "pdfimages");
    let widths: Vec<u32> = images
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(3)?.parse().ok())
        .collect();
    assert!(widths.contains(&2185), "{images}");
    assert!(widths.contains(&1689), "{images}");
    assert!(widths.iter().all(|w| *w <= 2185), "{images}");
}

#[test]
fn a_missing_collection_a_bad_paper_and_a_broken_template_are_clear_errors() {
    let site = book_site();
    let missing = site.run(&["book", "没有这本书"]);
    assert_eq!(missing.status.code(), Some(1));
    let err = stderr(&missing);
    assert!(
        err.contains("no published collection 没有这本书") && err.contains("book (奋斗者足迹)"),
        "{err}"
    );
    let profile = site.run(&["book", "丁卫松"]);
    assert!(
        stderr(&profile).contains("not a collection"),
        "{}",
        stderr(&profile)
    );

    site.write(
        "site.yaml",
        &format!("{SITE_YAML}print: {{paper: A7, font_size: 五号}}\n"),
    );
    let paper = site.run(&["book", "book"]);
    let err = stderr(&paper);
    assert_eq!(paper.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unknown paper size A7") && err.contains("site.yaml:") && err.contains("16开"),
        "{err}"
    );

    site.write("site.yaml", SITE_YAML);
    site.write(
        "templates/print/book.typ",
        "#let book = json(\"/laomo/book.json\")\n= #book.title\n#let broken = (1, 2\n",
    );
    let typst = site.run(&["book", "book"]);
    let err = stderr(&typst);
    assert_eq!(typst.status.code(), Some(1), "{err}");
    assert!(
        err.contains("templates/print/book.typ:3:") && err.contains("typesetting failed"),
        "{err}"
    );
    assert!(
        !site.root().join("book.pdf").exists(),
        "no PDF from a failed printing"
    );
}

#[test]
fn without_a_chinese_font_the_book_says_what_to_install() {
    let site = book_site();
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}print: {{fonts: [fonts/]}}\n"),
    );
    site.write("fonts/readme.txt", "no fonts here");
    let run = site.run(&["book", "book"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no Chinese font found") && err.contains("fonts-noto-cjk"),
        "{err}"
    );
}
