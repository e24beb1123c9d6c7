//! The photo pipeline on real and hostile files: what reaches public/, and the
//! message an editor gets when a file cannot be used.

mod common;
use common::*;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use std::io::Cursor;

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// A photo with a gradient so that resizing and colours are visible.
fn photo(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    }))
}

/// Inserts an EXIF segment (orientation, plus a GPS-looking tag) and a comment after SOI.
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes()); // two entries
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    // 0x010F Make, ASCII, pointing to "GPSLatitude-SECRET" stored after the IFD.
    let text = b"GPSLatitude-SECRET\0";
    let offset = (8 + 2 + 12 * 2 + 4) as u32;
    tiff.extend_from_slice(&[0x01, 0x0F, 0, 2]);
    tiff.extend_from_slice(&(text.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&offset.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(text);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    let comment = b"camera-serial-XYZ123";
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims 100000×100000 pixels.
fn bomb_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    png.extend_from_slice(&0u32.to_be_bytes());
    png.extend_from_slice(b"IEND");
    png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
    png
}

fn story_with_cover(cover: &str) -> String {
    format!("---\ntitle: 植树\ndate: 2018\ncover: {cover}\n---\n正文。\n")
}

fn public_files(site: &Site, dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(site.public().join(dir))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn photos_are_resized_upright_and_stripped() {
    let site = Site::new(&[("content/stories/s/index.md", &story_with_cover("cover.jpg"))]);
    // Stored 1200×600 with orientation 6 (rotate 90°): upright it is 600×1200.
    let jpeg = with_exif(&encode(&photo(1200, 600), ImageFormat::Jpeg), 6);
    site.write_bytes("content/stories/s/cover.jpg", &jpeg);
    site.write(
        "site.yaml",
        &SITE_YAML.replace(
            "paginate: 2",
            "paginate: 2\nimages: {widths: [300, 480, 960], quality: 80}",
        ),
    );
    site.build_ok();
    let files = public_files(&site, "stories/s");
    assert!(
        !files.contains(&"cover.jpg".to_string()),
        "the original is never published: {files:?}"
    );
    let jpgs: Vec<&String> = files.iter().filter(|f| f.ends_with(".jpg")).collect();
    let webps: Vec<&String> = files.iter().filter(|f| f.ends_with(".webp")).collect();
    // 960 is wider than the upright photo (600): replaced by 600, never upscaled.
    assert_eq!(jpgs.len(), 3, "{files:?}");
    assert_eq!(webps.len(), 3, "{files:?}");
    assert!(
        files.iter().any(|f| f.ends_with("-600.jpg")) && !files.iter().any(|f| f.contains("-960.")),
        "{files:?}"
    );
    for f in &files {
        // The page, its QR code and its share cards are not photos.
        if f == "index.html" || f == "qr.svg" || f.starts_with("card") {
            continue;
        }
        let bytes = std::fs::read(site.public().join("stories/s").join(f)).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Exif")
                && !text.contains("GPSLatitude")
                && !text.contains("camera-serial"),
            "metadata left in {f}"
        );
        let img = image::load_from_memory(&bytes).expect("decodes");
        assert!(
            img.height() > img.width(),
            "{f} is not upright: {}×{}",
            img.width(),
            img.height()
        );
    }
    let doc = site.html("/stories/s/");
    let img = select(&doc, ".cover img");
    let img = img.first().expect("cover img");
    // src is the widest file up to 960 pixels: here the whole upright photo.
    assert_eq!(img.value().attr("width"), Some("600"));
    assert_eq!(img.value().attr("height"), Some("1200"));
    assert!(
        img.value()
            .attr("srcset")
            .is_some_and(|s| s.contains("300w") && s.contains("600w"))
    );
    assert!(
        img.value()
            .attr("style")
            .is_some_and(|s| s.starts_with("background-color:#"))
    );
    assert_eq!(attrs(&doc, ".cover source", "type"), vec!["image/webp"]);
}

#[test]
fn every_input_kind_works() {
    let cmyk = {
        let mut out = Vec::new();
        let data: Vec<u8> = (0..64 * 48)
            .flat_map(|i| [(i % 200) as u8, 30, 60, 10])
            .collect();
        jpeg_encoder::Encoder::new(&mut out, 85)
            .encode(&data, 64, 48, jpeg_encoder::ColorType::Cmyk)
            .expect("cmyk");
        out
    };
    let gray = encode(
        &DynamicImage::ImageLuma8(photo(64, 48).to_luma8()),
        ImageFormat::Jpeg,
    );
    let alpha = encode(
        &DynamicImage::ImageRgba8(RgbaImage::from_fn(64, 48, |x, _| {
            Rgba([200, 10, 10, (x * 4) as u8])
        })),
        ImageFormat::Png,
    );
    let deep = encode(
        &DynamicImage::ImageRgb16(photo(64, 48).to_rgb16()),
        ImageFormat::Png,
    );
    let gif = encode(&photo(64, 48), ImageFormat::Gif);
    let webp = encode(&photo(64, 48), ImageFormat::WebP);
    let site = Site::new(&[(
        "content/stories/s/index.md",
        "---\ntitle: 各种照片\ndate: 2018\ngallery:\n  - {src: cmyk.jpg}\n  - {src: gray.jpg}\n  - {src: alpha.png}\n  - {src: deep.png}\n  - {src: anim.gif}\n  - {src: pic.webp}\n  - {src: 劳模 照片.JPG}\n---\n",
    )]);
    for (name, bytes) in [
        ("cmyk.jpg", &cmyk),
        ("gray.jpg", &gray),
        ("alpha.png", &alpha),
        ("deep.png", &deep),
        ("anim.gif", &gif),
        ("pic.webp", &webp),
    ] {
        site.write_bytes(&format!("content/stories/s/{name}"), bytes);
    }
    site.write_bytes(
        "content/stories/s/劳模 照片.JPG",
        &encode(&photo(64, 48), ImageFormat::Jpeg),
    );
    site.build_ok();
    let files = public_files(&site, "stories/s");
    for stem in ["cmyk", "gray", "deep", "anim", "pic", "劳模 照片"] {
        assert!(
            files
                .iter()
                .any(|f| f.starts_with(&format!("{stem}-")) && f.ends_with("-64.jpg")),
            "{stem}: {files:?}"
        );
    }
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("alpha-") && f.ends_with(".png")),
        "transparent stays PNG: {files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("alpha-") && f.ends_with(".jpg")),
        "{files:?}"
    );
    let doc = site.html("/stories/s/");
    let srcs = attrs(&doc, ".gallery img", "src");
    assert!(
        srcs.iter()
            .any(|s| s.contains("%E5%8A%B3%E6%A8%A1%20%E7%85%A7%E7%89%87")),
        "Chinese names are URL-encoded: {srcs:?}"
    );
}

