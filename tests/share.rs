//! Sharing: every profile, story, exhibition and exhibition hall has a QR code of its
//! absolute address, read back here as a phone's scanner would; every shared page has
//! share cards drawn with its name; a poster carries a QR code that opens the page.

mod common;
use common::*;
use image::GenericImageView;

/// Decodes the QR code in one of laomo's SVG files: the path's runs are drawn into a
/// greyscale image (4 pixels a module) and read with rqrr.
fn read_qr(svg: &str) -> String {
    let size: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("viewBox");
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("path");
    let mut dark = vec![false; size * size];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        // `x y hN v1 h-N z`
        let (xy, rest) = run.split_once('h').expect("run");
        let mut xy = xy.split(' ');
        let x: usize = xy.next().and_then(|v| v.parse().ok()).expect("x");
        let y: usize = xy.next().and_then(|v| v.parse().ok()).expect("y");
        let len: usize = rest
            .split('v')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("len");
        for i in x..x + len {
            dark[y * size + i] = true;
        }
    }
    let scale = 4;
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
            if dark[(y / scale) * size + x / scale] {
                0
            } else {
                255
            }
        });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("decodes").1
}

#[test]
fn qr_codes_read_back_as_the_pages_absolute_addresses() {
    let site = Site::new(&[
        (
            "content/profiles/ding.md",
            &profile("丁卫松", "[{title: 省劳模, year: 2015}]", "长兴县", ""),
        ),
        (
            "content/stories/lin.md",
            "---\ntitle: 劳模林\ndate: 2018-03\n---\n正文。\n",
        ),
        (
            "content/exhibitions/zhan.md",
            "---\ntitle: 云展馆\nhalls:\n  - title: 劳模风采\n    exhibits:\n      - {profile: 丁卫松}\n---\n前言。\n",
        ),
        (
            "content/profiles/cao.md",
            &profile("曹高", "[{title: 全国劳模}]", "长兴县", "draft: true\n"),
        ),
    ]);
    site.build_ok();
    // Under a sub-path base_url, the code holds the whole address.
    for (page, url) in [
        (
            "/profiles/ding-weisong/",
            "https://example.org/sub/profiles/ding-weisong/",
        ),
        ("/stories/lin/", "https://example.org/sub/stories/lin/"),
        (
            "/exhibitions/zhan/",
            "https://example.org/sub/exhibitions/zhan/",
        ),
        (
            "/exhibitions/zhan/hall-1/",
            "https://example.org/sub/exhibitions/zhan/hall-1/",
        ),
    ] {
        let svg = site.text(&format!("{page}qr.svg"));
        assert_eq!(read_qr(&svg), url, "{page}qr.svg");
    }
    // The page offers it, under the sub-path.
    let html = site.html("/profiles/ding-weisong/");
    assert_eq!(
        attrs(&html, "figure.qr img", "src"),
        vec!["/sub/profiles/ding-weisong/qr.svg"]
    );
    assert_eq!(texts(&html, "figure.qr figcaption"), vec!["扫码阅读"]);
    // A draft has no page and no code.
    assert!(!site.public().join("profiles/cao-gao/qr.svg").exists());
    // Plain pages and listings are not sent to from paper: no code there.
    assert!(!site.public().join("profiles/qr.svg").exists());
}

/// The mask is fixed rather than scored: codes of many addresses, short and long, all
/// read back.
#[test]
fn every_kind_of_address_reads_back() {
    for i in 0..100 {
        let slug = "ab-cd".repeat(i % 23);
        let url = format!(
            "https://www.example.org.cn/sub{i}/profiles/{slug}-{i}/hall-{}/",
            i % 7
        );
        let svg = laomo::share::qr_svg(&url).expect("fits in a QR code");
        assert_eq!(read_qr(&svg), url);
    }
    assert!(
        laomo::share::qr_svg(&"x".repeat(5000)).is_none(),
        "too long for any QR code"
    );
}

/// A PNG's pixels as RGB.
fn png(path: &std::path::Path) -> image::RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8()
}

