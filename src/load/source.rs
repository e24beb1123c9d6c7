//! Splitting an editor's file into front matter and body (decoding is in `util::text`).

pub use crate::util::text::{MAX_FILE_BYTES, decode, read_limited};

/// A Markdown file split into its front matter and body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The YAML between the `---` lines (None if the file has no front matter).
    pub front_matter: Option<&'a str>,
    /// 0-based line index where the YAML starts (the line after the opening `---`).
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// 0-based line index where the body starts.
    pub body_first_line: usize,
}

/// Splits `---\nyaml\n---\nbody`. Errors when the front matter is opened but never closed.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, String> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            front_matter: None,
            yaml_first_line: 0,
            body: text,
            body_first_line: 0,
        });
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line_no, line) in (1..).zip(text[yaml_start..].split_inclusive('\n')) {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                front_matter: Some(yaml),
                yaml_first_line: 1,
                body: &text[body_start.min(text.len())..],
                body_first_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(rust_i18n::t!("load.unclosed").into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split_front_matter("---\nname: 丁卫松\n---\n正文\n").unwrap();
        assert_eq!(s.front_matter, Some("name: 丁卫松\n"));
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_first_line, 3);
    }

    #[test]
    fn unclosed_is_an_error() {
        assert!(split_front_matter("---\nname: x\n正文").is_err());
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap(), "a\nb");
        let (gbk, _, _) = encoding_rs::GBK.encode("劳模风采");
        assert!(decode(gbk.to_vec()).unwrap_err().contains("GBK"));
        assert!(
            decode(vec![0xFF, 0xFE, b'a', 0])
                .unwrap_err()
                .contains("UTF-16")
        );
    }
}
