//! Reading an editor's text files: a size limit, and UTF-8 with clear words for the
//! encodings Windows tools write instead (GBK, UTF-16).

use rust_i18n::t;

/// The largest Markdown or YAML file laomo reads: a whole book is a third of it. The
/// limit keeps one pasted-in or corrupted file from taking gigabytes of memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads an editor's text file, refusing one over [`MAX_FILE_BYTES`] before reading it.
pub fn read_limited(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| t!("text.read", error = e).into_owned())?;
    let mut bytes = Vec::new();
    // Read one byte past the limit: the size on disk may change while we read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| t!("text.read", error = e).into_owned())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        return Err(t!(
            "text.too_large",
            size = format!("{:.1}", size as f64 / 1_048_576.0),
            max = MAX_FILE_BYTES / 1_048_576
        )
        .into_owned());
    }
    Ok(bytes)
}

/// Decodes file bytes as UTF-8 (BOM allowed), with a clear message for other encodings.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(t!("text.utf16").into_owned());
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    // std's check goes through Chinese text a character at a time (3 % of a build's
    // time in perf); simdutf8's checks 32 bytes at once, and copying the checked text
    // (the crate forbids the unsafe cast) costs less than the difference. std's check
    // runs only on a file that fails, to say where.
    let checked = match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => String::from_utf8(bytes),
    };
    match checked {
        Ok(s) => {
            if s.as_bytes().contains(&0) {
                return Err(t!("text.nul").into_owned());
            }
            if s.as_bytes().contains(&b'\r') {
                Ok(s.replace("\r\n", "\n").replace('\r', "\n"))
            } else {
                Ok(s)
            }
        }
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (gbk, _, had_errors) = encoding_rs::GBK.decode(&bytes);
            let looks_gbk = !had_errors && gbk.chars().any(crate::util::cjk::is_han);
            let line = bytes[..valid_up_to].iter().filter(|b| **b == b'\n').count() + 1;
            if looks_gbk {
                Err(t!("text.gbk", line = line).into_owned())
            } else {
                Err(t!("text.not_utf8", line = line).into_owned())
            }
        }
    }
}

/// Characters that take no room on screen, with the catalogue key of their name
/// (`char.zwsp` in locales/laomo.yml).
pub fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200b}' => "zwsp",
        '\u{200c}' => "zwnj",
        '\u{200d}' => "zwj",
        '\u{200e}' | '\u{200f}' => "direction_mark",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "direction_control",
        '\u{2060}' => "word_joiner",
        '\u{feff}' => "bom",
        '\u{00ad}' => "soft_hyphen",
        '\u{2028}' | '\u{2029}' => "line_separator",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_comes_out_whole_and_a_bad_byte_is_found_on_its_line() {
        let text = "---\ntitle: 劳模宣讲进校园\n---\n\n协会组织劳模走进中小学。\n".repeat(40);
        assert_eq!(decode(text.clone().into_bytes()).as_deref(), Ok(&text[..]));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("正文\r\n第二行\r".as_bytes());
        assert_eq!(decode(bom).as_deref(), Ok("正文\n第二行\n"));
        // A 劳 cut in half in the last title, line 197: far past SIMD's first block.
        let mut bad = text.clone().into_bytes();
        let at = text.rfind("劳模宣讲").unwrap_or(0) + 1;
        bad[at] = b'x';
        let err = decode(bad).expect_err("not UTF-8");
        assert!(
            err.contains("line 197") || err.contains("第 197 行"),
            "{err}"
        );
    }
}