#[test]
fn bad_photos_get_clear_errors() {
    let truncated = {
        let full = encode(&photo(200, 100), ImageFormat::Jpeg);
        full[..full.len() / 3].to_vec()
    };
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.jpg", Vec::new(), "the file is empty"),
        (
            "text.jpg",
            b"this is not a photo at all".to_vec(),
            "the file is text",
        ),
        ("cut.jpg", truncated, "cut short"),
        ("iphone.jpg", heic, "HEIC"),
        (
            "bomb.png",
            bomb_png(),
            "(10000 megapixels), more than the limit of 100 megapixels",
        ),
    ];
    for (name, bytes, needle) in cases {
        let site = Site::new(&[("content/stories/s/index.md", &story_with_cover(name))]);
        site.write_bytes(&format!("content/stories/s/{name}"), &bytes);
        let out = site.run(&["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(needle),
            "{name}: expected {needle:?} in:\n{err}"
        );
        assert!(
            err.contains("content/stories/s/index.md:4:8") && err.contains("`cover`"),
            "{name}: names page and field:\n{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_cache_skips_unchanged_photos_and_forgets_removed_ones() {
    let site = Site::new(&[(
        "content/stories/s/index.md",
        "---\ntitle: 植树\ndate: 2018\ngallery: [{src: a.jpg}, {src: b.jpg}]\n---\n",
    )]);
    site.write_bytes(
        "content/stories/s/a.jpg",
        &encode(&photo(120, 80), ImageFormat::Jpeg),
    );
    site.write_bytes(
        "content/stories/s/b.jpg",
        &encode(&photo(80, 120), ImageFormat::Jpeg),
    );
    let first = site.build_ok();
    assert!(
        stderr(&first).contains("photos: 2 processed"),
        "{}",
        stderr(&first)
    );
    let second = site.build_ok();
    assert!(
        !stderr(&second).contains("processed"),
        "nothing decoded on a rebuild: {}",
        stderr(&second)
    );
    site.write_bytes(
        "content/stories/s/b.jpg",
        &encode(&photo(90, 120), ImageFormat::Jpeg),
    );
    let third = site.build_ok();
    assert!(
        stderr(&third).contains("photos: 1 processed, 1 from the cache"),
        "{}",
        stderr(&third)
    );
    let entries = || {
        std::fs::read_dir(site.root().join(".laomo-cache/images"))
            .expect("cache")
            .count()
    };
    assert_eq!(entries(), 2, "the old b.jpg entry was pruned");
    assert!(!site.public().join(".laomo-cache").exists());
}

#[test]
fn portraits_get_a_square_crop_for_cards() {
    let site = Site::new(&[(
        "content/profiles/a/index.md",
        "---\nname: 王芳\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\nportrait: me.jpg\n---\n",
    )]);
    site.write_bytes(
        "content/profiles/a/me.jpg",
        &encode(&photo(600, 900), ImageFormat::Jpeg),
    );
    site.build_ok();
    let hall = site.html("/profiles/");
    let img = select(&hall, ".card img");
    let img = img.first().expect("card portrait");
    assert_eq!(
        img.value().attr("width"),
        img.value().attr("height"),
        "square in cards"
    );
    assert!(
        public_files(&site, "profiles/wang-fang")
            .iter()
            .any(|f| f.contains("-sq480."))
    );
}

#[test]
fn markdown_photos_go_through_the_pipeline_and_remote_ones_are_refused() {
    let site = Site::new(&[(
        "content/stories/s/index.md",
        "---\ntitle: 植树\ndate: 2018\n---\n正文。\n\n![劳模林](lin.png)\n",
    )]);
    site.write_bytes(
        "content/stories/s/lin.png",
        &encode(&photo(100, 50), ImageFormat::Png),
    );
    site.build_ok();
    let doc = site.html("/stories/s/");
    let img = select(&doc, ".content img");
    let img = img.first().expect("img");
    assert!(
        img.value()
            .attr("src")
            .is_some_and(|s| s.contains("lin-") && s.ends_with("-100.jpg")),
        "{:?}",
        img.value().attr("src")
    );
    assert_eq!(img.value().attr("alt"), Some("劳模林"));
    assert_eq!(img.value().attr("width"), Some("100"));

    site.write(
        "content/stories/s/index.md",
        "---\ntitle: 植树\ndate: 2018\n---\n正文。\n\n![x](https://cdn.example.com/a.jpg)\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is on another host") && stderr(&out).contains("index.md:7:"),
        "{}",
        stderr(&out)
    );
}

/// Only an allow-list of a bundle's files is published as it is (PDF, subtitles, video,
/// audio). Photos under any name (.jfif, .jpe, .dng …) are published only through the
/// pipeline, and only when a page uses them; notes are never published.
#[test]
fn a_bundle_publishes_only_its_attachments_and_processed_photos() {
    let secret = with_exif(&encode(&photo(400, 300), ImageFormat::Jpeg), 1);
    let site = Site::new(&[(
        "content/stories/s/index.md",
        "---\ntitle: 植树\ndate: 2018\n---\n正文。\n\n![劳模们在植树](used.jfif)\n\n{{ video(src=\"clip.mp4\") }}\n\n![示意图](diagram.svg)\n",
    )]);
    // A photo under an allowed name, and a drawing, which is used as written.
    site.write_bytes("content/stories/s/trip.mp4", &secret);
    site.write(
        "content/stories/s/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\"><rect width=\"4\" height=\"4\"/></svg>",
    );
    for name in [
        "used.jfif",
        "spare.jfif",
        "spare.jpe",
        "raw.dng",
        "renamed.bin",
    ] {
        site.write_bytes(&format!("content/stories/s/{name}"), &secret);
    }
    site.write(
        "content/stories/s/notes.markdown",
        "采访笔记：联系电话 13800000000\n",
    );
    site.write("content/stories/s/notes.yaml", "phone: 13800000000\n");
    site.write_bytes("content/stories/s/program.pdf", b"%PDF-1.4\n%%EOF\n");
    site.write_bytes(
        "content/stories/s/clip.mp4",
        b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom",
    );
    let out = site.build_ok();
    let err = stderr(&out);
    let files = public_files(&site, "stories/s");
    let originals: Vec<&String> = files
        .iter()
        .filter(|f| {
            !(f.ends_with(".html")
                || *f == "qr.svg"
                || *f == "card.png"
                || *f == "card-square.png"
                || f.ends_with(".pdf")
                || *f == "clip.mp4"
                || *f == "diagram.svg")
                && !(f.starts_with("used") && (f.ends_with(".jpg") || f.ends_with(".webp")))
        })
        .collect();
    assert!(
        originals.is_empty(),
        "published as they are: {originals:?} (all: {files:?})"
    );
    assert!(files.contains(&"program.pdf".to_string()), "{files:?}");
    assert!(files.contains(&"clip.mp4".to_string()), "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("used") && f.ends_with(".webp")),
        "{files:?}"
    );
    for f in walkdir::WalkDir::new(site.public()).into_iter().flatten() {
        if f.file_type().is_file() {
            let bytes = std::fs::read(f.path()).expect("read");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("GPSLatitude-SECRET") && !text.contains("13800000000"),
                "{} leaks",
                f.path().display()
            );
        }
    }
    // The notes are named, so the editor knows they stay private; spare photos are not.
    for note in [
        "content/stories/s/notes.markdown",
        "content/stories/s/notes.yaml",
    ] {
        assert!(
            err.contains(note) && err.contains("not published"),
            "{note}:\n{err}"
        );
    }
    assert!(
        !err.contains("spare.jfif") && !err.contains("raw.dng"),
        "{err}"
    );
    assert!(
        err.contains("content/stories/s/trip.mp4") && err.contains("a photo under another name"),
        "{err}"
    );
    let doc = site.html("/stories/s/");
    assert!(
        attrs(&doc, "img", "src").iter().any(|s| s == "diagram.svg"),
        "the drawing is not kept as written"
    );
    assert!(files.contains(&"diagram.svg".to_string()), "{files:?}");
}

