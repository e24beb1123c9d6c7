//! Resizing and encoding: each width once, as JPEG (PNG when transparent) and WebP.

use crate::model::Crop;
use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
        }
    }
}

/// One encoded file of a photo.
pub struct Encoded {
    pub crop: Crop,
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// The widths to produce: the configured ones, never above the photo's own width.
pub fn target_widths(widths: &[u32], source_width: u32) -> Vec<u32> {
    let mut v: Vec<u32> = widths.iter().map(|&w| w.min(source_width).max(1)).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.dedup();
    v
}

pub(crate) fn has_transparency(img: &DynamicImage) -> bool {
    match img {
        DynamicImage::ImageRgba8(b) => b.pixels().any(|p| p.0[3] != 255),
        _ => false,
    }
}

pub(crate) fn resize(
    src: &DynamicImage,
    w: u32,
    h: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> DynamicImage {
    let alpha = matches!(src, DynamicImage::ImageRgba8(_));
    let pixel = if alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let mut dst = FirImage::new(w, h, pixel);
    let mut opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    if let Some((l, t, cw, ch)) = crop {
        opts = opts.crop(l, t, cw, ch);
    }
    let mut resizer = Resizer::new();
    if resizer.resize(src, &mut dst, &opts).is_err() {
        // Only reachable for unsupported pixel types, which decode never produces.
        return src.resize_exact(w, h, image::imageops::FilterType::CatmullRom);
    }
    let buf = dst.into_vec();
    if alpha {
        image::RgbaImage::from_raw(w, h, buf).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(w, h, buf).map(DynamicImage::ImageRgb8)
    }
    .unwrap_or_else(|| src.resize_exact(w, h, image::imageops::FilterType::CatmullRom))
}

pub(crate) fn encode_one(
    img: &DynamicImage,
    format: Format,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let (w, h) = (img.width(), img.height());
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = img.to_rgb8();
            let enc = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
            enc.encode(
                rgb.as_raw(),
                w as u16,
                h as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            use image::ImageEncoder;
            let rgba = img.to_rgba8();
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(rgba.as_raw(), w, h, image::ExtendedColorType::Rgba8)
                .map_err(|e| e.to_string())?;
        }
        Format::Webp => {
            let mut config = webp::WebPConfig::new()
                .map_err(|_| rust_i18n::t!("photo.webp_config").into_owned())?;
            config.quality = f32::from(quality.clamp(1, 100));
            // Method 2 of 0–6: close to the default's size at a fraction of its time.
            config.method = 2;
            config.alpha_compression = 1;
            let encoder = match img {
                DynamicImage::ImageRgba8(b) => {
                    webp::Encoder::from_rgba(b.as_raw(), w, h).encode_advanced(&config)
                }
                DynamicImage::ImageRgb8(b) => {
                    webp::Encoder::from_rgb(b.as_raw(), w, h).encode_advanced(&config)
                }
                other => {
                    let rgb = other.to_rgb8();
                    webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode_advanced(&config)
                }
            };
            out = encoder.map_err(|e| format!("{e:?}"))?.to_vec();
        }
    }
    Ok(out)
}

/// Every variant of a photo. Smaller widths are resized from the next larger one,
/// which is faster than going back to the full photo each time and looks the same.
pub fn variants(
    img: &DynamicImage,
    widths: &[u32],
    square: &[u32],
    quality: u8,
) -> Result<Vec<Encoded>, String> {
    let transparent = has_transparency(img);
    let base = if transparent {
        img.clone()
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    let fallback = if transparent {
        Format::Png
    } else {
        Format::Jpeg
    };
    let mut out = Vec::new();
    let (sw, sh) = (base.width(), base.height());
    let mut prev: Option<DynamicImage> = None;
    for w in target_widths(widths, sw) {
        let h = ((u64::from(sh) * u64::from(w) + u64::from(sw) / 2) / u64::from(sw)).max(1) as u32;
        let from = prev.as_ref().unwrap_or(&base);
        let resized = if w == sw {
            base.clone()
        } else {
            resize(from, w, h, None)
        };
        for format in [fallback, Format::Webp] {
            out.push(Encoded {
                crop: Crop::Whole,
                width: w,
                height: h,
                format,
                bytes: encode_one(&resized, format, quality)?,
            });
        }
        prev = Some(resized);
    }
    if !square.is_empty() {
        // A square from the middle, nearer the top for portraits, where faces are.
        let side = sw.min(sh);
        let left = f64::from(sw - side) / 2.0;
        let top = f64::from(sh - side) / 3.0;
        for w in target_widths(square, side) {
            let sq = resize(
                &base,
                w,
                w,
                Some((left, top, f64::from(side), f64::from(side))),
            );
            for format in [fallback, Format::Webp] {
                out.push(Encoded {
                    crop: Crop::Square,
                    width: w,
                    height: w,
                    format,
                    bytes: encode_one(&sq, format, quality)?,
                });
            }
        }
    }
    Ok(out)
}

/// The photo's average colour, shown while it loads.
pub fn average_color(img: &DynamicImage) -> String {
    let small = img.thumbnail(16, 16).to_rgb8();
    let n = (small.width() * small.height()).max(1) as u64;
    let mut sum = [0u64; 3];
    for p in small.pixels() {
        for (total, value) in sum.iter_mut().zip(p.0) {
            *total += u64::from(value);
        }
    }
    format!("#{:02x}{:02x}{:02x}", sum[0] / n, sum[1] / n, sum[2] / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_upscales() {
        assert_eq!(target_widths(&[480, 960, 1600], 1067), vec![1067, 960, 480]);
        assert_eq!(target_widths(&[480, 960], 300), vec![300]);
    }
}
