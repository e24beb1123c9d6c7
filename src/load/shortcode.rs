//! Shortcodes: `{{ figure(src="a.jpg", caption="…") }}` in a Markdown body.
//!
//! They are found before Markdown parsing (outside fenced code and code spans) and
//! replaced by an HTML comment marker on a line of its own. CommonMark makes such a
//! line an HTML block, so the card or figure that later replaces it is never inside a
//! `<p>`. The call is expanded at render time, when every page it may name is known.

use crate::diagnostic::{Diagnostic, Position};
use rust_i18n::t;
use std::collections::BTreeMap;

/// What each shortcode accepts: (name, [(argument, required)]).
pub const SHORTCODES: &[(&str, &[(&str, bool)])] = &[
    (
        "figure",
        &[
            ("src", true),
            ("caption", false),
            ("alt", false),
            ("width", false),
        ],
    ),
    ("gallery", &[]),
    (
        "video",
        &[("src", true), ("poster", false), ("caption", false)],
    ),
    ("profile", &[("slug", true)]),
];

pub use crate::model::shortcode::{ArgValue, ShortcodeCall};

/// The HTML comment that stands for call number `n` in rendered Markdown.
pub fn marker(n: usize) -> String {
    format!("<!--laomo:shortcode:{n}-->")
}

pub struct Expanded {
    pub markdown: String,
    pub calls: Vec<ShortcodeCall>,
    /// For each line of `markdown` (0-based), the 1-based line of the file it came
    /// from: a call moved onto a line of its own still reports its own line.
    pub line_map: Vec<usize>,
}

/// Replaces every shortcode call in `body` with a block marker; errors name file positions.
/// `first_line` is the 0-based line of the file where the body starts.
pub fn expand(body: &str, file: &str, first_line: usize) -> (Expanded, Vec<Diagnostic>) {
    // Most bodies call no shortcode: they come out as they went in, one line for one,
    // without the walk line by line (2 % of a build's time in perf).
    if !body.contains("{{") {
        let lines = body.split_inclusive('\n').count();
        return (
            Expanded {
                markdown: body.to_string(),
                calls: Vec::new(),
                line_map: (first_line + 1..first_line + 1 + lines).collect(),
            },
            Vec::new(),
        );
    }
    expand_lines(body, file, first_line)
}

fn expand_lines(body: &str, file: &str, first_line: usize) -> (Expanded, Vec<Diagnostic>) {
    let mut out = String::with_capacity(body.len() + 64);
    let mut calls = Vec::new();
    let mut diags = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut line_map = Vec::new();
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let line_no = first_line + i + 1;
        let before = out.len();
        expand_line(
            line, line_no, file, &mut fence, &mut out, &mut calls, &mut diags,
        );
        let added = out[before..].bytes().filter(|b| *b == b'\n').count();
        line_map.extend(std::iter::repeat_n(line_no, added.max(1)));
    }
    (
        Expanded {
            markdown: out,
            calls,
            line_map,
        },
        diags,
    )
}

#[allow(clippy::too_many_arguments)]
fn expand_line(
    line: &str,
    line_no: usize,
    file: &str,
    fence: &mut Option<(char, usize)>,
    out: &mut String,
    calls: &mut Vec<ShortcodeCall>,
    diags: &mut Vec<Diagnostic>,
) {
    let trimmed = line.trim_start();
    // Fenced code: shortcodes stay literal inside.
    let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
    if let Some(c) = fence_char {
        let run = trimmed.chars().take_while(|x| *x == c).count();
        if run >= 3 {
            match *fence {
                None => *fence = Some((c, run)),
                Some((fc, fr)) if fc == c && run >= fr && trimmed[run..].trim().is_empty() => {
                    *fence = None
                }
                _ => {}
            }
            out.push_str(line);
            return;
        }
    }
    if fence.is_some() || !line.contains("{{") {
        out.push_str(line);
        return;
    }
    scan_line(line, line_no, file, out, calls, diags);
}

