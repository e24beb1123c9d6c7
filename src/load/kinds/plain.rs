//! A plain page (about, contact): a title and a body.

use super::*;

pub(super) fn plain_page(cx: &mut FileCx, stem: &str, path: &Path, bundle: bool) -> Option<Built> {
    let fm: PageFm = if cx.yaml.yaml.is_empty() {
        PageFm::default()
    } else {
        parse(cx, PAGE_KEYS)?
    };
    let title = fm.title.clone().unwrap_or_else(|| stem.to_string());
    let slug = cx
        .slug_override(&fm.slug)
        .unwrap_or_else(|| pinyin::file_slug(stem));
    // Folders between content/ and the page become URL segments, in pinyin.
    let page_folder = if bundle {
        path.parent().and_then(Path::parent)
    } else {
        path.parent()
    };
    let mut segments: Vec<String> = page_folder
        .and_then(|f| f.strip_prefix(&cx.site.content).ok())
        .map(|r| {
            r.components()
                .map(|c| pinyin::file_slug(&c.as_os_str().to_string_lossy()))
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if slug.is_empty() {
        cx.diags.push(
            Diagnostic::error(t!("load.no_url", stem = stem))
                .in_file(&cx.rel)
                .hint(t!("load.no_slug.hint")),
        );
    }
    segments.push(slug.clone());
    cx.path = cx.site.site_path(&format!("/{}/", segments.join("/")));
    let date = fm.date.as_ref().and_then(|d| cx.date(d, "date"));
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Page(PlainPage {
            menu_order: fm.menu_order,
        }),
    })
}
