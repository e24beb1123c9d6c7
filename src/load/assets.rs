//! Paths editors write to photos and media: relative to the page's folder, or to
//! `static/` when they start with `/`. None may leave the site root.

use super::SiteRoot;
use crate::model::{Image, Media};
use rust_i18n::t;
use std::path::{Component, Path, PathBuf};

/// Names of photo files, whether or not laomo can read them: never published as they
/// are, since they may carry GPS positions and camera serials.
pub const PHOTO_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "pjpeg", "png", "apng", "gif", "webp", "heic", "heif", "avif",
    "tif", "tiff", "bmp", "dng", "cr2", "cr3", "nef", "arw", "orf", "rw2", "raf", "jxl", "ico",
    "psd",
];

/// A photo by its name or its first bytes: photos a page does not use are left out
/// without a word (editors keep originals beside the ones they pick).
pub fn looks_like_photo(path: &Path, lower_name: &str) -> bool {
    if lower_name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| PHOTO_EXTENSIONS.contains(&ext))
    {
        return true;
    }
    let mut head = Vec::with_capacity(64);
    if let Ok(f) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = f.take(64).read_to_end(&mut head);
    }
    crate::util::photo_kind::is_image(&head)
}
/// Video and audio a page may publish as they are (`{{ video() }}`, an exhibit's video).
pub const MEDIA_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "webm", "mov", "ogv", "mp3", "m4a", "aac", "ogg", "oga", "opus", "wav",
];
/// The only files of a page's folder published as they are, besides its media: an
/// allow-list, since anything else (photos in formats laomo cannot read, RAW files,
/// notes, spreadsheets) may carry GPS positions, serials or private text.
/// SVG drawings are among them: they carry no camera data and are used as written.
pub const ATTACHMENT_EXTENSIONS: &[&str] = &["pdf", "vtt", "svg"];

/// Whether a bundle file is published beside its page as it is.
pub fn is_attachment(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.rsplit_once('.').is_some_and(|(_, ext)| {
        ATTACHMENT_EXTENSIONS.contains(&ext) || MEDIA_EXTENSIONS.contains(&ext)
    })
}

/// Where a referenced file is, and the site path it will be published at.
pub struct Resolved {
    pub source: PathBuf,
    pub output: String,
}

/// Resolves `written` for a page in `page_dir` published at `page_path`.
/// Errors are (message, hint).
pub fn resolve(
    site: &SiteRoot,
    page_dir: &Path,
    page_path: &str,
    written: &str,
) -> Result<Resolved, (String, String)> {
    let w = written.trim();
    if w.is_empty() {
        return Err((
            t!("assets.empty").into_owned(),
            t!("assets.empty.hint").into_owned(),
        ));
    }
    if w.contains("://") || w.starts_with("//") || w.starts_with("data:") {
        return Err((
            t!("assets.remote", path = w).into_owned(),
            t!("assets.remote.hint").into_owned(),
        ));
    }
    let looks_absolute_fs = w.starts_with('\\') || (w.len() > 2 && w.as_bytes()[1] == b':');
    if looks_absolute_fs {
        return Err((
            t!("assets.local_path", path = w).into_owned(),
            t!("assets.local_path.hint").into_owned(),
        ));
    }
    let (base, rel, static_file) = match w.strip_prefix('/') {
        Some(r) => (site.static_dir.clone(), r, true),
        None => (page_dir.to_path_buf(), w, false),
    };
    let joined = normalize(&base.join(rel));
    let Some(joined) =
        joined.filter(|j| j.starts_with(&site.root) || j.starts_with(&site.canonical))
    else {
        return Err((
            t!("assets.outside", path = w).into_owned(),
            t!("assets.outside.hint").into_owned(),
        ));
    };
    if !joined.is_file() {
        let looked = super::display_path(&site.root, &joined);
        let hint = match nearby_name(&joined) {
            Some(n) => t!("assets.not_found.nearby", looked = looked, name = n),
            None => t!("assets.not_found.hint", looked = looked),
        };
        return Err((
            t!("assets.not_found", path = w).into_owned(),
            hint.into_owned(),
        ));
    }
    match joined.canonicalize() {
        Ok(c) if c.starts_with(&site.canonical) => {}
        _ => {
            return Err((
                t!("assets.symlink", path = w).into_owned(),
                t!("assets.symlink.hint").into_owned(),
            ));
        }
    }
    let output = if static_file {
        site.site_path(&format!("/{}", rel.trim_start_matches('/')))
    } else {
        let inside = joined
            .strip_prefix(page_dir)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        match inside {
            Some(p) => format!("{page_path}{p}"),
            None => {
                let from_content = joined.strip_prefix(&site.content).unwrap_or(&joined);
                site.site_path(&format!(
                    "/{}",
                    from_content.to_string_lossy().replace('\\', "/")
                ))
            }
        }
    };
    Ok(Resolved {
        source: joined,
        output,
    })
}

