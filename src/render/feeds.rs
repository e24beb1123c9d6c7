//! Machine-read files: the Atom feed of stories, sitemap.xml and robots.txt.
//! Written from Rust, not templates, so they are always well-formed XML.

use crate::link::Site;
use crate::model::PageId;
use std::fmt::Write;

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids never reach the feed.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The newest 30 stories. `updated` is the newest story's date, not the build time,
/// so two builds of the same content are byte-identical.
pub fn atom(site: &Site) -> String {
    let c = &site.config;
    let stories: Vec<PageId> = site.stories.iter().copied().take(30).collect();
    let updated = stories
        .first()
        .and_then(|&i| site.pages[i].date)
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "2000-01-01T00:00:00+08:00".into());
    let mut x = String::new();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape_xml(&c.language),
        escape_xml(&c.title),
        escape_xml(&c.description),
        escape_xml(&c.permalink("/atom.xml")),
        escape_xml(&c.base_url),
        escape_xml(&c.base_url),
        updated
    );
    for i in stories {
        let p = &site.pages[i];
        let link = c.permalink(&p.path);
        let date = p
            .date
            .map(|d| d.rfc3339())
            .unwrap_or_else(|| updated.clone());
        let _ = write!(
            x,
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <updated>{}</updated>\n    <published>{}</published>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            escape_xml(&p.title),
            escape_xml(&link),
            escape_xml(&link),
            date,
            date,
            escape_xml(&c.title),
            escape_xml(&p.summary),
        );
    }
    x.push_str("</feed>\n");
    x
}

pub fn sitemap(site: &Site, paths: &[String]) -> String {
    let c = &site.config;
    // Not the addresses that only lead on to another page.
    let moved: rustc_hash::FxHashSet<&str> = site.moved.iter().map(|(p, _)| p.as_str()).collect();
    let mut sorted: Vec<&String> = paths
        .iter()
        .filter(|p| p.ends_with('/') && !moved.contains(p.as_str()))
        .collect();
    sorted.sort();
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in sorted {
        let _ = writeln!(
            x,
            "  <url><loc>{}</loc></url>",
            escape_xml(&crate::load::assets::url_path_full(&c.permalink(p)))
        );
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        site.config.permalink("/sitemap.xml")
    )
}
