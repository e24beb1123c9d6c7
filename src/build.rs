//! The pipeline end to end: load → link → render → write. `laomo build` and
//! `laomo check` both run it; only build swaps the result into place.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link::{self, Site};
use crate::load::{self, SiteRoot};
use crate::render::{self, Sink, feeds, theme::Theme};
use crate::write::{self, Staging};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// false for `laomo check`: everything but writing.
    pub write: bool,
}

pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub pages: usize,
    pub files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Whether a new site was put in place.
    pub written: bool,
}

impl BuildReport {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Builds the site; never panics on editor input, never touches the output on error.
pub fn build(opts: &BuildOptions) -> BuildReport {
    let start = Instant::now();
    let mut diags = Diagnostics::new();
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));
    let mut report = BuildReport {
        diagnostics: Diagnostics::new(),
        pages: 0,
        files: 0,
        output: output.clone(),
        elapsed: Duration::ZERO,
        written: false,
    };
    let finish = |mut report: BuildReport, diags: Diagnostics| {
        report.diagnostics = diags;
        report.elapsed = start.elapsed();
        report
    };

    let site_root = match SiteRoot::new(&opts.root) {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!(
                    "cannot open the site folder {}: {e}",
                    opts.root.display()
                ))
                .hint("pass the site folder with --root DIR"),
            );
            return finish(report, diags);
        }
    };
    let Some(mut config) = Config::load(&opts.root, &mut diags) else {
        return finish(report, diags);
    };
    if let Some(url) = &opts.base_url {
        config.set_base_url(url, &mut diags);
    }
    if opts.write
        && let Some(d) = check_output(&site_root, &output)
    {
        diags.push(d);
        return finish(report, diags);
    }
    let timings = std::env::var_os("LAOMO_TIMINGS").is_some();
    let stage = |name: &str, t: &mut Instant| {
        if timings {
            eprintln!(
                "timing: {name:<8} {:>7.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        *t = Instant::now();
    };
    let mut t = Instant::now();
    let theme = Theme::load(&opts.root, &config.theme, &config.language, &mut diags);
    let loaded = load::load(&site_root, &config, &mut diags);
    stage("load", &mut t);
    let site = link::link(config, loaded, opts.drafts, &mut diags);
    stage("link", &mut t);
    let Some(tera) = render::engine(&site, &theme, &mut diags) else {
        return finish(report, diags);
    };
    report.pages = site.pages.len();
    if diags.has_errors() && opts.write {
        return finish(report, diags);
    }
    let photos = crate::imageproc::process(&site, &site_root.root, &mut diags);
    stage("photos", &mut t);
    if diags.has_errors() && opts.write {
        return finish(report, diags);
    }
    let renderer = render::Renderer::new(&site, &photos, &tera, &theme);
    if !opts.write {
        renderer.render_all(&write::Discard, &mut diags);
        return finish(report, diags);
    }
    let staging = match Staging::prepare(&output) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(format!(
                "cannot prepare the output folder beside {}: {e}",
                output.display()
            )));
            return finish(report, diags);
        }
    };
    let mut paths = renderer.render_all(&staging, &mut diags);
    stage("render", &mut t);
    if let Err(e) = write_extras(&site, &photos, &site_root, &theme, &staging, &mut paths) {
        diags.push(Diagnostic::error(format!("cannot write the site: {e}")));
    }
    stage("extras", &mut t);
    if diags.has_errors() {
        return finish(report, diags);
    }
    let keep: HashSet<PathBuf> = paths
        .iter()
        .map(|p| write::file_for(&staging.dir, p))
        .collect();
    report.files = keep.len();
    let result = staging.prune(&keep).and_then(|_| staging.swap_in());
    stage("swap", &mut t);
    match result {
        Ok(()) => report.written = true,
        Err(e) => diags.push(Diagnostic::error(format!(
            "cannot put the new site in place at {}: {e}",
            output.display()
        ))),
    }
    finish(report, diags)
}

