//! Print: the site's own content typeset as PDF, with Typst used as a library. A
//! collection becomes a book (`laomo book`), an exhibition a sheet of exhibit labels
//! (`laomo labels`).
//!
//! The flow is the build's, with Typst in place of Tera: the site is loaded and linked
//! with the same rules (no drafts unless asked, every reference resolved, private values
//! never read), the document's data is written as JSON beside each body as Typst markup
//! ([`markup`]), photos are copied at print size ([`crate::imageproc::print`]), and the
//! theme's `templates/print/*.typ` lays it all out. Typst's own errors come back as the
//! same rustc-style diagnostics, naming the template file and line.

pub mod book;
pub mod labels;
pub mod markup;
pub mod world;

use crate::config::{Config, PrintSettings};
use crate::diagnostic::{Diagnostic, Diagnostics, Position};
use crate::link::Site;
use crate::model::{Kind, PageId};
use crate::render::theme::Theme;
use rust_i18n::t;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst_layout::PagedDocument;
use world::{Fonts, PrintWorld};

/// The linked site a document is printed from, and the theme with its print templates.
pub struct Sources {
    pub site: Site,
    pub theme: Theme,
    pub root: PathBuf,
}

impl Sources {
    /// The page `query` names (slug, URL or file), which must be of `kind`; else an error
    /// listing the pages of that kind there are (`among`). `messages` is the command's key
    /// prefix in locales/print.yml (`book`, `labels`): `not_found`, `wrong_kind`,
    /// `none_there`, `those_there`.
    pub fn find(
        &self,
        query: &str,
        kind: Kind,
        among: &[PageId],
        messages: &str,
    ) -> Result<PageId, Diagnostic> {
        let site = &self.site;
        let found = crate::poster::find_page(site, &self.root, query);
        if let Some(id) = found.filter(|&id| site.page(id).kind == kind) {
            return Ok(id);
        }
        let names: Vec<String> = among
            .iter()
            .map(|&id| format!("{} ({})", site.page(id).slug, site.page(id).title))
            .collect();
        let message = match found {
            Some(id) => t!(
                format!("{messages}.wrong_kind"),
                page = query,
                what = site.page(id).kind.noun()
            ),
            None => t!(format!("{messages}.not_found"), page = query),
        };
        Err(Diagnostic::error(message).hint(if names.is_empty() {
            t!(format!("{messages}.none_there")).into_owned()
        } else {
            t!(format!("{messages}.those_there"), list = names.join("、")).into_owned()
        }))
    }
}

/// Loads and links the site as a build does; any error stops the printing, so paper never
/// shows a broken reference the site would refuse.
pub fn load_site(root: &Path, drafts: bool, diags: &mut Diagnostics) -> Option<Sources> {
    let site_root = crate::build::open_root(root, diags)?;
    let config = Config::load(root, diags)?;
    let theme = Theme::load(root, &config.theme, &config.language, diags);
    let loaded = crate::load::federation::load_all(&site_root, &config, None, diags);
    if !drafts {
        diags.soften(&loaded.draft_files);
    }
    let site = crate::link::link(config, loaded, drafts, diags);
    if diags.has_errors() {
        return None;
    }
    Some(Sources {
        site,
        theme,
        root: root.to_path_buf(),
    })
}

/// The fonts for `settings`, scanned once per process; an error when none covers Chinese.
pub fn fonts(settings: &PrintSettings) -> Result<Arc<Fonts>, Diagnostic> {
    static SCANNED: Mutex<Vec<(Vec<PathBuf>, Arc<Fonts>)>> = Mutex::new(Vec::new());
    let mut scanned = SCANNED.lock().unwrap_or_else(|e| e.into_inner());
    let fonts = match scanned.iter().find(|(k, _)| *k == settings.fonts) {
        Some((_, f)) => f.clone(),
        None => {
            let f = Arc::new(Fonts::scan(&settings.fonts));
            scanned.push((settings.fonts.clone(), f.clone()));
            f
        }
    };
    if !fonts.has_chinese() {
        return Err(
            Diagnostic::error(t!("print.no_chinese_font")).hint(t!("print.no_chinese_font.hint"))
        );
    }
    Ok(fonts)
}

/// The theme's print templates, at `/print/…` in the document's world, so one may
/// `#import "common.typ"` another.
pub fn add_templates(world: &mut PrintWorld, theme: &Theme) {
    for (name, (text, shown)) in theme.templates.range("print/".to_string()..) {
        if !name.starts_with("print/") {
            break;
        }
        if name.ends_with(".typ") {
            world.add_source(&format!("/{name}"), text.clone(), shown.clone());
        }
    }
}

/// Typesets the world's main template into PDF bytes; Typst's errors and warnings are
/// turned into laomo's diagnostics.
pub fn typeset(
    world: &PrintWorld,
    diags: &mut Diagnostics,
    stages: &mut crate::build::Stages,
) -> Option<(Vec<u8>, usize)> {
    // Laying out a book of a few hundred pages takes seconds: say so on a terminal.
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(t!("print.progress.typeset").into_owned());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let typeset = typeset_quietly(world, diags, stages);
    spinner.finish_and_clear();
    typeset
}

