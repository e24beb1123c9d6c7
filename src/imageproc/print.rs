//! Photos for paper: from the editor's original, upright, sRGB, without metadata, and no
//! larger than 300 dpi at the size they are printed (a photo across an A5 text block is
//! ~1,360 px wide). Kept in `.laomo-cache/print/` by content hash, so a second printing
//! of the same book decodes nothing.

use super::encode::{Format, encode_one, has_transparency, resize};
use crate::model::Image;
use image::DynamicImage;
use rust_i18n::t;
use std::path::Path;

/// Bump when the print copies change, so old cache entries are not reused.
const PRINT_VERSION: &str = "laomo-print-1";
/// Print resolution: what a printer's halftone needs and no more.
pub const DPI: f64 = 300.0;

/// A photo ready for Typst: its bytes and the file extension they are.
pub struct PrintCopy {
    pub bytes: Vec<u8>,
    pub ext: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Pixels across for `mm` printed at [`DPI`].
pub fn pixels_for(mm: f64) -> u32 {
    (mm / 25.4 * DPI).round().clamp(1.0, 20_000.0) as u32
}

/// The copy of `img` to print `mm` wide: decoded once, then served from the cache.
pub fn copy(
    img: &Image,
    mm: f64,
    max_pixels: u64,
    cache: &Path,
) -> Result<PrintCopy, crate::diagnostic::Diagnostic> {
    let bytes = std::fs::read(&img.source).map_err(|e| {
        super::origin_error(
            img,
            t!("photo.cannot_read", path = img.source.display(), error = e),
            t!("photo.cannot_read.hint"),
        )
    })?;
    let want = pixels_for(mm);
    let key = {
        let mut h = blake3::Hasher::new();
        h.update(PRINT_VERSION.as_bytes());
        h.update(&want.to_le_bytes());
        h.update(&bytes);
        h.finalize().to_hex()[..32].to_string()
    };
    for ext in ["jpg", "png"] {
        let path = cache.join(format!("{key}.{ext}"));
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok((width, height)) =
                imagesize::blob_size(&bytes).map(|s| (s.width as u32, s.height as u32))
        {
            return Ok(PrintCopy {
                bytes,
                ext: if ext == "jpg" { "jpg" } else { "png" },
                width,
                height,
            });
        }
    }
    let decoded = super::decode::decode(&bytes, max_pixels, want)
        .map_err(|e| super::origin_error(img, e.message, e.hint))?;
    let full = decoded.image;
    let (w, h) = (full.width(), full.height());
    let image = if w > want {
        let nh = ((u64::from(h) * u64::from(want) + u64::from(w) / 2) / u64::from(w)).max(1) as u32;
        resize(&full, want, nh, None)
    } else {
        full
    };
    // Transparent logos stay PNG; photos are JPEG at a quality no print shows loss at.
    let (format, ext, image) = if has_transparency(&image) {
        (Format::Png, "png", image)
    } else {
        (
            Format::Jpeg,
            "jpg",
            DynamicImage::ImageRgb8(image.to_rgb8()),
        )
    };
    let out = encode_one(&image, format, 92).map_err(|e| {
        super::origin_error(
            img,
            t!("photo.cannot_encode", error = e),
            t!("photo.cannot_encode.hint"),
        )
    })?;
    let _ = std::fs::create_dir_all(cache);
    // A cache that cannot be written only costs time on the next printing.
    let _ = crate::util::fs::replace_whole(&cache.join(format!("{key}.{ext}")), &out);
    Ok(PrintCopy {
        width: image.width(),
        height: image.height(),
        bytes: out,
        ext,
    })
}

/// Who a photo's own metadata says took it or owns it (EXIF Artist, else Copyright),
/// for the book's credits: read from the original, whose metadata the copies drop.
pub fn exif_credit(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::BufReader::new(file))
        .ok()?;
    for tag in [exif::Tag::Artist, exif::Tag::Copyright] {
        if let Some(field) = exif.get_field(tag, exif::In::PRIMARY)
            && let exif::Value::Ascii(parts) = &field.value
        {
            // Cameras write ASCII; Chinese software writes UTF-8 in the same field.
            let text: Vec<String> = parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if !text.is_empty() {
                return Some(text.join(" "));
            }
        }
    }
    None
}
