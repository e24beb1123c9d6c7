//! CJK-friendly emphasis: CommonMark's "process emphasis" algorithm, run again over
//! the `*` delimiters of each inline run with flanking rules that let CJK text touch
//! punctuation.
//!
//! CommonMark lets `**` open only when it is not followed by punctuation, unless
//! whitespace or punctuation precedes it. Chinese has no spaces, so in
//! `弘扬**“劳模”**精神` the first `**` cannot open, and pulldown-cmark pairs the wrong
//! runs. Following the CJK-friendly amendment (merged upstream in pulldown-cmark but
//! not released), a CJK character beside the run counts like whitespace for that test.
//! pulldown-cmark's own `*` emphasis is turned back into delimiter runs (their source
//! positions are exact) and all runs are paired again; `_`, links, code and
//! strikethrough are kept as parsed.

use crate::util::cjk::is_cjk;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;

fn is_inline(e: &Event) -> bool {
    match e {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(t) => is_inline_tag(t),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ),
        _ => false,
    }
}

fn is_inline_tag(t: &Tag) -> bool {
    matches!(
        t,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

/// Unicode punctuation and symbols, as CommonMark 0.31 defines them (P and S categories),
/// by block: exact for ASCII and the blocks Chinese text uses.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x2010..=0x2027 | 0x2030..=0x205E |
            0x2190..=0x23FF | 0x2500..=0x27BF | 0x2E00..=0x2E7F | 0x3001..=0x3003 |
            0x3008..=0x3020 | 0x3030 | 0x303D | 0x30FB | 0xFE10..=0xFE19 | 0xFE30..=0xFE4F |
            0xFE50..=0xFE6B | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 |
            0xFF5B..=0xFF65 | 0xFFE0..=0xFFEE)
}

fn ws(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn punct(c: Option<char>) -> bool {
    c.is_some_and(is_punct)
}

fn cjk(c: Option<char>) -> bool {
    c.is_some_and(is_cjk)
}

struct Delim {
    count: usize,
    original: usize,
    can_open: bool,
    can_close: bool,
    /// Tags this run opens, outermost first, and closes, innermost first.
    opens: Vec<Tag<'static>>,
    closes: Vec<TagEnd>,
}

enum Node<'a> {
    Event(Event<'a>),
    Delim(Delim, usize),
    Group(Event<'a>, Vec<Node<'a>>, Event<'a>),
}

pub fn resolve<'a>(events: Vec<(Event<'a>, Range<usize>)>, src: &str) -> Vec<Event<'a>> {
    if src.is_ascii() || !src.contains('*') {
        return events.into_iter().map(|(e, _)| e).collect();
    }
    let mut out = Vec::with_capacity(events.len());
    let mut segment: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    for (e, r) in events {
        if is_inline(&e) {
            segment.push((e, r));
            continue;
        }
        flush(&mut segment, src, &mut out);
        out.push(e);
    }
    flush(&mut segment, src, &mut out);
    out
}

fn flush<'a>(segment: &mut Vec<(Event<'a>, Range<usize>)>, src: &str, out: &mut Vec<Event<'a>>) {
    if segment.is_empty() {
        return;
    }
    let seg = std::mem::take(segment);
    let start = seg.iter().map(|(_, r)| r.start).min().unwrap_or(0);
    let end = seg.iter().map(|(_, r)| r.end).max().unwrap_or(0);
    let text = src.get(start..end).unwrap_or("");
    // Only runs with CJK text and a `*` can come out differently.
    if text.is_ascii() || !text.contains('*') {
        out.extend(seg.into_iter().map(|(e, _)| e));
        return;
    }
    let fallback: Vec<Event<'a>> = seg.iter().map(|(e, _)| e.clone()).collect();
    match build_tree(seg, src) {
        Some(mut nodes) => {
            process(&mut nodes);
            flatten(nodes, out);
        }
        None => out.extend(fallback),
    }
}

enum Frame<'a> {
    Star(usize, Range<usize>),
    Group(Event<'a>, Vec<Node<'a>>),
}

fn flanking(src: &str, pos: usize, count: usize) -> (bool, bool) {
    let prev = src.get(..pos).and_then(|s| s.chars().next_back());
    let next = src.get(pos + count..).and_then(|s| s.chars().next());
    let left = !ws(next) && (!punct(next) || ws(prev) || punct(prev) || cjk(prev));
    let right = !ws(prev) && (!punct(prev) || ws(next) || punct(next) || cjk(next));
    (left, right)
}

