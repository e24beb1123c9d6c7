//! Stage 1, load: walk `content/`, read each file, parse its front matter into the
//! kind's model and render its Markdown. Files are independent here, so they are
//! loaded in parallel; every problem becomes a diagnostic, none stops the walk.

pub mod assets;
pub mod emphasis;
pub mod federation;
pub mod front_matter;
pub mod git;
pub mod kinds;
pub mod markdown;
pub mod shortcode;
pub mod source;
pub mod stored;
pub mod unfinished;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::model::{Kind, Page, SectionIntro};
use rayon::prelude::*;
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// Everything read from `content/`.
pub struct Loaded {
    /// Shared, so that `laomo serve` reuses unchanged pages without copying them.
    pub pages: Vec<std::sync::Arc<Page>>,
    pub intros: Vec<SectionIntro>,
    /// Files outside bundles that are not Markdown: used if a page refers to them.
    pub loose_files: Vec<(PathBuf, String)>,
    /// Pages whose file has errors, by kind and slug (from the file name): a reference
    /// to one says so instead of calling the page missing.
    pub broken: rustc_hash::FxHashMap<(Kind, String), String>,
    /// Pages of source sites left out of this build (`--skip-broken-sources`), by kind
    /// and slug, name and `source/slug`, with the source: a reference to one only warns.
    pub left_out: rustc_hash::FxHashMap<(Kind, String), String>,
    /// Files of pages marked `draft: true` (read from the text when the front matter
    /// has errors), whose errors need not stop a build that leaves drafts out.
    pub draft_files: rustc_hash::FxHashSet<String>,
}

/// The site folders every stage needs.
#[derive(Debug, Clone)]
pub struct SiteRoot {
    pub root: PathBuf,
    /// Canonical root, to check that no path leaves it (symlinks included).
    pub canonical: PathBuf,
    pub content: PathBuf,
    pub static_dir: PathBuf,
    /// Set when this is another site shown in a federated one (`sources:`).
    pub origin: Option<Origin>,
}

/// Where a source site's pages go in the federated site.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The source's name in site.yaml: `changxing`.
    pub name: String,
    /// `/changxing/`: every address of the source's pages starts with it.
    pub prefix: String,
}

impl SiteRoot {
    pub fn new(root: &Path) -> std::io::Result<SiteRoot> {
        // Absolute from here on, so `..` checks compare like with like.
        let canonical = root.canonicalize()?;
        Ok(SiteRoot {
            root: canonical.clone(),
            content: canonical.join("content"),
            static_dir: canonical.join("static"),
            canonical,
            origin: None,
        })
    }

    /// A source site of a federated one, its addresses under the source's prefix.
    pub fn source(source: &crate::config::SourceSite) -> std::io::Result<SiteRoot> {
        Ok(SiteRoot {
            origin: Some(Origin {
                name: source.name.clone(),
                prefix: source.prefix.clone(),
            }),
            ..SiteRoot::new(&source.root)?
        })
    }

    /// A file as messages name it: `content/profiles/ding-weisong.md`, and for a
    /// source's file `[changxing] content/profiles/ding-weisong.md`.
    pub fn rel(&self, path: &Path) -> String {
        match &self.origin {
            Some(o) => format!("[{}] {}", o.name, display_path(&self.root, path)),
            None => display_path(&self.root, path),
        }
    }

    /// Where a site-absolute link written in this site's Markdown goes in the built
    /// site. A source's own pages and files are under its prefix; the listings the
    /// federated site makes for all (`/profiles/`, `/honors/…`, `/search/`, `/`) are
    /// the federated site's.
    pub fn link_path(&self, path: &str) -> String {
        if self.origin.is_none() {
            return path.to_string();
        }
        let bare = path.split(['#', '?']).next().unwrap_or("");
        let segments: Vec<&str> = bare.split('/').filter(|s| !s.is_empty()).collect();
        let listing = match segments.first() {
            None => true,
            Some(&first) => {
                first == "search"
                    || crate::model::TaxonomyKind::ALL
                        .iter()
                        .any(|t| t.key() == first)
                    || (Kind::all_sections().iter().any(|k| k.section() == first)
                        && matches!(segments.get(1), None | Some(&"page")))
            }
        };
        if listing {
            path.to_string()
        } else {
            self.site_path(path)
        }
    }

