//! Characters that an input method, Word/WPS or a copy from WeChat slips into YAML and
//! that YAML then reads in a way no editor meant: a full-width colon makes `name：丁卫松`
//! one long text, a full-width space in the indentation breaks the nesting, a `，` or
//! `、` in a list separates nothing. They are found here, before parsing, and reported
//! at their own line and column, instead of as the parser's puzzled message further on.

use crate::diagnostic::{Diagnostic, Position};
use crate::util::text::invisible;
use rust_i18n::t;

/// Keys whose value is a list, where `tags: 劳模、工匠` is one tag, not two.
const LIST_KEYS: &[&str] = &[
    "tags", "people", "honors", "featured", "stories", "gallery", "widths",
];

/// Every trap in a YAML text. `first_line` is the 0-based file line where the YAML
/// starts; the diagnostics carry file positions and the quoted line.
pub fn find(yaml: &str, first_line: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Inside a block scalar (`summary: |`) lines are text, not YAML: only lines indented
    // deeper than the key belong to it.
    let mut block_indent: Option<usize> = None;
    for (i, raw) in yaml.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line_no = first_line + i + 1;
        let indent = line.chars().take_while(|c| *c == ' ').count();
        if let Some(key_indent) = block_indent {
            if line.trim().is_empty() || indent > key_indent {
                continue;
            }
            block_indent = None;
        }
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let found = Found {
            line,
            line_no,
            out: &mut out,
        };
        if let Some(key_indent) = check_line(found) {
            block_indent = Some(key_indent);
        }
    }
    out
}

struct Found<'a> {
    line: &'a str,
    line_no: usize,
    out: &'a mut Vec<Diagnostic>,
}

impl Found<'_> {
    fn push(&mut self, d: Diagnostic, char_col: usize, span: usize) {
        self.out.push(
            d.at(Position::new(self.line_no, char_col + 1))
                .spanning(span)
                .with_line(Some(self.line)),
        );
    }
}

/// Checks one YAML line; returns the key's indentation when the line opens a block
/// scalar (`key: |`), so that the caller skips its text.
fn check_line(mut f: Found) -> Option<usize> {
    let chars: Vec<char> = f.line.chars().collect();

    // Invisible characters: never meant, and they make `丁卫松` differ from `丁卫松`.
    for (col, &c) in chars.iter().enumerate() {
        if let Some(name) = invisible(c) {
            f.push(
                Diagnostic::error(t!(
                    "traps.invisible",
                    name = t!(format!("char.{name}")),
                    code = format!("{:04X}", c as u32)
                ))
                .hint(t!("traps.invisible.hint")),
                col,
                1,
            );
        }
    }

    // The indentation: spaces only; tabs are the parser's own message.
    let mut col = 0;
    while col < chars.len() && matches!(chars[col], ' ' | '\t' | '\u{3000}' | '\u{a0}') {
        if chars[col] != ' ' && chars[col] != '\t' {
            f.push(
                Diagnostic::error(t!("traps.indent", space = space_name(chars[col])))
                    .hint(t!("traps.indent.hint")),
                col,
                1,
            );
            return None;
        }
        col += 1;
    }
    let indent = col;
    // A list item: `- value` or `- key: value`.
    let mut start = indent;
    if chars.get(start) == Some(&'-') && chars.get(start + 1).is_none_or(|c| *c == ' ') {
        start += 1;
        while chars.get(start) == Some(&' ') {
            start += 1;
        }
    }
    let item = start > indent;

    // The key: everything up to the first colon, half- or full-width.
    let colon = chars[start..]
        .iter()
        .position(|c| *c == ':' || *c == '：')
        .map(|p| p + start);
    let Some(colon) = colon else {
        if item {
            check_value(&mut f, &chars, start, None);
        }
        return None;
    };
    let key: String = chars[start..colon].iter().collect();
    let key = key.trim_end();
    let is_key = looks_like_key(key) || (!item && indent == 0 && plain_key(key));
    if chars[colon] == '：' {
        if is_key {
            f.push(
                Diagnostic::error(t!("traps.colon", key = key))
                    .hint(t!("traps.colon.hint", key = key)),
                colon,
                1,
            );
            return None;
        }
        // `- 劳模宣讲：进校园`: a colon inside a text, as Chinese writes it.
        if item {
            check_value(&mut f, &chars, start, None);
        }
        return None;
    }
    if !is_key {
        if item {
            check_value(&mut f, &chars, start, None);
        }
        return None;
    }
    match chars.get(colon + 1) {
        None | Some(' ') | Some('\t') => {}
        Some(c @ ('\u{3000}' | '\u{a0}')) => {
            f.push(
                Diagnostic::error(t!("traps.after_colon", space = space_name(*c), key = key))
                    .hint(t!("traps.after_colon.hint", key = key)),
                colon + 1,
                1,
            );
            return None;
        }
        // `http://…` in a list of links is not a key.
        Some('/') => return None,
        Some(_) => {
            f.push(
                Diagnostic::error(t!("traps.no_space", key = key))
                    .hint(t!("traps.no_space.hint", key = key)),
                colon,
                1,
            );
            return None;
        }
    }
    let mut v = colon + 1;
    while matches!(chars.get(v), Some(' ' | '\t')) {
        v += 1;
    }
    let value: String = chars[v..].iter().collect();
    let value = value.trim_end_matches([' ', '\t']);
    if value.starts_with('|') || value.starts_with('>') {
        return Some(indent);
    }
    check_value(&mut f, &chars, v, Some(key));
    None
}