fn typeset_quietly(
    world: &PrintWorld,
    diags: &mut Diagnostics,
    stages: &mut crate::build::Stages,
) -> Option<(Vec<u8>, usize)> {
    let warned = typst::compile::<PagedDocument>(world);
    stages.done("typeset");
    for w in &warned.warnings {
        // Typst warns of fonts missing a glyph; one line per warning is enough.
        diags.push(diagnostic(world, w));
    }
    let document = match warned.output {
        Ok(d) => d,
        Err(errors) => {
            for e in &errors {
                diags.push(diagnostic(world, e));
            }
            return None;
        }
    };
    let options = typst_pdf::PdfOptions::default();
    let pdf = typst_pdf::pdf(&document, &options);
    stages.done("pdf");
    match pdf {
        Ok(bytes) => Some((bytes, document.pages().len())),
        Err(errors) => {
            for e in &errors {
                diags.push(diagnostic(world, e));
            }
            None
        }
    }
}

/// A Typst diagnostic as laomo's: the template file (or the page a body came from), the
/// line and column, Typst's message and its hints.
fn diagnostic(world: &PrintWorld, d: &SourceDiagnostic) -> Diagnostic {
    let message = t!("print.typst", message = d.message.as_str()).into_owned();
    let mut out = match d.severity {
        Severity::Error => Diagnostic::error(message),
        Severity::Warning => Diagnostic::warning(message),
    };
    let hints: Vec<&str> = d.hints.iter().map(|h| h.v.as_str()).collect();
    out = out.hint(if hints.is_empty() {
        t!("print.typst.hint").into_owned()
    } else {
        hints.join("; ")
    });
    // The innermost place in a file laomo can name: the error itself, else the call
    // in the template that led to it.
    let spans = std::iter::once(d.span).chain(d.trace.iter().map(|t| t.span.into()));
    for span in spans {
        let Some(id) = span.id() else { continue };
        let (Some(shown), Some(source)) = (world.shown.get(&id), world.source_of(id)) else {
            continue;
        };
        out = out.in_file(shown.clone());
        if let Some(range) = world.range(span)
            && let Some((line, col)) = source.lines().byte_to_line_column(range.start)
        {
            let text = source.text();
            let line_text = text.lines().nth(line).unwrap_or("");
            out = out
                .at(Position::new(line + 1, col + 1))
                .with_line(Some(line_text));
        }
        break;
    }
    out
}

/// Shared by the book and the labels: the photo copies a document prints, each under
/// its own name in the world (`/laomo/photos/3.jpg`).
#[derive(Default)]
pub struct PhotoList {
    /// (source file, width in mm) → name in the world.
    names: HashMap<(PathBuf, u32), String>,
    pub wanted: Vec<(crate::model::Image, f64, String)>,
}

impl PhotoList {
    /// The world's name for `img` printed `mm` wide; the file is made by [`Self::make`].
    pub fn name(&mut self, img: &crate::model::Image, mm: f64) -> String {
        let key = (img.source.clone(), mm.round() as u32);
        if let Some(n) = self.names.get(&key) {
            return n.clone();
        }
        let name = format!("/laomo/photos/{}", self.wanted.len());
        self.names.insert(key, name.clone());
        self.wanted.push((img.clone(), mm, name.clone()));
        name
    }

    /// Copies every photo at print size, in parallel, into `world` (Typst tells JPEG
    /// from PNG by the bytes).
    pub fn make(
        &self,
        root: &Path,
        max_pixels: u64,
        world: &mut PrintWorld,
        diags: &mut Diagnostics,
    ) {
        use rayon::prelude::*;
        let cache = root.join(".laomo-cache").join("print");
        let bar = progress(self.wanted.len() as u64, &t!("print.progress.photos"));
        let made: Vec<_> = self
            .wanted
            .par_iter()
            .map(|(img, mm, name)| {
                let r = crate::imageproc::print::copy(img, *mm, max_pixels, &cache);
                bar.inc(1);
                (name, r)
            })
            .collect();
        bar.finish_and_clear();
        for (name, r) in made {
            match r {
                Ok(copy) => world.add_file(name, copy.bytes),
                Err(d) => diags.push(d),
            }
        }
    }
}

/// A progress bar on a terminal, nothing when the output is a file or a test.
pub fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Writes the PDF whole or not at all: a failed printing leaves the last one readable.
pub fn write_pdf(file: &Path, bytes: &[u8], diags: &mut Diagnostics) -> bool {
    match crate::util::fs::replace_whole(file, bytes) {
        Ok(()) => true,
        Err(e) => {
            diags.push(Diagnostic::error(t!(
                "scaffold.cannot_write",
                path = file.display(),
                error = e
            )));
            false
        }
    }
}
