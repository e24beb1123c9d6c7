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

/// A count in Chinese numerals, as halls and chapters are numbered (第一展厅, 第十二展厅);
/// from 100 on, Arabic digits, which read as naturally there.
pub fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_read_as_chinese_counts() {
        let got: Vec<String> = [1, 9, 10, 11, 19, 20, 21, 40, 99, 100]
            .into_iter()
            .map(numeral)
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "十九",
                "二十",
                "二十一",
                "四十",
                "九十九",
                "100"
            ]
        );
    }

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
