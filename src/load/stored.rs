//! What the load stage made of each file, kept between runs of `laomo build`: a deploy
//! after one edit reads and parses that one file and takes every other page from here
//! (loading all 15,000 files again was over a third of such a build at 10,000 profiles).
//!
//! An entry is found by a key that covers all that loading a file reads: the file's own
//! content and place (the build manifest's fingerprints say what it holds without
//! reading it), and, for every file at once, the laomo binary, the language of its
//! messages, site.yaml and the build's options, the site's folder, the names of every
//! Markdown file and the content of every other input (a photo gives pages its size, a
//! missing one's hint names its neighbours). Change any of those and every file is
//! loaded again, which is always right; an edit to one page changes one key.
//!
//! Some results are never kept, and loaded each time: a page with an error (its
//! messages may name files no key covers, such as a missing photo's neighbours), a
//! page using a file outside content/ and static/ (not fingerprinted), a file saved in
//! the two seconds before the build (it may be saved again within one tick of the file
//! system's clock, unseen), and everything a build loaded while another input changed.
//!
//! The entries are one file, `.laomo-cache/loads.pack`: after a header, records of a
//! 32-byte key, a length (u64, little-endian) and the entry: 16 bytes of its blake3,
//! then the entry compressed (LZ4). A file each was simpler, but creating 15,000 files
//! cost a first build 3–9 s on a virtual disk; one file is written in one go, and only
//! when the build changed what it holds. It is read whole at the start (39 MB at 10,000
//! profiles) and let go after loading. What cannot be read is loaded again. A site with
//! `git:` sources keeps none: their files are fetched during the build, after the
//! fingerprints are taken.

use super::{Entry, Loaded1, SiteRoot};
use crate::config::Paper;
use crate::diagnostic::{Diagnostic, Position, Severity, SourceLine};
use crate::model::shortcode::{ArgValue, ShortcodeCall};
use crate::model::{
    Association, Collection, Date, Details, Exhibit, Exhibition, Figure, Hall, Image, ImageOrigin,
    Kind, Media, Page, Part, PlainPage, Profile, ProfileHonor, Reference, SectionIntro, SiteLink,
    Story,
};
use crate::pinyin::{Reading, Syllable};
use crate::util::fs::Fingerprint;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The pack's first bytes: a file of another format is not read as this one.
const MAGIC: &[u8] = b"laomo-loads 2\n";

type Key = [u8; 32];

/// A file saved this recently before the build is not kept (see [`Store::put`]).
const RECENT_NS: i128 = 2_000_000_000;

/// The stored loads of one site, and what this build takes from them and adds.
pub struct Store {
    file: PathBuf,
    /// Everything every file's load depends on, hashed.
    common: blake3::Hash,
    /// The Markdown files as the manifest found them, by the path it and messages use.
    stamps: rustc_hash::FxHashMap<String, Fingerprint>,
    /// Every other input file, where it is and as the manifest found it: one changed
    /// while this build loaded makes what it loaded unfit to keep.
    others: Vec<(PathBuf, u64, i128)>,
    /// When the fingerprints were taken, in nanoseconds since the epoch.
    started: i128,
    taken: std::sync::atomic::AtomicUsize,
    loaded: std::sync::atomic::AtomicUsize,
    /// The pack the last build left, and where each record is in it.
    old: Vec<u8>,
    index: rustc_hash::FxHashMap<Key, std::ops::Range<usize>>,
    /// The old pack was read to its end: new records may be appended to it.
    whole: bool,
    /// Records of the old pack this build used, and the ones it made.
    kept: std::sync::Mutex<rustc_hash::FxHashSet<Key>>,
    fresh: std::sync::Mutex<Vec<(Key, Vec<u8>)>>,
}

