//! The files a Typst document sees: the theme's print templates, and what laomo made for
//! this document (its data as JSON, the bodies as markup, photos at print size, QR codes),
//! all in memory. Nothing else on the computer is readable from a template: a theme from
//! the web cannot read the editors' files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The fonts Typst may use, found once per process (a scan reads every font file's
/// tables).
pub struct Fonts {
    store: FontStore,
    /// Families that cover Chinese, in the order a book prefers them.
    pub chinese_serif: Vec<String>,
    pub chinese_sans: Vec<String>,
}

impl Fonts {
    /// The fonts in `named` (files or folders) when site.yaml names any, so a book comes
    /// out the same on every computer; else the computer's own.
    pub fn scan(named: &[PathBuf]) -> Fonts {
        let mut store = FontStore::new();
        for path in named {
            if path.is_dir() {
                store.extend(typst_kit::fonts::scan(path));
            } else if let Ok(data) = std::fs::read(path) {
                for font in Font::iter(Bytes::new(data)) {
                    let info = font.info().clone();
                    store.push((font, info));
                }
            }
        }
        if named.is_empty() {
            store.extend(typst_kit::fonts::system());
        }
        let mut serif = Vec::new();
        let mut sans = Vec::new();
        let book = store.book();
        for (family, mut faces) in book.families() {
            // 中 and 劳: a font with both has the common hanzi, not a few symbols.
            let chinese = faces.any(|i| {
                book.info(i).is_some_and(|i| {
                    i.coverage.contains('中' as u32) && i.coverage.contains('劳' as u32)
                })
            });
            if !chinese {
                continue;
            }
            let lower = family.to_lowercase();
            let list = if lower.contains("serif") || lower.contains("song") || lower.contains("宋")
            {
                &mut serif
            } else {
                &mut sans
            };
            if !list.iter().any(|f: &String| f == family) {
                list.push(family.to_string());
            }
        }
        // Simplified Chinese first: a JP or KR cut draws some hanzi in other shapes.
        let rank = |f: &String| {
            let f = f.to_lowercase();
            (
                !(f.ends_with(" sc") || f.contains("sc ") || f.contains("simplified")),
                f.contains("mono"),
                f.clone(),
            )
        };
        serif.sort_by_key(rank);
        sans.sort_by_key(rank);
        Fonts {
            store,
            chinese_serif: serif,
            chinese_sans: sans,
        }
    }

    pub fn has_chinese(&self) -> bool {
        !(self.chinese_serif.is_empty() && self.chinese_sans.is_empty())
    }
}

/// A document's world: its main template and every file it may read.
pub struct PrintWorld {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    /// How each source is named in messages: the theme file or the page it came from.
    pub shown: HashMap<FileId, String>,
    today: OnceLock<Option<Datetime>>,
}

/// The document's own path for `path` (`/print/book.typ`).
pub fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|v| RootedPath::new(VirtualRoot::Project, v).intern())
}

impl PrintWorld {
    pub fn new(fonts: Arc<Fonts>, main: FileId) -> PrintWorld {
        PrintWorld {
            library: LazyHash::new(Library::default()),
            fonts,
            main,
            sources: HashMap::new(),
            files: HashMap::new(),
            shown: HashMap::new(),
            today: OnceLock::new(),
        }
    }

    /// A Typst source at `path`, named `shown` in messages.
    pub fn add_source(&mut self, path: &str, text: String, shown: String) {
        if let Some(id) = file_id(path) {
            self.sources.insert(id, Source::new(id, text));
            self.shown.insert(id, shown);
        }
    }

    /// Any other file at `path` (JSON, a photo, an SVG).
    pub fn add_file(&mut self, path: &str, bytes: Vec<u8>) {
        if let Some(id) = file_id(path) {
            self.files.insert(id, Bytes::new(bytes));
        }
    }

    pub fn source_of(&self, id: FileId) -> Option<&Source> {
        self.sources.get(&id)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(s) = self.sources.get(&id) {
            return Ok(Bytes::from_string(s.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    /// The date the document is printed on; the same all through one compilation.
    fn today(&self, offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        *self.today.get_or_init(|| {
            let _ = offset;
            let days = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs()
                / 86_400;
            let (y, m, d) = civil_from_days(days as i64);
            Datetime::from_ymd(y, m, d)
        })
    }
}

/// Year, month and day of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_790), (2026, 12, 3));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
