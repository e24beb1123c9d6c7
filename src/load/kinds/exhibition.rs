//! An exhibition (云展馆): halls of exhibits, each a profile, a story, a photo or a video.

use super::*;

pub(super) fn exhibition(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: ExhibitionFm = parse(cx, EXHIBITION_KEYS)?;
    let title = cx.required_text(&fm.title, "title");
    let slug = title_slug(cx, &fm.slug, stem, &fm.title);
    cx.path = cx.section_path(Kind::Exhibition, &slug);
    let date = fm.date.as_ref().and_then(|d| cx.date(d, "date"));
    let association = fm
        .association
        .as_ref()
        .map(|a| cx.reference(Kind::Association, "association", a));
    let cover = fm
        .cover
        .as_ref()
        .and_then(|c| cx.image(c, "cover", Some(title.clone()), None));
    let mut halls = Vec::new();
    for h in &fm.halls {
        let mut exhibits = Vec::new();
        for x in &h.value.exhibits {
            let e = &x.value;
            let set = [
                e.profile.is_some(),
                e.story.is_some(),
                e.image.is_some(),
                e.video.is_some(),
            ];
            if set.iter().filter(|b| **b).count() != 1 {
                cx.err(x, t!("exhibition.exhibit"), t!("exhibition.exhibit.hint"));
                continue;
            }
            if e.poster.is_some() && e.video.is_none() {
                cx.err(x, t!("exhibition.poster"), t!("exhibition.poster.hint"));
            }
            if let Some(p) = &e.profile {
                exhibits.push(Exhibit::Profile(cx.reference(Kind::Profile, "profile", p)));
            } else if let Some(s) = &e.story {
                exhibits.push(Exhibit::Story(cx.reference(Kind::Story, "story", s)));
            } else if let Some(i) = &e.image {
                let alt = e.alt.clone().or_else(|| e.caption.clone());
                if let Some(mut img) = cx.image(i, "image", alt, e.caption.clone()) {
                    img.credit = e.credit.clone();
                    exhibits.push(Exhibit::Image(img));
                }
            } else if let Some(v) = &e.video {
                let video = match assets::media(
                    cx.site,
                    &cx.config.base_path,
                    cx.dir,
                    &cx.path,
                    &v.value,
                ) {
                    Ok(m) => m,
                    Err((msg, hint)) => {
                        cx.err(v, t!("load.field", field = "video", message = msg), hint);
                        continue;
                    }
                };
                let poster = e
                    .poster
                    .as_ref()
                    .and_then(|p| cx.image(p, "poster", e.caption.clone(), None));
                exhibits.push(Exhibit::Video {
                    video,
                    poster,
                    caption: e.caption.clone(),
                });
            }
        }
        halls.push(Hall {
            title: h.value.title.clone(),
            intro: h.value.intro.clone(),
            exhibits,
        });
    }
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Exhibition(Exhibition {
            association,
            featured: fm.featured,
            cover,
            halls,
        }),
    })
}
