//! Markdown to HTML with pulldown-cmark, made to read right in Chinese.
//!
//! Two CommonMark rules assume spaces between words, which Chinese does not have:
//! a soft line break becomes a space (so a wrapped Chinese sentence gets a stray gap),
//! and `**` next to punctuation only opens or closes emphasis beside whitespace (so
//! `**“劳模”**精神` stays literal). Both are repaired on the event stream, after
//! parsing, where code spans and escapes are already known; emphasis in its own
//! module, [`super::emphasis`].

use crate::util::cjk::is_cjk_prose;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;
use std::ops::Range;

pub struct Rendered {
    pub html: String,
    /// Local photos of `![alt](photo.jpg)`, with their byte offset in the Markdown;
    /// the HTML refers to photo N as `laomo-img:N`.
    pub images: Vec<(String, usize)>,
    /// Images on other hosts, which the site may not load (with their byte offset).
    pub remote_images: Vec<(String, usize)>,
    /// Plain text before `<!-- more -->`, if the body has that marker.
    pub summary_before_more: Option<String>,
    /// Plain text of the whole body (paragraphs, headings, lists), for summaries and search.
    pub plain: String,
    /// Site-absolute links (`/profiles/ding-weisong/`) as written, with their byte
    /// offset, for the link stage to check against the site's pages.
    pub site_links: Vec<(String, usize)>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a body. `base_path` (`/laomo/`) is put before site-absolute links and
/// images (`/about/`), so they keep working when the site lives under a sub-path.
pub fn render(markdown: &str, base_path: &str) -> Rendered {
    render_in(markdown, base_path, &|p| p.to_string())
}

/// [`render`] for a page whose site-absolute links first go through `site_path`: a
/// source site's page in a federated site (see `SiteRoot::link_path`).
pub fn render_in(markdown: &str, base_path: &str, site_path: &dyn Fn(&str) -> String) -> Rendered {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    let site_links: Vec<(String, usize)> = events
        .iter()
        .filter_map(|(e, r)| match e {
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.starts_with('/') && !dest_url.starts_with("//") =>
            {
                Some((dest_url.to_string(), r.start))
            }
            _ => None,
        })
        .collect();
    let image_offsets: Vec<usize> = events
        .iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })))
        .map(|(_, r)| r.start)
        .collect();
    let events = prose(events, markdown);
    let events = heading_ids(events);
    let (events, images, remote_images) = local_images(events, &image_offsets);
    let events = with_base_path(events, base_path, site_path);

    // Plain text for summaries: paragraphs and lists, not headings, code or tables.
    let mut plain = String::new();
    let mut summary_before_more = None;
    let mut skip = 0usize;
    for e in &events {
        match e {
            Event::Text(t) | Event::Code(t) if skip == 0 => plain.push_str(t),
            Event::Start(
                Tag::CodeBlock(_)
                | Tag::Heading { .. }
                | Tag::Table(_)
                | Tag::FootnoteDefinition(_),
            ) => skip += 1,
            Event::End(
                TagEnd::CodeBlock | TagEnd::Heading(_) | TagEnd::Table | TagEnd::FootnoteDefinition,
            ) => skip = skip.saturating_sub(1),
            Event::SoftBreak if skip == 0 => plain.push(' '),
            Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item)
                if !plain.ends_with('\n') =>
            {
                plain.push('\n')
            }
            Event::Html(h) | Event::InlineHtml(h)
                if is_more_marker(h) && summary_before_more.is_none() =>
            {
                summary_before_more = Some(plain.trim().to_string());
            }
            _ => {}
        }
    }
    // After the plain text, which leaves the notes out by their Start/End events.
    let events = footnotes(events);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        images,
        remote_images,
        summary_before_more,
        plain,
        site_links,
    }
}

/// Emphasis and line breaks repaired for Chinese: what every output of a body reads.
fn prose<'a>(events: Vec<(Event<'a>, Range<usize>)>, markdown: &str) -> Vec<Event<'a>> {
    let events = super::emphasis::resolve(events, markdown);
    let events = merge_text(events);
    drop_cjk_soft_breaks(events)
}

/// The body's events as the web page reads them, for other outputs (the printed book):
/// Chinese emphasis and line breaks repaired, local photo N written `laomo-img:N` (the
/// page's `inline_images[N]`), shortcode N an HTML block `<!--laomo:shortcode:N-->`.
pub fn events(markdown: &str) -> Vec<Event<'_>> {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    let offsets: Vec<usize> = events
        .iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })))
        .map(|(_, r)| r.start)
        .collect();
    local_images(prose(events, markdown), &offsets).0
}

fn is_more_marker(h: &str) -> bool {
    let t = h.trim();
    t.starts_with("<!--") && t.trim_start_matches("<!--").trim_end_matches("-->").trim() == "more"
}

