//! Site paths in URLs: percent-encoding (percent-encoding crate) of the names editors
//! give files and folders, Chinese and spaces included.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but letters, digits and `/-_.~` is encoded.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a site path for use in a URL (Chinese names and spaces are fine on disk).
pub fn url_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// `%E5%9B%BE.jpg` → `图.jpg`: Markdown URLs may be percent-encoded. Text that does not
/// decode to UTF-8 is kept as written.
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_round_trip() {
        let p = "/stories/劳模林 新绿/图 1.jpg";
        let encoded = url_path(p);
        assert_eq!(
            encoded,
            "/stories/%E5%8A%B3%E6%A8%A1%E6%9E%97%20%E6%96%B0%E7%BB%BF/%E5%9B%BE%201.jpg"
        );
        assert_eq!(percent_decode(&encoded), p);
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%FF.jpg"), "%FF.jpg");
    }
}
