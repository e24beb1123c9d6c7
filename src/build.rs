//! The pipeline end to end: load → link → render → write. `laomo build` and
//! `laomo check` both run it; only build swaps the result into place.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link;
use crate::load::{self, SiteRoot};
use crate::model::Asset;
use crate::render::{self, Renderer, Sink, feeds, theme::Theme};
use crate::write::{self, Staging};
use rust_i18n::t;
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
    /// Build even when the last build's output is proven current.
    pub force: bool,
    /// Leave out a source site with errors instead of failing (`--skip-broken-sources`).
    pub skip_broken_sources: bool,
}

/// What the command line changes of site.yaml for one run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Overrides<'a> {
    /// `--base-url`.
    pub base_url: Option<&'a str>,
    /// `--skip-broken-sources`.
    pub skip_broken_sources: bool,
}

pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub pages: usize,
    pub files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Whether a new site was put in place.
    pub written: bool,
    /// Nothing changed since the last build: the output was proven current and left
    /// as it was (see [`crate::manifest`]).
    pub up_to_date: bool,
    /// The last build's warnings, shown again when nothing was rebuilt.
    pub replayed: Vec<String>,
}

impl BuildReport {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Builds the site; never panics on editor input, never touches the output on error.
/// Prints how long each stage took when LAOMO_TIMINGS is set.
pub struct Stages {
    on: bool,
    t: Instant,
}

impl Stages {
    pub fn new() -> Stages {
        Stages {
            on: std::env::var_os("LAOMO_TIMINGS").is_some(),
            t: Instant::now(),
        }
    }

