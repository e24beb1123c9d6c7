//! What `laomo serve` holds: the last good build, rendered pages as they are asked for,
//! and the errors of a failed rebuild, shown over the page until the next good one.

use crate::build::{self, Published, Stages};
use crate::diagnostic::Diagnostics;
use crate::load::LoadCache;
use crate::render::Renderer;
use rust_i18n::t;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::broadcast;

/// One successful build, as served.
pub(super) struct Generation {
    pub(super) renderer: Renderer,
    pub(super) files: BTreeMap<String, Published>,
    /// The search index, built when a browser first asks for it.
    pub(super) search: std::sync::OnceLock<HashMap<String, String>>,
    /// The hall-of-fame filter data, likewise.
    pub(super) hall_filter: std::sync::OnceLock<String>,
    pub(super) rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

#[derive(Clone, Debug)]
pub(super) enum Message {
    Reload,
    Error(String),
}

pub(super) struct ServeState {
    pub(super) root: PathBuf,
    /// The editing forms are offered (the preview listens on this computer only).
    pub(super) editing: bool,
    pub(super) base_url: String,
    pub(super) drafts: bool,
    pub(super) current: RwLock<Option<Arc<Generation>>>,
    /// The diagnostics of the last failed build, shown over the page until a good one.
    pub(super) error: RwLock<Option<String>>,
    pub(super) events: broadcast::Sender<Message>,
    pub(super) cache: LoadCache,
    /// One rebuild at a time.
    pub(super) building: Mutex<()>,
}

impl ServeState {
    /// Builds the site into memory; on failure keeps the last good build and reports.
    /// `full`: templates or settings may have changed, so check the templates again.
    pub(super) fn rebuild(&self, full: bool) -> bool {
        let _guard = self.building.lock().unwrap_or_else(|p| p.into_inner());
        let started = std::time::Instant::now();
        let mut diags = Diagnostics::new();
        let mut stages = Stages::new();
        let prepared = build::prepare(
            &self.root,
            self.drafts,
            &build::Overrides {
                base_url: Some(&self.base_url),
                skip_broken_sources: false,
            },
            Some(&self.cache),
            true,
            &mut diags,
            &mut stages,
        );
        let generation = prepared.and_then(|(renderer, site_root)| {
            // Rendering every page once would cost seconds on a big site; instead the
            // templates are checked on the 404 page and the rest render on request.
            let paths = renderer.page_paths();
            if full && let Some(Err(d)) = renderer.render_path("/404.html") {
                diags.push(d);
            }
            stages.done("check");
            let files = build::published_files(&renderer, &site_root, &paths);
            stages.done("files");
            (!diags.has_errors()).then(|| Generation {
                files,
                renderer,
                search: std::sync::OnceLock::new(),
                hall_filter: std::sync::OnceLock::new(),
                rendered: Mutex::new(HashMap::new()),
            })
        });
        let (shown, hidden) = diags.shown(crate::diagnostic::SHOWN_PER_FILE);
        for d in shown {
            eprintln!("{d}");
        }
        for (file, n) in hidden {
            eprintln!("{}\n", t!("serve.hidden", count = n, file = file));
        }
        match generation {
            Some(g) if !diags.has_errors() => {
                let pages = g.renderer.site().pages.len();
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(g));
                *self.error.write().unwrap_or_else(|p| p.into_inner()) = None;
                eprintln!(
                    "{}",
                    t!(
                        "serve.rebuilt",
                        pages = pages,
                        ms = started.elapsed().as_millis()
                    )
                );
                let _ = self.events.send(Message::Reload);
                true
            }
            _ => {
                let text = overlay_text(&self.root, &diags);
                eprintln!("{}", t!("serve.failed"));
                *self.error.write().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
                let _ = self.events.send(Message::Error(text));
                false
            }
        }
    }
}

/// The errors as the browser overlay shows them: a line quoted from a `private:` block
/// is left out, since any page the browser has open can read the event stream.
pub(super) fn overlay_text(root: &Path, diags: &Diagnostics) -> String {
    let mut private: HashMap<String, Vec<std::ops::RangeInclusive<usize>>> = HashMap::new();
    diags
        .shown(crate::diagnostic::SHOWN_PER_FILE)
        .0
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let mut d = d.clone();
            if let (Some(file), Some(p)) = (&d.file, d.position) {
                let ranges = private.entry(file.clone()).or_insert_with(|| {
                    // Read as the loader reads it (BOM and CR line ends removed).
                    std::fs::read(root.join(file))
                        .map_err(|e| e.to_string())
                        .and_then(crate::util::text::decode)
                        .map(|t| crate::load::front_matter::private_lines(&t))
                        // Unreadable now: quote nothing of it.
                        .unwrap_or_else(|_| vec![0..=usize::MAX])
                });
                if ranges.iter().any(|r| r.contains(&p.line)) {
                    d.source_line = None;
                }
            }
            d.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