/// How many pixels of `(x0, y0)..(x1, y1)` are dark, as text is drawn (#1d1f22), not
/// the paper (#f7f3ec) or the red (#a81f1a).
fn dark_pixels(img: &image::RgbImage, (x0, y0): (u32, u32), (x1, y1): (u32, u32)) -> usize {
    let mut n = 0;
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            let p = img.get_pixel(x, y).0;
            if p.iter().all(|&c| c < 90) {
                n += 1;
            }
        }
    }
    n
}

fn sharing_site() -> Site {
    let site = Site::new(&[
        (
            "content/profiles/ding.md",
            &profile(
                "丁卫松",
                "[{title: 省劳模, year: 2015}]",
                "长兴县",
                "private: {phone: 13800138000}\n",
            ),
        ),
        (
            "content/profiles/cao.md",
            &profile("曹高", "[{title: 全国劳模, year: 2020}]", "长兴县", ""),
        ),
        (
            "content/stories/long.md",
            "---\ntitle: 长兴县劳动模范协会组织全县各级劳动模范走进中小学校园开展劳模精神宣讲活动并与师生座谈交流\ndate: 2024-03\n---\n正文。\n",
        ),
        (
            "content/stories/draft.md",
            "---\ntitle: 还没写完\ndate: 2024-03\ndraft: true\n---\n正文。\n",
        ),
    ]);
    site.write_bytes("content/stories/plant/cover.jpg", &gradient_jpeg(1200, 800));
    site.write(
        "content/stories/plant/index.md",
        "---\ntitle: 劳模林里又添新绿\ndate: 2024-03-12\ncover: cover.jpg\n---\n正文。\n",
    );
    site
}

#[test]
fn every_shared_page_has_a_card_with_its_name_drawn_and_says_so_in_its_meta_tags() {
    let site = sharing_site();
    site.build_ok();
    let meta = |doc: &scraper::Html, prop: &str| {
        attrs(doc, &format!("meta[property='{prop}']"), "content")
    };
    let page = site.html("/profiles/ding-weisong/");
    assert_eq!(
        meta(&page, "og:image"),
        vec!["https://example.org/sub/profiles/ding-weisong/card.png"]
    );
    assert_eq!(meta(&page, "og:image:width"), vec!["1200"]);
    assert_eq!(meta(&page, "og:image:height"), vec!["630"]);
    assert_eq!(meta(&page, "og:image:type"), vec!["image/png"]);
    assert_eq!(meta(&page, "og:image:alt"), vec!["丁卫松"]);
    assert_eq!(
        meta(&page, "og:url"),
        vec!["https://example.org/sub/profiles/ding-weisong/"]
    );
    assert!(meta(&page, "og:description")[0].starts_with("浙江省劳动模范 · "));
    assert_eq!(
        attrs(&page, "meta[name=description]", "content"),
        meta(&page, "og:description")
    );
    assert_eq!(
        attrs(&page, "meta[name='twitter:card']", "content"),
        vec!["summary_large_image"]
    );
    // WeChat takes the first picture of the page as the thumbnail: the square card,
    // hidden and never fetched by a browser (lazy and not displayed).
    assert_eq!(
        attrs(&page, "body > img[hidden][loading=lazy]", "src"),
        vec!["https://example.org/sub/profiles/ding-weisong/card-square.png"]
    );

    // The files are there at the sizes the tags say.
    let wide = png(&site.public().join("profiles/ding-weisong/card.png"));
    assert_eq!(wide.dimensions(), (1200, 630));
    let square = png(&site.public().join("profiles/ding-weisong/card-square.png"));
    assert_eq!(square.dimensions(), (500, 500));

    // The name is drawn where the theme puts it (right of the monogram, under the
    // site's name), and two people's cards differ there and only nearly there.
    let name_box = ((430, 150), (1150, 320));
    let other = png(&site.public().join("profiles/cao-gao/card.png"));
    let drawn = dark_pixels(&wide, name_box.0, name_box.1);
    assert!(drawn > 3000, "only {drawn} dark pixels where the name is");
    assert_ne!(
        wide.view(430, 150, 720, 170).to_image(),
        other.view(430, 150, 720, 170).to_image()
    );
    assert_eq!(
        wide.view(0, 560, 400, 70).to_image(),
        other.view(0, 560, 400, 70).to_image(),
        "the bottom left is the same paper on both"
    );
    // The square card has the name in its lower half.
    assert!(dark_pixels(&square, (20, 300), (480, 370)) > 1000);

    // A story with a cover gets a card too; a draft gets none.
    assert!(site.public().join("stories/plant/card.png").is_file());
    assert!(!site.public().join("stories/draft").exists());
    // Listings have no card of their own.
    let listing = site.html("/profiles/");
    assert!(meta(&listing, "og:image").is_empty());
}

