//! Decoding an editor's photo into upright sRGB pixels, refusing what is not a photo
//! or too large to decode safely.

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rust_i18n::t;
use std::io::Cursor;

use crate::util::photo_kind::err;
pub use crate::util::photo_kind::{DecodeError, is_image, sniff};

/// Pixel size as stored (before orientation), read from the header without decoding.
pub fn stored_dimensions(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), DecodeError> {
    // The header alone: a decompression bomb is refused before any pixel is read.
    if let Ok(s) = imagesize::blob_size(bytes) {
        return Ok((s.width as u32, s.height as u32));
    }
    ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| {
            err(
                t!("photo.damaged_header", error = e),
                t!("photo.damaged_header.hint"),
            )
        })
}

fn swaps_axes(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

pub struct Decoded {
    pub image: DynamicImage,
    /// Width and height of the upright photo at full size (the decode may be smaller).
    pub full_width: u32,
    pub full_height: u32,
}

/// Decodes `bytes` upright, as 8-bit RGB or RGBA in sRGB. `want_width` is the widest
/// output needed: JPEGs are decoded at the smallest 1/2, 1/4 or 1/8 scale that still
/// covers it, which is most of the speed of a thumbnailer.
pub fn decode(bytes: &[u8], max_pixels: u64, want_width: u32) -> Result<Decoded, DecodeError> {
    let format = sniff(bytes)?;
    let (w, h) = stored_dimensions(bytes, format)?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max_pixels {
        return Err(err(
            t!(
                "photo.too_many_pixels",
                width = w,
                height = h,
                megapixels = format!("{:.0}", pixels as f64 / 1e6),
                limit = format!("{:.0}", max_pixels as f64 / 1e6)
            ),
            t!("photo.too_many_pixels.hint"),
        ));
    }
    check_complete(bytes, format)?;
    if format == ImageFormat::Jpeg
        && let Some(d) = decode_jpeg_scaled(bytes, want_width)?
    {
        return Ok(d);
    }
    decode_generic(bytes, format, max_pixels)
}

/// Decoders fill a cut-off photo with grey rather than fail; a file that stops before
/// its format's end marker was cut short in copying, and the editor should know.
fn check_complete(bytes: &[u8], format: ImageFormat) -> Result<(), DecodeError> {
    let trimmed = {
        let end = bytes
            .iter()
            .rposition(|b| *b != 0 && *b != 0xFF)
            .map_or(0, |i| i + 1);
        &bytes[..end.min(bytes.len())]
    };
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    let complete = match format {
        // FF D9 ends a JPEG; only padding may follow.
        ImageFormat::Jpeg => {
            tail.windows(2).any(|w| w == [0xFF, 0xD9]) || trimmed.ends_with(&[0xD9])
        }
        ImageFormat::Png => tail.windows(4).any(|w| w == b"IEND"),
        ImageFormat::Gif => trimmed.ends_with(b";"),
        ImageFormat::WebP => {
            bytes.len() >= 8
                && u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize + 8
                    <= bytes.len()
        }
        _ => true,
    };
    if complete {
        Ok(())
    } else {
        Err(err(t!("photo.cut_short"), t!("photo.cut_short.hint")))
    }
}

fn damaged(e: impl std::fmt::Display) -> DecodeError {
    err(t!("photo.damaged", error = e), t!("photo.damaged.hint"))
}

/// JPEG with jpeg-decoder: at reduced scale when that still covers `want_width`, and
/// always for CMYK (print files from designers), whose inks need their own profile.
/// None hands an RGB or grey file at full size to the general decoder, which is faster.
fn decode_jpeg_scaled(bytes: &[u8], want_width: u32) -> Result<Option<Decoded>, DecodeError> {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    d.read_info().map_err(damaged)?;
    let Some(info) = d.info() else {
        return Ok(None);
    };
    let cmyk = info.pixel_format == jpeg_decoder::PixelFormat::CMYK32;
    if !cmyk
        && !matches!(
            info.pixel_format,
            jpeg_decoder::PixelFormat::RGB24 | jpeg_decoder::PixelFormat::L8
        )
    {
        return Ok(None);
    }
    let orientation = d
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let (sw, sh) = (u32::from(info.width), u32::from(info.height));
    let upright_width = if swaps_axes(orientation) { sh } else { sw };
    let reduce = want_width.saturating_mul(2) <= upright_width;
    if !reduce && !cmyk {
        return Ok(None);
    }
    let (ow, oh) = if reduce {
        let f = f64::from(want_width) / f64::from(upright_width);
        let rw = ((f64::from(sw) * f).ceil() as u16).max(1);
        let rh = ((f64::from(sh) * f).ceil() as u16).max(1);
        d.scale(rw, rh).map_err(damaged)?
    } else {
        (info.width, info.height)
    };
    let data = d.decode().map_err(damaged)?;
    let (ow, oh) = (u32::from(ow), u32::from(oh));
    let icc = d.icc_profile();
    let mut image = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => image::GrayImage::from_raw(ow, oh, data)
            .map(|g| DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(g).to_rgb8())),
        jpeg_decoder::PixelFormat::CMYK32 => {
            // jpeg-decoder undoes Adobe's inverted storage (CMYK and YCCK alike), so
            // these are ink amounts, 0 = paper, as an ICC CMYK profile expects.
            image::RgbImage::from_raw(ow, oh, cmyk_to_srgb(&data, icc.as_deref()))
                .map(DynamicImage::ImageRgb8)
        }
        _ => image::RgbImage::from_raw(ow, oh, data).map(DynamicImage::ImageRgb8),
    }
    .ok_or_else(|| damaged(t!("photo.size_mismatch")))?;
    if !cmyk && let Some(icc) = icc {
        to_srgb(&mut image, &icc);
    }
    image.apply_orientation(orientation);
    let (full_width, full_height) = if swaps_axes(orientation) {
        (sh, sw)
    } else {
        (sw, sh)
    };
    Ok(Some(Decoded {
        image,
        full_width,
        full_height,
    }))
}