    pub fn done(&mut self, name: &str) {
        if self.on {
            eprintln!(
                "timing: {name:<8} {:>7.1} ms",
                self.t.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.t = Instant::now();
    }

    /// A line about the build's work, shown with the timings.
    pub fn note(&self, text: &str) {
        if self.on {
            eprintln!("timing: {text}");
        }
    }
}

impl Default for Stages {
    fn default() -> Self {
        Self::new()
    }
}

/// What every command shares: load → link → templates → photos, ready to render.
/// Returns None when a problem makes going on pointless (no site.yaml, broken
/// templates) or, with `stop_on_error`, after any error.
pub fn prepare(
    root: &Path,
    drafts: bool,
    overrides: &Overrides,
    cache: Option<&load::LoadCache>,
    stop_on_error: bool,
    diags: &mut Diagnostics,
    stages: &mut Stages,
) -> Option<(Renderer, SiteRoot)> {
    let site_root = open_root(root, diags)?;
    let mut config = Config::load(root, diags)?;
    if let Some(url) = overrides.base_url {
        config.set_base_url(url, diags);
    }
    config.skip_broken_sources = overrides.skip_broken_sources;
    let theme = Theme::load(root, &config.theme, &config.language, diags);
    let loaded = load::federation::load_all(&site_root, &config, cache, diags);
    if !drafts {
        // An unfinished draft is not published, so its mistakes do not stop the site.
        diags.soften(&loaded.draft_files);
    }
    stages.done("load");
    let site = link::link(config, loaded, drafts, diags);
    stages.done("link");
    let share_cards = std::sync::Arc::new(share_cards(&site.config, root, diags));
    stages.done("fonts");
    let tera = render::engine(&site, &theme, &share_cards, diags)?;
    // Photos are checked even when pages have errors: a build lists every problem, as
    // `laomo check` does, and the photos it decoded are cached for the next build.
    let photos = crate::imageproc::process(&site, &site_root.root, diags);
    stages.done("photos");
    if diags.has_errors() && stop_on_error {
        return None;
    }
    let renderer = Renderer::new(site, photos, tera, theme, share_cards);
    stages.done("cards");
    Some((renderer, site_root))
}

/// The share cards of this build. Their fonts are looked for now: pages name their
/// cards in their meta tags, so whether there will be cards must be known before any
/// page is rendered. Without a Chinese font a site that asked for cards fails; one
/// that did not is built without them, with a warning saying what to install.
fn share_cards(config: &Config, root: &Path, diags: &mut Diagnostics) -> crate::share::card::Cards {
    let wanted = config.share.cards;
    let mut cards = crate::share::card::Cards::new(
        wanted != Some(false),
        config.share.fonts.clone(),
        root.join(".laomo-cache").join("cards"),
    );
    if cards.enabled
        && let Err(e) = cards.font_choice().map(|_| ())
    {
        let d = if wanted == Some(true) {
            Diagnostic::error(e)
        } else {
            Diagnostic::warning(e)
        };
        diags.push(
            d.in_file(crate::config::SITE_FILE)
                .hint(t!("share.no_cjk_font.hint")),
        );
        cards.enabled = false;
    }
    cards
}

/// The site folder, or an error saying it cannot be opened (and how to point at it).
pub fn open_root(root: &Path, diags: &mut Diagnostics) -> Option<SiteRoot> {
    match SiteRoot::new(root) {
        Ok(s) => Some(s),
        Err(e) => {
            diags.push(
                Diagnostic::error(t!(
                    "build.cannot_open_root",
                    path = root.display(),
                    error = e
                ))
                .hint(t!("build.cannot_open_root.hint")),
            );
            None
        }
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
        up_to_date: false,
        replayed: Vec::new(),
    };
    let finish = |mut report: BuildReport, diags: Diagnostics| {
        report.diagnostics = diags;
        report.elapsed = start.elapsed();
        report
    };
    // One build at a time writes an output folder: two would share the staging folder
    // and publish a mix. The second waits for the first, then builds on its result.
    // No site folder: nothing is locked or created; `prepare` says what is wrong.
    let site_root = SiteRoot::new(&opts.root)
        .ok()
        .filter(|r| r.root.join("site.yaml").is_file());
    let _lock = if opts.write
        && let Some(site_root) = &site_root
    {
        if let Some(d) = check_output(site_root, &output) {
            diags.push(d);
            return finish(report, diags);
        }
        match write::OutputLock::take(&output, || {
            eprintln!("{}", t!("build.waiting", output = output.display()))
        }) {
            Ok(l) => Some(l),
            Err(e) => {
                diags.push(Diagnostic::error(t!(
                    "build.cannot_lock",
                    path = output.display(),
                    error = e
                )));
                return finish(report, diags);
            }
        }
    } else {
        None
    };
    let mut stages = Stages::new();
    // Fingerprints of every input, taken before anything is read: a file saved during
    // the build then differs from what is recorded, and the next build runs.
    // The language too: the warnings a build replays, and those the load stage keeps,
    // are in the language they were first shown in.
    let options = format!(
        "drafts={} base_url={:?} skip_broken_sources={} language={}",
        opts.drafts,
        opts.base_url,
        opts.skip_broken_sources,
        &*rust_i18n::locale()
    );
    let mut fingerprint = None;
    if opts.write
        && let Some(site_root) = &site_root
    {
        let previous = crate::manifest::read(&site_root.root, &output);
        let inputs = crate::manifest::inputs(&site_root.root, previous.as_ref());
        if let Some(previous) = previous
            && !opts.force
            && crate::manifest::is_current(&previous, &inputs, &options, &output)
        {
            report.pages = previous.pages;
            report.files = previous.output_files;
            report.up_to_date = true;
            report.replayed = previous.warnings;
            return finish(report, diags);
        }
        fingerprint = Some(inputs);
    }
    // What earlier builds loaded, for every file unchanged since (see load::stored).
    let load_cache = match (&fingerprint, &site_root) {
        (Some(inputs), Some(site_root)) => {
            let build = format!("{} {options}", crate::manifest::laomo_identity());
            load::stored::Store::new(&site_root.root, &build, inputs, !opts.force)
                .map(load::LoadCache::stored)
        }
        _ => None,
    };
    stages.done("fingerprint");
    let prepared = prepare(
        &opts.root,
        opts.drafts,
        &Overrides {
            base_url: opts.base_url.as_deref(),
            skip_broken_sources: opts.skip_broken_sources,
        },
        load_cache.as_ref(),
        opts.write,
        &mut diags,
        &mut stages,
    );
    // Kept even when the build fails: what a file loads to does not depend on others.
    if let Some((taken, loaded)) = load_cache.and_then(load::LoadCache::save) {
        stages.done("store");
        stages.note(&format!(
            "stored   {taken} files taken from the store, {loaded} loaded"
        ));
    }
    let Some((renderer, site_root)) = prepared else {
        return finish(report, diags);
    };
    report.pages = renderer.site().pages.len();
    if !opts.write {
        renderer.render_all(&write::Discard, &mut diags);
        return finish(report, diags);
    }
    // What earlier builds wrote into the output folders (see write::record): kept
    // beside the manifest, for the same site and output.
    let record = {
        let file = crate::manifest::location(&opts.root, &output).with_extension("written");
        let identity = crate::manifest::laomo_identity();
        Some(if opts.force {
            write::record::Record::empty(file, &identity)
        } else {
            write::record::Record::open(file, &identity)
        })
    };
    // Which files those folders hold (see write::listing), beside the record.
    let listings = {
        let file = crate::manifest::location(&opts.root, &output).with_extension("listing");
        Some(if opts.force {
            write::listing::Listings::empty(file)
        } else {
            write::listing::Listings::open(file)
        })
    };
    let mut staging = match Staging::prepare(&output, record, listings) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(t!(
                "build.cannot_prepare",
                path = output.display(),
                error = e
            )));
            return finish(report, diags);
        }
    };
    let rendered = renderer.render_all(&staging, &mut diags);
    stages.done("render");
    stages.note(&format!(
        "pages    {} rendered, {} kept as they were",
        rendered.paths.len() - rendered.kept,
        rendered.kept
    ));
    let mut paths = rendered.paths;
    if let Err(e) = write_extras(
        &renderer,
        &site_root,
        &staging,
        &mut paths,
        &mut stages,
        &mut diags,
    ) {
        diags.push(Diagnostic::write_failed(e));
    }
    stages.done("extras");
    if diags.has_errors() {
        // Writing failed (a full disk, say): free what was written, so the next build
        // starts clean instead of tripping over a half-written tree.
        if staging.failed() {
            staging.discard();
        }
        return finish(report, diags);
    }
    let keep: HashSet<PathBuf> = paths
        .iter()
        .map(|p| write::file_for(&staging.dir, p))
        .collect();
    report.files = keep.len();
    let result = staging.prune(&keep).and_then(|_| staging.swap_in());
    stages.done("swap");
    match result {
        Ok(()) => {
            report.written = true;
            renderer.share_cards().prune();
            if let Some(inputs) = fingerprint {
                let warnings = diags
                    .iter()
                    .filter(|d| !d.is_error())
                    .map(ToString::to_string)
                    .collect();
                // Without a manifest the next build simply runs in full.
                let _ = crate::manifest::record(
                    &opts.root,
                    &output,
                    crate::manifest::with_git_checkouts(&opts.root, inputs),
                    &options,
                    report.pages,
                    report.files,
                    warnings,
                );
            }
        }
        Err(e) => diags.push(Diagnostic::error(t!(
            "build.cannot_swap",
            path = output.display(),
            error = e
        ))),
    }
    // Freeing a 10,000-profile site's pages and cards takes 40 ms the build need not
    // wait for.
    std::thread::spawn(move || drop(renderer));
    finish(report, diags)
}