    /// A site path (`/profiles/ding-weisong/`) where this site's pages live in the
    /// built site: under the source's prefix for a source.
    pub fn site_path(&self, path: &str) -> String {
        match &self.origin {
            Some(o) => format!("{}{}", o.prefix, path.trim_start_matches('/')),
            None => path.to_string(),
        }
    }
}

/// Files editors' tools leave behind, never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

enum Entry {
    Page { path: PathBuf, bundle: bool },
    Intro { path: PathBuf },
}

/// Loaded files kept between builds: in memory by `laomo serve`, keyed by path, size
/// and modification time (a rebuild re-reads only what changed), or on disk for
/// `laomo build` (see [`stored`]).
#[derive(Default)]
pub struct LoadCache {
    files: std::sync::Mutex<rustc_hash::FxHashMap<PathBuf, Cached>>,
    /// `laomo build`'s store on disk; the memory above is then not used.
    stored: Option<stored::Store>,
    /// Set by a caller that watches the files and forgets each one that changes
    /// (`laomo serve`): cached entries are then used without looking at the disk.
    pub watched: std::sync::atomic::AtomicBool,
    /// With `watched`: what the last walk of each content folder found. Kept while
    /// only known files change (an edit), forgotten when a file comes or goes.
    walks: std::sync::Mutex<rustc_hash::FxHashMap<PathBuf, std::sync::Arc<Walked>>>,
}

/// One content folder's pages, section intros and other files, with what the walk
/// had to say (an upper-case `.MD`, a link out of the site).
struct Walked {
    entries: Vec<Entry>,
    loose: Vec<(PathBuf, String)>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Clone)]
struct Cached {
    len: u64,
    modified: Option<std::time::SystemTime>,
    result: Loaded1,
}

type Loaded1 = (
    Option<std::sync::Arc<Page>>,
    Option<SectionIntro>,
    Vec<Diagnostic>,
);

impl LoadCache {
    /// Forgets one file (changed on disk). A file the last walk did not find, or one
    /// that is gone, changes what the folders hold: they are walked again.
    pub fn forget(&self, path: &Path) {
        let known = self
            .files
            .lock()
            .map(|mut m| m.remove(path).is_some())
            .unwrap_or(false);
        if !known || !path.is_file() {
            self.forget_walks();
        }
    }

    /// Forgets everything (site.yaml or a photo changed: any page may read differently).
    pub fn clear(&self) {
        if let Ok(mut m) = self.files.lock() {
            m.clear();
        }
        self.forget_walks();
    }

    /// Forgets what the folders held: files were added or removed (a preview form
    /// saved a new page), so the next load walks them again.
    pub fn forget_walks(&self) {
        if let Ok(mut w) = self.walks.lock() {
            w.clear();
        }
    }

    /// The last walk of `content`, when the files are watched and nothing came or went.
    fn walked(&self, content: &Path) -> Option<std::sync::Arc<Walked>> {
        if !self.watched.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        self.walks.lock().ok()?.get(content).cloned()
    }

    fn keep_walk(&self, content: &Path, walked: std::sync::Arc<Walked>) {
        if self.watched.load(std::sync::atomic::Ordering::Relaxed)
            && let Ok(mut w) = self.walks.lock()
        {
            w.insert(content.to_path_buf(), walked);
        }
    }

    fn get(
        &self,
        path: &Path,
        len: u64,
        modified: Option<std::time::SystemTime>,
    ) -> Option<Loaded1> {
        let m = self.files.lock().ok()?;
        m.get(path)
            .filter(|c| c.len == len && c.modified == modified)
            .map(|c| c.result.clone())
    }

    /// A cache for a caller that watches the files and forgets the ones that change.
    pub fn watched() -> LoadCache {
        LoadCache {
            watched: std::sync::atomic::AtomicBool::new(true),
            ..Default::default()
        }
    }

    /// A cache for `laomo build`: what earlier builds loaded, kept on disk.
    pub fn stored(store: stored::Store) -> LoadCache {
        LoadCache {
            stored: Some(store),
            ..Default::default()
        }
    }