/// pulldown-cmark splits text at every special character; joined pieces render the same
/// and let the soft-break pass see whole words.
fn merge_text(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut pending: Option<String> = None;
    let mut first: Option<CowStr> = None;
    for e in events {
        match e {
            Event::Text(t) => match (&mut pending, &first) {
                (Some(buf), _) => buf.push_str(&t),
                (None, Some(f)) => {
                    let mut buf = String::with_capacity(f.len() + t.len() + 64);
                    buf.push_str(f);
                    buf.push_str(&t);
                    pending = Some(buf);
                    first = None;
                }
                (None, None) => first = Some(t),
            },
            other => {
                if let Some(buf) = pending.take() {
                    out.push(Event::Text(CowStr::from(buf)));
                } else if let Some(f) = first.take() {
                    out.push(Event::Text(f));
                }
                out.push(other);
            }
        }
    }
    if let Some(buf) = pending {
        out.push(Event::Text(CowStr::from(buf)));
    } else if let Some(f) = first {
        out.push(Event::Text(f));
    }
    out
}

fn last_char(e: &Event) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().last(),
        _ => None,
    }
}

fn first_char(e: &Event) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    }
}

fn is_inline_tag(e: &Event) -> bool {
    matches!(
        e,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

/// A soft break between two CJK characters is no space at all.
fn drop_cjk_soft_breaks(events: Vec<Event>) -> Vec<Event> {
    let mut keep = vec![true; events.len()];
    for i in 0..events.len() {
        if !matches!(events[i], Event::SoftBreak) {
            continue;
        }
        let before = events[..i]
            .iter()
            .rev()
            .find(|e| !is_inline_tag(e))
            .and_then(last_char);
        let after = events[i + 1..]
            .iter()
            .find(|e| !is_inline_tag(e))
            .and_then(first_char);
        if before.is_some_and(is_cjk_prose) && after.is_some_and(is_cjk_prose) {
            keep[i] = false;
        }
    }
    events
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

/// Heading ids from the heading text; Chinese stays Chinese, repeats get `-1`, `-2`.
fn heading_ids(mut events: Vec<Event>) -> Vec<Event> {
    let mut used: HashSet<String> = HashSet::new();
    let mut suffixes: std::collections::HashMap<String, usize> = Default::default();
    for e in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            used.insert(id.to_string());
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            id: None, level, ..
        }) = &events[i]
        {
            let level: HeadingLevel = *level;
            let mut text = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let base = heading_slug(&text);
            let base = if base.is_empty() {
                "section".to_string()
            } else {
                base
            };
            // Each base remembers its next suffix: 20,000 headings of the same text
            // cost 20,000 lookups, not 200 million.
            let next = suffixes.entry(base.clone()).or_insert(1);
            let mut id = base.clone();
            while used.contains(&id) {
                id = format!("{base}-{next}");
                *next += 1;
            }
            used.insert(id.clone());
            if let Event::Start(Tag::Heading { classes, attrs, .. }) = &events[i] {
                events[i] = Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                });
            }
        }
        i += 1;
    }
    events
}

