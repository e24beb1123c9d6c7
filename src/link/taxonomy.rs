//! Term pages: honors, levels, regions (with their hierarchy), eras, industries,
//! categories and tags. Each term gets a pinyin slug, fixed by `term_slugs:`.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Details, Kind, Page, PageId, PerPage, TaxonomyKind};
use crate::pinyin;
use rustc_hash::FxHashMap as HashMap;

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Site path `/regions/shao-xing-shi/`.
    pub path: String,
    /// Profiles first (hall-of-fame order), then stories (newest first).
    pub pages: Vec<PageId>,
    /// For regions: the parent region and the parts.
    pub parent: Option<String>,
    pub children: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: TaxonomyKind,
    pub path: String,
    pub terms: Vec<Term>,
}

pub fn build<'a>(
    config: &'a Config,
    pages: &'a PerPage<std::sync::Arc<Page>>,
    hall: &[PageId],
    stories: &[PageId],
    diags: &mut Diagnostics,
) -> Vec<Taxonomy> {
    // Collect term -> pages, in hall order for profiles and newest-first for stories.
    // Names are borrowed from the pages and site.yaml: 10,000 profiles name ~100,000
    // terms, and only the distinct ones become Strings.
    let mut members: HashMap<TaxonomyKind, Vec<(&str, PageId)>> = HashMap::default();
    let mut add = |tax: TaxonomyKind, term: &'a str, page: PageId| {
        let t = term.trim();
        if !t.is_empty() {
            members.entry(tax).or_default().push((t, page));
        }
    };
    // Each region's ancestors, worked out once per region rather than per profile.
    let mut ancestors: HashMap<&str, Vec<&str>> = HashMap::default();
    for &i in hall {
        let Details::Profile(p) = &pages[i].details else {
            continue;
        };
        for h in &p.honors {
            if let Some(honor) = config.honors.get(h.honor) {
                add(TaxonomyKind::Honors, &honor.name, i);
            }
        }
        if let Some(level) = super::top_level(config, &pages[i]) {
            add(TaxonomyKind::Levels, level, i);
        }
        add(TaxonomyKind::Regions, &p.region, i);
        // A profile in a part of a region is also in the region, at every level up.
        let up = ancestors
            .entry(p.region.as_str())
            .or_insert_with(|| region_ancestors(config, &p.region));
        for ancestor in up.iter() {
            add(TaxonomyKind::Regions, ancestor, i);
        }
        if let Some(e) = &p.era {
            add(TaxonomyKind::Eras, e, i);
        }
        if let Some(ind) = &p.industry {
            add(TaxonomyKind::Industries, ind, i);
        }
        for t in &p.tags {
            add(TaxonomyKind::Tags, t, i);
        }
    }
    for &i in stories {
        let Details::Story(s) = &pages[i].details else {
            continue;
        };
        if let Some(c) = &s.category {
            add(TaxonomyKind::Categories, c, i);
        }
        for t in &s.tags {
            add(TaxonomyKind::Tags, t, i);
        }
    }

    // Each page's place in the hall of fame, then among the stories: the order in a term.
    let mut positions = pages.map(|_| usize::MAX);
    for (n, &i) in hall.iter().chain(stories).enumerate() {
        positions[i] = n;
    }
    let mut out = Vec::new();
    for kind in TaxonomyKind::ALL {
        let (key, name) = (kind.key(), kind.name());
        let mut terms: Vec<Term> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::default();
        for (term, page) in members.remove(&kind).unwrap_or_default() {
            let at = *index.entry(term).or_insert_with(|| {
                terms.push(Term {
                    slug: term_slug(config, kind, term),
                    path: String::new(),
                    name: term.to_string(),
                    pages: Vec::new(),
                    parent: None,
                    children: Vec::new(),
                });
                terms.len() - 1
            });
            // A page may name a term twice (two honors of one level): deduplicated below.
            terms[at].pages.push(page);
        }
        // Profiles before stories within a term.
        for t in &mut terms {
            t.pages.sort_by_key(|i| {
                (
                    if pages[*i].kind == Kind::Profile {
                        0
                    } else {
                        1
                    },
                    positions[*i],
                )
            });
            t.pages.dedup();
        }
        order_terms(kind, config, &mut terms);
        if kind == TaxonomyKind::Regions {
            for t in &mut terms {
                t.children = config.regions.get(&t.name).cloned().unwrap_or_default();
                t.parent = config
                    .regions
                    .iter()
                    .find(|(_, parts)| parts.contains(&t.name))
                    .map(|(p, _)| p.clone());
            }
        }
        let mut seen: HashMap<String, String> = HashMap::default();
        terms.retain(|t| {
            if t.slug.is_empty() {
                diags.push(
                    Diagnostic::error(format!(
                        "the {name} `{}` has no pinyin reading for its URL",
                        t.name
                    ))
                    .in_file(crate::config::SITE_FILE)
                    .hint(format!(
                        "add it to `term_slugs:` in site.yaml, e.g. term_slugs: {{{}: my-slug}}",
                        t.name
                    )),
                );
                return false;
            }
            if let Some(other) = seen.get(&t.slug) {
                diags.push(
                    Diagnostic::error(format!(
                        "the {name} `{}` and `{other}` would share the URL /{key}/{}/",
                        t.name, t.slug
                    ))
                    .in_file(crate::config::SITE_FILE)
                    .hint(format!(
                        "give one of them its own slug in site.yaml: term_slugs: {{{}: {}-2}}",
                        t.name, t.slug
                    )),
                );
                return false;
            }
            seen.insert(t.slug.clone(), t.name.clone());
            true
        });
        for t in &mut terms {
            t.path = format!("/{key}/{}/", t.slug);
        }
        out.push(Taxonomy {
            kind,
            path: format!("/{key}/"),
            terms,
        });
    }
    out
}

