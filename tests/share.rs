//! Sharing: every profile, story, exhibition and exhibition hall has a QR code of its
//! absolute address, read back here as a phone's scanner would.

mod common;
use common::*;

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
