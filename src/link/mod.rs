//! Stage 2, link: resolve every slug, order the hall of fame, build taxonomies and
//! backlinks, and freeze the result into one immutable `Site` the renderer reads.

pub mod identity;
mod site_links;
pub mod taxonomy;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, nearest};
use crate::load::Loaded;
use crate::model::*;
use rust_i18n::t;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cmp::Ordering;
pub use taxonomy::{Taxonomy, Term};

/// What the link stage learned about one page: resolved references and backlinks,
/// all as ids into `Site::pages`.
#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    pub association: Option<PageId>,
    pub parent: Option<PageId>,
    /// A story's people.
    pub people: Vec<PageId>,
    /// Profiles of an association, in hall-of-fame order.
    pub profiles: Vec<PageId>,
    /// Stories about a profile or by an association, newest first.
    pub stories: Vec<PageId>,
    pub exhibitions: Vec<PageId>,
    pub collections: Vec<PageId>,
    pub children: Vec<PageId>,
    /// A story's place in each collection it belongs to.
    pub collection_nav: Vec<CollectionNav>,
    /// A collection's parts, each with its resolved stories.
    pub parts: Vec<Vec<PageId>>,
    /// An exhibition's resolved profile/story exhibits, per hall, per exhibit.
    pub exhibits: Vec<Vec<Option<PageId>>>,
    /// The profile card of each `profile` shortcode.
    pub shortcode_targets: Vec<Option<PageId>>,
}

#[derive(Debug, Clone)]
pub struct CollectionNav {
    pub collection: PageId,
    pub prev: Option<PageId>,
    pub next: Option<PageId>,
    /// 1-based position in reading order, and the total.
    pub position: usize,
    pub total: usize,
}

#[derive(Debug, Clone)]
pub struct LevelGroup {
    pub level: String,
    pub profiles: Vec<PageId>,
}

/// The whole site, linked. Built once, then only read.
pub struct Site {
    pub config: Config,
    pub pages: PerPage<std::sync::Arc<Page>>,
    pub links: PerPage<PageLinks>,
    pub intros: HashMap<String, SectionIntro>,
    /// The profile cards of each intro's `profile` shortcodes, by section.
    pub intro_targets: HashMap<String, Vec<Option<PageId>>>,
    /// Profiles by honor rank, then pinyin.
    pub hall_of_fame: Vec<PageId>,
    pub level_groups: Vec<LevelGroup>,
    /// Stories newest first (same date: title pinyin).
    pub stories: Vec<PageId>,
    pub exhibitions: Vec<PageId>,
    pub collections: Vec<PageId>,
    pub associations: Vec<PageId>,
    pub plain_pages: Vec<PageId>,
    pub taxonomies: Vec<Taxonomy>,
    /// Addresses of profiles merged into another page (one person in two sources of a
    /// federation), each with the page it leads to.
    pub moved: Vec<(String, PageId)>,
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id]
    }

    /// The terms of one taxonomy; `None` when no page names any.
    pub fn taxonomy(&self, kind: TaxonomyKind) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.kind == kind)
    }
}

/// Paths the site itself uses; a page may not take them.
fn reserved_paths() -> Vec<String> {
    let mut v: Vec<String> = Kind::all_sections()
        .iter()
        .map(|k| format!("/{}/", k.section()))
        .collect();
    for t in TaxonomyKind::ALL {
        v.push(format!("/{}/", t.key()));
    }
    v.push("/search/".into());
    v.push("/".into());
    v
}

fn newest_first(a: &Page, b: &Page) -> Ordering {
    let ka = a.date.map(|d| d.sort_key());
    let kb = b.date.map(|d| d.sort_key());
    kb.cmp(&ka).then_with(|| a.reading.compare(&b.reading))
}

