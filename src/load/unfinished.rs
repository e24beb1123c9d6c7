//! Signs in a body that a page is not what its editor meant to publish: the text
//! `laomo new` left as a placeholder, and paragraphs indented the way Word indents them,
//! which Markdown turns into grey boxes of code.

use crate::diagnostic::{Diagnostic, Position};
use crate::util::cjk::is_cjk_prose;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use rust_i18n::t;

/// How every placeholder that `laomo new` writes into a body begins.
pub const PLACEHOLDER: &str = "在这里写";

/// Warnings for a published page's body. `first_line` is the body's first line in the
/// file (1-based), `rel` the file for messages.
pub fn check(body: &str, first_line: usize, rel: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Walked line by line only when the body has one: most never do.
    let lines = if body.contains(PLACEHOLDER) {
        body.lines()
    } else {
        "".lines()
    };
    for (i, line) in lines.enumerate() {
        let t = line.trim();
        if t.starts_with(PLACEHOLDER) {
            let col = line.chars().take_while(|c| c.is_whitespace()).count() + 1;
            out.push(
                Diagnostic::warning(t!("unfinished.placeholder"))
                    .in_file(rel)
                    .at(Position::new(first_line + i, col))
                    .spanning(t.chars().count())
                    .with_line(Some(line))
                    .hint(t!("unfinished.placeholder.hint")),
            );
        }
    }
    indented_prose(body, first_line, rel, &mut out);
    out
}

/// A paragraph indented by four spaces or a tab after a blank line is code to Markdown.
/// Chinese prose in one is almost always a paragraph indented by habit.
fn indented_prose(body: &str, first_line: usize, rel: &str, out: &mut Vec<Diagnostic>) {
    // Parsing costs time on every page; most bodies have no indented line at all.
    let indented = |l: &str| l.starts_with("    ") || l.starts_with('\t');
    let mut prev_blank = true;
    let mut any = false;
    for l in body.lines() {
        if prev_blank && indented(l) && !l.trim().is_empty() {
            any = true;
            break;
        }
        prev_blank = l.trim().is_empty();
    }
    if !any {
        return;
    }
    let lines = crate::diagnostic::LineIndex::new(body);
    let mut in_code: Option<usize> = None;
    for (event, range) in Parser::new_ext(body, super::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => in_code = Some(range.start),
            Event::Text(text) if in_code.is_some() => {
                let prose = text.chars().filter(|c| is_cjk_prose(*c)).count();
                let visible = text.chars().filter(|c| !c.is_whitespace()).count();
                // Mostly Chinese: code is ASCII, and a stray 注释 in code is not prose.
                if prose >= 4 && prose * 2 >= visible {
                    let start = in_code.take().unwrap_or(range.start);
                    let line = lines.line_of(start);
                    let text_line = lines.line(line).unwrap_or("");
                    out.push(
                        Diagnostic::warning(t!("unfinished.indented"))
                            .in_file(rel)
                            .at(Position::new(first_line + line - 1, 1))
                            .spanning(text_line.chars().take_while(|c| c.is_whitespace()).count())
                            .with_line(Some(text_line))
                            .hint(t!("unfinished.indented.hint")),
                    );
                }
            }
            Event::End(_) => in_code = None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_indented_prose_are_found_at_their_lines() {
        let body = "在这里写丁卫松的先进事迹。\n\n正文第一段。\n\n    他在车间一干就是二十年，带出了一批技术骨干。\n\n```\n    fn main() {}\n```\n\n    let x = 1;\n";
        let d = check(body, 5, "a.md");
        let lines: Vec<usize> = d
            .iter()
            .map(|d| d.position.unwrap_or_default().line)
            .collect();
        assert_eq!(lines, vec![5, 9], "{d:#?}");
        assert!(d[0].message.contains("placeholder"));
        assert!(d[1].message.contains("indented by four spaces"));
    }
}