fn delim(src: &str, pos: usize, count: usize) -> Node<'static> {
    let (can_open, can_close) = flanking(src, pos, count);
    Node::Delim(
        Delim {
            count,
            original: count,
            can_open,
            can_close,
            opens: Vec::new(),
            closes: Vec::new(),
        },
        pos,
    )
}

fn push_node<'a>(stack: &mut [Frame<'a>], top: &mut Vec<Node<'a>>, node: Node<'a>) {
    match stack.iter_mut().rev().find_map(|f| match f {
        Frame::Group(_, children) => Some(children),
        Frame::Star(..) => None,
    }) {
        Some(children) => children.push(node),
        None => top.push(node),
    }
}

fn build_tree<'a>(seg: Vec<(Event<'a>, Range<usize>)>, src: &str) -> Option<Vec<Node<'a>>> {
    let mut top: Vec<Node<'a>> = Vec::new();
    let mut stack: Vec<Frame<'a>> = Vec::new();
    for (e, r) in seg {
        match e {
            Event::Start(Tag::Emphasis | Tag::Strong)
                if src.as_bytes().get(r.start) == Some(&b'*') =>
            {
                let count = if matches!(e, Event::Start(Tag::Strong)) {
                    2
                } else {
                    1
                };
                push_node(&mut stack, &mut top, delim(src, r.start, count));
                stack.push(Frame::Star(count, r));
            }
            Event::Start(_) => stack.push(Frame::Group(e, Vec::new())),
            Event::End(_) => match stack.pop()? {
                Frame::Star(count, r) => {
                    let pos = r.end.checked_sub(count)?;
                    if src.get(pos..r.end)? != "*".repeat(count) {
                        return None;
                    }
                    push_node(&mut stack, &mut top, delim(src, pos, count));
                }
                Frame::Group(open, mut children) => {
                    process(&mut children);
                    push_node(&mut stack, &mut top, Node::Group(open, children, e));
                }
            },
            Event::Text(t) if src.get(r.clone()) == Some(&*t) && t.contains('*') => {
                let mut last = 0;
                let bytes = t.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] != b'*' {
                        i += 1;
                        continue;
                    }
                    let run = bytes[i..].iter().take_while(|b| **b == b'*').count();
                    if i > last {
                        push_node(
                            &mut stack,
                            &mut top,
                            Node::Event(Event::Text(CowStr::from(t[last..i].to_string()))),
                        );
                    }
                    push_node(&mut stack, &mut top, delim(src, r.start + i, run));
                    i += run;
                    last = i;
                }
                if last < t.len() {
                    push_node(
                        &mut stack,
                        &mut top,
                        Node::Event(Event::Text(CowStr::from(t[last..].to_string()))),
                    );
                }
            }
            other => push_node(&mut stack, &mut top, Node::Event(other)),
        }
    }
    if !stack.is_empty() {
        return None;
    }
    merge_adjacent(&mut top, src);
    Some(top)
}

/// `***` may arrive as an emphasis run next to a strong run: one run of three.
fn merge_adjacent(nodes: &mut Vec<Node>, src: &str) {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for n in nodes.drain(..) {
        if let Node::Delim(d, pos) = &n
            && let Some(Node::Delim(prev, prev_pos)) = out.last_mut()
            && *prev_pos + prev.count == *pos
        {
            let count = prev.count + d.count;
            let (can_open, can_close) = flanking(src, *prev_pos, count);
            *prev = Delim {
                count,
                original: count,
                can_open,
                can_close,
                opens: Vec::new(),
                closes: Vec::new(),
            };
            continue;
        }
        out.push(n);
    }
    *nodes = out;
}

