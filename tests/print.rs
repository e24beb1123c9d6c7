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

/// All the text in reading order without any whitespace: what a reader sees, whatever
/// line breaks and spacing between Chinese and digits the layout chose.
fn squeezed(pdf: &Path) -> String {
    tool("pdftotext", &[], pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
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
            "---\ntitle: 奋斗者足迹\nsubtitle: 长兴劳模故事选\nkind: book\npublisher: 长兴县劳动模范协会\npublished: 2024-05\ncover: cover.jpg\nprint: {paper: 16开}\nparts:\n  - {title: 第一辑 匠心, stories: [first, second]}\n  - {title: 第二辑 初心, stories: [third, 丁卫松]}\n---\n\n这本书收录了三位劳模的故事，前言写在文集自己的正文里。\n",
        ),
        (
            "content/stories/first.md",
            "---\ntitle: 车间里的“金扳手”\ndate: 2024-03-12\nlocation: 长兴县\n---\n\n他是**“劳模”**精神的代表，也是厂里公认的*好师傅*。\n\n- 三十年不离岗\n- 带出五十个徒弟\n\n有人问他秘诀[^1]。\n\n[^1]: 他说只有一个字：钻。\n",
        ),
        (
            "content/stories/second.md",
            "---\ntitle: 重阳节前的走访\ndate: 2023-10-20\npeople: [丁卫松]\ngallery:\n  - {src: photo.jpg, caption: 劳模宣讲进校园。, credit: 长兴县总工会供图}\n---\n\n志愿者们带着鲜花走访老劳模。#set page(width: 1cm) 这样的文字只是文字。\n",
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
    assert!(said.contains("4 chapters"), "{said}");
    screenshots(&pdf, "book");

    let pages = pages(&pdf);
    let all = squeezed(&pdf);
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
        "长兴县总工会供图",
        "#set page(width: 1cm)",
        "他说只有一个字：钻。",
        // A profile in a collection is a chapter of its own: name, honors, body.
        "浙江省劳动模范（2015年）",
        "丁卫松的事迹。",
    ] {
        assert!(
            all.contains(&squeeze(want)),
            "{want} missing from the book:\n{all}"
        );
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
    assert_eq!(checked, 5, "four chapters and the credits in the contents");

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

fn exhibition_site() -> Site {
    let site = book_site();
    for (slug, name, honor) in [
        ("cao", "曹高", "全国劳模"),
        ("hu", "胡莎", "长兴县劳动模范"),
        ("qiu", "裘美芳", "省劳模"),
        ("sun", "孙建华", "省劳模"),
        ("zhou", "周晓莉", "长兴县劳动模范"),
        ("zhang", "张伟", "长兴县劳动模范"),
        ("lin", "林海燕", "全国劳模"),
    ] {
        site.write(
            &format!("content/profiles/{slug}.md"),
            &profile(
                name,
                &format!("[{{title: {honor}, year: 2020}}]"),
                "长兴县",
                "",
            ),
        );
    }
    site.write_bytes(
        "content/exhibitions/hall/boats.jpg",
        &gradient_jpeg(1200, 800),
    );
    site.write(
        "content/exhibitions/hall/index.md",
        "---\ntitle: 长兴劳模成果展\nhalls:\n  - title: 技能传承\n    exhibits:\n      - {profile: 丁卫松}\n      - {story: draft}\n      - {story: first}\n      - {image: boats.jpg, caption: 示意图：湖上的船}\n  - title: 劳模风采\n    exhibits:\n      - {profile: 曹高}\n      - {profile: 胡莎}\n      - {profile: 裘美芳}\n      - {profile: 孙建华}\n      - {profile: 周晓莉}\n      - {profile: 张伟}\n      - {profile: 林海燕}\n---\n\n长兴劳模协会的成果。\n",
    );
    site
}

fn grey(png: &Path) -> image::GrayImage {
    image::open(png).expect("page image").to_luma8()
}

#[test]
#[cfg_attr(
    laomo_no_poppler,
    ignore = "needs poppler's pdftotext and pdftoppm: apt install poppler-utils (.ci/run does)"
)]
fn exhibit_labels_carry_the_halls_numbers_and_qr_codes_that_open_the_pages() {
    let site = exhibition_site();
    let pdf = site.root().join("labels.pdf");
    let run = site.run(&[
        "labels",
        "长兴劳模成果展",
        "-o",
        pdf.to_str().expect("utf-8"),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        said.contains("set 10 labels") && said.contains("2 A4 sheets"),
        "{said}"
    );

    let pages = pages(&pdf);
    assert_eq!(pages.len(), 2, "eight labels to a sheet");
    let all = squeezed(&pdf);
    // The draft story is left out and the rest numbered without a gap, as on the site.
    for want in [
        "展品 1-1",
        "丁卫松",
        "浙江省劳动模范（2015年）",
        "展品 1-2",
        "车间里的“金扳手”",
        "展品 1-3",
        "示意图：湖上的船",
        "展品 2-7",
        "林海燕",
        "全国劳动模范（2020年）",
    ] {
        assert!(all.contains(&squeeze(want)), "{want} missing:\n{all}");
    }
    assert!(
        !all.contains("还没写完的草稿") && !all.contains("1-4"),
        "{all}"
    );
    assert!(!all.contains("13800138000"), "a private value printed");

    // Each QR code reads back as the exhibit's address on the site (under /sub/).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(dir.join("labels"))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let sheet = grey(&dir.join("labels.png"));
    let px = |mm: f64| (mm / 25.4 * 300.0).round() as u32;
    // Each label's code, read from its own corner of the sheet (90 × 60 mm labels from
    // 12 mm in, 6 mm and 10 mm apart; the code in the top right).
    let urls: Vec<String> = (0..8)
        .map(|i| {
            let (x, y) = (12.0 + (i % 2) as f64 * 96.0, 12.0 + (i / 2) as f64 * 70.0);
            let crop =
                image::imageops::crop_imm(&sheet, px(x + 56.0), px(y + 1.0), px(33.0), px(33.0))
                    .to_image();
            let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
                crop.width() as usize,
                crop.height() as usize,
                |x, y| crop.get_pixel(x as u32, y as u32).0[0],
            );
            let grids = prepared.detect_grids();
            assert_eq!(grids.len(), 1, "label {i}: one code");
            grids[0].decode().expect("the code reads").1
        })
        .collect();
    let base = "https://example.org/sub";
    let want: Vec<String> = [
        "/profiles/ding-weisong/",
        "/stories/first/",
        "/exhibitions/hall/hall-1/#exhibit-3",
        "/profiles/cao-gao/",
        "/profiles/hu-sha/",
        "/profiles/qiu-meifang/",
        "/profiles/sun-jianhua/",
        "/profiles/zhou-xiaoli/",
    ]
    .iter()
    .map(|p| format!("{base}{p}"))
    .collect();
    assert_eq!(urls, want);

    // Cut marks: hairlines in the gutter, in line with the first label's top edge
    // (12 mm from the top) just left of its left edge (12 mm from the left).
    let dark_in = |x0: f64, x1: f64, y0: f64, y1: f64| {
        (px(x0)..px(x1))
            .flat_map(|x| (px(y0)..px(y1)).map(move |y| (x, y)))
            .filter(|&(x, y)| sheet.get_pixel(x, y).0[0] < 128)
            .count()
    };
    assert!(
        dark_in(8.2, 10.8, 11.8, 12.2) > 10,
        "no cut mark left of the first label"
    );
    assert!(
        dark_in(11.8, 12.2, 8.2, 10.8) > 10,
        "no cut mark above the first label"
    );
    assert_eq!(
        dark_in(3.0, 7.0, 3.0, 7.0),
        0,
        "marks stay out of the page's margin"
    );
}