#[test]
fn media_and_photos_in_unreadable_formats_are_refused() {
    let jpeg = encode(&photo(40, 30), ImageFormat::Jpeg);
    let jxl: &[u8] = &[0xFF, 0x0A, 0xFA, 0x1F, 0x42, 0x00];
    let cases: Vec<(&str, &[u8], &str, &str)> = vec![
        (
            "{{ video(src=\"photo.jfif\") }}",
            &jpeg,
            "photo.jfif",
            "is not a video or audio file",
        ),
        (
            "{{ video(src=\"photo.mp4\") }}",
            &jpeg,
            "photo.mp4",
            "is a photo with a video's name",
        ),
        ("![照片](new.jxl)", jxl, "new.jxl", "JPEG XL"),
    ];
    for (body, bytes, name, needle) in cases {
        let site = Site::new(&[(
            "content/stories/s/index.md",
            &format!("---\ntitle: 植树\ndate: 2018\n---\n正文。\n\n{body}\n"),
        )]);
        site.write_bytes(&format!("content/stories/s/{name}"), bytes);
        let out = site.build();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{body}: {err}");
        assert!(
            err.contains(needle),
            "{body}: expected {needle:?} in:\n{err}"
        );
        assert!(
            err.contains("content/stories/s/index.md:7:"),
            "{body}: no position:\n{err}"
        );
        assert!(!site.public().join(format!("stories/s/{name}")).exists());
    }
}

