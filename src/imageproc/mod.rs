//! The photo pipeline, on the side of the main flow: every photo a page uses is
//! decoded once, made upright and sRGB, resized to the configured widths and encoded
//! as JPEG (PNG when transparent) and WebP, with no metadata. Results live in a
//! content-addressed cache outside `public/`, keyed by the photo's bytes and the
//! settings, so a rebuild with nothing changed decodes nothing.

pub mod decode;
pub mod encode;
pub mod print;

use crate::config::ImageSettings;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Asset, Crop, Image};
use encode::Format;
use rayon::prelude::*;
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bump when the output of the pipeline changes, so old cache entries are not reused.
const PIPELINE_VERSION: &str = "laomo-images-2";
/// Square crops for portraits in cards.
const SQUARE_WIDTHS: &[u32] = &[240, 480];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    pub crop: Crop,
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// File name inside the cache entry.
    pub file: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// Upright size of the source photo.
    pub width: u32,
    pub height: u32,
    pub pixels: u64,
    pub color: String,
    pub variants: Vec<Variant>,
}

#[derive(Debug)]
pub struct Processed {
    pub key: String,
    pub dir: PathBuf,
    pub meta: Meta,
}

/// All processed photos of a build, by source file.
#[derive(Default)]
pub struct Photos {
    pub by_source: BTreeMap<PathBuf, Arc<Processed>>,
    /// How many were decoded in this build (the rest came from the cache).
    pub decoded: usize,
}

pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".laomo-cache").join("images")
}

/// One photo to process, with where it was first used (for messages).
struct Job<'a> {
    image: &'a Image,
    square: bool,
}

/// Every image the site uses, with whether any use needs a square crop (portraits).
fn jobs<'a>(
    pages: &'a crate::model::PerPage<std::sync::Arc<crate::model::Page>>,
    intros: &'a [&'a crate::model::SectionIntro],
) -> Vec<Job<'a>> {
    let mut by_source: BTreeMap<&Path, Job> = BTreeMap::new();
    let assets = intros
        .iter()
        .flat_map(|intro| intro.assets())
        .chain(pages.iter().flat_map(|p| p.assets()));
    for asset in assets {
        if let Asset::Photo { image, portrait } = asset {
            by_source
                .entry(image.source.as_path())
                .and_modify(|j| j.square |= portrait)
                .or_insert(Job {
                    image,
                    square: portrait,
                });
        }
    }
    by_source.into_values().collect()
}

fn cache_key(bytes: &[u8], settings: &ImageSettings, square: bool) -> String {
    let mut h = blake3::Hasher::new();
    h.update(PIPELINE_VERSION.as_bytes());
    h.update(&(settings.quality as u32).to_le_bytes());
    for w in &settings.widths {
        h.update(&w.to_le_bytes());
    }
    h.update(&[u8::from(square)]);
    h.update(bytes);
    h.finalize().to_hex()[..32].to_string()
}

pub(crate) fn origin_error(
    img: &Image,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Diagnostic {
    let o = &img.origin;
    // The photo's own name, so the message says which file even in a gallery line.
    let name = img
        .source
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let message: String = message.into();
    let mut d = Diagnostic::error(t!(
        "photo.in_field",
        field = o.field,
        name = name,
        message = message
    ))
    .in_file(o.page.clone())
    .at_opt(o.position)
    .hint(hint);
    d.source_line = o.source_line.clone();
    d
}

fn load_cached(dir: &Path) -> Option<Meta> {
    let text = std::fs::read_to_string(dir.join("meta.json")).ok()?;
    let meta: Meta = serde_json::from_str(&text).ok()?;
    meta.variants
        .iter()
        .all(|v| dir.join(&v.file).is_file())
        .then_some(meta)
}

fn process_one(
    job: &Job,
    settings: &ImageSettings,
    cache: &Path,
    decoded: &AtomicUsize,
) -> Result<Processed, Diagnostic> {
    let img = job.image;
    let bytes = std::fs::read(&img.source).map_err(|e| {
        origin_error(
            img,
            t!("photo.cannot_read", path = img.source.display(), error = e),
            t!("photo.cannot_read.hint"),
        )
    })?;
    let key = cache_key(&bytes, settings, job.square);
    let dir = cache.join(&key);
    if let Some(meta) = load_cached(&dir) {
        if meta.pixels > settings.max_pixels {
            return Err(origin_error(
                img,
                t!(
                    "photo.cached_too_many_pixels",
                    megapixels = format!("{:.0}", meta.pixels as f64 / 1e6),
                    limit = format!("{:.0}", settings.max_pixels as f64 / 1e6)
                ),
                t!("photo.cached_too_many_pixels.hint"),
            ));
        }
        return Ok(Processed { key, dir, meta });
    }
    let want = settings
        .widths
        .iter()
        .copied()
        .max()
        .unwrap_or(1600)
        .max(*SQUARE_WIDTHS.last().unwrap_or(&480));
    let d = decode::decode(&bytes, settings.max_pixels, want)
        .map_err(|e| origin_error(img, e.message, e.hint))?;
    decoded.fetch_add(1, Ordering::Relaxed);
    let square: &[u32] = if job.square { SQUARE_WIDTHS } else { &[] };
    let encoded =
        encode::variants(&d.image, &settings.widths, square, settings.quality).map_err(|e| {
            origin_error(
                img,
                t!("photo.cannot_encode", error = e),
                t!("photo.cannot_encode.hint"),
            )
        })?;
    let color = encode::average_color(&d.image);
    // Written under a temporary name and renamed, so a cut-off build leaves no half entry.
    static TMP: AtomicUsize = AtomicUsize::new(0);
    let tmp = cache.join(format!(
        ".{key}.{}.{}.tmp",
        std::process::id(),
        TMP.fetch_add(1, Ordering::Relaxed)
    ));
    let write = || -> std::io::Result<Meta> {
        std::fs::create_dir_all(&tmp)?;
        let mut variants = Vec::new();
        for e in &encoded {
            let file = format!("{}{}.{}", e.crop.prefix(), e.width, e.format.ext());
            std::fs::write(tmp.join(&file), &e.bytes)?;
            variants.push(Variant {
                crop: e.crop,
                width: e.width,
                height: e.height,
                format: e.format,
                file,
            });
        }
        let meta = Meta {
            width: d.full_width,
            height: d.full_height,
            pixels: u64::from(d.full_width) * u64::from(d.full_height),
            color: color.clone(),
            variants,
        };
        std::fs::write(
            tmp.join("meta.json"),
            serde_json::to_vec(&meta).map_err(std::io::Error::other)?,
        )?;
        if std::fs::rename(&tmp, &dir).is_err() {
            // Another worker finished the same photo (identical bytes elsewhere) first.
            let _ = std::fs::remove_dir_all(&tmp);
            if load_cached(&dir).is_none() {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(std::io::Error::other(t!("photo.cache_entry").into_owned()));
            }
        }
        Ok(meta)
    };
    let meta = write().map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        Diagnostic::error(t!(
            "photo.cannot_write_cache",
            path = cache.display(),
            error = e
        ))
    })?;
    Ok(Processed { key, dir, meta })
}