/// CommonMark's "process emphasis", over the delimiter runs of one inline level.
fn process(nodes: &mut [Node]) {
    let mut stack: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::Delim(..)))
        .map(|(i, _)| i)
        .collect();
    let mut bottom: HashMap<(bool, usize), usize> = HashMap::new();
    let d = |nodes: &[Node], i: usize| -> (usize, usize, bool, bool) {
        match &nodes[i] {
            Node::Delim(x, _) => (x.count, x.original, x.can_open, x.can_close),
            _ => (0, 0, false, false),
        }
    };
    let mut ci = 0;
    while ci < stack.len() {
        let c = stack[ci];
        let (c_count, c_orig, c_open, c_close) = d(nodes, c);
        if !c_close || c_count == 0 {
            ci += 1;
            continue;
        }
        let key = (c_open, c_orig % 3);
        let floor = bottom.get(&key).copied().unwrap_or(0);
        let found = (floor..ci).rev().find(|&oi| {
            let (o_count, o_orig, o_open, o_close) = d(nodes, stack[oi]);
            let rule_of_three = (o_close || c_open)
                && (o_orig + c_orig) % 3 == 0
                && !(o_orig % 3 == 0 && c_orig % 3 == 0);
            o_open && o_count > 0 && !rule_of_three
        });
        let Some(oi) = found else {
            bottom.insert(key, ci);
            if c_open {
                ci += 1;
            } else {
                stack.remove(ci);
            }
            continue;
        };
        let o = stack[oi];
        let o_count = d(nodes, o).0;
        let used = if o_count >= 2 && c_count >= 2 { 2 } else { 1 };
        let (tag, end) = if used == 2 {
            (Tag::Strong, TagEnd::Strong)
        } else {
            (Tag::Emphasis, TagEnd::Emphasis)
        };
        if let Node::Delim(x, _) = &mut nodes[o] {
            x.count -= used;
            x.opens.insert(0, tag);
        }
        if let Node::Delim(x, _) = &mut nodes[c] {
            x.count -= used;
            x.closes.push(end);
        }
        // Runs between the pair can no longer match: they stay literal.
        stack.drain(oi + 1..ci);
        ci = oi + 1;
        if d(nodes, o).0 == 0 {
            stack.remove(oi);
            ci -= 1;
        }
        if d(nodes, c).0 == 0 {
            stack.remove(ci);
        }
    }
}

fn flatten<'a>(nodes: Vec<Node<'a>>, out: &mut Vec<Event<'a>>) {
    for n in nodes {
        match n {
            Node::Event(e) => out.push(e),
            Node::Delim(d, _) => {
                out.extend(d.closes.into_iter().map(Event::End));
                if d.count > 0 {
                    out.push(Event::Text(CowStr::from("*".repeat(d.count))));
                }
                out.extend(d.opens.into_iter().map(Event::Start));
            }
            Node::Group(open, children, close) => {
                out.push(open);
                flatten(children, out);
                out.push(close);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn html(md: &str) -> String {
        super::super::markdown::render(md, "/").html
    }

    #[test]
    fn cjk_punctuation_inside_emphasis() {
        assert_eq!(
            html("弘扬**“劳模”**精神\n"),
            "<p>弘扬<strong>“劳模”</strong>精神</p>\n"
        );
        assert_eq!(
            html("他是**全国劳模。**后来\n"),
            "<p>他是<strong>全国劳模。</strong>后来</p>\n"
        );
        assert_eq!(
            html("弘扬**“劳模”**精神，他是**全国劳模。**后来\n"),
            "<p>弘扬<strong>“劳模”</strong>精神，他是<strong>全国劳模。</strong>后来</p>\n"
        );
        assert_eq!(
            html("这是*“强调”*文字\n"),
            "<p>这是<em>“强调”</em>文字</p>\n"
        );
    }

    #[test]
    fn ordinary_markdown_is_unchanged() {
        assert_eq!(
            html("a **b** c *d* ***e***\n"),
            "<p>a <strong>b</strong> c <em>d</em> <em><strong>e</strong></em></p>\n"
        );
        assert_eq!(
            html("中文**加粗**中文\n"),
            "<p>中文<strong>加粗</strong>中文</p>\n"
        );
        assert_eq!(
            html("价格 2\\*3 与 `**不是**` 中文\n"),
            "<p>价格 2*3 与 <code>**不是**</code> 中文</p>\n"
        );
        assert_eq!(
            html("**[链接](/a)**文字\n"),
            "<p><strong><a href=\"/a\">链接</a></strong>文字</p>\n"
        );
        assert_eq!(html("单独的 ** 星号\n"), "<p>单独的 ** 星号</p>\n");
    }
}