impl Store {
    /// The store of the site at `root`, for a build of this laomo with these options
    /// (`build`), whose inputs are as `inputs` (the build manifest's fingerprints, taken
    /// before anything is read). `read: false` starts from nothing (`--force`). None
    /// for a site with `git:` sources.
    pub fn new(
        root: &Path,
        build: &str,
        inputs: &BTreeMap<String, Fingerprint>,
        read: bool,
    ) -> Option<Store> {
        let started = crate::util::fs::now_ns();
        let sources = crate::config::sources::listed(root);
        if sources.iter().any(|s| s.git.is_some()) {
            return None;
        }
        let mut common = blake3::Hasher::new();
        common.update(MAGIC);
        for part in [
            build.to_string(),
            rust_i18n::locale().to_string(),
            std::path::absolute(root)
                .unwrap_or_else(|_| root.to_path_buf())
                .to_string_lossy()
                .into_owned(),
        ] {
            common.update(part.as_bytes()).update(b"\0");
        }
        let (mut stamps, mut others) = (rustc_hash::FxHashMap::default(), Vec::new());
        for (rel, stamp) in inputs {
            common.update(rel.as_bytes()).update(b"\0");
            if is_page_file(rel) {
                stamps.insert(rel.clone(), stamp.clone());
                continue;
            }
            common.update(stamp.hash.as_bytes()).update(b"\0");
            let path = match rel.strip_prefix('[').and_then(|r| r.split_once("] ")) {
                Some((name, r)) => match sources.iter().find(|s| s.name == name) {
                    Some(s) => s.root.join(r),
                    None => continue,
                },
                None => root.join(rel),
            };
            others.push((path, stamp.size, stamp.mtime));
        }
        let file = root.join(".laomo-cache").join("loads.pack");
        let old = match read {
            true => std::fs::read(&file).unwrap_or_default(),
            false => Vec::new(),
        };
        let (index, whole) = records(&old);
        Some(Store {
            whole,
            file,
            common: common.finalize(),
            stamps,
            others,
            started,
            taken: Default::default(),
            loaded: Default::default(),
            old,
            index,
            kept: Default::default(),
            fresh: Default::default(),
        })
    }

    /// The entry's key, and the file as the manifest found it.
    fn key(&self, site: &SiteRoot, entry: &Entry) -> Option<(Key, &Fingerprint)> {
        let (path, what) = match entry {
            Entry::Page { path, bundle } => (path, if *bundle { "bundle" } else { "page" }),
            Entry::Intro { path } => (path, "intro"),
        };
        let rel = site.rel(path);
        let stamp = self.stamps.get(&rel).filter(|i| !i.hash.is_empty())?;
        let mut key = blake3::Hasher::new();
        for part in [
            self.common.as_bytes(),
            rel.as_bytes(),
            what.as_bytes(),
            stamp.hash.as_bytes(),
        ] {
            key.update(part).update(b"\0");
        }
        Some((*key.finalize().as_bytes(), stamp))
    }

    /// What an earlier build made of this file, if nothing it depends on has changed.
    pub(super) fn get(&self, site: &SiteRoot, entry: &Entry) -> Option<Loaded1> {
        use std::sync::atomic::Ordering::Relaxed;
        let found = self.find(site, entry);
        match found {
            Some(_) => self.taken.fetch_add(1, Relaxed),
            None => self.loaded.fetch_add(1, Relaxed),
        };
        found
    }