fn order_terms(kind: TaxonomyKind, config: &Config, terms: &mut Vec<Term>) {
    let position = |name: &str| -> Option<usize> {
        match kind {
            TaxonomyKind::Honors => config.honors.iter().position(|h| h.name == name),
            TaxonomyKind::Levels => config.levels.iter().position(|l| l == name),
            TaxonomyKind::Eras => config.eras.iter().position(|e| e.name == name),
            TaxonomyKind::Regions => config.regions.keys().position(|r| r == name),
            _ => None,
        }
    };
    // Terms site.yaml lists come in its order, the rest after them by pinyin; each
    // term's key is made once, not at every comparison.
    let mut keyed: Vec<(Option<usize>, pinyin::Reading, Term)> = std::mem::take(terms)
        .into_iter()
        .map(|t| (position(&t.name), pinyin::read_text(&t.name), t))
        .collect();
    keyed.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.compare(&b.1),
    });
    terms.extend(keyed.into_iter().map(|(_, _, t)| t));
}

/// A term's URL slug: `term_slugs:` first, an honor's id, else the pinyin.
fn term_slug(config: &Config, kind: TaxonomyKind, term: &str) -> String {
    if let Some(s) = config.term_slugs.get(term) {
        return s.clone();
    }
    if kind == TaxonomyKind::Honors
        && let Some(h) = config.honor(term)
    {
        return h.id.clone();
    }
    pinyin::read_text(term).text_slug()
}

/// The regions containing `region`, nearest first; stops on a cycle.
pub fn region_ancestors<'a>(config: &'a Config, region: &str) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    let mut current = region;
    while let Some((parent, _)) = config
        .regions
        .iter()
        .find(|(_, parts)| parts.iter().any(|p| p == current))
    {
        if parent == region || out.contains(&parent.as_str()) {
            break;
        }
        out.push(parent);
        current = parent;
    }
    out
}