pub fn link(config: Config, loaded: Loaded, drafts: bool, diags: &mut Diagnostics) -> Site {
    // Drafts stay out unless asked for, but are remembered so links to them only warn.
    let mut draft_slugs: HashSet<(Kind, String)> = HashSet::default();
    let mut pages: Vec<std::sync::Arc<Page>> = Vec::new();
    let broken = loaded.broken;
    // A draft whose file has errors is still a draft: links to it only warn.
    let broken_drafts: HashSet<String> = if drafts {
        HashSet::default()
    } else {
        loaded.draft_files.clone()
    };
    let mut draft_paths: HashSet<String> = HashSet::default();
    for p in loaded.pages {
        if p.draft && !drafts {
            draft_slugs.insert((p.kind, p.slug.clone()));
            draft_slugs.insert((p.kind, p.title.clone()));
            draft_paths.insert(p.path.clone());
        } else {
            pages.push(p);
        }
    }
    // Stable order whatever the load order: by kind, then source path.
    pages.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.source.cmp(&b.source)));
    let (pages, merged) = identity::merge(pages, &config, diags);
    let pages: PerPage<std::sync::Arc<Page>> = pages.into();

    let mut by_slug: HashMap<(Kind, String), PageId> = HashMap::default();
    let mut by_path: HashMap<String, PageId> = HashMap::default();
    let mut by_origin: HashMap<(&str, Kind, &str), PageId> = HashMap::default();
    let mut clashes: std::collections::BTreeMap<(Kind, String), Vec<Option<String>>> =
        Default::default();
    let reserved = reserved_paths();
    for (i, p) in pages.iter_ids() {
        if let Some(&j) = by_path.get(&p.path) {
            let other = &pages[j];
            diags.push(
                Diagnostic::error(t!(
                    "link.same_url",
                    path = p.path,
                    first = other.source,
                    second = p.source
                ))
                .in_file(&p.source)
                .hint(t!("link.same_url.hint", slug = p.slug)),
            );
            continue;
        }
        if reserved.contains(&p.path) {
            diags.push(
                Diagnostic::error(t!("link.reserved", path = p.path))
                    .in_file(&p.source)
                    .hint(t!("link.reserved.hint")),
            );
            continue;
        }
        by_path.insert(p.path.clone(), i);
        // A slug in two sites of a federation: the site's own page answers for it,
        // else the first source's; each source's links still find its own page.
        match by_slug.entry((p.kind, p.slug.clone())) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let site_of = |p: &Page| p.origin.clone();
                let sites = clashes
                    .entry((p.kind, p.slug.clone()))
                    .or_insert_with(|| vec![site_of(&pages[*o.get()])]);
                sites.push(site_of(p));
                if p.origin.is_none() {
                    o.insert(i);
                }
            }
        }
        if let Some(origin) = &p.origin {
            by_origin.insert((origin.as_str(), p.kind, p.slug.as_str()), i);
        }
    }
    report_clashes(&clashes, diags);
    // A merged profile's own site still finds the person by its slug there.
    let mut moved: Vec<(String, PageId)> = Vec::new();
    for m in &merged {
        let Some(&to) = by_path.get(&m.to) else {
            continue;
        };
        match &m.origin {
            Some(origin) => {
                by_origin.insert((origin.as_str(), Kind::Profile, m.slug.as_str()), to);
            }
            None => {
                by_slug.entry((Kind::Profile, m.slug.clone())).or_insert(to);
            }
        }
        moved.push((m.path.clone(), to));
    }

    // Editors also name pages as they know them: `people: [卢火佳]`.
    let mut by_title: HashMap<(Kind, &str), Vec<PageId>> = HashMap::default();
    for (i, p) in pages.iter_ids() {
        by_title
            .entry((p.kind, p.title.as_str()))
            .or_default()
            .push(i);
        // And by a Chinese file or folder name (`content/stories/劳模林.md`), exactly.
        let stem = file_stem(&p.source);
        if stem != p.title && stem.chars().any(crate::util::cjk::is_han) {
            by_title.entry((p.kind, stem)).or_default().push(i);
        }
    }
    let mut links = pages.map(|_| PageLinks::default());
    let resolver = Resolver {
        pages: &pages,
        by_slug: &by_slug,
        by_title: &by_title,
        by_origin: &by_origin,
        drafts: &draft_slugs,
        broken: &broken,
        broken_drafts: &broken_drafts,
        left_out: &loaded.left_out,
    };

    for (i, p) in pages.iter_ids() {
        let from = From {
            file: &p.source,
            origin: p.origin.as_deref(),
        };
        let resolve = |r: &Reference, diags: &mut Diagnostics| resolver.resolve(from, r, diags);
        match &p.details {
            Details::Profile(pr) => {
                links[i].association = pr.association.as_ref().and_then(|r| resolve(r, diags));
            }
            Details::Story(s) => {
                links[i].association = s.association.as_ref().and_then(|r| resolve(r, diags));
                let mut people = Vec::new();
                for r in &s.people {
                    if let Some(t) = resolve(r, diags)
                        && !people.contains(&t)
                    {
                        people.push(t);
                    }
                }
                links[i].people = people;
            }
            Details::Exhibition(e) => {
                links[i].association = e.association.as_ref().and_then(|r| resolve(r, diags));
                links[i].exhibits = e
                    .halls
                    .iter()
                    .map(|h| {
                        h.exhibits
                            .iter()
                            .map(|x| match x {
                                Exhibit::Profile(r) | Exhibit::Story(r) => resolve(r, diags),
                                _ => None,
                            })
                            .collect()
                    })
                    .collect();
            }
            Details::Collection(c) => {
                links[i].parts = c
                    .parts
                    .iter()
                    .map(|part| {
                        part.stories
                            .iter()
                            .filter_map(|r| resolver.resolve_item(from, r, diags))
                            .collect()
                    })
                    .collect();
            }
            Details::Association(a) => {
                links[i].parent = a.parent.as_ref().and_then(|r| resolve(r, diags));
            }
            Details::Page(_) => {}
        }
        links[i].shortcode_targets = p
            .shortcodes
            .iter()
            .map(|call| resolve_profile_call(&resolver, from, call, diags))
            .collect();
    }
    let mut intro_targets = HashMap::default();
    for intro in &loaded.intros {
        let from = From {
            file: &intro.source,
            origin: None,
        };
        let targets: Vec<Option<PageId>> = intro
            .shortcodes
            .iter()
            .map(|call| resolve_profile_call(&resolver, from, call, diags))
            .collect();
        intro_targets.insert(intro.section.clone(), targets);
    }

    check_source_prefixes(&config, &reserved, diags);
    source_associations(&config, &resolver, &pages, &mut links, diags);
    check_parent_cycles(&pages, &links, diags);

    // Hall of fame: honor rank, then pinyin.
    let mut hall: Vec<PageId> = pages
        .ids()
        .filter(|&i| pages[i].kind == Kind::Profile)
        .collect();
    hall.sort_by(|&a, &b| {
        let ra = pages[a].profile().map(Profile::rank).unwrap_or(usize::MAX);
        let rb = pages[b].profile().map(Profile::rank).unwrap_or(usize::MAX);
        ra.cmp(&rb)
            .then_with(|| pages[a].reading.compare(&pages[b].reading))
    });
    let level_groups: Vec<LevelGroup> = config
        .levels
        .iter()
        .map(|level| LevelGroup {
            level: level.clone(),
            profiles: hall
                .iter()
                .copied()
                .filter(|&i| top_level(&config, &pages[i]) == Some(level.as_str()))
                .collect(),
        })
        .filter(|g| !g.profiles.is_empty())
        .collect();

    let sorted = |kind: Kind, cmp: &dyn Fn(&Page, &Page) -> Ordering| -> Vec<PageId> {
        let mut v: Vec<PageId> = pages.ids().filter(|&i| pages[i].kind == kind).collect();
        v.sort_by(|&a, &b| cmp(&pages[a], &pages[b]));
        v
    };
    let stories = sorted(Kind::Story, &newest_first);
    let exhibitions = sorted(Kind::Exhibition, &newest_first);
    let collections = sorted(Kind::Collection, &newest_first);
    let associations = sorted(Kind::Association, &|a, b| a.reading.compare(&b.reading));
    let plain_pages = sorted(Kind::Page, &|a, b| {
        let oa = match &a.details {
            Details::Page(p) => p.menu_order,
            _ => None,
        };
        let ob = match &b.details {
            Details::Page(p) => p.menu_order,
            _ => None,
        };
        oa.unwrap_or(i64::MAX)
            .cmp(&ob.unwrap_or(i64::MAX))
            .then_with(|| a.reading.compare(&b.reading))
    });

    // Backlinks, filled in the orders above so every list is already sorted.
    for &i in &hall {
        if let Some(a) = links[i].association {
            links[a].profiles.push(i);
        }
    }
    for &s in &stories {
        for p in links[s].people.clone() {
            links[p].stories.push(s);
        }
        if let Some(a) = links[s].association {
            links[a].stories.push(s);
        }
    }
    for &e in &exhibitions {
        let targets: Vec<PageId> = links[e]
            .exhibits
            .iter()
            .flatten()
            .flatten()
            .copied()
            .collect();
        for t in targets {
            if !links[t].exhibitions.contains(&e) {
                links[t].exhibitions.push(e);
            }
        }
        if let Some(a) = links[e].association
            && !links[a].exhibitions.contains(&e)
        {
            links[a].exhibitions.push(e);
        }
    }
    for &c in &collections {
        let order: Vec<PageId> = links[c].parts.iter().flatten().copied().collect();
        for (pos, &s) in order.iter().enumerate() {
            links[s].collection_nav.push(CollectionNav {
                collection: c,
                prev: pos.checked_sub(1).map(|p| order[p]),
                next: order.get(pos + 1).copied(),
                position: pos + 1,
                total: order.len(),
            });
            if !links[s].collections.contains(&c) {
                links[s].collections.push(c);
            }
            // A profile is in a collection when one of its stories is.
            for p in links[s].people.clone() {
                if !links[p].collections.contains(&c) {
                    links[p].collections.push(c);
                }
            }
        }
    }
    for &a in &associations {
        if let Some(parent) = links[a].parent {
            links[parent].children.push(a);
        }
    }

    let taxonomies = taxonomy::build(&config, &pages, &hall, &stories, diags);

    let mut intros = HashMap::default();
    for intro in loaded.intros {
        intros.insert(intro.section.clone(), intro);
    }
    site_links::check(&pages, &taxonomies, &intros, &draft_paths, &moved, diags);

    let used_loose: HashSet<&std::path::Path> = pages
        .iter()
        .flat_map(|p| p.assets())
        .map(|a| a.source())
        .collect();
    for (path, rel) in &loaded.loose_files {
        if !used_loose.contains(path.as_path()) {
            diags.push(
                Diagnostic::warning(t!("link.loose_file"))
                    .in_file(rel)
                    .hint(t!("link.loose_file.hint")),
            );
        }
    }

    Site {
        config,
        pages,
        links,
        intros,
        intro_targets,
        hall_of_fame: hall,
        level_groups,
        stories,
        exhibitions,
        collections,
        associations,
        plain_pages,
        taxonomies,
        moved,
    }
}