/// The hall-of-fame filter's data; `laomo serve` builds it when a browser asks.
pub const HALL_FILTER: &str = "/profiles/filter.json";

/// A file the site publishes besides its rendered pages.
pub enum Published {
    Bytes(&'static [u8]),
    Text(String),
    File(PathBuf),
    /// A file of laomo's own cache (a resized photo), put into the output as a second
    /// name of the same file where it can be (see [`Staging::link_cached`]).
    Cached(PathBuf),
    /// The QR code of this address, drawn when the file is written or asked for.
    Qr(String),
    /// A page's share card, drawn (or taken from the cache) when written or asked for.
    Card(crate::model::PageId, crate::share::card::Shape),
}

impl Published {
    /// The bytes of a generated file (not of a copied one): `Ok(None)` for a copied
    /// file, an error when a share card cannot be drawn. (A build copies a card from
    /// the cache instead, see [`write_extras`].)
    pub fn generated(
        &self,
        r: &Renderer,
    ) -> Result<Option<std::borrow::Cow<'_, [u8]>>, Diagnostic> {
        use std::borrow::Cow;
        Ok(match self {
            Published::Bytes(b) => Some(Cow::Borrowed(b)),
            Published::Text(t) => Some(Cow::Borrowed(t.as_bytes())),
            Published::Qr(url) => crate::share::qr_svg(url).map(|s| Cow::Owned(s.into_bytes())),
            Published::Card(id, shape) => {
                let file = r.share_card_file(*id, *shape)?;
                Some(Cow::Owned(std::fs::read(&file).map_err(|e| {
                    Diagnostic::error(t!("text.read", error = e))
                })?))
            }
            Published::File(_) | Published::Cached(_) => None,
        })
    }
}