#[test]
fn a_title_too_long_for_its_card_is_cut_never_drawn_past_the_edge() {
    let site = sharing_site();
    site.build_ok();
    let card = png(&site.public().join("stories/long/card.png"));
    // Two lines of title are drawn; nothing dark reaches the right margin.
    assert!(dark_pixels(&card, (430, 150), (1150, 360)) > 3000);
    assert_eq!(
        dark_pixels(&card, (1160, 0), (1200, 630)),
        0,
        "text drawn into the right margin"
    );
    let square = png(&site.public().join("stories/long/card-square.png"));
    assert_eq!(dark_pixels(&square, (0, 300), (22, 500)), 0);
    assert_eq!(dark_pixels(&square, (478, 300), (500, 500)), 0);
}

#[test]
fn cards_are_kept_and_not_drawn_again_when_nothing_they_show_changed() {
    let site = sharing_site();
    site.build_ok();
    let cache = site.root().join(".laomo-cache/cards");
    let cards = || -> Vec<String> { files_under(&cache).into_iter().map(|(f, _)| f).collect() };
    let first = cards();
    assert_eq!(first.len(), 8, "two cards for each of four published pages");
    // A change to the body only: the same cards, from the cache.
    site.write(
        "content/stories/long.md",
        "---\ntitle: 长兴县劳动模范协会组织全县各级劳动模范走进中小学校园开展劳模精神宣讲活动并与师生座谈交流\ndate: 2024-03\n---\n改过的正文。\n",
    );
    site.build_ok();
    assert_eq!(cards(), first);
    // A new name: new cards for that page, and the old ones are gone from the cache.
    site.write(
        "content/profiles/cao.md",
        &profile("曹高峰", "[{title: 全国劳模, year: 2020}]", "长兴县", ""),
    );
    site.build_ok();
    let now = cards();
    assert_eq!(now.len(), 8);
    assert_eq!(
        now.iter().filter(|c| !first.contains(c)).count(),
        2,
        "two new cards, for 曹高峰: {now:?} after {first:?}"
    );
}

/// Cards and resized photos go into the site as second names of the cache's files (a
/// cold build places tens of thousands): the site must never write through them.
#[cfg(unix)]
#[test]
fn the_sites_cards_are_the_caches_files_and_a_new_card_never_changes_the_cache() {
    use std::os::unix::fs::MetadataExt;
    let site = sharing_site();
    site.build_ok();
    let cache = site.root().join(".laomo-cache/cards");
    let card = site.public().join("profiles/cao-gao/card.png");
    let inode = |p: &std::path::Path| std::fs::metadata(p).expect("file").ino();
    let cached: Vec<u64> = walkdir::WalkDir::new(&cache)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| inode(e.path()))
        .collect();
    assert!(cached.contains(&inode(&card)), "the card is a copy");
    let before = files_under(&cache);
    let old = std::fs::read(&card).expect("card");

    // Another honor: the same address gets another card.
    site.write(
        "content/profiles/cao.md",
        &profile("曹高", "[{title: 省劳模, year: 2012}]", "长兴县", ""),
    );
    site.build_ok();
    let new = std::fs::read(&card).expect("card");
    assert_ne!(new, old, "the card shows the new honor");
    let after = files_under(&cache);
    assert!(after.iter().any(|(_, bytes)| *bytes == new));
    // Every card the cache kept has the bytes it had.
    for (name, bytes) in &after {
        if let Some((_, was)) = before.iter().find(|(n, _)| n == name) {
            assert!(was == bytes, "{name} was written into");
        }
    }
}

