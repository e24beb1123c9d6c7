//! `laomo poster PAGE [-o FILE.png]`: a portrait poster of one page, for WeChat
//! moments and the notice board of a 劳模服务站: photo, name, honors, a few lines from
//! the page and its QR code, drawn by the theme's `templates/share/poster.svg`.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link::Site;
use crate::model::PageId;
use rust_i18n::t;
use std::path::{Path, PathBuf};

/// What was written.
pub struct Poster {
    pub file: PathBuf,
    pub page: String,
    pub size: (u32, u32),
}

/// The published page `query` names: its file (`content/profiles/ding-weisong.md`, also
/// as a path from the current folder), its address (`/profiles/ding-weisong/` or the full
/// URL), its slug, or its title.
pub fn find_page(site: &Site, root: &Path, query: &str) -> Option<PageId> {
    let q = query.trim();
    let as_file = std::env::current_dir()
        .ok()
        .map(|cwd| cwd.join(q))
        .and_then(|p| p.canonicalize().ok())
        .zip(root.canonicalize().ok())
        .and_then(|(p, r)| {
            p.strip_prefix(r)
                .ok()
                .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        });
    let path = q
        .strip_prefix(site.config.base_url.trim_end_matches('/'))
        .unwrap_or(q);
    let path = format!("/{}/", path.trim_matches('/'));
    let pages = || site.pages.iter_ids();
    pages()
        .find(|(_, p)| p.source == q || as_file.as_deref() == Some(p.source.as_str()))
        .or_else(|| pages().find(|(_, p)| p.path == path))
        .or_else(|| pages().find(|(_, p)| p.slug == q))
        .or_else(|| pages().find(|(_, p)| p.title == q))
        .map(|(id, _)| id)
}

/// Draws the poster of `query` into `out` (default: `SLUG-poster.png` here).
pub fn poster(
    root: &Path,
    query: &str,
    out: Option<&Path>,
    diags: &mut Diagnostics,
) -> Option<Poster> {
    let mut stages = crate::build::Stages::new();
    let (renderer, _) = crate::build::prepare(
        root,
        false,
        &Default::default(),
        None,
        true,
        diags,
        &mut stages,
    )?;
    let site = renderer.site();
    let Some(id) = find_page(site, root, query) else {
        diags.push(
            Diagnostic::error(t!("poster.not_found", page = query))
                .hint(t!("poster.not_found.hint")),
        );
        return None;
    };
    let page = site.page(id);
    let png = match renderer
        .poster_file(id)
        .and_then(|f| std::fs::read(&f).map_err(|e| Diagnostic::error(e.to_string())))
    {
        Ok(png) => png,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let file = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{}-poster.png", page.slug)));
    if let Err(e) = crate::util::fs::replace_whole(&file, &png) {
        diags.push(Diagnostic::error(t!(
            "scaffold.cannot_write",
            path = file.display(),
            error = e
        )));
        return None;
    }
    Some(Poster {
        file,
        page: page.title.clone(),
        size: crate::render::share_card::POSTER_SIZE,
    })
}