/// Inks to sRGB through the file's own CMYK profile, as a print workflow would; without
/// one (or with a profile that cannot be used), the plain formula browsers also use.
fn cmyk_to_srgb(inks: &[u8], icc: Option<&[u8]>) -> Vec<u8> {
    let mut rgb = vec![0u8; inks.len() / 4 * 3];
    let transform = icc
        .and_then(|icc| moxcms::ColorProfile::new_from_slice(icc).ok())
        .filter(|p| p.color_space == moxcms::DataColorSpace::Cmyk)
        .and_then(|src| {
            src.create_transform_8bit(
                moxcms::Layout::Rgba,
                &moxcms::ColorProfile::new_srgb(),
                moxcms::Layout::Rgb,
                moxcms::TransformOptions::default(),
            )
            .ok()
        });
    if let Some(t) = transform
        && t.transform(inks, &mut rgb).is_ok()
    {
        return rgb;
    }
    for (px, out) in inks.chunks_exact(4).zip(rgb.chunks_exact_mut(3)) {
        let white = 255 - u32::from(px[3]);
        for (o, ink) in out.iter_mut().zip(&px[..3]) {
            *o = ((255 - u32::from(*ink)) * white / 255) as u8;
        }
    }
    rgb
}

fn decode_generic(
    bytes: &[u8],
    format: ImageFormat,
    max_pixels: u64,
) -> Result<Decoded, DecodeError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // Room for the decoded pixels at 16 bits per channel with alpha, plus slack.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    let mut image = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    if let Some(icc) = icc {
        to_srgb(&mut image, &icc);
    }
    image.apply_orientation(orientation);
    let (full_width, full_height) = (image.width(), image.height());
    Ok(Decoded {
        image,
        full_width,
        full_height,
    })
}

/// Converts pixels described by an embedded ICC profile (Display P3 from phones,
/// Adobe RGB from cameras) to sRGB, which is what browsers assume for untagged images.
fn to_srgb(image: &mut DynamicImage, icc: &[u8]) {
    let Ok(src) = moxcms::ColorProfile::new_from_slice(icc) else {
        return;
    };
    let dst = moxcms::ColorProfile::new_srgb();
    let layout = match image {
        DynamicImage::ImageRgb8(_) => moxcms::Layout::Rgb,
        DynamicImage::ImageRgba8(_) => moxcms::Layout::Rgba,
        _ => return,
    };
    // Only RGB profiles apply to RGB pixels (a CMYK profile was used by the decoder).
    if src.color_space != moxcms::DataColorSpace::Rgb {
        return;
    }
    let Ok(t) =
        src.create_transform_8bit(layout, &dst, layout, moxcms::TransformOptions::default())
    else {
        return;
    };
    let buf: &mut [u8] = match image {
        DynamicImage::ImageRgb8(b) => b.as_mut(),
        DynamicImage::ImageRgba8(b) => b.as_mut(),
        _ => return,
    };
    let copy = buf.to_vec();
    let _ = t.transform(&copy, buf);
}
