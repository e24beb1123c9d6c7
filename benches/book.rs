//! `cargo bench --bench book`: `laomo book` on a book of 137 profiles (the seeds' book
//! of 137 model workers), each with a 12-megapixel portrait like a phone's, cold (no
//! print copies of the photos yet) and warm (the copies kept from the cold run).
//! Issue #16 asks for under 10 s on these 2 cores.

mod support;

use image::{DynamicImage, ImageFormat, Rgb};
use rayon::prelude::*;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

const PROFILES: usize = 137;

/// Portrait-format photos, 3000×4000: from ../shared/photos when present, else a gradient.
fn portraits() -> Vec<Vec<u8>> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/photos");
    let mut bases: Vec<DynamicImage> = std::fs::read_dir(&shared)
        .map(|rd| {
            let mut files: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
                .collect();
            files.sort();
            files
                .iter()
                .take(6)
                .filter_map(|f| image::open(f).ok())
                .map(|img| img.resize_to_fill(3000, 4000, image::imageops::FilterType::Triangle))
                .collect()
        })
        .unwrap_or_default();
    if bases.is_empty() {
        bases.push(DynamicImage::ImageRgb8(image::RgbImage::from_fn(
            3000,
            4000,
            |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8]),
        )));
    }
    (0..PROFILES)
        .into_par_iter()
        .map(|i| {
            // A pixel of its own, so each portrait is a photo of its own for the cache.
            let mut img = bases[i % bases.len()].to_rgb8();
            img.put_pixel(i as u32, 0, Rgb([i as u8, 7, 7]));
            let mut bytes = std::io::Cursor::new(Vec::new());
            DynamicImage::ImageRgb8(img)
                .write_to(&mut bytes, ImageFormat::Jpeg)
                .expect("encode");
            bytes.into_inner()
        })
        .collect()
}

fn main() {
    if support::measure::child_main() {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laomo"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-book");
    let site = root.join("site");
    support::site_gen::once(&root, || {
        support::site_gen::generate_book(&site, &portraits()).expect("generate the book site");
    });
    let pdf = root.join("book.pdf");
    let args = [
        OsStr::new("book"),
        OsStr::new("book"),
        OsStr::new("--root"),
        site.as_os_str(),
        OsStr::new("-o"),
        pdf.as_os_str(),
    ];
    let trash = root.join("trash");
    support::measure::clear(&site, &trash, &[".laomo-cache"]);
    let (cold, cold_peak) = support::measure::run(&bin, &args);
    let (warm, warm_peak) = support::measure::run(&bin, &args);
    let (warm2, _) = support::measure::run(&bin, &args);
    let pages = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()))
        })
        .unwrap_or_else(|| "?".into());
    let size = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
    println!(
        "laomo book, {PROFILES} profiles with a 3000×4000 portrait each: {pages} pages, {:.1} MiB",
        size as f64 / 1048576.0
    );
    println!("  cold (photos copied at print size): {cold:.2} s, peak {cold_peak:.0} MiB");
    println!("  warm (print copies cached): {warm:.2} s and {warm2:.2} s, peak {warm_peak:.0} MiB");
}
