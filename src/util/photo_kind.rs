//! What kind of photo a file is, from its first bytes (the name is not trusted). Used
//! when pages are loaded, long before the pipeline decodes anything.

use image::ImageFormat;
use rust_i18n::t;

/// Why a file could not be used: what is wrong, and what the editor can do.
pub struct DecodeError {
    pub message: String,
    pub hint: String,
}

pub fn err(message: impl Into<String>, hint: impl Into<String>) -> DecodeError {
    DecodeError {
        message: message.into(),
        hint: hint.into(),
    }
}

/// The format from the file's first bytes; the extension is not trusted.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat, DecodeError> {
    if bytes.is_empty() {
        return Err(err(t!("photo.empty"), t!("photo.copy_again.hint")));
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = String::from_utf8_lossy(&bytes[8..12]).to_string();
        let message = if brand.starts_with("avi") {
            t!("photo.avif")
        } else if brand.starts_with("hei") || brand.starts_with("mif") || brand.starts_with("hev") {
            t!("photo.heic")
        } else {
            t!("photo.heif")
        };
        return Err(err(message, t!("photo.heif.hint")));
    }
    if is_jpeg_xl(bytes) {
        return Err(err(t!("photo.jxl"), t!("photo.jxl.hint")));
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)) => {
            Ok(f)
        }
        Ok(other) => Err(err(
            t!("photo.other_format", kind = format!("{other:?}")),
            t!("photo.other_format.hint"),
        )),
        Err(_) => {
            let looks_text = bytes
                .iter()
                .take(512)
                .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80);
            if looks_text {
                Err(err(t!("photo.text"), t!("photo.text.hint")))
            } else {
                Err(err(t!("photo.unknown"), t!("photo.unknown.hint")))
            }
        }
    }
}

/// A JPEG XL codestream or container, by its signature.
fn is_jpeg_xl(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0x0A])
        || bytes.starts_with(&[
            0, 0, 0, 0x0C, b'J', b'X', b'L', b' ', 0x0D, 0x0A, 0x87, 0x0A,
        ])
}

/// Whether the first bytes are those of an image of any format, readable or not.
pub fn is_image(bytes: &[u8]) -> bool {
    let heif = bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && ["avi", "hei", "mif", "hev"]
            .iter()
            .any(|b| bytes[8..11] == *b.as_bytes());
    heif || is_jpeg_xl(bytes) || image::guess_format(bytes).is_ok()
}