    /// Writes what the store is to hold for the next build, once loading is done;
    /// returns how many files were taken from it and how many loaded.
    pub fn save(self) -> Option<(usize, usize)> {
        self.stored.map(stored::Store::save)
    }

    fn get_any(&self, path: &Path) -> Option<Loaded1> {
        let m = self.files.lock().ok()?;
        m.get(path).map(|c| c.result.clone())
    }

    fn put(
        &self,
        path: &Path,
        len: u64,
        modified: Option<std::time::SystemTime>,
        result: &Loaded1,
    ) {
        if let Ok(mut m) = self.files.lock() {
            m.insert(
                path.to_path_buf(),
                Cached {
                    len,
                    modified,
                    result: result.clone(),
                },
            );
        }
    }
}

pub fn load(site: &SiteRoot, config: &Config, diags: &mut Diagnostics) -> Loaded {
    load_cached(site, config, None, diags)
}

pub fn load_cached(
    site: &SiteRoot,
    config: &Config,
    cache: Option<&LoadCache>,
    diags: &mut Diagnostics,
) -> Loaded {
    // The preview walks the folders again only when a file came or went (walking
    // 15,000 files was a fifth of each edit's rebuild).
    let walked = match cache.and_then(|c| c.walked(&site.content)) {
        Some(w) => w,
        None => {
            let (mut entries, mut loose, mut found) = (Vec::new(), Vec::new(), Diagnostics::new());
            if site.content.is_dir() {
                walk(site, &site.content, &mut entries, &mut loose, &mut found);
            } else {
                found.push(
                    Diagnostic::warning(t!("load.no_content")).hint(t!("load.no_content.hint")),
                );
            }
            let walked = std::sync::Arc::new(Walked {
                entries,
                loose,
                diagnostics: found.into_iter().collect(),
            });
            if let Some(c) = cache {
                c.keep_walk(&site.content, walked.clone());
            }
            walked
        }
    };
    diags.extend(walked.diagnostics.iter().cloned());
    let entries = &walked.entries;
    let loose_files = walked.loose.clone();
    let results: Vec<Loaded1> = entries
        .par_iter()
        .map(|e| {
            let path = match e {
                Entry::Page { path, .. } | Entry::Intro { path } => path,
            };
            if let Some(c) = cache
                && c.watched.load(std::sync::atomic::Ordering::Relaxed)
                && let Some(hit) = c.get_any(path)
            {
                return hit;
            }
            let stored = cache.and_then(|c| c.stored.as_ref());
            if let Some(hit) = stored.and_then(|s| s.get(site, e)) {
                return hit;
            }
            let cache = cache.filter(|_| stored.is_none());
            let meta = cache.and_then(|_| std::fs::metadata(path).ok());
            let key = meta.as_ref().map(|m| (m.len(), m.modified().ok()));
            if let (Some(c), Some((len, modified))) = (cache, key)
                && let Some(hit) = c.get(path, len, modified)
            {
                return hit;
            }
            // A bug in a parser becomes an error on that file, never a crash of the whole
            // build (or of `laomo serve`'s watcher).
            let result: Loaded1 = match std::panic::catch_unwind(|| match e {
                Entry::Page { path, bundle } => {
                    let (page, d) = kinds::load_page(site, config, path, *bundle);
                    (page.map(std::sync::Arc::new), None, d)
                }
                Entry::Intro { path } => {
                    let (intro, d) = kinds::load_intro(site, config, path);
                    (None, intro, d)
                }
            }) {
                Ok(r) => r,
                Err(panic) => (None, None, vec![internal_error(&site.rel(path), &*panic)]),
            };
            if let (Some(c), Some((len, modified))) = (cache, key) {
                c.put(path, len, modified, &result);
            }
            if let Some(s) = stored {
                s.put(site, e, &result);
            }
            result
        })
        .collect();
    let mut pages = Vec::new();
    let mut intros = Vec::new();
    let mut broken = rustc_hash::FxHashMap::default();
    let mut draft_files = rustc_hash::FxHashSet::default();
    for (e, (p, i, d)) in entries.iter().zip(results) {
        if let Entry::Page { path, .. } = e {
            let draft = match &p {
                Some(page) => page.draft,
                // Only files with errors are read again, to see whether they are drafts.
                None => {
                    d.iter().any(Diagnostic::is_error)
                        && source::read_limited(path)
                            .ok()
                            .and_then(|b| source::decode(b).ok())
                            .is_some_and(|t| front_matter::declares_draft(&t))
                }
            };
            if draft {
                draft_files.insert(site.rel(path));
            }
        }
        if let Entry::Page { path, bundle } = e
            && p.is_none()
            && d.iter().any(Diagnostic::is_error)
        {
            // Keyed as a reference would name it: the slug made from the file name.
            let stem = kinds::stem_of(path, *bundle);
            let rel = site.rel(path);
            broken.insert((kind_of(site, path), stem.clone()), rel.clone());
            broken.insert((kind_of(site, path), crate::pinyin::file_slug(&stem)), rel);
        }
        diags.extend(d);
        // Drafts are kept: the link stage leaves them out but warns about links to them.
        pages.extend(p);
        if let Some(i) = i {
            intros.push(i);
        }
    }
    Loaded {
        pages,
        intros,
        loose_files,
        broken,
        left_out: Default::default(),
        draft_files,
    }
}