/// Lexically resolves `.` and `..`; None when `..` climbs past the filesystem root.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// A file in the same folder whose name differs only in case or extension.
fn nearby_name(missing: &Path) -> Option<String> {
    let dir = missing.parent()?;
    let want = missing.file_stem()?.to_string_lossy().to_lowercase();
    let want_full = missing.file_name()?.to_string_lossy().to_lowercase();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
        .iter()
        .find(|n| n.to_lowercase() == want_full)
        .or_else(|| {
            names.iter().find(|n| {
                Path::new(n.as_str())
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_lowercase())
                    == Some(want.clone())
            })
        })
        .cloned()
}

pub use crate::util::url::url_path;

/// An image for a page: file checked, dimensions read from its header.
pub fn image(
    site: &SiteRoot,
    base_path: &str,
    page_dir: &Path,
    page_path: &str,
    written: &str,
    alt: Option<String>,
    caption: Option<String>,
) -> Result<Image, (String, String)> {
    let r = resolve(site, page_dir, page_path, written)?;
    // The first bytes say what the file is, whatever its name; the pipeline decodes it later.
    let mut head = Vec::with_capacity(4096);
    if let Ok(f) = std::fs::File::open(&r.source) {
        use std::io::Read;
        let _ = f.take(4096).read_to_end(&mut head);
    }
    if let Err(e) = crate::util::photo_kind::sniff(&head) {
        return Err((
            t!("assets.photo", path = written, message = e.message).into_owned(),
            e.hint,
        ));
    }
    let (width, height) = match imagesize::size(&r.source) {
        Ok(s) => (Some(s.width as u32), Some(s.height as u32)),
        Err(_) => {
            return Err((
                t!("assets.damaged", path = written).into_owned(),
                t!("assets.damaged.hint").into_owned(),
            ));
        }
    };
    Ok(Image {
        src: url_path(&format!(
            "{}{}",
            base_path,
            r.output.trim_start_matches('/')
        )),
        width,
        height,
        alt: alt.unwrap_or_default(),
        caption,
        credit: None,
        output: r.output,
        source: r.source,
        origin: Default::default(),
    })
}

pub fn media(
    site: &SiteRoot,
    base_path: &str,
    page_dir: &Path,
    page_path: &str,
    written: &str,
) -> Result<Media, (String, String)> {
    let r = resolve(site, page_dir, page_path, written)?;
    let ext = r
        .source
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !MEDIA_EXTENSIONS.contains(&ext.as_str()) {
        return Err((
            t!("assets.not_media", path = written).into_owned(),
            t!("assets.not_media.hint", types = MEDIA_EXTENSIONS.join(", ")).into_owned(),
        ));
    }
    // A photo renamed to .mp4 would be published with its GPS position and serials.
    let mut head = Vec::with_capacity(64);
    if let Ok(f) = std::fs::File::open(&r.source) {
        use std::io::Read;
        let _ = f.take(64).read_to_end(&mut head);
    }
    if crate::util::photo_kind::is_image(&head) {
        return Err((
            t!("assets.photo_as_video", path = written).into_owned(),
            t!("assets.photo_as_video.hint").into_owned(),
        ));
    }
    Ok(Media {
        src: url_path(&format!(
            "{}{}",
            base_path,
            r.output.trim_start_matches('/')
        )),
        output: r.output,
        source: r.source,
    })
}

/// Percent-encodes the path part of an absolute URL, leaving scheme and host alone.
pub fn url_path_full(url: &str) -> String {
    match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(cut) => format!("{}{}", &url[..cut], url_path(&url[cut..])),
        None => url.to_string(),
    }
}