    fn find(&self, site: &SiteRoot, entry: &Entry) -> Option<Loaded1> {
        let (key, _) = self.key(site, entry)?;
        let record = &self.old[self.index.get(&key)?.clone()];
        // A checksum first: LZ4 has none, and a flipped byte in a text decodes to a
        // page that reads fine but is wrong.
        let (check, packed) = record.split_at_checked(16)?;
        if check != &blake3::hash(packed).as_bytes()[..16] {
            return None;
        }
        // The size written before the data: a damaged one must not reserve gigabytes
        // (LZ4 shrinks text at most 255 times).
        let size = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
        if size > packed.len().saturating_mul(255) {
            return None;
        }
        let bytes = lz4_flex::block::decompress_size_prepended(packed).ok()?;
        let mut input = In {
            bytes: &bytes,
            lines: Vec::new(),
        };
        let result = Loaded1::take(&mut input)?;
        if !input.bytes.is_empty() {
            return None;
        }
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(key);
        }
        Some(result)
    }

    /// Keeps what this build made of the file, for the next.
    pub(super) fn put(&self, site: &SiteRoot, entry: &Entry, result: &Loaded1) {
        let Some((key, stamp)) = self.key(site, entry) else {
            return;
        };
        // A file saved since the manifest took its hash was loaded as it is now: kept
        // under the old hash, it would stand for text it does not hold.
        // And one saved just before the build may be saved again within the same tick
        // of the file system's clock (2 s on FAT), unseen: kept next time.
        let (Entry::Page { path, .. } | Entry::Intro { path }) = entry;
        let unchanged = std::fs::metadata(path)
            .is_ok_and(|m| m.len() == stamp.size && crate::util::fs::mtime_ns(&m) == stamp.mtime);
        if !unchanged || stamp.mtime > self.started - RECENT_NS {
            return;
        }
        // A page with a mistake is loaded again each time (its messages may name files
        // no key covers, such as the neighbours of a missing photo); so is a page using
        // a file outside content/ and static/, which the fingerprints do not cover.
        let (page, intro, diags) = result;
        if diags.iter().any(Diagnostic::is_error) {
            return;
        }
        let inside = |a: crate::model::Asset| {
            a.source().starts_with(&site.content) || a.source().starts_with(&site.static_dir)
        };
        let assets = page.iter().flat_map(|p| p.assets());
        if !assets
            .chain(intro.iter().flat_map(|i| i.assets()))
            .all(inside)
        {
            return;
        }
        let mut out = Out::new();
        result.put(&mut out);
        if out.whole {
            let packed = lz4_flex::block::compress_prepend_size(&out.bytes);
            let mut record = blake3::hash(&packed).as_bytes()[..16].to_vec();
            record.extend_from_slice(&packed);
            if let Ok(mut fresh) = self.fresh.lock() {
                fresh.push((key, record));
            }
        }
    }

    /// Writes the pack for the next build: the records this build used and the ones
    /// it made (those of files since changed or gone are left out). Nothing is written
    /// when that is what the pack already holds. Failing to write costs only time.
    pub fn save(self) -> (usize, usize) {
        let counts = (self.taken.into_inner(), self.loaded.into_inner());
        let kept = self.kept.into_inner().unwrap_or_default();
        let mut fresh = self.fresh.into_inner().unwrap_or_default();
        // Nothing loaded (a build that stopped before loading) or nothing new.
        if fresh.is_empty() && (kept.is_empty() || kept.len() == self.index.len()) {
            return counts;
        }
        // A photo or site.yaml changed while this build loaded: what it loaded may
        // have read either version, and the key says the old one.
        use rayon::prelude::*;
        let moved = self.others.par_iter().any(|(path, size, mtime)| {
            std::fs::metadata(path).map_or(true, |m| {
                m.len() != *size || crate::util::fs::mtime_ns(&m) != *mtime
            })
        });
        if moved {
            fresh.clear();
        }
        // The records of files since changed or gone stay in the pack, unused, while
        // they are under a quarter of it: a build after one edit appends one record
        // instead of writing 40 MB again.
        let dead: usize = self
            .index
            .iter()
            .filter(|(k, _)| !kept.contains(*k))
            .map(|(_, r)| r.len() + 40)
            .sum();
        if self.whole
            && dead * 4 < self.old.len()
            && self.old.len() > MAGIC.len()
            && (fresh.is_empty() || append(&self.file, self.old.len(), &fresh).is_ok())
        {
            return counts;
        }
        let mut old: Vec<(&Key, &std::ops::Range<usize>)> = self
            .index
            .iter()
            .filter(|(k, _)| kept.contains(*k))
            .collect();
        old.sort_by_key(|(_, r)| r.start);
        let mut pack = Vec::with_capacity(
            MAGIC.len()
                + old.iter().map(|(_, r)| r.len() + 40).sum::<usize>()
                + fresh.iter().map(|(_, p)| p.len() + 40).sum::<usize>(),
        );
        pack.extend_from_slice(MAGIC);
        let records = old
            .into_iter()
            .map(|(k, r)| (k, &self.old[r.clone()]))
            .chain(fresh.iter().map(|(k, p)| (k, &p[..])));
        for (key, packed) in records {
            pack.extend_from_slice(key);
            pack.extend_from_slice(&(packed.len() as u64).to_le_bytes());
            pack.extend_from_slice(packed);
        }
        if let Some(dir) = self.file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::util::fs::replace_whole(&self.file, &pack);
        counts
    }
}

/// Adds records at the end of the pack, if it is still the `len` bytes this build
/// read (another build of the site may have written it since).
fn append(file: &Path, len: usize, fresh: &[(Key, Vec<u8>)]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tail = Vec::with_capacity(fresh.iter().map(|(_, p)| p.len() + 40).sum());
    for (key, packed) in fresh {
        tail.extend_from_slice(key);
        tail.extend_from_slice(&(packed.len() as u64).to_le_bytes());
        tail.extend_from_slice(packed);
    }
    let mut f = std::fs::File::options().append(true).open(file)?;
    if f.metadata()?.len() != len as u64 {
        return Err(std::io::Error::other("the pack changed"));
    }
    // One write: appends of two builds at once do not interleave within a record.
    f.write_all(&tail)
}

