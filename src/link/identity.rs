//! One person kept by two sites of a federation (a county's profile of 丁卫松 and the
//! city's): recognised by `id:` or by the site's `same_person:` rule, shown once. The
//! page of the site listed first is kept (the federated site's own before any source)
//! with the honors of all; the others' addresses lead to it, and references in their
//! own sites find it. Two people who only share a name stay two pages.

use crate::config::Config;
use crate::config::sources::PersonField;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Details, Kind, Page, Profile};
use rust_i18n::t;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A profile merged into another one's page.
#[derive(Debug, Clone)]
pub struct Moved {
    /// The source it came from, and its slug there: references in that source still
    /// name it so.
    pub origin: Option<String>,
    pub slug: String,
    /// Its own address, which leads to the kept page.
    pub path: String,
    /// The kept page's address.
    pub to: String,
}

/// Merges the profiles that are one person. `pages` is in the site's page order, which
/// is kept.
pub fn merge(
    pages: Vec<Arc<Page>>,
    config: &Config,
    diags: &mut Diagnostics,
) -> (Vec<Arc<Page>>, Vec<Moved>) {
    if config.sources.is_empty() {
        return (pages, Vec::new());
    }
    // The site listed first wins: the federated site's own (0), then `sources:` in order.
    let site_rank = |p: &Page| match &p.origin {
        None => 0,
        Some(o) => {
            1 + config
                .sources
                .iter()
                .position(|s| &s.name == o)
                .unwrap_or(usize::MAX - 1)
        }
    };
    let mut groups: BTreeMap<(bool, String), Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if p.kind != Kind::Profile {
            continue;
        }
        if let Some(key) = p.profile().and_then(|pr| identity(pr, &config.same_person)) {
            groups.entry(key).or_default().push(i);
        }
    }
    let mut merged_into: BTreeMap<usize, Page> = BTreeMap::new();
    let mut dropped: rustc_hash::FxHashSet<usize> = Default::default();
    let mut moved = Vec::new();
    for ((by_id, key), mut members) in groups {
        if members.len() < 2 {
            continue;
        }
        members.sort_by_key(|&i| (site_rank(&pages[i]), i));
        // One site with two profiles of one id is a mistake in that site; by the rule,
        // it is two people that site chose to keep apart.
        let same_site = members
            .windows(2)
            .find(|w| pages[w[0]].origin == pages[w[1]].origin);
        if let Some(w) = same_site {
            if by_id {
                diags.push(
                    Diagnostic::error(t!(
                        "federation.same_id",
                        id = key,
                        first = pages[w[0]].source,
                        second = pages[w[1]].source
                    ))
                    .in_file(&pages[w[1]].source)
                    .hint(t!("federation.same_id.hint")),
                );
            }
            continue;
        }
        let kept = members[0];
        let mut page = (*pages[kept]).clone();
        for &other in &members[1..] {
            absorb(&mut page, &pages[other]);
            dropped.insert(other);
            moved.push(Moved {
                origin: pages[other].origin.clone(),
                slug: pages[other].slug.clone(),
                path: pages[other].path.clone(),
                to: page.path.clone(),
            });
        }
        let sites: Vec<String> = members.iter().map(|&i| pages[i].source.clone()).collect();
        let by = if by_id {
            format!("id: {key}")
        } else {
            config
                .same_person
                .iter()
                .map(|f| f.key())
                .collect::<Vec<_>>()
                .join(" + ")
        };
        diags.push(
            Diagnostic::warning(t!(
                "federation.same_person",
                name = page.title,
                sites = sites.join("、"),
                path = page.path
            ))
            // Under site.yaml, where a long list of merges is cut short as one file's are.
            .in_file(crate::config::SITE_FILE)
            .hint(t!("federation.same_person.hint", by = by)),
        );
        merged_into.insert(kept, page);
    }
    let pages = pages
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(i))
        .map(|(i, p)| match merged_into.remove(&i) {
            Some(m) => Arc::new(m),
            None => p,
        })
        .collect();
    (pages, moved)
}

/// Who a profile is: its `id:`, else the fields of the rule (all given).
fn identity(p: &Profile, rule: &[PersonField]) -> Option<(bool, String)> {
    if let Some(id) = &p.id {
        return Some((true, id.clone()));
    }
    if rule.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for field in rule {
        let value = match field {
            PersonField::Name => Some(p.name.as_str()),
            PersonField::Organization => p.organization.as_deref(),
            PersonField::Region => Some(p.region.as_str()),
            PersonField::Occupation => p.occupation.as_deref(),
        };
        parts.push(value.map(str::trim).filter(|v| !v.is_empty())?);
    }
    Some((false, parts.join("\u{1f}")))
}

/// The kept page takes the other's honors, and what it lacks of the other's details.
fn absorb(page: &mut Page, other: &Page) {
    let (Details::Profile(kept), Some(more)) = (&mut page.details, other.profile()) else {
        return;
    };
    for h in &more.honors {
        let same = kept.honors.iter_mut().find(|k| k.honor == h.honor);
        match same {
            Some(k) if k.year.is_none() || k.year == h.year => {
                k.year = k.year.or(h.year);
            }
            Some(_) if h.year.is_none() => {}
            _ => kept.honors.push(h.clone()),
        }
    }
    kept.honors.sort_by_key(|h| (h.honor, h.year));
    kept.organization = kept.organization.take().or(more.organization.clone());
    kept.occupation = kept.occupation.take().or(more.occupation.clone());
    kept.industry = kept.industry.take().or(more.industry.clone());
    kept.era = kept.era.take().or(more.era.clone());
    if kept.portrait.is_none() {
        kept.portrait = more.portrait.clone();
    }
    for t in &more.tags {
        if !kept.tags.contains(t) {
            kept.tags.push(t.clone());
        }
    }
    kept.gallery.extend(more.gallery.iter().cloned());
}