/// Feeds, static files, theme files, page bundles and photos.
fn write_extras(
    site: &Site,
    photos: &crate::imageproc::Photos,
    root: &SiteRoot,
    theme: &Theme,
    staging: &Staging,
    paths: &mut Vec<String>,
) -> std::io::Result<()> {
    let atom = feeds::atom(site);
    staging.emit("/atom.xml", atom.as_bytes())?;
    paths.push("/atom.xml".into());
    let sitemap = feeds::sitemap(site, paths);
    staging.emit("/sitemap.xml", sitemap.as_bytes())?;
    paths.push("/sitemap.xml".into());
    staging.emit("/robots.txt", feeds::robots(site).as_bytes())?;
    paths.push("/robots.txt".into());

    // Every file to publish by its site path; later entries win: built-in theme files,
    // then the site's theme folder, then the site's static/, then pages' own files.
    enum From<'a> {
        Bytes(&'a [u8]),
        File(PathBuf),
    }
    let mut files: BTreeMap<String, From> = BTreeMap::new();
    for (site_path, f) in &theme.static_files {
        let from = match f {
            render::theme::ThemeFile::Embedded(bytes) => From::Bytes(bytes),
            render::theme::ThemeFile::Disk(p) => From::File(p.clone()),
        };
        files.insert(site_path.clone(), from);
    }
    if root.static_dir.is_dir() {
        for e in walkdir::WalkDir::new(&root.static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let name = e.file_name().to_string_lossy().to_string();
            if !e.file_type().is_file() || load::is_ignored_name(&name) {
                continue;
            }
            if let Ok(rel) = e.path().strip_prefix(&root.static_dir) {
                files.insert(
                    format!("/{}", rel.to_string_lossy().replace('\\', "/")),
                    From::File(e.path().to_path_buf()),
                );
            }
        }
    }
    let mut own: Vec<(PathBuf, String)> = Vec::new();
    for intro in site.intros.values() {
        for img in intro
            .shortcodes
            .iter()
            .filter_map(|c| c.image.as_ref())
            .chain(intro.inline_images.iter().flatten())
        {
            own.extend(photos.outputs(img));
        }
    }
    for p in &site.pages {
        own.extend(p.assets.iter().cloned());
        // Photos are published only as the pipeline's resized, metadata-free files.
        for img in p
            .images()
            .into_iter()
            .chain(p.shortcodes.iter().filter_map(|c| c.image.as_ref()))
            .chain(p.inline_images.iter().flatten())
        {
            own.extend(photos.outputs(img));
        }
        for call in &p.shortcodes {
            if let Some(v) = &call.video {
                own.push((v.source.clone(), v.output.clone()));
            }
        }
        if let crate::model::Details::Exhibition(e) = &p.details {
            for h in &e.halls {
                for x in &h.exhibits {
                    if let crate::model::Exhibit::Video { video, .. } = x {
                        own.push((video.source.clone(), video.output.clone()));
                    }
                }
            }
        }
    }
    own.sort();
    for (src, dest) in own {
        files.insert(dest, From::File(src));
    }
    // A rendered page is never replaced by a file of the same name.
    let rendered: HashSet<PathBuf> = paths
        .iter()
        .map(|p| write::file_for(Path::new("/"), p))
        .collect();
    files.retain(|dest, _| !rendered.contains(&write::file_for(Path::new("/"), dest)));
    use rayon::prelude::*;
    let list: Vec<(&String, &From)> = files.iter().collect();
    list.par_iter().try_for_each(|(dest, from)| match from {
        From::Bytes(b) => staging.emit(dest, b),
        From::File(src) => staging.copy(src, dest),
    })?;
    paths.extend(files.into_keys());
    Ok(())
}

/// The output must be a folder of its own: never the site root, content/ or static/.
fn check_output(root: &SiteRoot, output: &Path) -> Option<Diagnostic> {
    let abs = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(output)
    };
    let canonical_parent = abs.parent().and_then(|p| p.canonicalize().ok());
    let resolved = match (canonical_parent, abs.file_name()) {
        (Some(p), Some(n)) => p.join(n),
        _ => abs.clone(),
    };
    let protected = [
        root.canonical.clone(),
        root.canonical.join("content"),
        root.canonical.join("static"),
        root.canonical.join("themes"),
        root.canonical.join("templates"),
    ];
    if protected
        .iter()
        .any(|p| p.starts_with(&resolved) || resolved.starts_with(p) && p != &root.canonical)
        || resolved == root.canonical
    {
        return Some(
            Diagnostic::error(format!(
                "the output folder {} would replace the site's own files",
                output.display()
            ))
            .hint("build into a folder of its own, e.g. --output public"),
        );
    }
    // A non-empty folder that is not a laomo site is someone's files: refuse to replace it.
    if resolved.is_dir() {
        let has_entries = std::fs::read_dir(&resolved)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        let ours = resolved.join("index.html").is_file()
            || resolved.join("404.html").is_file()
            || write::staging_dir(&resolved).is_dir();
        if has_entries && !ours {
            return Some(
                Diagnostic::error(format!(
                    "the output folder {} holds other files, and a build replaces it whole",
                    output.display()
                ))
                .hint("choose an empty or new folder for --output"),
            );
        }
    }
    None
}