/// `劳模林` of `content/stories/劳模林.md` and of `content/stories/劳模林/index.md`.
fn file_stem(source: &str) -> &str {
    let path = source.strip_suffix("/index.md").unwrap_or(source);
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
}

/// The level of a profile's highest honor.
pub fn top_level<'a>(config: &'a Config, page: &Page) -> Option<&'a str> {
    let p = page.profile()?;
    let top = p.honors.first()?;
    config.honors.get(top.honor).map(|h| h.level.as_str())
}

/// Where a reference is written: the file for messages, and the source site it belongs
/// to in a federated site, whose own pages answer first.
#[derive(Clone, Copy)]
struct From<'a> {
    file: &'a str,
    origin: Option<&'a str>,
}

struct Resolver<'a> {
    pages: &'a PerPage<std::sync::Arc<Page>>,
    by_slug: &'a HashMap<(Kind, String), PageId>,
    by_title: &'a HashMap<(Kind, &'a str), Vec<PageId>>,
    /// Each source site's pages by slug: `(changxing, profile, ding-weisong)`.
    by_origin: &'a HashMap<(&'a str, Kind, &'a str), PageId>,
    drafts: &'a HashSet<(Kind, String)>,
    broken: &'a HashMap<(Kind, String), String>,
    broken_drafts: &'a HashSet<String>,
    left_out: &'a HashMap<(Kind, String), String>,
}