/// Where each record of a pack is. A pack cut short or damaged yields the records
/// before the damage.
/// Also whether the whole pack was read: only then may records be appended to it
/// (after damage they could never be read).
fn records(pack: &[u8]) -> (rustc_hash::FxHashMap<Key, std::ops::Range<usize>>, bool) {
    let mut index = rustc_hash::FxHashMap::default();
    let Some(mut rest) = pack.strip_prefix(MAGIC) else {
        return (index, false);
    };
    let mut at = MAGIC.len();
    while rest.len() >= 40 {
        let (key, tail) = rest.split_at(32);
        let Ok(len) = <[u8; 8]>::try_from(&tail[..8]) else {
            break;
        };
        let len = u64::from_le_bytes(len) as usize;
        if len > tail.len() - 8 {
            break;
        }
        let Ok(key) = Key::try_from(key) else { break };
        index.insert(key, at + 40..at + 40 + len);
        rest = &tail[8 + len..];
        at += 40 + len;
    }
    (index, at == pack.len())
}

/// Whether an input is a Markdown file of a site's content (`content/…/x.md`, or
/// `[source] content/…` for a source site's).
fn is_page_file(rel: &str) -> bool {
    let rel = match rel.strip_prefix('[') {
        Some(labelled) => labelled.split_once("] ").map_or(rel, |(_, r)| r),
        None => rel,
    };
    rel.starts_with("content/") && rel.to_ascii_lowercase().ends_with(".md")
}

/// An entry being written. A line shared by many diagnostics or calls is written
/// once (a hostile page's one line may hold 20,000 calls).
struct Out {
    bytes: Vec<u8>,
    lines: rustc_hash::FxHashMap<*const u8, u64>,
    /// False when something cannot be kept (a path that is not UTF-8): not written.
    whole: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            bytes: Vec::new(),
            lines: Default::default(),
            whole: true,
        }
    }
}

struct In<'a> {
    bytes: &'a [u8],
    lines: Vec<SourceLine>,
}

impl In<'_> {
    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }
}

/// A value an entry can hold: written in a fixed order, read back in the same.
trait Stored: Sized {
    fn put(&self, out: &mut Out);
    fn take(input: &mut In) -> Option<Self>;
}

impl Stored for u64 {
    fn put(&self, out: &mut Out) {
        out.bytes.extend_from_slice(&self.to_le_bytes());
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(u64::from_le_bytes(input.bytes(8)?.try_into().ok()?))
    }
}

/// Integers go through u64, checked on the way back.
macro_rules! stored_int {
    ($($t:ty),*) => {$(
        impl Stored for $t {
            fn put(&self, out: &mut Out) {
                (*self as i64 as u64).put(out);
            }
            fn take(input: &mut In) -> Option<Self> {
                <$t>::try_from(u64::take(input)? as i64).ok()
            }
        }
    )*};
}
stored_int!(u8, u32, usize, i32, i64);