/// Every published file that is not a rendered page, by site path; later sources
/// win: built-in theme files, the site's theme folder, the site's static/, then
/// pages' own files and photos. Feeds are generated. Rendered pages are never
/// replaced by a file of the same name.
/// The search index and the hall-of-fame filter data are not among them: `build` adds
/// them, `serve` makes them when a browser first asks.
pub fn published_files(
    r: &Renderer,
    root: &SiteRoot,
    rendered: &[String],
) -> BTreeMap<String, Published> {
    let site = r.site();
    let photos = r.photos();
    let mut files: BTreeMap<String, Published> = BTreeMap::new();
    for (site_path, f) in &r.theme().static_files {
        let from = match f {
            render::theme::ThemeFile::Embedded(bytes) => Published::Bytes(bytes),
            render::theme::ThemeFile::Disk(p) => Published::File(p.clone()),
        };
        files.insert(site_path.clone(), from);
    }
    // The site's static/, then each source site's under its prefix.
    let static_dirs = std::iter::once((root.static_dir.clone(), "/".to_string())).chain(
        site.config
            .sources
            .iter()
            .map(|s| (s.root.join("static"), s.prefix.clone())),
    );
    for (dir, prefix) in static_dirs {
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let name = e.file_name().to_string_lossy().to_string();
            if !e.file_type().is_file() || load::is_ignored_name(&name) {
                continue;
            }
            if let Ok(rel) = e.path().strip_prefix(&dir) {
                files.insert(
                    format!("{prefix}{}", rel.to_string_lossy().replace('\\', "/")),
                    Published::File(e.path().to_path_buf()),
                );
            }
        }
    }
    let mut own: Vec<(PathBuf, String, bool)> = Vec::new();
    let assets = site
        .intros
        .values()
        .flat_map(|intro| intro.assets())
        .chain(site.pages.iter().flat_map(|p| p.assets()));
    for asset in assets {
        match asset {
            // Photos are published only as the pipeline's resized, metadata-free files.
            Asset::Photo { image, .. } => own.extend(
                photos
                    .outputs(image)
                    .into_iter()
                    .map(|(cached, dest)| (cached, dest, true)),
            ),
            Asset::Media(m) => own.push((m.source.clone(), m.output.clone(), false)),
            Asset::Attachment { source, output } => {
                own.push((source.to_path_buf(), output.to_string(), false))
            }
        }
    }
    own.sort();
    for (src, dest, cached) in own {
        let from = if cached {
            Published::Cached(src)
        } else {
            Published::File(src)
        };
        files.insert(dest, from);
    }
    // QR codes of the pages people are sent to from paper, and of each exhibition hall.
    for p in site.pages.iter() {
        if !crate::share::has_qr(p.kind) {
            continue;
        }
        let mut paths = vec![p.path.clone()];
        if let crate::model::Details::Exhibition(e) = &p.details {
            paths.extend((1..=e.halls.len()).map(|n| render::hall_path(&p.path, n)));
        }
        for path in paths {
            files.insert(
                crate::share::qr_path(&path),
                Published::Qr(site.config.permalink(&path)),
            );
        }
    }
    // Share cards of the pages people pass on: their picture in a chat or a feed.
    for (id, p) in site.pages.iter_ids() {
        if r.has_share_card(id) {
            for shape in [
                crate::share::card::Shape::Wide,
                crate::share::card::Shape::Square,
            ] {
                files.insert(
                    format!("{}{}", p.path, shape.file_name()),
                    Published::Card(id, shape),
                );
            }
        }
    }
    files.insert("/atom.xml".into(), Published::Text(feeds::atom(site)));
    files.insert("/robots.txt".into(), Published::Text(feeds::robots(site)));
    // The sitemap lists pages, whose addresses end in `/`: a file's never does.
    files.insert(
        "/sitemap.xml".into(),
        Published::Text(feeds::sitemap(site, rendered)),
    );
    // Compared as the file names they are written to (`/a/` is `a/index.html`), as
    // strings: this runs on every save in `laomo serve`, over every file of the site.
    let file_name = |site_path: &str| {
        let rel = site_path.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    };
    let rendered: rustc_hash::FxHashSet<String> = rendered.iter().map(|p| file_name(p)).collect();
    files.retain(|dest, _| {
        let rel = dest.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            !rendered.contains(&file_name(dest))
        } else {
            !rendered.contains(rel)
        }
    });
    files
}

