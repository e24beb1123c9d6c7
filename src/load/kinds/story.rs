//! A story: an activity or event, its date, the people in it and its photos.

use super::*;

pub(super) fn story(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: StoryFm = parse(cx, STORY_KEYS)?;
    let title = cx.required_text(&fm.title, "title");
    let slug = title_slug(cx, &fm.slug, stem, &fm.title);
    cx.path = cx.section_path(Kind::Story, &slug);
    let date = cx.date(&fm.date, "date");
    let end_date = fm.end_date.as_ref().and_then(|e| cx.date(e, "end_date"));
    if let (Some(d), Some(e), Some(sp)) = (date, end_date, fm.end_date.as_ref())
        && e.sort_key() < d.sort_key()
    {
        cx.err(
            sp,
            t!("story.end_before", end = e.iso(), date = d.iso()),
            t!("story.end_before.hint"),
        );
    }
    let association = fm
        .association
        .as_ref()
        .map(|a| cx.reference(Kind::Association, "association", a));
    let people = fm
        .people
        .iter()
        .map(|p| cx.reference(Kind::Profile, "people", p))
        .collect();
    let cover = fm
        .cover
        .as_ref()
        .and_then(|c| cx.image(c, "cover", Some(title.clone()), None));
    let gallery = cx.gallery(&fm.gallery, &title);
    let figures = fm
        .figures
        .map(|f| {
            f.0.into_iter()
                .map(|(label, v)| Figure {
                    label,
                    is_number: matches!(v.value, Scalar::Int(_) | Scalar::Float(_)),
                    value: v.value.as_text(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Story(Story {
            end_date,
            date_note: fm.date_note,
            association,
            people,
            category: fm.category,
            tags: fm.tags.0,
            location: fm.location,
            cover,
            gallery,
            figures,
        }),
    })
}
