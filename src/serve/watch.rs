//! Watching the site's folders: a burst of saves becomes one rebuild, and a bug in a
//! rebuild never stops the watcher.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::state::{Message, ServeState};

/// Files whose change needs a rebuild: not the output, the caches, or editors' temp files.
pub(super) fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    let Some(first) = parts.next() else {
        return false;
    };
    if !matches!(
        first.as_str(),
        "content" | "templates" | "themes" | "static" | "site.yaml" | "i18n"
    ) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    !crate::load::is_ignored_name(&name)
}

pub(super) fn watch(state: Arc<ServeState>) -> notify_debouncer_full::notify::Result<impl Drop> {
    use notify_debouncer_full::notify::RecursiveMode;
    use notify_debouncer_full::{DebounceEventResult, new_debouncer};
    let root = state.root.clone();
    // Stands for "re-read everything" when the watcher lost events.
    let rescan = root.join("site.yaml");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    // Editors save by writing a temp file and renaming it; a folder of photos copied
    // in is hundreds of events. The debouncer turns each burst into one batch.
    let mut debouncer = new_debouncer(
        Duration::from_millis(30),
        None,
        move |result: DebounceEventResult| {
            if let Ok(events) = result {
                // Reading a file is an event too (the build reads them all): only changes count.
                let mut paths: Vec<PathBuf> = events
                    .iter()
                    .filter(|e| !e.kind.is_access() && !e.kind.is_other())
                    .flat_map(|e| e.paths.iter().cloned())
                    .collect();
                // Events were lost (too many at once): everything must be re-read.
                if events.iter().any(|e| e.need_rescan()) {
                    paths.push(rescan.clone());
                }
                if paths.is_empty() {
                    return;
                }
                let _ = tx.send(paths);
            }
        },
    )?;
    // Only the site's own folders: the output, caches and target/ can hold tens of
    // thousands of folders that would each cost a watch.
    debouncer.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in ["content", "templates", "themes", "static", "i18n"] {
        let d = root.join(dir);
        if d.is_dir() {
            debouncer.watch(&d, RecursiveMode::Recursive)?;
        }
    }
    // A federated site's sources, as site.yaml lists them now and after each change of it.
    let mut sources = source_folders(&root);
    for d in &sources {
        if d.is_dir() {
            debouncer.watch(d, RecursiveMode::Recursive)?;
        }
    }
    let debouncer = Arc::new(std::sync::Mutex::new(debouncer));
    // Weak: dropping what `watch` returns still stops the watcher and this thread.
    let watching = Arc::downgrade(&debouncer);
    let settings = root.join("site.yaml");
    std::thread::spawn(move || {
        while let Ok(mut paths) = rx.recv() {
            // Take whatever else arrived meanwhile, so one rebuild covers it all.
            while let Ok(more) = rx.try_recv() {
                paths.extend(more);
            }
            // A source added to site.yaml while the preview runs is watched from now on.
            if paths.contains(&settings) {
                let listed = source_folders(&root);
                if let Some(d) = watching.upgrade()
                    && let Ok(mut d) = d.lock()
                {
                    for dir in listed.iter().filter(|d| !sources.contains(d) && d.is_dir()) {
                        let _ = d.watch(dir, RecursiveMode::Recursive);
                    }
                }
                sources = listed;
            }
            let in_source = |p: &Path| {
                sources.iter().any(|d| p.starts_with(d))
                    && p.file_name()
                        .is_some_and(|n| !crate::load::is_ignored_name(&n.to_string_lossy()))
            };
            let changed: Vec<PathBuf> = paths
                .into_iter()
                .filter(|p| relevant(&state.root, p) || in_source(p))
                .collect();
            if changed.is_empty() {
                continue;
            }
            // A text edit re-reads that file; anything else (site.yaml, a photo, a
            // template) may change how every page reads, so all are re-read.
            let only_markdown = changed.iter().all(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && (p.starts_with(state.root.join("content"))
                        || sources
                            .iter()
                            .any(|d| d.ends_with("content") && p.starts_with(d)))
            });
            if only_markdown {
                for p in &changed {
                    state.cache.forget(p);
                }
            } else {
                state.cache.clear();
            }
            // A bug in any stage must not kill the watcher: the editor would save and
            // see nothing happen, without a word. Say so in the terminal and the page.
            let full = !only_markdown;
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.rebuild(full)))
                .is_err()
            {
                state.cache.clear();
                let text = rust_i18n::t!("serve.internal_error").into_owned();
                eprintln!("{text}");
                *state.error.write().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
                let _ = state.events.send(Message::Error(text));
            }
        }
    });
    Ok(debouncer)
}

/// The content/ and static/ folders of the site's sources (`sources:` in site.yaml).
fn source_folders(root: &Path) -> Vec<PathBuf> {
    use crate::config::sources;
    sources::listed(root)
        .iter()
        .flat_map(|s| sources::READ_FOLDERS.map(|f| s.root.join(f)))
        .collect()
}