/// Footnotes that work both ways: each reference has an id and links to its note, the
/// note links back to its first reference, and both ids are checked against the
/// heading ids so that `## fn-1` cannot capture a footnote link.
fn footnotes(events: Vec<Event>) -> Vec<Event> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::FootnoteReference(_)))
    {
        return events;
    }
    let mut used: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    // Each base remembers its next suffix: 200,000 references to one note stay linear.
    let mut next: std::collections::HashMap<String, usize> = Default::default();
    let mut unique = |want: String| -> String {
        let n = next.entry(want.clone()).or_insert(2);
        let mut id = want.clone();
        while used.contains(&id) {
            id = format!("{want}-{n}");
            *n += 1;
        }
        used.insert(id.clone());
        id
    };
    // Numbered in the order first referred to: number, the note's id, its first
    // reference's id, and the slug its ids are made from. Labels match ignoring case,
    // as pulldown-cmark matches them.
    struct Note {
        number: usize,
        id: String,
        first_ref: String,
        slug: String,
    }
    let mut notes: std::collections::HashMap<String, Note> = Default::default();
    let mut out = Vec::with_capacity(events.len());
    for e in &events {
        if let Event::FootnoteReference(label) = e {
            let key = label.to_lowercase();
            if !notes.contains_key(&key) {
                let number = notes.len() + 1;
                let slug = heading_slug(&key);
                let slug = if slug.is_empty() {
                    number.to_string()
                } else {
                    slug
                };
                let id = unique(format!("fn-{slug}"));
                notes.insert(
                    key.clone(),
                    Note {
                        number,
                        id,
                        first_ref: String::new(),
                        slug,
                    },
                );
            }
            let Some(entry) = notes.get_mut(&key) else {
                continue;
            };
            let ref_id = unique(format!("fnref-{}", entry.slug));
            if entry.first_ref.is_empty() {
                entry.first_ref = ref_id.clone();
            }
            let entry = (entry.number, entry.id.clone());
            out.push(Event::InlineHtml(CowStr::from(format!(
                "<sup class=\"footnote-ref\" id=\"{}\"><a href=\"#{}\">{}</a></sup>",
                escape_attr(&ref_id),
                escape_attr(&entry.1),
                entry.0
            ))));
        } else {
            out.push(e.clone());
        }
    }
    let mut open: Vec<Option<String>> = Vec::new();
    let mut result = Vec::with_capacity(out.len());
    for e in out {
        match e {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let note = notes.get(&label.to_lowercase());
                let html = match note {
                    Some(n) => format!(
                        "<div class=\"footnote\" id=\"{}\"><span class=\"footnote-label\">{}</span>",
                        escape_attr(&n.id),
                        n.number
                    ),
                    // A note nothing refers to: shown, without links.
                    None => "<div class=\"footnote\">".to_string(),
                };
                open.push(note.map(|n| n.first_ref.clone()));
                result.push(Event::Html(CowStr::from(html)));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let back = match open.pop().flatten() {
                    Some(r) => format!(
                        "<a class=\"footnote-back\" href=\"#{}\" aria-label=\"返回正文\">↩</a></div>\n",
                        escape_attr(&r)
                    ),
                    None => "</div>\n".to_string(),
                };
                result.push(Event::Html(CowStr::from(back)));
            }
            other => result.push(other),
        }
    }
    result
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether an image URL names a file of the site (not another host, not data).
/// Whatever its name, such a file goes through the photo pipeline or is refused:
/// a `.jfif` or `.dng` must never be published as it is.
pub fn is_local_image(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    // A drawing (SVG) is not a photo: it has no camera data and is kept as written.
    let path = lower.split(['?', '#']).next().unwrap_or("");
    !(lower.is_empty()
        || path.ends_with(".svg")
        || lower.contains("://")
        || lower.starts_with("//")
        || lower.starts_with("data:")
        || lower.starts_with('#'))
}

type Found = Vec<(String, usize)>;

fn local_images<'a>(events: Vec<Event<'a>>, offsets: &[usize]) -> (Vec<Event<'a>>, Found, Found) {
    let mut images = Vec::new();
    let mut remote = Vec::new();
    let mut nth = 0;
    let events = events
        .into_iter()
        .map(|e| match e {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let offset = offsets.get(nth).copied().unwrap_or(0);
                nth += 1;
                let lower = dest_url.to_ascii_lowercase();
                if lower.contains("://") || lower.starts_with("//") {
                    remote.push((dest_url.to_string(), offset));
                }
                if is_local_image(&dest_url) {
                    let n = images.len();
                    images.push((dest_url.to_string(), offset));
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(format!("laomo-img:{n}")),
                        title,
                        id,
                    })
                } else {
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
            }
            other => other,
        })
        .collect();
    (events, images, remote)
}

fn with_base_path<'a>(
    events: Vec<Event<'a>>,
    base: &str,
    site_path: &dyn Fn(&str) -> String,
) -> Vec<Event<'a>> {
    let fix = |url: CowStr<'a>| -> CowStr<'a> {
        match url.strip_prefix('/') {
            Some(rest) if !rest.starts_with('/') => {
                let path = site_path(&url);
                if base == "/" && path.len() == url.len() {
                    return url;
                }
                CowStr::from(format!("{base}{}", path.trim_start_matches('/')))
            }
            _ => url,
        }
    };
    events
        .into_iter()
        .map(|e| match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: fix(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: fix(dest_url),
                title,
                id,
            }),
            other => other,
        })
        .collect()
}