/// The value from `start` to the end of the line: brackets, list commas, quotes and
/// trailing spaces.
fn check_value(f: &mut Found, chars: &[char], start: usize, key: Option<&str>) {
    // A comment ends the value when `#` follows a space.
    let mut end = chars.len();
    for i in start..chars.len() {
        if chars[i] == '#' && (i == start || chars[i - 1] == ' ') {
            end = i;
            break;
        }
    }
    while end > start && matches!(chars[end - 1], ' ' | '\t') {
        end -= 1;
    }
    if end <= start {
        return;
    }
    let value = &chars[start..end];
    let text: String = value.iter().collect();

    // Trailing full-width or non-breaking spaces become part of the value.
    let mut trail = end;
    while trail > start && matches!(chars[trail - 1], '\u{3000}' | '\u{a0}') {
        trail -= 1;
    }
    if trail < end {
        f.push(
            Diagnostic::warning(t!("traps.trailing", space = space_name(chars[trail])))
                .hint(t!("traps.trailing.hint")),
            trail,
            end - trail,
        );
        return;
    }

    if value[0] == '［' && value[value.len() - 1] == '］' {
        f.push(
            Diagnostic::error(t!("traps.brackets")).hint(t!("traps.brackets.hint")),
            start,
            value.len(),
        );
        return;
    }

    let flow = value[0] == '[' && value[value.len() - 1] == ']';
    let list_key = key.is_some_and(|k| LIST_KEYS.contains(&k));
    if flow || list_key {
        // A `，` or `、` outside quotes separates nothing in YAML.
        let mut quote: Option<char> = None;
        for (i, &c) in value.iter().enumerate() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '，' | '、') if flow || !text.contains(',') => {
                    let item = item_around(value, i);
                    f.push(
                        Diagnostic::warning(t!("traps.list_comma", comma = c, item = item)).hint(
                            if flow {
                                t!("traps.list_comma.hint")
                            } else {
                                t!("traps.list_comma.hint_list")
                            },
                        ),
                        start + i,
                        1,
                    );
                    break;
                }
                _ => {}
            }
        }
    }

    // “…” around a whole value (or around each item of a list) are kept as part of it.
    let items: Vec<(usize, &[char])> = if flow {
        split_items(value)
    } else {
        vec![(0, value)]
    };
    for (at, item) in items {
        if item.len() >= 2 {
            let (open, close) = (item[0], item[item.len() - 1]);
            let inner = &item[1..item.len() - 1];
            let paired = matches!((open, close), ('“', '”') | ('‘', '’') | ('「', '」'))
                && !inner.contains(&open)
                && !inner.contains(&close);
            if paired {
                f.push(
                    Diagnostic::warning(t!("traps.quotes", marks = format!("{open}{close}")))
                        .hint(t!("traps.quotes.hint")),
                    start + at,
                    item.len(),
                );
                break;
            }
        }
    }
}

/// Items of `[a, b]` with their offsets inside the value, trimmed.
fn split_items(value: &[char]) -> Vec<(usize, &[char])> {
    let inner = &value[1..value.len() - 1];
    let mut out = Vec::new();
    let mut from = 0;
    for i in 0..=inner.len() {
        if i == inner.len() || inner[i] == ',' {
            let mut a = from;
            let mut b = i;
            while a < b && inner[a] == ' ' {
                a += 1;
            }
            while b > a && inner[b - 1] == ' ' {
                b -= 1;
            }
            out.push((a + 1, &inner[a..b]));
            from = i + 1;
        }
    }
    out
}

