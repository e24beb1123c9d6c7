//! `cargo bench --bench photos`: the photo pipeline on 200 photos of 3000×2000 at the
//! default widths, cold (empty cache) and warm (nothing changed), beside
//! `vipsthumbnail` (Debian libvips-tools) doing the same resizing in 2 processes;
//! then the peak memory of a build with one 48-megapixel photo.
//!
//! The photos are made from ../shared/photos when present (real camera images),
//! else from a synthetic gradient; each copy differs by a few pixels so that every
//! file has its own cache key.

mod support;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const COUNT: usize = 200;
const WIDTHS: [u32; 3] = [480, 960, 1600];

fn bases() -> Vec<DynamicImage> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/photos");
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&shared) {
        let mut files: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .collect();
        files.sort();
        for f in files {
            if let Ok(img) = image::open(&f) {
                out.push(img.resize_to_fill(3000, 2000, image::imageops::FilterType::Triangle));
            }
        }
    }
    if out.is_empty() {
        out.push(DynamicImage::ImageRgb8(RgbImage::from_fn(
            3000,
            2000,
            |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8]),
        )));
    }
    out
}

fn write_site(dir: &Path, photos: &[(String, Vec<u8>)], with_photos: bool) {
    std::fs::create_dir_all(dir.join("content/stories/gallery")).expect("mkdir");
    std::fs::write(
        dir.join("site.yaml"),
        "title: 照片基准\nbase_url: https://example.org/\nhonors:\n  - {id: m, name: 劳动模范, level: 其他}\nimages: {widths: [480, 960, 1600], quality: 82}\n",
    )
    .expect("site.yaml");
    let mut md = String::from("---\ntitle: 照片\ndate: 2024\n");
    if with_photos {
        md.push_str("gallery:\n");
        for (name, _) in photos {
            md.push_str(&format!("  - {{src: {name}}}\n"));
        }
    }
    md.push_str("---\n照片集。\n");
    std::fs::write(dir.join("content/stories/gallery/index.md"), md).expect("index.md");
    if with_photos {
        for (name, bytes) in photos {
            std::fs::write(dir.join("content/stories/gallery").join(name), bytes).expect("photo");
        }
    }
}

fn vips_rate(sources: &Path, out: &Path, formats: &[&str]) -> Option<f64> {
    Command::new("vipsthumbnail")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out).ok()?;
    let mut script = String::new();
    for w in WIDTHS {
        for f in formats {
            let opts = "[Q=82,strip]";
            script.push_str(&format!(
                "ls {src}/*.jpg | xargs -P2 -n 8 vipsthumbnail --size {w}x -o {out}/%s-{w}.{f}{opts}\n",
                src = sources.display(),
                out = out.display()
            ));
        }
    }
    let start = Instant::now();
    let st = Command::new("bash").arg("-c").arg(&script).status().ok()?;
    st.success()
        .then(|| COUNT as f64 / start.elapsed().as_secs_f64())
}

fn main() {
    if support::measure::child_main() {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laomo"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-photos");
    let site = root.join("site");
    let plain = root.join("no-photos");
    let marker = root.join(".generated");
    let photos: Vec<(String, Vec<u8>)> = if marker.exists() {
        (0..COUNT)
            .map(|i| (format!("p{i:03}.jpg"), Vec::new()))
            .collect()
    } else {
        let _ = std::fs::remove_dir_all(&root);
        let bases = bases();
        (0..COUNT)
            .map(|i| {
                let mut img = bases[i % bases.len()].to_rgb8();
                img.put_pixel((i % 3000) as u32, 0, Rgb([i as u8, 0, 0]));
                let mut bytes = std::io::Cursor::new(Vec::new());
                DynamicImage::ImageRgb8(img)
                    .write_to(&mut bytes, ImageFormat::Jpeg)
                    .expect("encode");
                (format!("p{i:03}.jpg"), bytes.into_inner())
            })
            .collect()
    };
    if !marker.exists() {
        write_site(&site, &photos, true);
        write_site(&plain, &photos, false);
        std::fs::write(&marker, "").expect("marker");
    }
    let trash = root.join("trash");
    let outputs = ["public", ".public.laomo-next", ".laomo-cache"];
    support::measure::clear(&site, &trash, &outputs);
    support::measure::clear(&plain, &trash, &outputs);

    let (cold, cold_peak) = support::measure::build(&bin, &site);
    support::measure::build(&bin, &site);
    let (warm, _) = support::measure::build(&bin, &site);
    support::measure::build(&bin, &plain);
    support::measure::build(&bin, &plain);
    let (base, _) = support::measure::build(&bin, &plain);
    println!("laomo, {COUNT} photos of 3000×2000 → widths {WIDTHS:?}, JPEG + WebP:");
    println!(
        "  cold: {cold:.2} s, {:.1} photos/s, peak {cold_peak:.0} MiB",
        COUNT as f64 / cold
    );
    println!(
        "  warm: {warm:.3} s; the same site without photos: {base:.3} s; photos add {:.3} s",
        warm - base
    );
    let sources = site.join("content/stories/gallery");
    match vips_rate(&sources, &root.join("vips-out"), &["jpg"]) {
        Some(r) => println!("vipsthumbnail, 2 processes, JPEG at the 3 widths: {r:.1} photos/s"),
        None => {
            println!("vipsthumbnail not found (apt install libvips-tools) or failed: no comparison")
        }
    }
    if let Some(r) = vips_rate(&sources, &root.join("vips-out"), &["jpg", "webp"]) {
        println!("vipsthumbnail, 2 processes, JPEG + WebP at the 3 widths: {r:.1} photos/s");
    }
    let _ = std::fs::remove_dir_all(root.join("vips-out"));

    // One 48-megapixel photo: peak memory of the whole build.
    let big = root.join("big");
    support::site_gen::once(&big, || {
        let img = DynamicImage::ImageRgb8(RgbImage::from_fn(8000, 6000, |x, y| {
            Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
        }));
        let mut bytes = std::io::Cursor::new(Vec::new());
        img.write_to(&mut bytes, ImageFormat::Jpeg).expect("encode");
        write_site(&big, &[("big.jpg".into(), bytes.into_inner())], true);
    });
    support::measure::clear(&big, &trash, &outputs);
    let (t, peak) = support::measure::build(&bin, &big);
    println!("one 48-megapixel photo (8000×6000): {t:.2} s, peak {peak:.0} MiB");
    let _ = std::fs::remove_dir_all(&trash);
}
