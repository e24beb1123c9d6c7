//! An association: a county, city or provincial 劳模协会 and its region.

use super::*;

pub(super) fn association(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: AssociationFm = parse(cx, ASSOCIATION_KEYS)?;
    let name = cx.required_text(&fm.name, "name");
    let slug = title_slug(cx, &fm.slug, stem, &fm.name);
    cx.path = cx.section_path(Kind::Association, &slug);
    let founded = fm.founded.as_ref().and_then(|d| cx.date(d, "founded"));
    let parent = fm
        .parent
        .as_ref()
        .map(|p| cx.reference(Kind::Association, "parent", p));
    let logo = fm
        .logo
        .as_ref()
        .and_then(|l| cx.image(l, "logo", Some(format!("{name}标志")), None));
    Some(Built {
        slug,
        reading: pinyin::read_text(&name),
        title: name.clone(),
        draft: fm.draft,
        date: founded,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Association(Association {
            name,
            short_name: fm.short_name,
            kind: fm.kind,
            parent,
            founded,
            region: fm.region,
            members: fm.members.map(|m| m.as_text()),
            logo,
        }),
    })
}