/// A page file's front matter as JSON.
fn front_matter(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("read");
    let yaml = text.split("---").nth(1).expect("front matter");
    serde_saphyr::from_str(yaml).expect("yaml")
}

/// The title (story) or name (profile) of the page `slug` of `section`, from its file.
fn example_title(root: &Path, section: &str, slug: &str) -> String {
    let dir = root.join("content").join(section);
    let file = [
        dir.join(format!("{slug}.md")),
        dir.join(slug).join("index.md"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .unwrap_or_else(|| panic!("no file for {section}/{slug}"));
    let fm = front_matter(&file);
    fm.get("title")
        .or_else(|| fm.get("name"))
        .and_then(|v| v.as_str())
        .expect("title or name")
        .to_string()
}

#[test]
#[cfg_attr(
    laomo_no_poppler,
    ignore = "needs poppler's pdftotext: apt install poppler-utils (.ci/run does)"
)]
fn the_example_sites_collections_and_exhibitions_print_every_item() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp dir");
    let mut checked = 0;
    for section in ["collections", "exhibitions"] {
        for entry in std::fs::read_dir(root.join("content").join(section)).expect("section") {
            let path = entry.expect("entry").path();
            let name = path
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .to_string();
            if name == "_index" || name.ends_with(".jpg") {
                continue;
            }
            let file = if path.is_dir() {
                path.join("index.md")
            } else {
                path.clone()
            };
            if !file.is_file() {
                continue;
            }
            let fm = front_matter(&file);
            // What the file lists: (section, slug) of each story or person.
            let mut items: Vec<(&str, String)> = Vec::new();
            let slugs = |v: &serde_json::Value| -> Vec<String> {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            if let Some(list) = fm.get("stories") {
                items.extend(slugs(list).into_iter().map(|s| ("stories", s)));
            }
            for part in fm
                .get("parts")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
            {
                items.extend(slugs(&part["stories"]).into_iter().map(|s| ("stories", s)));
            }
            for hall in fm
                .get("halls")
                .and_then(|h| h.as_array())
                .into_iter()
                .flatten()
            {
                for x in hall["exhibits"].as_array().into_iter().flatten() {
                    if let Some(s) = x.get("story").and_then(|s| s.as_str()) {
                        items.push(("stories", s.to_string()));
                    }
                    if let Some(s) = x.get("profile").and_then(|s| s.as_str()) {
                        items.push(("profiles", s.to_string()));
                    }
                }
            }
            assert!(!items.is_empty(), "{name} lists nothing");
            let pdf = out.path().join(format!("{name}.pdf"));
            let command = if section == "collections" {
                "book"
            } else {
                "labels"
            };
            let run = laomo()
                .args([command, file.to_str().expect("utf-8"), "-o"])
                .arg(&pdf)
                .arg("--root")
                .arg(&root)
                .output()
                .expect("laomo");
            assert!(run.status.success(), "{name}: {}", stderr(&run));
            // Line breaks inside a long title are joined before looking for it.
            let text = squeezed(&pdf);
            for (section, slug) in items {
                let title: String = example_title(&root, section, &slug)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                assert!(text.contains(&title), "{name}: {title} not printed");
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} items checked");
}

#[test]
#[cfg_attr(
    laomo_no_poppler,
    ignore = "needs poppler's pdftotext: apt install poppler-utils (.ci/run does)"
)]
fn a_draft_in_a_collection_is_printed_only_when_asked() {
    let site = book_site();
    site.write(
        "content/collections/book.md",
        "---\ntitle: 奋斗者足迹\nstories: [first, draft]\n---\n\n前言。\n",
    );
    let pdf = site.root().join("b.pdf");
    let out = pdf.to_str().expect("utf-8");
    let published = site.run(&["book", "奋斗者足迹", "-o", out]);
    assert!(published.status.success(), "{}", stderr(&published));
    let text = squeezed(&pdf);
    assert!(
        text.contains("车间里的“金扳手”") && !text.contains("还没写完的草稿"),
        "{text}"
    );

    let with_drafts = site.run(&["book", "奋斗者足迹", "-o", out, "--drafts"]);
    assert!(with_drafts.status.success(), "{}", stderr(&with_drafts));
    let text = squeezed(&pdf);
    assert!(
        text.contains("还没写完的草稿") && text.contains("草稿正文。"),
        "{text}"
    );
}

#[test]
#[cfg_attr(
    laomo_no_poppler,
    ignore = "needs poppler's pdftotext: apt install poppler-utils (.ci/run does)"
)]
fn a_federated_sites_book_prints_a_county_sites_story() {
    let site = book_site();
    // A county's own site, shown here under /changxing/, whose story goes in the book.
    site.write(
        "sources/changxing/content/stories/xuanjiang.md",
        "---\ntitle: 劳模宣讲进校园\ndate: 2024-05-01\n---\n\n宣讲团走进长兴中学的礼堂。\n",
    );
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write(
        "site.yaml",
        &format!("{yaml}sources:\n  - {{name: changxing, path: sources/changxing}}\n"),
    );
    site.write(
        "content/collections/book.md",
        "---\ntitle: 奋斗者足迹\nstories: [first, changxing/xuanjiang]\n---\n\n前言。\n",
    );
    let pdf = site.root().join("b.pdf");
    let out = site.run(&["book", "奋斗者足迹", "-o", pdf.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squeezed(&pdf);
    assert!(
        text.contains("劳模宣讲进校园") && text.contains("宣讲团走进长兴中学的礼堂。"),
        "the county's story, title and body: {text}"
    );
}