/// `build` lists every bad photo, as `check` does: the one found from its first bytes
/// and the one that fails only while decoding; a missing figure photo is one error,
/// not also a template error.
#[test]
fn build_and_check_list_the_same_photo_errors() {
    let full = encode(&photo(300, 200), ImageFormat::Jpeg);
    let site = Site::new(&[(
        "content/stories/s/index.md",
        "---\ntitle: 植树\ndate: 2020\ncover: cut.jpg\ngallery:\n  - {src: text.jpg}\n---\n正文。\n\n{{ figure(src=\"missing.jpg\") }}\n",
    )]);
    site.write_bytes("content/stories/s/cut.jpg", &full[..full.len() / 3]);
    site.write_bytes("content/stories/s/text.jpg", b"not a photo at all");
    let errors = |args: &[&str]| -> Vec<String> {
        let out = site.run(args);
        assert_eq!(out.status.code(), Some(1));
        stderr(&out)
            .lines()
            .filter(|l| l.starts_with("error: ") && !l.contains("error(s)"))
            .map(str::to_string)
            .collect()
    };
    let build = errors(&["build"]);
    assert_eq!(build, errors(&["check"]));
    assert_eq!(build.len(), 3, "{build:#?}");
    // A decoding error names the photo, not only the field.
    assert!(
        build
            .iter()
            .any(|e| e.contains("`cover` cut.jpg: the file is cut short")),
        "{build:#?}"
    );
    assert!(
        build.iter().any(|e| e.contains("the file is text")),
        "{build:#?}"
    );
    assert!(
        build.iter().any(|e| e.contains("`missing.jpg` not found")),
        "{build:#?}"
    );
}