/// The diagnostic for a file that made laomo itself fail.
pub fn internal_error(rel: &str, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Diagnostic::error(t!("load.internal", what = what))
        .in_file(rel)
        .hint(t!("load.internal.hint"))
}

fn walk(
    site: &SiteRoot,
    dir: &Path,
    entries: &mut Vec<Entry>,
    loose: &mut Vec<(PathBuf, String)>,
    diags: &mut Diagnostics,
) {
    // The directory listing tells each entry's type, so a plain file or folder costs no
    // extra `stat`: on a 15,000-page site that is most of the walk's time.
    // Named by their file names, which alone decide the order within one folder.
    // (Comparing whole paths splits both into components on every comparison: most of
    // the walk's time in a folder of 10,000 profiles.)
    let mut children: Vec<(String, PathBuf, Option<std::fs::FileType>)> =
        match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| {
                    let e = e.ok()?;
                    let name = e.file_name().to_string_lossy().into_owned();
                    Some((name, e.path(), e.file_type().ok()))
                })
                .collect(),
            Err(e) => {
                diags
                    .push(Diagnostic::error(t!("load.read_dir", error = e)).in_file(site.rel(dir)));
                return;
            }
        };
    children.retain(|(name, _, _)| !is_ignored_name(name));
    children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, child, file_type) in children {
        let file_type = match file_type {
            Some(t) => t,
            None => match std::fs::symlink_metadata(&child) {
                Ok(m) => m.file_type(),
                Err(_) => continue,
            },
        };
        let is_dir = if file_type.is_symlink() {
            match child.canonicalize() {
                Ok(target) if target.starts_with(&site.canonical) => {}
                _ => {
                    diags.push(
                        Diagnostic::error(t!("load.symlink"))
                            .in_file(site.rel(&child))
                            .hint(t!("load.symlink.hint")),
                    );
                    continue;
                }
            }
            // A link inside the site: what it points at decides.
            child.is_dir()
        } else {
            file_type.is_dir()
        };
        if is_dir {
            let index = child.join("index.md");
            if index.is_file() {
                entries.push(Entry::Page {
                    path: index,
                    bundle: true,
                });
            } else {
                walk(site, &child, entries, loose, diags);
            }
        } else if name == "_index.md" {
            entries.push(Entry::Intro { path: child });
        } else if name.to_lowercase().ends_with(".md") || name.to_lowercase().ends_with(".markdown")
        {
            if name.to_lowercase() != name
                && name.to_lowercase().ends_with(".md")
                && !name.ends_with(".md")
            {
                diags.push(
                    Diagnostic::warning(t!("load.upper_md"))
                        .in_file(site.rel(&child))
                        .hint(t!("load.upper_md.hint")),
                );
            }
            entries.push(Entry::Page {
                path: child,
                bundle: false,
            });
        } else {
            let rel = site.rel(&child);
            loose.push((child, rel));
        }
    }
}

pub fn kind_of(site: &SiteRoot, path: &Path) -> Kind {
    let rel = path.strip_prefix(&site.content).unwrap_or(path);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    match first {
        Some(f) if rel.components().count() > 1 => Kind::from_section(&f),
        _ => Kind::Page,
    }
}
