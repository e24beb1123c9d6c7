//! A page's Markdown body as Typst markup, for the printed book.
//!
//! The events are the web page's own ([`crate::load::markdown::events`]: Chinese
//! emphasis and line breaks already repaired), so paper and screen read the same. Every
//! piece of editor text is escaped, and every structure is written as a function call
//! (`#list([…], […])`, `#strong[…]`) rather than Typst's line-start syntax: a body can
//! never run Typst code or change the book's layout, whatever it contains.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashMap;

/// What a body places that only the book knows how to print.
pub trait Embeds {
    /// Markup for the page's photo number `n` (`laomo-img:N`), with its alt text.
    fn photo(&mut self, n: usize, alt: &str) -> String;
    /// Markup for shortcode call number `n`.
    fn shortcode(&mut self, n: usize) -> String;
    /// The address a link is printed with; `None` prints the link's text alone.
    fn link(&self, url: &str) -> Option<String>;
}

/// Editor text inside Typst markup: every character Typst could read as syntax is
/// escaped. Characters of the Private Use Area are written as escapes too, so the
/// placeholders of footnotes below can never come from a body.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '=' | '-' | '+' | '/' | '~'
            | '[' | ']' | '.' | ':' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\u{E000}'..='\u{F8FF}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Typst string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const NOTE_OPEN: char = '\u{E000}';
const NOTE_CLOSE: char = '\u{E001}';

enum Frame {
    Root,
    Paragraph,
    Heading(HeadingLevel),
    Quote,
    Code,
    List {
        start: Option<u64>,
        items: Vec<String>,
    },
    Item,
    Emphasis,
    Strong,
    Strike,
    Link(Option<String>),
    Image(String),
    Table {
        columns: usize,
        align: Vec<Alignment>,
        cells: Vec<String>,
        header: usize,
    },
    Cell,
    Note(String),
    Skip,
}

/// The text being written: the innermost open frame's.
fn top(stack: &mut [(Frame, String)]) -> &mut String {
    match stack.last_mut() {
        Some((_, s)) => s,
        None => unreachable!("the root frame is never popped"),
    }
}

/// Writes the body's events as markup. Headings of the body are printed below the
/// chapter's own (level 3 and deeper), out of the table of contents.
pub fn write(events: Vec<Event<'_>>, embeds: &mut dyn Embeds) -> String {
    let mut stack: Vec<(Frame, String)> = vec![(Frame::Root, String::new())];
    let mut notes: HashMap<String, String> = HashMap::new();
    let mut in_header = false;
    for e in events {
        match e {
            Event::Start(tag) => {
                let frame = match tag {
                    Tag::Paragraph => Frame::Paragraph,
                    Tag::Heading { level, .. } => Frame::Heading(level),
                    Tag::BlockQuote(_) => Frame::Quote,
                    Tag::CodeBlock(_) => Frame::Code,
                    Tag::List(start) => Frame::List {
                        start,
                        items: Vec::new(),
                    },
                    Tag::Item => Frame::Item,
                    Tag::Emphasis => Frame::Emphasis,
                    Tag::Strong => Frame::Strong,
                    Tag::Strikethrough => Frame::Strike,
                    Tag::Link { dest_url, .. } => Frame::Link(embeds.link(&dest_url)),
                    Tag::Image { dest_url, .. } => Frame::Image(dest_url.to_string()),
                    Tag::Table(align) => Frame::Table {
                        columns: align.len(),
                        align,
                        cells: Vec::new(),
                        header: 0,
                    },
                    Tag::TableHead => {
                        in_header = true;
                        continue;
                    }
                    Tag::TableRow => continue,
                    Tag::TableCell => Frame::Cell,
                    Tag::FootnoteDefinition(label) => Frame::Note(label.to_lowercase()),
                    _ => Frame::Skip,
                };
                stack.push((frame, String::new()));
            }
            Event::End(TagEnd::TableHead) => in_header = false,
            Event::End(TagEnd::TableRow) => {}
            Event::End(_) => {
                if stack.len() < 2 {
                    continue;
                }
                let Some((frame, body)) = stack.pop() else {
                    continue;
                };
                let body = body.trim().to_string();
                let parent = top(&mut stack);
                match frame {
                    Frame::Root | Frame::Skip => parent.push_str(&body),
                    Frame::Paragraph => {
                        parent.push_str(&body);
                        parent.push_str("\n\n");
                    }
                    Frame::Heading(level) => {
                        let level = (level as usize + 1).clamp(3, 6);
                        parent.push_str(&format!(
                            "#heading(level: {level}, outlined: false)[{body}]\n\n"
                        ));
                    }
                    Frame::Quote => parent.push_str(&format!("#quote(block: true)[{body}]\n\n")),
                    // Code keeps its text as written: the raw string, not escaped markup.
                    Frame::Code => parent.push_str(&format!(
                        "#raw(block: true, {})\n\n",
                        string(body.trim_end_matches('\n'))
                    )),
                    Frame::List { start, items } => {
                        let items = items.join(", ");
                        parent.push_str(&match start {
                            Some(n) => format!("#enum(start: {n}, {items})\n\n"),
                            None => format!("#list({items})\n\n"),
                        });
                    }
                    Frame::Item => {
                        if let Some((Frame::List { items, .. }, _)) = stack.last_mut() {
                            items.push(format!("[{body}]"));
                        }
                    }
                    Frame::Emphasis => parent.push_str(&format!("#emph[{body}]")),
                    Frame::Strong => parent.push_str(&format!("#strong[{body}]")),
                    Frame::Strike => parent.push_str(&format!("#strike[{body}]")),
                    Frame::Link(Some(url)) => {
                        parent.push_str(&format!("#link({})[{body}]", string(&url)))
                    }
                    Frame::Link(None) => parent.push_str(&body),
                    Frame::Image(dest) => {
                        let alt = unescape_alt(&body);
                        let markup =
                            match dest.strip_prefix("laomo-img:").and_then(|n| n.parse().ok()) {
                                Some(n) => embeds.photo(n, &alt),
                                // A photo on another host is not fetched: its description is printed.
                                None => text(&alt),
                            };
                        parent.push_str(&markup);
                    }
                    Frame::Table {
                        columns,
                        align,
                        cells,
                        header,
                    } => {
                        let align: Vec<&str> = align
                            .iter()
                            .map(|a| match a {
                                Alignment::Center => "center",
                                Alignment::Right => "right",
                                _ => "left",
                            })
                            .collect();
                        let (head, rest) = cells.split_at(header.min(cells.len()));
                        let mut t = format!(
                            "#table(columns: {columns}, align: ({},), ",
                            align.join(", ")
                        );
                        if !head.is_empty() {
                            t.push_str(&format!("table.header({}), ", head.join(", ")));
                        }
                        t.push_str(&rest.join(", "));
                        t.push_str(")\n\n");
                        parent.push_str(&t);
                    }
                    Frame::Cell => {
                        if let Some((Frame::Table { cells, header, .. }, _)) = stack.last_mut() {
                            cells.push(format!("[{body}]"));
                            if in_header {
                                *header += 1;
                            }
                        }
                    }
                    Frame::Note(label) => {
                        notes.insert(label, body);
                    }
                }
            }
            Event::Text(t) => {
                let code = stack.iter().any(|(f, _)| matches!(f, Frame::Code));
                let s = if code { t.to_string() } else { text(&t) };
                top(&mut stack).push_str(&s);
            }
            Event::Code(t) => top(&mut stack).push_str(&format!("#raw({})", string(&t))),
            Event::SoftBreak => top(&mut stack).push(' '),
            Event::HardBreak => top(&mut stack).push_str(" \\\n"),
            Event::Rule => top(&mut stack).push_str("#line(length: 100%)\n\n"),
            Event::TaskListMarker(done) => {
                top(&mut stack).push_str(if done { "☑ " } else { "☐ " })
            }
            Event::FootnoteReference(label) => top(&mut stack)
                .push_str(&format!("{NOTE_OPEN}{}{NOTE_CLOSE}", label.to_lowercase())),
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(n) = shortcode_number(&h) {
                    let markup = embeds.shortcode(n);
                    top(&mut stack).push_str(&markup);
                } else if is_line_break(&h) {
                    top(&mut stack).push_str(" \\\n");
                }
                // Other HTML is for screens (a video frame, a styled span): not printed.
            }
            _ => {}
        }
    }
    let out = stack.into_iter().next().map(|(_, s)| s).unwrap_or_default();
    with_notes(&out, &notes)
}

