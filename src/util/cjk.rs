//! The one place that says which characters are Chinese (or Japanese, Korean): used by
//! the Markdown line joining, the CJK-friendly emphasis rule, search tokens and the
//! guess that a file was saved as GBK. Each asks a different question, so there are
//! three predicates, each a superset of the one before.

/// Han ideographs, in the BMP and the supplementary planes (rare names: 𠙶, 䶮).
/// What search cuts into bigrams and what marks Chinese text in a legacy encoding.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFD)
}

/// East Asian wide characters: Han, kana, hangul, bopomofo, CJK punctuation (、。「」)
/// and full-width forms (，：！). Text made of these has no spaces between words, which
/// is what the emphasis rule and the line joining care about.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0xA960..=0xA97F |
            0xAC00..=0xD7A3 | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60 |
            0xFFE0..=0xFFE6)
}

/// Wide characters plus the punctuation Chinese prose borrows from general punctuation
/// (“”‘’——…·): next to these a line break joins without a space, as in print.
pub fn is_cjk_prose(c: char) -> bool {
    is_cjk(c) || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_question_gets_its_own_answer() {
        for c in ['劳', '模', '𠙶', '䶮'] {
            assert!(is_han(c) && is_cjk(c) && is_cjk_prose(c), "{c}");
        }
        for c in ['，', '。', '「', 'あ', '한'] {
            assert!(!is_han(c) && is_cjk(c), "{c}");
        }
        for c in ['“', '…'] {
            assert!(!is_cjk(c) && is_cjk_prose(c), "{c}");
        }
        for c in ['a', '1', ' ', ',', 'é'] {
            assert!(!is_cjk_prose(c), "{c}");
        }
    }
}
