//! What kind of photo a file is, from its first bytes (the name is not trusted). Used
//! when pages are loaded, long before the pipeline decodes anything.

use image::ImageFormat;

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
        return Err(err(
            "the file is empty (0 bytes)",
            "copy the photo again from the camera or phone",
        ));
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = String::from_utf8_lossy(&bytes[8..12]).to_string();
        let kind = if brand.starts_with("avi") {
            "AVIF"
        } else if brand.starts_with("hei") || brand.starts_with("mif") || brand.starts_with("hev") {
            "HEIC"
        } else {
            "a video or HEIF"
        };
        return Err(err(
            format!("the file is {kind}, which laomo cannot publish"),
            "export it as JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible, or share it as JPEG)",
        ));
    }
    if is_jpeg_xl(bytes) {
        return Err(err(
            "the file is JPEG XL, which laomo cannot publish",
            "export it as JPEG (photos) or PNG (drawings, logos)",
        ));
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP)) => {
            Ok(f)
        }
        Ok(other) => Err(err(
            format!("the file is {other:?}, which laomo does not publish"),
            "save it as JPEG (photos) or PNG (drawings, logos)",
        )),
        Err(_) => {
            let looks_text = bytes
                .iter()
                .take(512)
                .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80);
            if looks_text {
                Err(err(
                    "the file is text, not a photo",
                    "the file may have been renamed; use the original photo",
                ))
            } else {
                Err(err(
                    "the file is not a photo laomo can read (not JPEG, PNG, GIF or WebP)",
                    "save it as JPEG or PNG",
                ))
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