/// The list item around position `i`: up to the brackets or half-width commas.
fn item_around(value: &[char], i: usize) -> String {
    let stop = |c: &char| matches!(c, '[' | ']' | ',');
    let a = value[..i]
        .iter()
        .rposition(stop)
        .map(|p| p + 1)
        .unwrap_or(0);
    let b = value[i..]
        .iter()
        .position(stop)
        .map(|p| p + i)
        .unwrap_or(value.len());
    value[a..b].iter().collect::<String>().trim().to_string()
}

/// `name`, `end_date`, `base-url`: the keys laomo's files use.
fn looks_like_key(key: &str) -> bool {
    let mut cs = key.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A top-level key in any script (`职务` under `extra:` is indented, so not this).
fn plain_key(key: &str) -> bool {
    !key.is_empty() && key.chars().count() <= 20 && !key.contains([' ', '\u{3000}', '"', '\''])
}

fn space_name(c: char) -> std::borrow::Cow<'static, str> {
    match c {
        '\u{3000}' => t!("traps.space.full"),
        '\u{a0}' => t!("traps.space.nbsp"),
        _ => t!("traps.space.plain"),
    }
}

/// `－－－` or `———`: a front-matter fence typed with an input method or changed by
/// Word/WPS. At least three dashes, at least one of them not the ASCII `-`.
pub fn is_lookalike_fence(line: &str) -> bool {
    let t = line.trim();
    let dashes = |c: char| {
        matches!(
            c,
            '-' | '－' | '—' | '–' | '―' | '─' | '━' | 'ー' | '‐' | '‑' | '−' | '﹣'
        )
    };
    t.chars().count() >= 3 && t.chars().all(dashes) && t.chars().any(|c| c != '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(yaml: &str) -> Vec<String> {
        find(yaml, 1)
            .iter()
            .map(|d| {
                let p = d.position.unwrap_or_default();
                format!("{}:{} {}", p.line, p.column, d.message)
            })
            .collect()
    }

    #[test]
    fn full_width_colon_after_a_key_is_found_at_its_column() {
        let m = messages("name: 丁卫松\nregion：绍兴市\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with("3:7 a full-width colon `：` follows `region`"),
            "{m:?}"
        );
    }

    #[test]
    fn a_colon_inside_chinese_text_is_left_alone() {
        assert!(
            messages("summary: 他说：干一行爱一行。\ntags:\n  - 劳模宣讲：进校园\n").is_empty()
        );
        assert!(
            messages("summary: |\n  第一段：正文\n  　　缩进的段落\nname: 丁卫松\n").is_empty()
        );
    }

    #[test]
    fn spaces_that_yaml_does_not_read_as_spaces() {
        let m = messages(
            "honors:\n　- honor: 全国劳动模范\nname:\u{3000}丁卫松\nregion: 绍兴市\u{3000}\n",
        );
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(
            m[0].starts_with("3:1 the indentation has a full-width space"),
            "{m:?}"
        );
        assert!(
            m[1].starts_with("4:6 a full-width space (U+3000) follows `name:`"),
            "{m:?}"
        );
        assert!(
            m[2].starts_with("5:12 a full-width space (U+3000) at the end"),
            "{m:?}"
        );
    }

    #[test]
    fn list_commas_and_quotes() {
        let m = messages(
            "tags: [劳模，工匠]\npeople: 卢火佳、丁卫松\ntags: [劳模, 工匠]\nname: “丁卫松”\n",
        );
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(
            m[0].starts_with("2:10 `，` does not separate list items: `劳模，工匠`"),
            "{m:?}"
        );
        assert!(m[1].starts_with("3:12 `、` does not separate"), "{m:?}");
        assert!(
            m[2].starts_with("5:7 the Chinese quotation marks “”"),
            "{m:?}"
        );
        // Quotes inside a text are writing, not a mistake.
        assert!(messages("title: “最美劳动者”风采展\nsummary: 他被誉为“铁人”。\n").is_empty());
    }

    #[test]
    fn invisible_characters_and_missing_spaces() {
        let m = messages("name: 丁\u{200b}卫松\nregion:绍兴市\nlinks:\n  - https://example.org/\n");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].starts_with("2:8 an invisible character (zero-width space"),
            "{m:?}"
        );
        assert!(m[1].starts_with("3:7 no space after `region:`"), "{m:?}");
    }

    #[test]
    fn lookalike_fences() {
        assert!(is_lookalike_fence("－－－"));
        assert!(is_lookalike_fence("———"));
        assert!(is_lookalike_fence("--—"));
        assert!(!is_lookalike_fence("---"));
        assert!(!is_lookalike_fence("——"));
    }
}