fn write_extras(
    r: &Renderer,
    root: &SiteRoot,
    staging: &Staging,
    paths: &mut Vec<String>,
    stages: &mut Stages,
    diags: &mut Diagnostics,
) -> std::io::Result<()> {
    let mut files = published_files(r, root, paths);
    files.insert(
        format!("/{}", write::MARKER),
        Published::Bytes(write::MARKER_TEXT.as_bytes()),
    );
    stages.done("files");
    let site = r.site();
    for (path, json) in crate::search::build(site) {
        files.insert(path, Published::Text(json));
    }
    stages.done("search");
    if !site.hall_of_fame.is_empty() {
        files.insert(HALL_FILTER.into(), Published::Text(r.hall_filter_json()));
    }
    stages.done("filter");
    use rayon::prelude::*;
    let list: Vec<(&String, &Published)> = files.iter().collect();
    // A card that cannot be drawn stops the build, but once: the same missing font
    // would otherwise be reported for every page.
    let failed: std::sync::Mutex<Option<Diagnostic>> = std::sync::Mutex::new(None);
    let card_failed = |d: Diagnostic| {
        if let Ok(mut f) = failed.lock() {
            f.get_or_insert(d);
        }
        std::io::Error::other("card")
    };
    list.par_iter()
        .try_for_each(|(dest, from)| match from {
            Published::File(src) => staging.copy(src, dest),
            Published::Cached(src) => staging.link_cached(src, dest),
            // Copied from the cache: a card the output already has is not written again.
            Published::Card(id, shape) => {
                let card = r.share_card_key(*id, *shape);
                let key =
                    xxhash_rust::xxh3::xxh3_128(format!("card {card}").as_bytes()).to_le_bytes();
                if staging.holds(dest, &key) {
                    r.share_cards().keep(&card);
                    return Ok(());
                }
                // Another build of the same site may prune the cache meanwhile: a card
                // gone between drawing and copying is drawn again, once.
                let mut tries = 0;
                loop {
                    tries += 1;
                    match r
                        .share_card_file(*id, *shape)
                        .map(|file| staging.link_cached_made(&file, dest, &key))
                    {
                        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound && tries < 2 => {}
                        Ok(copied) => break copied,
                        Err(d) => break Err(card_failed(d)),
                    }
                }
            }
            // A QR code is a function of its address: kept where the output has it.
            Published::Qr(url) => {
                let key = xxhash_rust::xxh3::xxh3_128(format!("qr {url}").as_bytes()).to_le_bytes();
                if staging.holds(dest, &key) {
                    return Ok(());
                }
                match crate::share::qr_svg(url) {
                    Some(svg) => staging.emit_made(dest, &key, svg.as_bytes()),
                    None => Ok(()),
                }
            }
            generated => match generated.generated(r) {
                Ok(Some(bytes)) => staging.emit(dest, &bytes),
                Ok(None) => Ok(()),
                Err(d) => Err(card_failed(d)),
            },
        })
        .or_else(|e| {
            // The card's own diagnostic says more than the placeholder error.
            if failed.lock().map(|f| f.is_some()).unwrap_or(false) {
                Ok(())
            } else {
                Err(e)
            }
        })?;
    if let Some(d) = failed.into_inner().ok().flatten() {
        diags.push(d);
    }
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
    let Some(resolved) = resolve(&abs) else {
        return Some(
            Diagnostic::error(t!("build.output_unusable", path = output.display()))
                .hint(t!("build.output.hint")),
        );
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
            Diagnostic::error(t!("build.output_own_files", path = output.display()))
                .hint(t!("build.output.hint")),
        );
    }
    // A non-empty folder that is not a laomo site is someone's files: refuse to replace it.
    if resolved.is_dir() {
        let has_entries = std::fs::read_dir(&resolved)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        // Only laomo's own marker says the folder is ours: an index.html is anyone's.
        let ours = resolved.join(write::MARKER).is_file();
        if has_entries && !ours {
            return Some(
                Diagnostic::error(t!("build.output_foreign", path = output.display()))
                    .hint(t!("build.output_foreign.hint", marker = write::MARKER)),
            );
        }
    }
    None
}

/// `abs` with `.` and `..` taken out and symlinks in its existing part followed, so
/// `--output ..` or `public/../..` is compared as the folder it really is.
fn resolve(abs: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                // `..` after a symlink means the link target's parent, as the OS reads it.
                out = out.canonicalize().unwrap_or(out);
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?.to_os_string());
        if !existing.pop() {
            return None;
        }
    }
    let mut resolved = existing.canonicalize().ok()?;
    for part in rest.into_iter().rev() {
        resolved.push(part);
    }
    // The file system root has no parent to stage beside.
    resolved.parent().map(|_| resolved.clone())
}
