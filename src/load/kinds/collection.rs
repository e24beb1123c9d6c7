//! A collection: a book, series or newsletter issue, its items in reading order.

use super::*;

pub(super) fn collection(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: CollectionFm = parse(cx, COLLECTION_KEYS)?;
    let title = cx.required_text(&fm.title, "title");
    let slug = title_slug(cx, &fm.slug, stem, &fm.title);
    cx.path = cx.section_path(Kind::Collection, &slug);
    if let Some(k) = &fm.kind
        && !["book", "series", "newsletter"].contains(&k.value.as_str())
    {
        let hint = match nearest(&k.value, ["book", "series", "newsletter"]) {
            Some(n) => t!("collection.kind.did_you_mean", name = n),
            None => t!("collection.kind.hint"),
        };
        cx.err(k, t!("collection.kind", kind = k.value), hint);
    }
    let paper = match &fm.print {
        Some(print) => match crate::config::paper::apply(cx.config.print.paper, print) {
            Ok(p) => p,
            Err(e) => {
                match (e.at, e.at_size) {
                    (Some(at), _) => cx.err(at, e.message, e.hint),
                    (None, Some(at)) => cx.err(at, e.message, e.hint),
                    (None, None) => cx.err(&fm.title, e.message, e.hint),
                }
                cx.config.print.paper
            }
        },
        None => cx.config.print.paper,
    };
    let published = fm.published.as_ref().and_then(|d| cx.date(d, "published"));
    let cover = fm
        .cover
        .as_ref()
        .and_then(|c| cx.image(c, "cover", Some(title.clone()), None));
    let parts = match (&fm.stories, &fm.parts) {
        (Some(_), Some(p)) if !p.is_empty() => {
            cx.err(&fm.title, t!("collection.both"), t!("collection.both.hint"));
            Vec::new()
        }
        (Some(s), _) => vec![Part {
            title: None,
            date: None,
            stories: s
                .iter()
                .map(|x| cx.reference(Kind::Story, "stories", x))
                .collect(),
        }],
        (None, Some(p)) => p
            .iter()
            .map(|part| Part {
                title: Some(part.value.title.clone()),
                date: part.value.date.as_ref().and_then(|d| cx.date(d, "date")),
                stories: part
                    .value
                    .stories
                    .iter()
                    .map(|x| cx.reference(Kind::Story, "stories", x))
                    .collect(),
            })
            .collect(),
        (None, None) => {
            cx.warn(
                &fm.title,
                t!("collection.empty"),
                t!("collection.empty.hint"),
            );
            Vec::new()
        }
    };
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date: published,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Collection(Collection {
            kind: fm.kind.map(|k| k.value),
            subtitle: fm.subtitle,
            paper,
            published,
            publisher: fm.publisher,
            cover,
            parts,
        }),
    })
}
