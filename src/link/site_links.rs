//! Links written in bodies to the site's own pages (`[丁卫松](/profiles/ding-weisong/)`):
//! each must lead to a page this build makes, or the editor hears of it now rather than
//! a visitor finding a 404.

use super::Taxonomy;
use crate::diagnostic::{Diagnostic, Diagnostics, nearest};
use crate::model::{Kind, Page, PerPage, SectionIntro};
use rust_i18n::t;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

pub fn check(
    pages: &PerPage<Arc<Page>>,
    taxonomies: &[Taxonomy],
    intros: &HashMap<String, SectionIntro>,
    draft_paths: &HashSet<String>,
    moved: &[(String, crate::model::PageId)],
    diags: &mut Diagnostics,
) {
    if pages.iter().all(|p| p.site_links.is_empty()) {
        return;
    }
    let mut known: HashSet<&str> = HashSet::default();
    known.insert("/");
    known.insert("/search/");
    let sections: Vec<String> = Kind::all_sections()
        .iter()
        .map(|k| format!("/{}/", k.section()))
        .collect();
    known.extend(sections.iter().map(String::as_str));
    let intro_paths: Vec<String> = intros.keys().map(|s| format!("/{s}/")).collect();
    known.extend(intro_paths.iter().map(String::as_str));
    known.extend(pages.iter().map(|p| p.path.as_str()));
    known.extend(moved.iter().map(|(p, _)| p.as_str()));
    // Names as editors write them in an address (`/regions/长兴县/`, `/profiles/丁卫松/`).
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::default();
    for t in taxonomies {
        known.insert(&t.path);
        for term in &t.terms {
            known.insert(&term.path);
            by_name.entry(&term.name).or_default().push(&term.path);
        }
    }
    for p in pages.iter() {
        by_name.entry(&p.title).or_default().push(&p.path);
    }
    for page in pages.iter() {
        for link in &page.site_links {
            let path = normalize(&link.path);
            if known.contains(path.as_str()) {
                continue;
            }
            let d = if draft_paths.contains(&path) {
                Diagnostic::warning(t!("links.draft", url = link.written))
                    .hint(t!("links.draft.hint"))
            } else {
                let named = path
                    .trim_matches('/')
                    .rsplit('/')
                    .next()
                    .and_then(|last| by_name.get(last))
                    .filter(|found| found.len() == 1)
                    .map(|found| found[0]);
                let hint = match named.or_else(|| nearest(&path, known.iter().copied())) {
                    Some(n) => t!("link.missing.did_you_mean", slug = n),
                    None => t!("links.missing.hint"),
                };
                Diagnostic::error(t!("links.missing", url = link.written)).hint(hint)
            };
            diags.push(
                d.in_file(&page.source)
                    .at(link.position)
                    .spanning(link.written.chars().count())
                    .with_shared_line(link.source_line.clone()),
            );
        }
    }
}

/// `/profiles/ding-weisong`, `…/index.html` and `…/page/3/` as the page they show.
fn normalize(path: &str) -> String {
    let mut p = path.trim_end_matches("index.html").to_string();
    if !p.ends_with('/') {
        p.push('/');
    }
    // A listing's later pages: /profiles/page/3/ is the listing /profiles/.
    if let Some(rest) = p.strip_suffix('/')
        && let Some((base, n)) = rest.rsplit_once('/')
        && n.bytes().all(|b| b.is_ascii_digit())
        && !n.is_empty()
        && let Some(base) = base.strip_suffix("/page")
    {
        return format!("{base}/");
    }
    p
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn addresses_as_written_map_to_pages() {
        assert_eq!(
            normalize("/profiles/ding-weisong"),
            "/profiles/ding-weisong/"
        );
        assert_eq!(
            normalize("/profiles/ding-weisong/index.html"),
            "/profiles/ding-weisong/"
        );
        assert_eq!(normalize("/profiles/page/3/"), "/profiles/");
        assert_eq!(
            normalize("/regions/chang-xing-xian/page/2"),
            "/regions/chang-xing-xian/"
        );
    }
}