/// A footnote's text printed at its first reference, Typst numbering it on the page.
fn with_notes(s: &str, notes: &HashMap<String, String>) -> String {
    if !s.contains(NOTE_OPEN) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(NOTE_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + NOTE_OPEN.len_utf8()..];
        let Some(j) = after.find(NOTE_CLOSE) else {
            rest = after;
            continue;
        };
        if let Some(note) = notes.get(&after[..j]) {
            out.push_str(&format!("#footnote[{}]", note.trim()));
        }
        rest = &after[j + NOTE_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn shortcode_number(html: &str) -> Option<usize> {
    html.trim()
        .strip_prefix("<!--laomo:shortcode:")?
        .strip_suffix("-->")?
        .parse()
        .ok()
}

fn is_line_break(html: &str) -> bool {
    let t = html.trim().to_ascii_lowercase().replace(' ', "");
    matches!(t.as_str(), "<br>" | "<br/>")
}

/// Alt text arrives escaped as markup; the embedding wants it plain.
fn unescape_alt(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoEmbeds;
    impl Embeds for NoEmbeds {
        fn photo(&mut self, n: usize, alt: &str) -> String {
            format!("[photo {n}: {alt}]")
        }
        fn shortcode(&mut self, n: usize) -> String {
            format!("[shortcode {n}]")
        }
        fn link(&self, url: &str) -> Option<String> {
            Some(format!("https://example.org{url}"))
        }
    }

    fn typst(md: &str) -> String {
        write(crate::load::markdown::events(md), &mut NoEmbeds)
    }

    #[test]
    fn syntax_in_text_is_escaped() {
        let out = typst("#set page(width: 1cm) 和 $x$ 与 a < b @ref = 标题 [内容] http://a.b");
        assert_eq!(
            out.trim(),
            "\\#set page(width\\: 1cm) 和 \\$x\\$ 与 a \\< b \\@ref \\= 标题 \\[内容\\] http\\:\\/\\/a\\.b"
        );
    }

    #[test]
    fn emphasis_lists_and_notes() {
        let out = typst("他是**“劳模”**精神的代表。\n\n- 一\n- 二\n\n说明[^a]。\n\n[^a]: 注释内容");
        assert!(out.contains("他是#strong[“劳模”]精神的代表。"), "{out}");
        assert!(out.contains("#list([一], [二])"), "{out}");
        assert!(out.contains("说明#footnote[注释内容]。"), "{out}");
    }

    #[test]
    fn chinese_lines_join_without_space() {
        assert_eq!(typst("第一行\n第二行").trim(), "第一行第二行");
    }
}