impl Stored for bool {
    fn put(&self, out: &mut Out) {
        out.bytes.push(u8::from(*self));
    }
    fn take(input: &mut In) -> Option<Self> {
        match input.bytes(1)? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl Stored for f64 {
    fn put(&self, out: &mut Out) {
        self.to_bits().put(out);
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(f64::from_bits(u64::take(input)?))
    }
}

impl Stored for String {
    fn put(&self, out: &mut Out) {
        self.len().put(out);
        out.bytes.extend_from_slice(self.as_bytes());
    }
    fn take(input: &mut In) -> Option<Self> {
        let n = usize::take(input)?;
        let bytes = input.bytes(n)?;
        Some(simdutf8::basic::from_utf8(bytes).ok()?.to_owned())
    }
}

impl Stored for std::borrow::Cow<'static, str> {
    fn put(&self, out: &mut Out) {
        self.to_string().put(out);
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(String::take(input)?.into())
    }
}

impl Stored for PathBuf {
    fn put(&self, out: &mut Out) {
        match self.to_str() {
            Some(s) => s.to_string().put(out),
            None => out.whole = false,
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(PathBuf::from(String::take(input)?))
    }
}

impl Stored for SourceLine {
    fn put(&self, out: &mut Out) {
        let next = out.lines.len() as u64;
        match out.lines.get(&self.as_ptr()).copied() {
            Some(n) => n.put(out),
            None => {
                out.lines.insert(self.as_ptr(), next);
                next.put(out);
                self.to_string().put(out);
            }
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        let n = usize::take(input)?;
        if n < input.lines.len() {
            return Some(input.lines[n].clone());
        }
        if n != input.lines.len() {
            return None;
        }
        let line: SourceLine = String::take(input)?.into();
        input.lines.push(line.clone());
        Some(line)
    }
}

impl<T: Stored> Stored for Option<T> {
    fn put(&self, out: &mut Out) {
        match self {
            None => false.put(out),
            Some(v) => {
                true.put(out);
                v.put(out);
            }
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(match bool::take(input)? {
            false => None,
            true => Some(T::take(input)?),
        })
    }
}

impl<T: Stored> Stored for Vec<T> {
    fn put(&self, out: &mut Out) {
        self.len().put(out);
        for v in self {
            v.put(out);
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        let n = usize::take(input)?;
        // A damaged length must not reserve gigabytes.
        let mut v = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            v.push(T::take(input)?);
        }
        Some(v)
    }
}

impl<T: Stored> Stored for Arc<T> {
    fn put(&self, out: &mut Out) {
        (**self).put(out);
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(Arc::new(T::take(input)?))
    }
}

impl<A: Stored, B: Stored> Stored for (A, B) {
    fn put(&self, out: &mut Out) {
        self.0.put(out);
        self.1.put(out);
    }
    fn take(input: &mut In) -> Option<Self> {
        Some((A::take(input)?, B::take(input)?))
    }
}

impl<A: Stored, B: Stored, C: Stored> Stored for (A, B, C) {
    fn put(&self, out: &mut Out) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
    }
    fn take(input: &mut In) -> Option<Self> {
        Some((A::take(input)?, B::take(input)?, C::take(input)?))
    }
}

impl<V: Stored> Stored for BTreeMap<String, V> {
    fn put(&self, out: &mut Out) {
        self.len().put(out);
        for (k, v) in self {
            k.put(out);
            v.put(out);
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        let n = usize::take(input)?;
        let mut m = BTreeMap::new();
        for _ in 0..n {
            m.insert(String::take(input)?, V::take(input)?);
        }
        Some(m)
    }
}

/// Front matter's free-form fields, as a tree: numbers keep their exact bits (JSON text
/// read back may differ in a float's last digit).
impl Stored for serde_json::Value {
    fn put(&self, out: &mut Out) {
        use serde_json::Value;
        match self {
            Value::Null => tag(out, 0),
            Value::Bool(b) => {
                tag(out, 1);
                b.put(out);
            }
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => {
                    tag(out, 2);
                    u.put(out);
                }
                (None, Some(i), _) => {
                    tag(out, 3);
                    i.put(out);
                }
                (None, None, Some(f)) => {
                    tag(out, 4);
                    f.put(out);
                }
                _ => out.whole = false,
            },
            Value::String(s) => {
                tag(out, 5);
                s.put(out);
            }
            Value::Array(items) => {
                tag(out, 6);
                items.put(out);
            }
            Value::Object(map) => {
                tag(out, 7);
                map.len().put(out);
                for (k, v) in map {
                    k.put(out);
                    v.put(out);
                }
            }
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        use serde_json::Value;
        Some(match input.bytes(1)?[0] {
            0 => Value::Null,
            1 => Value::Bool(Stored::take(input)?),
            2 => Value::from(u64::take(input)?),
            3 => Value::from(i64::take(input)?),
            4 => Value::Number(serde_json::Number::from_f64(f64::take(input)?)?),
            5 => Value::String(Stored::take(input)?),
            6 => Value::Array(Stored::take(input)?),
            7 => {
                let n = usize::take(input)?;
                let mut map = serde_json::Map::new();
                for _ in 0..n {
                    map.insert(String::take(input)?, <Value as Stored>::take(input)?);
                }
                Value::Object(map)
            }
            _ => return None,
        })
    }
}

/// Structs are written field by field. A field added to one of these types and not
/// here fails to compile (`take` builds the whole struct).
macro_rules! stored_struct {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Stored for $t {
            fn put(&self, out: &mut Out) {
                $( self.$f.put(out); )*
            }
            fn take(input: &mut In) -> Option<Self> {
                Some($t { $( $f: Stored::take(input)?, )* })
            }
        }
    )*};
}

stored_struct! {
    Page { kind, source, origin, slug, path, title, draft, date, summary, search_text,
        content, shortcodes, inline_images, extra, reading, attachments, site_links, dir,
        details }
    SectionIntro { section, source, title, summary, content, shortcodes, inline_images,
        extra }
    ShortcodeCall { name, args, position, source_line, image, video }
    Image { src, width, height, alt, caption, credit, output, source, origin }
    ImageOrigin { page, field, position, source_line }
    Media { src, output, source }
    Position { line, column }
    Date { year, month, day }
    SiteLink { path, written, position, source_line }
    Reference { kind, slug, position, source_line, field }
    ProfileHonor { honor, year }
    Profile { name, id, honors, region, association, organization, occupation, industry,
        era, tags, portrait, gallery }
    Story { end_date, date_note, association, people, category, tags, location, cover,
        gallery, figures }
    Figure { label, value, is_number }
    Hall { title, intro, exhibits }
    Exhibition { association, featured, cover, halls }
    Part { title, date, stories }
    Collection { kind, subtitle, paper, published, publisher, cover, parts }
    Association { name, short_name, kind, parent, founded, region, members, logo }
    PlainPage { menu_order }
    Paper { width, height, top, bottom, inside, outside, font_size }
    Syllable { letters, tone, han }
    Diagnostic { severity, file, position, span, message, hint, source_line }
}

/// Sort keys are made again from the syllables, as the reading made them.
impl Stored for Reading {
    fn put(&self, out: &mut Out) {
        self.syllables.put(out);
        self.given_start.put(out);
        self.text.put(out);
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(Reading::new(
            Stored::take(input)?,
            Stored::take(input)?,
            Stored::take(input)?,
        ))
    }
}

/// Enums without fields, by number. A variant added and not listed fails to compile.
macro_rules! stored_unit_enum {
    ($($t:ident { $($v:ident = $n:literal),* $(,)? })*) => {$(
        impl Stored for $t {
            fn put(&self, out: &mut Out) {
                out.bytes.push(match self { $($t::$v => $n),* });
            }
            fn take(input: &mut In) -> Option<Self> {
                match input.bytes(1)?[0] {
                    $($n => Some($t::$v),)*
                    _ => None,
                }
            }
        }
    )*};
}

stored_unit_enum! {
    Kind { Profile = 0, Story = 1, Exhibition = 2, Collection = 3, Association = 4, Page = 5 }
    Severity { Error = 0, Warning = 1 }
}

fn tag(out: &mut Out, t: u8) {
    out.bytes.push(t);
}

/// Enums whose variants each hold one value, by number and then the value.
macro_rules! stored_enum {
    ($($t:ident { $($v:ident = $n:literal),* $(,)? })*) => {$(
        impl Stored for $t {
            fn put(&self, out: &mut Out) {
                match self {
                    $($t::$v(value) => {
                        tag(out, $n);
                        value.put(out);
                    })*
                }
            }
            fn take(input: &mut In) -> Option<Self> {
                Some(match input.bytes(1)?[0] {
                    $($n => $t::$v(Stored::take(input)?),)*
                    _ => return None,
                })
            }
        }
    )*};
}

stored_enum! {
    Details { Profile = 0, Story = 1, Exhibition = 2, Collection = 3, Association = 4, Page = 5 }
    ArgValue { Text = 0, Number = 1, Bool = 2 }
}

impl Stored for Exhibit {
    fn put(&self, out: &mut Out) {
        match self {
            Exhibit::Profile(r) => {
                tag(out, 0);
                r.put(out);
            }
            Exhibit::Story(r) => {
                tag(out, 1);
                r.put(out);
            }
            Exhibit::Image(i) => {
                tag(out, 2);
                i.put(out);
            }
            Exhibit::Video {
                video,
                poster,
                caption,
            } => {
                tag(out, 3);
                video.put(out);
                poster.put(out);
                caption.put(out);
            }
        }
    }
    fn take(input: &mut In) -> Option<Self> {
        Some(match input.bytes(1)?[0] {
            0 => Exhibit::Profile(Stored::take(input)?),
            1 => Exhibit::Story(Stored::take(input)?),
            2 => Exhibit::Image(Stored::take(input)?),
            3 => Exhibit::Video {
                video: Stored::take(input)?,
                poster: Stored::take(input)?,
                caption: Stored::take(input)?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Stored>(v: &T) -> Option<T> {
        let mut out = Out::new();
        v.put(&mut out);
        let mut input = In {
            bytes: &out.bytes,
            lines: Vec::new(),
        };
        let back = T::take(&mut input)?;
        input.bytes.is_empty().then_some(back)
    }

    fn written<T: Stored>(v: &T) -> usize {
        let mut out = Out::new();
        v.put(&mut out);
        out.bytes.len()
    }

    #[test]
    fn a_shared_line_is_kept_once_and_comes_back_shared() {
        let text = "{{ figure(src=\"a.jpg\") }} 劳模宣讲进校园。";
        let shared: SourceLine = text.into();
        let diags = |line: &dyn Fn() -> SourceLine| -> Vec<Diagnostic> {
            (0..3)
                .map(|i| Diagnostic {
                    severity: Severity::Warning,
                    file: Some("content/stories/宣讲.md".into()),
                    position: Some(Position::new(7, i + 1)),
                    span: 2,
                    message: format!("第 {i} 个"),
                    hint: None,
                    source_line: Some(line()),
                })
                .collect()
        };
        let one_line = diags(&|| shared.clone());
        let three_lines = diags(&|| text.into());
        // Each line written again costs its length (8 bytes) and its text.
        assert_eq!(
            written(&one_line) + 2 * (8 + text.len()),
            written(&three_lines)
        );
        let back = round_trip(&one_line).expect("read back");
        assert_eq!(back, one_line);
        let (a, b) = (&back[0].source_line, &back[2].source_line);
        assert!(Arc::ptr_eq(
            a.as_ref().expect("line"),
            b.as_ref().expect("line")
        ));
    }

    #[test]
    fn a_cut_or_damaged_entry_is_not_read() {
        let v: Vec<String> = vec!["王伟".into(), "全国劳动模范".into()];
        assert_eq!(round_trip(&v).as_ref(), Some(&v));
        let mut out = Out::new();
        v.put(&mut out);
        for cut in 0..out.bytes.len() {
            let mut input = In {
                bytes: &out.bytes[..cut],
                lines: Vec::new(),
            };
            assert!(Vec::<String>::take(&mut input).is_none(), "cut at {cut}");
        }
        // A length of 2^60 fails on the missing bytes, without reserving them.
        let mut huge = Vec::new();
        huge.extend_from_slice(&(1u64 << 60).to_le_bytes());
        let mut input = In {
            bytes: &huge,
            lines: Vec::new(),
        };
        assert!(Vec::<String>::take(&mut input).is_none());
    }

    #[test]
    fn a_pack_cut_short_keeps_the_records_before_the_cut() {
        let mut pack = MAGIC.to_vec();
        for (k, data) in [(1u8, &b"first"[..]), (2, &b"second record"[..])] {
            pack.extend_from_slice(&[k; 32]);
            pack.extend_from_slice(&(data.len() as u64).to_le_bytes());
            pack.extend_from_slice(data);
        }
        let (whole, read_to_end) = records(&pack);
        assert_eq!(whole.len(), 2);
        assert!(read_to_end);
        assert_eq!(&pack[whole[&[2; 32]].clone()], b"second record");
        // Cut: the records before the cut, and nothing may be appended after it.
        let (cut, read_to_end) = records(&pack[..pack.len() - 3]);
        assert_eq!(cut.len(), 1);
        assert!(!read_to_end);
        assert_eq!(&pack[cut[&[1; 32]].clone()], b"first");
        let (other, read_to_end) = records(b"laomo-loads 0\n");
        assert!(other.is_empty() && !read_to_end);
    }

    #[test]
    fn page_files_are_told_from_other_inputs() {
        assert!(is_page_file("content/profiles/wang-wei.md"));
        assert!(is_page_file("content/stories/宣讲/index.MD"));
        assert!(is_page_file("[changxing] content/profiles/wang-wei.md"));
        assert!(!is_page_file("content/profiles/wang-wei.jpg"));
        assert!(!is_page_file("themes/default/templates/readme.md"));
        assert!(!is_page_file("static/notes.md"));
        assert!(!is_page_file("[changxing] static/notes.md"));
    }
}