fn scan_line(
    line: &str,
    line_no: usize,
    file: &str,
    out: &mut String,
    calls: &mut Vec<ShortcodeCall>,
    diags: &mut Vec<Diagnostic>,
) {
    // The line's container prefix: indentation and blockquote markers (`> `), repeated
    // on the lines the call is split into so they stay in the same block.
    let indent: String = line
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t' | '>'))
        .collect();
    // Text beyond the prefix, i.e. something worth a line of its own.
    let has_text = |s: &str| !s.trim_start_matches([' ', '\t', '>']).trim().is_empty();
    let calls_before = calls.len();
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut code_ticks: Option<usize> = None;
    let mut pending = String::new();
    // Columns are counted as the scan moves, not from the line's start at every call:
    // a line of 20,000 calls stays linear. The line itself is stored once for all.
    let (mut counted_to, mut chars_before) = (0usize, 0usize);
    let shared: crate::diagnostic::SourceLine = line.trim_end().into();
    // Whether a `*/}}` still follows: once it does not, no comment search is repeated.
    let mut comment_close_ahead = true;
    while i < line.len() {
        if bytes[i] == b'`' {
            let run = line[i..].bytes().take_while(|b| *b == b'`').count();
            code_ticks = match code_ticks {
                None => Some(run),
                Some(r) if r == run => None,
                other => other,
            };
            pending.push_str(&line[i..i + run]);
            i += run;
            continue;
        }
        if code_ticks.is_none() && line[i..].starts_with("{{") {
            chars_before += line[counted_to..i].chars().count();
            counted_to = i;
            let column = chars_before + 1;
            let position = Position::new(line_no, column);
            let err = |msg: String, hint: String| {
                Diagnostic::error(msg)
                    .in_file(file)
                    .at(position)
                    .spanning(2)
                    .hint(hint)
                    .with_shared_line(Some(shared.clone()))
            };
            // `{{/* figure() */}}` writes the call literally.
            // The closing `*/}}` is looked for after the opening `{{/*`, never inside
            // it: in `{{/*/}}` the two overlap.
            let comment_end = if comment_close_ahead && line[i..].starts_with("{{/*") {
                let found = line[i + 4..].find("*/}}");
                comment_close_ahead = found.is_some();
                found
            } else {
                None
            };
            if let Some(len) = comment_end {
                let inner = line[i + 4..i + 4 + len].trim();
                pending.push_str(&format!("{{{{ {inner} }}}}"));
                i += 4 + len + 4;
                continue;
            }
            let Some(end) = find_close(&line[i + 2..]) else {
                diags.push(err(
                    t!("shortcode.unclosed").into_owned(),
                    t!("shortcode.unclosed.hint").into_owned(),
                ));
                // No `}}` follows anywhere on the line, so no call can: the rest is text
                // (one error, not one per brace of a line of them).
                pending.push_str(&line[i..]);
                i = line.len();
                continue;
            };
            let inner = &line[i + 2..i + 2 + end];
            match parse_call(inner.trim()) {
                Ok((name, args)) => {
                    if let Some(d) = check_call(&name, &args, position, file, &shared) {
                        diags.push(d);
                    }
                    let n = calls.len();
                    calls.push(ShortcodeCall {
                        name,
                        args,
                        position,
                        source_line: shared.clone(),
                        image: None,
                        video: None,
                    });
                    // The marker goes on a line of its own: a block, even mid-paragraph.
                    if has_text(&pending) {
                        out.push_str(&pending);
                        out.push('\n');
                    }
                    pending.clear();
                    out.push_str(&indent);
                    out.push_str(&marker(n));
                    out.push('\n');
                    pending.push_str(&indent);
                }
                Err(msg) => {
                    diags.push(err(
                        t!("shortcode.unreadable", message = msg).into_owned(),
                        t!("shortcode.unreadable.hint").into_owned(),
                    ));
                    pending.push_str(&line[i..i + 2 + end + 2]);
                }
            }
            i += 2 + end + 2;
            continue;
        }
        let ch = line[i..].chars().next().unwrap_or(' ');
        pending.push(ch);
        i += ch.len_utf8();
    }
    if has_text(&pending) || calls_before == calls.len() {
        out.push_str(&pending);
        if !pending.ends_with('\n') {
            out.push('\n');
        }
    }
}

/// Finds the `}}` closing a call, skipping braces inside quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        } else if s[i..].starts_with("}}") {
            return Some(i);
        }
    }
    None
}

type Args = BTreeMap<String, ArgValue>;

fn parse_call(s: &str) -> Result<(String, Args), String> {
    let open = s
        .find('(')
        .ok_or_else(|| t!("shortcode.parse.parens").into_owned())?;
    let name = s[..open].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(t!("shortcode.parse.name", name = name).into_owned());
    }
    let rest = s[open + 1..].trim_end();
    let inner = rest
        .strip_suffix(')')
        .ok_or_else(|| t!("shortcode.parse.close").into_owned())?;
    let mut args = Args::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= chars.len() {
            break;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        if key.is_empty() {
            return Err(t!(
                "shortcode.parse.key",
                at = chars[i..].iter().collect::<String>()
            )
            .into_owned());
        }
        skip_ws(&mut i);
        if chars.get(i) != Some(&'=') {
            return Err(t!("shortcode.parse.needs_value", key = key).into_owned());
        }
        i += 1;
        skip_ws(&mut i);
        let value = match chars.get(i) {
            Some(&q) if q == '"' || q == '\'' => {
                i += 1;
                let mut v = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(t!("shortcode.parse.unclosed_text", key = key, quote = q)
                                .into_owned());
                        }
                        Some('\\') if chars.get(i + 1).is_some() => {
                            v.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&c) if c == q => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            v.push(c);
                            i += 1;
                        }
                    }
                }
                ArgValue::Text(v)
            }
            Some(_) => {
                let start = i;
                while i < chars.len() && chars[i] != ',' && !chars[i].is_whitespace() {
                    i += 1;
                }
                let raw: String = chars[start..i].iter().collect();
                match raw.as_str() {
                    "true" => ArgValue::Bool(true),
                    "false" => ArgValue::Bool(false),
                    _ => ArgValue::Number(raw.parse::<f64>().map_err(|_| {
                        t!("shortcode.parse.value", key = key, raw = raw).into_owned()
                    })?),
                }
            }
            None => return Err(t!("shortcode.parse.no_value", key = key).into_owned()),
        };
        if args.insert(key.clone(), value).is_some() {
            return Err(t!("shortcode.parse.twice", key = key).into_owned());
        }
        skip_ws(&mut i);
        match chars.get(i) {
            Some(',') => i += 1,
            None => break,
            Some(c) => return Err(t!("shortcode.parse.comma", found = c).into_owned()),
        }
    }
    Ok((name.to_string(), args))
}