/// Mean absolute difference per channel, 0–255, of two same-sized RGB photos.
fn mean_error(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn cmyk_photos_are_converted_through_their_own_profile() {
    // A designer's CMYK JPEG (Adobe-inverted, as libjpeg writes it) with a FOGRA39 profile
    // embedded; the reference is LittleCMS's conversion of the same file to sRGB
    // (`vips icc_transform cmyk.jpg ref.png sRGB.icc --embedded`, perceptual intent).
    let cmyk = std::fs::read("tests/fixtures/cmyk-fogra39.jpg").expect("fixture");
    let reference = image::open("tests/fixtures/cmyk-fogra39.lcms-srgb.png")
        .expect("reference")
        .to_rgb8();
    // Without the profile, the plain formula is far off: the fixture tells the two apart.
    let naive = image::load_from_memory(&cmyk).expect("decodes").to_rgb8();
    let naive_error = mean_error(&naive, &reference);
    assert!(naive_error > 12.0, "plain formula error {naive_error:.1}");

    let site = Site::new(&[("content/stories/s/index.md", &story_with_cover("cover.jpg"))]);
    site.write_bytes("content/stories/s/cover.jpg", &cmyk);
    site.build_ok();
    let files = public_files(&site, "stories/s");
    let full = files
        .iter()
        .find(|f| f.ends_with(&format!("-{}.jpg", reference.width())))
        .unwrap_or_else(|| panic!("no full-size JPEG in {files:?}"));
    let bytes = std::fs::read(site.public().join("stories/s").join(full)).expect("read");
    let published = image::load_from_memory(&bytes).expect("decodes").to_rgb8();
    let error = mean_error(&published, &reference);
    // Decoding alone is within 0.5 of LittleCMS (below); re-encoding this small, busy
    // photo as a web JPEG adds about 5.
    assert!(
        error < 8.0,
        "published CMYK photo is {error:.1}/255 from LittleCMS (plain formula: {naive_error:.1})"
    );
}

#[test]
fn cmyk_decode_matches_littlecms() {
    // The decoder alone, so the tolerance can be tight.
    let cmyk = std::fs::read("tests/fixtures/cmyk-fogra39.jpg").expect("fixture");
    let reference = image::open("tests/fixtures/cmyk-fogra39.lcms-srgb.png")
        .expect("reference")
        .to_rgb8();
    let decoded = laomo::imageproc::decode::decode(&cmyk, 1 << 30, reference.width())
        .unwrap_or_else(|e| panic!("{}", e.message));
    let error = mean_error(&decoded.image.to_rgb8(), &reference);
    // Measured 0.49: the two colour engines round differently, nothing more.
    assert!(error < 1.5, "decoded CMYK is {error:.2}/255 from LittleCMS");
}

#[test]
fn a_loose_photo_is_warned_about_only_when_no_page_uses_it() {
    // Photos beside plain `.md` files (not in a bundle) are published when a page uses
    // them, by front matter or in its body, and warned about when nothing does.
    let site = Site::new(&[
        (
            "content/stories/shu.md",
            "---\ntitle: 植树\ndate: 2018\n---\n劳模宣讲进校园。\n\n![孩子们在听](children.jpg)\n",
        ),
        ("content/stories/huo.md", &story_with_cover("cover.jpg")),
    ]);
    let jpeg = encode(&photo(400, 300), ImageFormat::Jpeg);
    for name in ["children.jpg", "cover.jpg", "forgotten.jpg"] {
        site.write_bytes(&format!("content/stories/{name}"), &jpeg);
    }
    let out = site.build_ok();
    let err = stderr(&out);
    let unused: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("no page uses it"))
        .collect();
    assert_eq!(unused.len(), 1, "{err}");
    assert!(err.contains("content/stories/forgotten.jpg"), "{err}");
    assert!(!err.contains("content/stories/children.jpg"), "{err}");
    let doc = site.html("/stories/shu/");
    let src = attrs(&doc, "main img", "src");
    assert!(
        src.iter().any(|s| s.contains("children")),
        "the Markdown photo is shown: {src:?}"
    );
    let file = src.iter().find(|s| s.contains("children")).expect("src");
    assert!(
        site.public()
            .join(file.trim_start_matches("/sub/"))
            .is_file(),
        "{file} is published"
    );
}