impl Resolver<'_> {
    /// Whether some page, published, draft or broken, answers to `r`.
    fn known(&self, r: &Reference) -> bool {
        let key = (r.kind, r.slug.clone());
        self.by_slug.contains_key(&key)
            || self
                .by_title
                .get(&(r.kind, r.slug.as_str()))
                .is_some_and(|v| !v.is_empty())
            || self.drafts.contains(&key)
            || self.broken.contains_key(&key)
            || self.left_out.contains_key(&key)
    }

    /// An item of a collection: a story, or a profile when no story answers to the
    /// name (a book of profiles, like the seeds' 137 model workers). The story is
    /// what a message names when neither exists.
    fn resolve_item(&self, from: From, r: &Reference, diags: &mut Diagnostics) -> Option<PageId> {
        let profile = Reference {
            kind: Kind::Profile,
            ..r.clone()
        };
        if !self.known(r) && self.known(&profile) {
            return self.resolve(from, &profile, diags);
        }
        self.resolve(from, r, diags)
    }

    fn resolve(&self, from: From, r: &Reference, diags: &mut Diagnostics) -> Option<PageId> {
        // `changxing/ding-weisong`: a source's page named with its source.
        if let Some((origin, slug)) = r.slug.split_once('/')
            && let Some(&i) = self.by_origin.get(&(origin, r.kind, slug))
        {
            return Some(i);
        }
        if let Some(origin) = from.origin
            && let Some(&i) = self.by_origin.get(&(origin, r.kind, r.slug.as_str()))
        {
            return Some(i);
        }
        if let Some(&i) = self.by_slug.get(&(r.kind, r.slug.clone())) {
            return Some(i);
        }
        // A name or a Chinese file name: the page when only one has it (in a
        // federation, the one of the same site when there is one).
        let named = self
            .by_title
            .get(&(r.kind, r.slug.as_str()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let [one] = named {
            return Some(*one);
        }
        if named.len() > 1 {
            let same_site: Vec<PageId> = named
                .iter()
                .copied()
                .filter(|&i| self.pages[i].origin.as_deref() == from.origin)
                .collect();
            if let [one] = same_site[..] {
                return Some(one);
            }
        }
        if named.len() > 1 {
            let mut named = named.to_vec();
            named.sort_by(|&a, &b| self.pages[a].slug.cmp(&self.pages[b].slug));
            let slugs: Vec<&str> = named.iter().map(|&i| self.pages[i].slug.as_str()).collect();
            let listed: Vec<String> = named
                .iter()
                .map(|&i| format!("{} ({})", self.pages[i].slug, self.pages[i].source))
                .collect();
            let mut d = Diagnostic::error(t!(
                "link.ambiguous",
                field = r.field,
                what = r.kind.noun(),
                name = r.slug,
                count = named.len(),
                list = listed.join(", ")
            ))
            .hint(t!("link.ambiguous.hint", slug = slugs[slugs.len() - 1]))
            .in_file(from.file)
            .at_opt(r.position)
            .spanning(r.slug.chars().count());
            d.source_line = r.source_line.clone();
            diags.push(d);
            return None;
        }
        let key = (r.kind, r.slug.clone());
        let draft = self.drafts.contains(&key)
            || self
                .broken
                .get(&key)
                .is_some_and(|f| self.broken_drafts.contains(f));
        let mut d = if let Some(source) = self.left_out.get(&key) {
            Diagnostic::warning(t!(
                "federation.left_out_reference",
                field = r.field,
                what = r.kind.noun(),
                slug = r.slug,
                source = source
            ))
            .hint(t!("federation.left_out_reference.hint"))
        } else if draft {
            Diagnostic::warning(t!(
                "link.draft",
                field = r.field,
                what = r.kind.noun(),
                slug = r.slug
            ))
            .hint(t!("link.draft.hint"))
        } else if let Some(file) = self.broken.get(&(r.kind, r.slug.clone())) {
            Diagnostic::error(t!(
                "link.broken",
                field = r.field,
                what = r.kind.noun(),
                slug = r.slug,
                file = file
            ))
            .hint(t!("link.broken.hint", file = file))
        } else {
            let slugs = self
                .pages
                .iter()
                .filter(|p| p.kind == r.kind)
                .map(|p| p.slug.as_str());
            let by_name = r.slug.chars().any(crate::util::cjk::is_han).then(|| {
                let titles = self
                    .pages
                    .iter()
                    .filter(|p| p.kind == r.kind)
                    .map(|p| p.title.as_str());
                nearest(&r.slug, titles).and_then(|t| {
                    let p = self
                        .pages
                        .iter()
                        .find(|p| p.kind == r.kind && p.title == t)?;
                    Some(t!("link.missing.did_you_mean_name", name = t, slug = p.slug).into_owned())
                })
            });
            let hint = match (by_name.flatten(), nearest(&r.slug, slugs)) {
                (Some(h), _) => h,
                (None, Some(n)) => t!("link.missing.did_you_mean", slug = n).into_owned(),
                // A profile's slug is made from the name, not the file's.
                (None, None) if r.kind == Kind::Profile => {
                    t!("link.missing.hint.profile").into_owned()
                }
                (None, None) => t!(
                    "link.missing.hint",
                    what = r.kind.noun(),
                    section = r.kind.section()
                )
                .into_owned(),
            };
            Diagnostic::error(t!(
                "link.missing",
                field = r.field,
                what = r.kind.noun(),
                slug = r.slug
            ))
            .hint(hint)
        };
        d = d
            .in_file(from.file)
            .at_opt(r.position)
            .spanning(r.slug.chars().count());
        d.source_line = r.source_line.clone();
        diags.push(d);
        None
    }
}

/// The profile a `{{ profile(slug=…) }}` shortcode shows, if it is one.
fn resolve_profile_call(
    resolver: &Resolver,
    from: From,
    call: &crate::load::shortcode::ShortcodeCall,
    diags: &mut Diagnostics,
) -> Option<PageId> {
    if call.name != "profile" {
        return None;
    }
    let r = Reference {
        kind: Kind::Profile,
        slug: call
            .args
            .get("slug")
            .map(|a| a.as_text())
            .unwrap_or_default(),
        position: Some(call.position),
        source_line: Some(call.source_line.clone()),
        field: "profile shortcode".into(),
    };
    resolver.resolve(from, &r, diags)
}

/// A source's prefix may not be an address the site makes for all (`/honors/`): its
/// pages would be mixed with the site's own listings.
fn check_source_prefixes(config: &Config, reserved: &[String], diags: &mut Diagnostics) {
    for source in &config.sources {
        let first = source.prefix.split('/').nth(1).unwrap_or("");
        if reserved.iter().any(|r| r.trim_matches('/') == first) {
            diags.push(
                source
                    .locate(Diagnostic::error(t!(
                        "config.source_prefix_taken",
                        prefix = source.prefix
                    )))
                    .hint(t!("config.source_prefix.hint", name = source.name)),
            );
        }
    }
}

/// A source site's pages that name no association belong to the one its entry in
/// `sources:` names (a county's site rarely repeats its own association on every page).
fn source_associations(
    config: &Config,
    resolver: &Resolver,
    pages: &PerPage<std::sync::Arc<Page>>,
    links: &mut PerPage<PageLinks>,
    diags: &mut Diagnostics,
) {
    let mut by_source: HashMap<&str, PageId> = HashMap::default();
    for source in &config.sources {
        let Some(slug) = &source.association else {
            continue;
        };
        let r = Reference {
            kind: Kind::Association,
            slug: slug.clone(),
            position: source.at,
            source_line: source.source_line.clone(),
            field: "association".into(),
        };
        let from = From {
            file: crate::config::SITE_FILE,
            origin: Some(&source.name),
        };
        if let Some(association) = resolver.resolve(from, &r, diags) {
            by_source.insert(&source.name, association);
        }
    }
    if by_source.is_empty() {
        return;
    }
    // One pass over the pages, whatever the number of sources.
    for (i, p) in pages.iter_ids() {
        let belongs = matches!(p.kind, Kind::Profile | Kind::Story | Kind::Exhibition);
        if let Some(&association) = p.origin.as_deref().and_then(|o| by_source.get(o))
            && belongs
            && links[i].association.is_none()
            && named_association(p).is_none()
        {
            links[i].association = Some(association);
        }
    }
}

fn named_association(p: &Page) -> Option<&Reference> {
    match &p.details {
        Details::Profile(pr) => pr.association.as_ref(),
        Details::Story(s) => s.association.as_ref(),
        Details::Exhibition(e) => e.association.as_ref(),
        _ => None,
    }
}

/// One warning for the slugs two sites of a federation both use: each keeps its page,
/// and the message says how to name the other.
fn report_clashes(
    clashes: &std::collections::BTreeMap<(Kind, String), Vec<Option<String>>>,
    diags: &mut Diagnostics,
) {
    let Some(((_, slug), sites)) = clashes.iter().next() else {
        return;
    };
    let example = format!("{}/{slug}", sites.iter().flatten().next().map_or("", |s| s));
    let own = t!("federation.own_site");
    let mut list: Vec<String> = clashes
        .iter()
        .take(8)
        .map(|((_, slug), sites)| {
            // At national scale one slug can be in fifty sources: name a few, count all.
            let mut named: Vec<&str> = sites
                .iter()
                .take(4)
                .map(|s| s.as_deref().unwrap_or(&own))
                .collect();
            let more = t!("federation.clash_more", count = sites.len());
            if sites.len() > named.len() {
                named.push(&more);
            }
            format!("{slug} ({})", named.join(", "))
        })
        .collect();
    if clashes.len() > list.len() {
        list.push("…".into());
    }
    diags.push(
        Diagnostic::warning(t!(
            "federation.clash",
            count = clashes.len(),
            list = list.join("; ")
        ))
        .in_file(crate::config::SITE_FILE)
        .hint(t!("federation.clash.hint", example = example)),
    );
}

fn check_parent_cycles(
    pages: &PerPage<std::sync::Arc<Page>>,
    links: &PerPage<PageLinks>,
    diags: &mut Diagnostics,
) {
    for (start, p) in pages.iter_ids() {
        let mut seen = vec![start];
        let mut cur = links[start].parent;
        while let Some(c) = cur {
            if c == start {
                diags.push(
                    Diagnostic::error(t!("link.cycle", slug = p.slug))
                        .in_file(&p.source)
                        .hint(t!("link.cycle.hint")),
                );
                break;
            }
            if seen.contains(&c) {
                break;
            }
            seen.push(c);
            cur = links[c].parent;
        }
    }
}