/// Keeps letters (any script) and digits, lowercases ASCII, joins words with `-`.
pub fn heading_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() && !matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F) {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !out.ends_with('-')
            && !out.is_empty()
        {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Cuts plain text to about `max` characters, ending at a sentence end where one is near.
pub fn summarize(plain: &str, max: usize) -> String {
    // Only the beginning can end up in the summary; long bodies are not walked whole.
    let prefix = match plain
        .char_indices()
        .nth(max.saturating_mul(2).saturating_add(64))
    {
        Some((i, _)) => &plain[..i],
        None => plain,
    };
    let text: String = prefix.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = collapse_cjk_spaces(&text);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text;
    }
    let window = &chars[..max];
    let ends = ['。', '！', '？', '!', '?', '；', '…'];
    if let Some(cut) = window.iter().rposition(|c| ends.contains(c))
        && cut + 1 >= max / 3
    {
        // Keep a closing quote that belongs to the sentence.
        let mut end = cut + 1;
        while end < chars.len() && matches!(chars[end], '”' | '’' | '」' | '）') {
            end += 1;
        }
        return chars[..end].iter().collect();
    }
    let mut s: String = window.iter().collect();
    s.push('…');
    s
}

/// Joining paragraphs with spaces puts a space between two Chinese sentences; drop it.
fn collapse_cjk_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, c) in chars.iter().enumerate() {
        if *c == ' '
            && i > 0
            && i + 1 < chars.len()
            && is_cjk_prose(chars[i - 1])
            && is_cjk_prose(chars[i + 1])
        {
            continue;
        }
        out.push(*c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnotes_link_both_ways_and_never_share_a_heading_id() {
        let r = render(
            "## fn-a\n\n正文[^a]，再提[^a]，另注[^b]。\n\n[^a]: 注释甲。\n[^b]: 注释乙。\n",
            "/",
        );
        let h = &r.html;
        assert!(h.contains(r##"<h2 id="fn-a">"##), "{h}");
        // The note's id skips the heading's; references have ids of their own.
        assert!(
            h.contains(r##"<sup class="footnote-ref" id="fnref-a"><a href="#fn-a-2">1</a></sup>"##),
            "{h}"
        );
        assert!(
            h.contains(
                r##"<sup class="footnote-ref" id="fnref-a-2"><a href="#fn-a-2">1</a></sup>"##
            ),
            "{h}"
        );
        assert!(h.contains(r##"<a href="#fn-b">2</a>"##), "{h}");
        assert!(
            h.contains(
                r##"<div class="footnote" id="fn-a-2"><span class="footnote-label">1</span>"##
            ),
            "{h}"
        );
        // The note links back to its first reference.
        assert!(
            h.contains(
                r##"注释甲。</p>
<a class="footnote-back" href="#fnref-a" aria-label="返回正文">↩</a></div>"##
            ),
            "{h}"
        );
        assert!(
            h.contains(r##"<a class="footnote-back" href="#fnref-b""##),
            "{h}"
        );
    }

    #[test]
    fn footnote_labels_match_ignoring_case_and_repeats_get_their_own_ids() {
        let body = format!("{}\n\n[^a]: 注。\n", "见[^A]。".repeat(5));
        let h = render(&body, "/").html;
        assert!(h.contains(r##"<div class="footnote" id="fn-a">"##), "{h}");
        for id in ["fnref-a", "fnref-a-2", "fnref-a-5"] {
            assert!(
                h.contains(&format!(r##"id="{id}"><a href="#fn-a">1</a>"##)),
                "{id}: {h}"
            );
        }
    }

    #[test]
    fn soft_breaks_between_cjk_vanish() {
        let r = render("劳模精神\n代代相传。\n2018 年\nLaomo 精神\n", "/");
        assert!(
            r.html
                .contains("<p>劳模精神代代相传。\n2018 年\nLaomo 精神</p>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn emphasis_next_to_cjk_punctuation() {
        let r = render("弘扬**“劳模”**精神，他是**全国劳模。**后来\n", "/");
        assert!(
            r.html.contains("弘扬<strong>“劳模”</strong>精神"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("他是<strong>全国劳模。</strong>后来"),
            "{}",
            r.html
        );
    }

    #[test]
    fn chinese_heading_ids_are_kept_and_deduplicated() {
        let r = render("## 先进事迹\n\n## 先进事迹\n\n## Hello World\n", "/");
        assert!(r.html.contains("<h2 id=\"先进事迹\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"先进事迹-1\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"hello-world\">"), "{}", r.html);
    }

    #[test]
    fn summaries_end_at_a_sentence() {
        let s = summarize(
            "第一句话很短。第二句话稍微长一些，但还没有结束，继续写下去。第三句。",
            30,
        );
        assert_eq!(
            s,
            "第一句话很短。第二句话稍微长一些，但还没有结束，继续写下去。"
        );
        assert_eq!(summarize("短文。", 30), "短文。");
    }

    #[test]
    fn site_absolute_links_get_the_base_path() {
        let r = render(
            "[关于](/about/) [外部](https://a.cn/) [锚](#x) ![图](/photos/a.jpg)\n",
            "/laomo/",
        );
        assert!(r.html.contains("href=\"/laomo/about/\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://a.cn/\""), "{}", r.html);
        assert!(r.html.contains("href=\"#x\""), "{}", r.html);
        assert!(r.html.contains("src=\"laomo-img:0\""), "{}", r.html);
        assert_eq!(r.images[0].0, "/photos/a.jpg");
    }

    #[test]
    fn more_marker_cuts_summary() {
        let r = render("引言部分。\n\n<!-- more -->\n\n正文。\n", "/");
        assert_eq!(r.summary_before_more.as_deref(), Some("引言部分。"));
    }
}