/// Processes every photo of the site in parallel, with a progress bar on a terminal.
pub fn process(site: &crate::link::Site, root: &Path, diags: &mut Diagnostics) -> Photos {
    let started = std::time::SystemTime::now();
    let settings = &site.config.images;
    let cache = cache_dir(root);
    if let Err(e) = std::fs::create_dir_all(&cache) {
        diags.push(Diagnostic::error(t!(
            "photo.cannot_create_cache",
            path = cache.display(),
            error = e
        )));
        return Photos::default();
    }
    let mut intros: Vec<&crate::model::SectionIntro> = site.intros.values().collect();
    intros.sort_by(|a, b| a.source.cmp(&b.source));
    let jobs = jobs(&site.pages, &intros);
    let decoded = AtomicUsize::new(0);
    let progress = Progress::new(jobs.len());
    let results: Vec<(PathBuf, Result<Processed, Diagnostic>)> = jobs
        .par_iter()
        .map(|j| {
            let r = process_one(j, settings, &cache, &decoded);
            progress.tick(&j.image.source);
            (j.image.source.clone(), r)
        })
        .collect();
    progress.finish(decoded.load(Ordering::Relaxed));
    let mut photos = Photos {
        decoded: decoded.into_inner(),
        ..Default::default()
    };
    for (source, r) in results {
        match r {
            Ok(p) => {
                photos.by_source.insert(source, Arc::new(p));
            }
            Err(d) => diags.push(d),
        }
    }
    // Entries no photo of this build uses are stale: remove them.
    if !diags.has_errors() {
        let used: HashSet<&str> = photos.by_source.values().map(|p| p.key.as_str()).collect();
        if let Ok(rd) = std::fs::read_dir(&cache) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let path = e.path();
                if !used.contains(name.as_str())
                    && crate::util::fs::cache_entry_is_stale(&path, started)
                {
                    let _ = std::fs::remove_dir_all(path);
                }
            }
        }
    }
    photos
}

impl Photos {
    /// (cache file, site path) for every published variant of `img`.
    pub fn outputs(&self, img: &Image) -> Vec<(PathBuf, String)> {
        let Some(p) = self.by_source.get(&img.source) else {
            return Vec::new();
        };
        p.meta
            .variants
            .iter()
            .map(|v| (p.dir.join(&v.file), variant_path(img, p, v)))
            .collect()
    }

    pub fn get(&self, img: &Image) -> Option<&Processed> {
        self.by_source.get(&img.source).map(|a| a.as_ref())
    }
}

/// `/stories/laomo-lin/cover.jpg` → `/stories/laomo-lin/cover-3fa9c2d1-960.webp`.
pub fn variant_path(img: &Image, p: &Processed, v: &Variant) -> String {
    let (dir, name) = img.output.rsplit_once('/').unwrap_or(("", &img.output));
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    format!(
        "{dir}/{stem}-{}-{}{}.{}",
        &p.key[..8],
        v.crop.prefix(),
        v.width,
        v.format.ext()
    )
}

/// A progress bar on a terminal when there is real work; one quiet line otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        use std::io::IsTerminal;
        let bar = (total >= 8 && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {wide_msg}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b.set_prefix(t!("photo.progress"));
            b
        });
        Progress { bar, total }
    }

    fn tick(&self, source: &Path) {
        if let Some(b) = &self.bar {
            b.set_message(
                source
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
            );
            b.inc(1);
        }
    }

    fn finish(&self, decoded: usize) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        if decoded > 0 {
            eprintln!(
                "{}",
                t!(
                    "photo.summary",
                    processed = decoded,
                    cached = self.total - decoded
                )
            );
        }
    }
}