fn check_call(
    name: &str,
    args: &Args,
    position: Position,
    file: &str,
    line: &crate::diagnostic::SourceLine,
) -> Option<Diagnostic> {
    let base = |msg: std::borrow::Cow<'static, str>| {
        Diagnostic::error(msg)
            .in_file(file)
            .at(position)
            .with_shared_line(Some(line.clone()))
    };
    let names: Vec<&str> = SHORTCODES.iter().map(|(n, _)| *n).collect();
    let Some((_, spec)) = SHORTCODES.iter().find(|(n, _)| *n == name) else {
        let hint = match crate::diagnostic::nearest(name, names.iter().copied()) {
            Some(n) => t!(
                "shortcode.unknown.did_you_mean",
                near = n,
                names = names.join(", ")
            ),
            None => t!("shortcode.unknown.hint", names = names.join(", ")),
        };
        return Some(base(t!("shortcode.unknown", name = name)).hint(hint));
    };
    for key in args.keys() {
        if !spec.iter().any(|(k, _)| k == key) {
            let valid: Vec<&str> = spec.iter().map(|(k, _)| *k).collect();
            let hint = match crate::diagnostic::nearest(key, valid.iter().copied()) {
                Some(n) => t!(
                    "shortcode.unknown_arg.did_you_mean",
                    near = n,
                    name = name,
                    valid = valid.join(", ")
                ),
                None if valid.is_empty() => t!("shortcode.unknown_arg.none", name = name),
                None => t!(
                    "shortcode.unknown_arg.hint",
                    name = name,
                    valid = valid.join(", ")
                ),
            };
            return Some(base(t!("shortcode.unknown_arg", name = name, key = key)).hint(hint));
        }
    }
    for (key, required) in spec.iter() {
        if *required && !args.contains_key(*key) {
            return Some(
                base(t!("shortcode.missing_arg", name = name, key = key)).hint(t!(
                    "shortcode.missing_arg.hint",
                    name = name,
                    key = key
                )),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> (Expanded, Vec<Diagnostic>) {
        expand(body, "t.md", 0)
    }

    #[test]
    fn a_body_without_calls_comes_out_as_the_line_by_line_walk_makes_it() {
        for body in [
            "",
            "一行",
            "前文\n\n```\n代码 { x }\n```\n后文\n",
            "末行没有换行\r\n第二行",
            "\n\n\n",
        ] {
            let (fast, d) = expand(body, "t.md", 7);
            let (slow, _) = expand_lines(body, "t.md", 7);
            assert!(d.is_empty());
            assert_eq!(fast.markdown, slow.markdown, "{body:?}");
            assert_eq!(fast.line_map, slow.line_map, "{body:?}");
            assert!(fast.calls.is_empty() && slow.calls.is_empty());
        }
    }

    #[test]
    fn block_and_inline_calls_become_markers_on_their_own_lines() {
        let (e, d) = run(
            "前文\n{{ figure(src=\"a.jpg\", caption='说“好”\\'') }}\n正文 {{ profile(slug=\"ding-weisong\") }} 后文\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e.calls.len(), 2);
        assert_eq!(e.calls[0].args["caption"], ArgValue::Text("说“好”'".into()));
        assert_eq!(
            e.markdown,
            format!("前文\n{}\n正文 \n{}\n 后文\n", marker(0), marker(1))
        );
    }

    #[test]
    fn calls_in_a_blockquote_stay_in_it() {
        let (e, d) =
            run("> 引文\n> {{ figure(src=\"a.jpg\") }}\n> 后文 {{ figure(src=\"b.jpg\") }} 尾\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            e.markdown,
            format!("> 引文\n> {}\n> 后文 \n> {}\n>  尾\n", marker(0), marker(1))
        );
    }

    #[test]
    fn code_and_escapes_stay_literal() {
        let (e, d) = run("`{{ figure() }}`\n```\n{{ nope() }}\n```\n{{/* figure(src=\"a\") */}}\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(e.calls.is_empty());
        assert!(e.markdown.contains("{{ figure(src=\"a\") }}"));
    }

    #[test]
    fn unknown_names_and_arguments_are_errors() {
        let (_, d) = run("{{ figur(src=\"a.jpg\") }}\n{{ figure(source=\"a.jpg\") }}\n");
        assert_eq!(d.len(), 2);
        assert!(d[0].hint.as_deref().unwrap_or("").contains("figure"));
        assert!(d[1].message.contains("source"));
    }
}
