//! A profile: a model worker's name, honors (checked against site.yaml), region,
//! portrait and gallery.

use super::*;

pub(super) fn profile(cx: &mut FileCx, _stem: &str) -> Option<Built> {
    let fm: ProfileFm = parse(cx, &PROFILE_KEYS)?;
    let name = cx.required_text(&fm.name, "name");
    let reading = match &fm.pinyin {
        Some(p) if !p.value.trim().is_empty() => pinyin::read_override(&p.value, &name),
        _ => pinyin::read_name(&name),
    };
    let slug = cx
        .slug_override(&fm.slug)
        .unwrap_or_else(|| reading.name_slug());
    if slug.is_empty() {
        cx.err(
            &fm.name,
            t!("profile.no_slug", name = name),
            t!("profile.no_slug.hint"),
        );
    }
    cx.path = cx.section_path(Kind::Profile, &slug);

    let mut honors = Vec::new();
    if fm.honors.value.is_empty() {
        cx.err(
            &fm.honors,
            t!("profile.no_honors"),
            t!("profile.no_honors.hint"),
        );
    }
    for h in &fm.honors.value {
        let title = h.value.title.value.trim();
        let Some(honor) = cx.config.honor(title) else {
            let hint = match cx.config.nearest_honor(title) {
                Some(h) => t!("profile.unknown_honor.did_you_mean", name = h.name),
                None => t!("profile.unknown_honor.hint"),
            };
            let d = cx
                .yaml
                .error_at(&h.value.title, t!("profile.unknown_honor", title = title))
                .spanning(title.chars().count())
                .hint(hint);
            cx.diags.push(d);
            continue;
        };
        let year = match &h.value.year {
            Some(y) => match cx.date(y, "year") {
                Some(d) if d.month.is_none() => Some(d.year),
                Some(d) => {
                    cx.err(
                        y,
                        t!("profile.year_only"),
                        t!("profile.year_only.hint", year = d.year),
                    );
                    Some(d.year)
                }
                None => None,
            },
            None => None,
        };
        honors.push(ProfileHonor {
            honor: honor.rank,
            year,
        });
    }
    // Highest honor first, then the earliest year.
    honors.sort_by_key(|h| (h.honor, h.year));

    let region = cx.required_text(&fm.region, "region");
    let era = match &fm.era {
        Some(e) => {
            let known: Vec<&str> = cx.config.eras.iter().map(|e| e.name.as_str()).collect();
            if !known.is_empty() && !known.contains(&e.value.as_str()) {
                let hint = match nearest(&e.value, known.iter().copied()) {
                    Some(n) => t!("profile.unknown_era.did_you_mean", name = n),
                    None => t!("profile.unknown_era.hint", eras = known.join(", ")),
                };
                cx.err(e, t!("profile.unknown_era", era = e.value), hint);
            }
            Some(e.value.clone())
        }
        None => honors
            .iter()
            .filter_map(|h| h.year)
            .min()
            .and_then(|y| cx.config.era_for_year(y))
            .map(|e| e.name.clone()),
    };
    let association = fm
        .association
        .as_ref()
        .map(|a| cx.reference(Kind::Association, "association", a));
    let portrait = fm.portrait.as_ref().and_then(|p| {
        let alt = fm
            .portrait_alt
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| format!("{name}的照片"));
        cx.image(p, "portrait", Some(alt), None)
    });
    let gallery = cx.gallery(&fm.gallery, &name);
    Some(Built {
        slug,
        title: name.clone(),
        draft: fm.draft,
        date: None,
        summary: fm.summary,
        extra: fm.extra,
        reading,
        details: Details::Profile(Profile {
            name,
            id: fm
                .id
                .map(|i| i.value.trim().to_string())
                .filter(|i| !i.is_empty()),
            honors,
            region,
            association,
            organization: fm.organization,
            occupation: fm.occupation,
            industry: fm.industry,
            era,
            tags: fm.tags.0,
            portrait,
            gallery,
        }),
    })
}