#[test]
fn without_a_chinese_font_a_site_that_asks_for_cards_gets_a_clear_error() {
    let site = sharing_site();
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}share:\n  fonts: [fonts/]\n"),
    );
    site.write("fonts/readme.txt", "no fonts here");
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no font with Chinese characters was found")
            && err.contains("fonts-noto-cjk")
            && err.contains("site.yaml"),
        "{err}"
    );
    assert!(!site.public().exists(), "nothing published");

    // Cards turned off: no card, and the cover photo is what the link shows.
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}share: {{cards: false}}\n"),
    );
    site.build_ok();
    assert!(!site.public().join("stories/plant/card.png").exists());
    let page = site.html("/stories/plant/");
    let image = attrs(&page, "meta[property='og:image']", "content");
    assert!(
        image[0].starts_with("https://example.org/sub/stories/plant/cover-")
            && image[0].ends_with(".jpg"),
        "{image:?}"
    );
}

#[test]
fn a_poster_has_the_photo_name_and_a_qr_code_that_opens_the_page() {
    let site = sharing_site();
    let out = site.root().join("海报.png");
    let run = site.run(&[
        "poster",
        "content/profiles/ding.md",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let img = png(&out);
    assert_eq!(img.dimensions(), (1080, 1920));
    // The QR code in the poster reads back as the page's address.
    let grey = image::DynamicImage::ImageRgb8(img.clone()).to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        grey.width() as usize,
        grey.height() as usize,
        |x, y| grey.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(
        grids[0].decode().expect("decodes").1,
        "https://example.org/sub/profiles/ding-weisong/"
    );
    // The name is drawn under the picture.
    assert!(dark_pixels(&img, (100, 1040), (980, 1160)) > 5000);

    // By title too, with the default file name; a draft or unknown page is an error.
    let by_title = site.run(&["poster", "劳模林里又添新绿"]);
    assert!(by_title.status.success(), "{}", stderr(&by_title));
    assert_eq!(
        png(&site.root().join("plant-poster.png")).dimensions(),
        (1080, 1920)
    );
    let draft = site.run(&["poster", "还没写完"]);
    assert_eq!(draft.status.code(), Some(1));
    assert!(
        stderr(&draft).contains("no published page 还没写完"),
        "{}",
        stderr(&draft)
    );
}

#[test]
fn two_builds_of_one_site_at_once_share_the_card_cache_safely() {
    let site = sharing_site();
    // Two outputs for two addresses, built at the same moment: each draws cards the
    // other does not use, and must neither lose its own nor trip over the other's.
    for round in 0..3 {
        let spawn = |name: &str, url: &str| {
            laomo()
                .args(["build", "--root"])
                .arg(site.root())
                .args(["--output"])
                .arg(site.root().join(name))
                .args(["--base-url", url])
                .current_dir(site.root())
                .output()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| spawn("out-a", &format!("https://a{round}.example.org/")));
            let b = s.spawn(|| spawn("out-b", &format!("https://b{round}.example.org/x/")));
            (a.join().expect("a"), b.join().expect("b"))
        });
        for out in [a, b] {
            let out = out.expect("run laomo");
            assert!(out.status.success(), "{}", stderr(&out));
        }
        for name in ["out-a", "out-b"] {
            let card = png(&site
                .root()
                .join(name)
                .join("profiles/ding-weisong/card.png"));
            assert_eq!(card.dimensions(), (1200, 630), "{name}");
        }
    }
}

#[test]
fn an_associations_transparent_logo_is_drawn_on_its_card() {
    let site = sharing_site();
    // A blue disc on a transparent ground (the theme draws nothing blue): its photo
    // files are PNG only.
    let logo = image::RgbaImage::from_fn(600, 600, |x, y| {
        let (dx, dy) = (x as i32 - 300, y as i32 - 300);
        if dx * dx + dy * dy < 250 * 250 {
            image::Rgba([20, 40, 220, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    logo.write_to(&mut bytes, image::ImageFormat::Png)
        .expect("png");
    site.write_bytes("content/associations/cx/logo.png", &bytes.into_inner());
    site.write(
        "content/associations/cx/index.md",
        "---\nname: 长兴县劳动模范协会\nlogo: logo.png\n---\n协会简介。\n",
    );
    site.build_ok();
    let card = png(&site.public().join("associations/cx/card.png"));
    let blue = (0..440)
        .step_by(4)
        .flat_map(|x| (0..630).step_by(4).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = card.get_pixel(x, y).0;
            p[2] > 150 && p[0] < 80 && p[1] < 100
        })
        .count();
    assert!(
        blue > 1000,
        "the logo is not on the card: {blue} blue samples"
    );
}
