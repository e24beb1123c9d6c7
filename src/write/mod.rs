//! Stage 4, write: the new site is written into a staging folder beside the output
//! and swapped in only when the whole build succeeded, so visitors and editors
//! never see a half-written or broken site.
//!
//! The staging folder is the site from the build before last, kept on purpose:
//! rewriting files that already exist (and skipping identical ones) costs far less
//! kernel time than creating a fresh tree of thousands of folders on every build.
//! The swap is one `renameat2(RENAME_EXCHANGE)` on Linux, so `public/` is never
//! missing, not even for a moment.
//!
//! The [`record`] says what each file of both folders was made from, so a page the
//! staging folder already holds is left alone unread, and one only the published site
//! holds is linked in as a second name of its file; neither is rendered again.

pub mod listing;
pub mod record;

use crate::render::Sink;
use crate::render::context::OutputKey;
use listing::{Listing, Listings, Present};
use record::{Digest, Record};
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub struct Staging {
    pub dir: PathBuf,
    pub output: PathBuf,
    /// Created empty for this build: nothing to compare against or prune.
    pub fresh: bool,
    /// A write failed: the tree is incomplete.
    failed: std::sync::atomic::AtomicBool,
    /// What earlier builds wrote into these folders (see [`record`]).
    record: Option<Record>,
    /// Which files the folders hold (see [`listing`]).
    listings: Option<Listings>,
    /// The files the staging folder held before this build, from its listing.
    present: Option<Present>,
    /// The staging folder's listing once pruned, kept when it is published.
    pruned: Option<Listing>,
    /// When this build began to look at the staging folder (ns): a folder changed
    /// since is not trusted by the next listing (see [`listing`]).
    began: i64,
}

/// `public/` -> `.public.laomo-next/`, in the same folder so the swap is a rename.
pub fn staging_dir(output: &Path) -> PathBuf {
    beside(output, "laomo-next")
}

/// `.public.laomo-{what}` beside the output folder.
fn beside(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.{what}"))
}

/// The file laomo writes into every output folder: a folder without it is not
/// laomo's, and a build never replaces it (unless it is empty).
pub const MARKER: &str = ".laomo-output";
/// What the marker says to someone who opens it.
pub const MARKER_TEXT: &str = "This folder was built by laomo (a static site generator) and is replaced whole by every `laomo build`.\n本文件夹由 laomo 生成，每次构建都会整体替换，请勿在此存放其他文件。\n";

/// Held while a build writes its output: a second build of the same output waits.
pub struct OutputLock {
    _file: fs::File,
}

impl OutputLock {
    /// Takes the lock beside `output`; `waiting` is called once if another build holds it.
    pub fn take(output: &Path, waiting: impl FnOnce()) -> io::Result<OutputLock> {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let file = fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(beside(output, "laomo-lock"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                waiting();
                file.lock()?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(OutputLock { _file: file })
    }
}

/// An I/O error that names the file it happened on.
fn at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

impl Staging {
    /// Notes a failed write (see [`Staging::failed`]) and names the file.
    fn fail(&self, path: &Path, e: io::Error) -> io::Error {
        self.failed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        at(path, e)
    }

    /// Whether any write into the staging folder failed.
    pub fn failed(&self) -> bool {
        self.failed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Whether the file has other names (a cache file linked into the site).
fn shares_bytes(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink() > 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// The file a site path is written to: `/a/` is `a/index.html`.
pub fn file_for(root: &Path, site_path: &str) -> PathBuf {
    let rel = site_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        root.join(rel).join("index.html")
    } else {
        root.join(rel)
    }
}

impl Staging {
    /// The staging folder beside `output`; `record` is what earlier builds wrote, and
    /// `listings` which files they left.
    pub fn prepare(
        output: &Path,
        record: Option<Record>,
        listings: Option<Listings>,
    ) -> io::Result<Staging> {
        let dir = staging_dir(output);
        let began = crate::util::fs::now_ns() as i64;
        // A staging folder that is a file or a link is not ours to reuse.
        if let Ok(m) = fs::symlink_metadata(&dir)
            && !m.is_dir()
        {
            fs::remove_file(&dir)?;
        }
        let fresh = fs::read_dir(&dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(true);
        fs::create_dir_all(&dir)?;
        // What the folder holds, learnt before anything is written (writing changes the
        // folders' times), from its listing or else by reading it; and no link in it
        // that what is written could follow out of the site.
        let present = if fresh {
            None
        } else {
            let mut present = match listings.as_ref().and_then(|l| l.present(&dir)) {
                Some(p) => p,
                None => Present::walk(&dir)?,
            };
            present.remove_links()?;
            Some(present)
        };
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            fresh,
            failed: Default::default(),
            record,
            listings,
            present,
            pruned: None,
            began,
        })
    }

    /// Copies a file unless an identical copy (same size and modification time) is there.
    pub fn copy(&self, source: &Path, site_path: &str) -> io::Result<()> {
        self.place(source, site_path, false)
    }

    /// Puts a file of laomo's own cache (a share card, a resized photo) into the site:
    /// as a second name of the same file where the file system allows, which costs a
    /// folder entry instead of a new file and its bytes (a cold build of 10,000
    /// profiles places 30,000 cards). Only for files that are replaced by renaming,
    /// never rewritten where they are: the site and the cache share their bytes.
    pub fn link_cached(&self, source: &Path, site_path: &str) -> io::Result<()> {
        self.place(source, site_path, true)
    }

    /// [`Staging::link_cached`], noting the file in the record as made from `key`, so
    /// that a later build [`holds`](Sink::holds) it without looking at the cache.
    pub fn link_cached_made(
        &self,
        source: &Path,
        site_path: &str,
        key: &OutputKey,
    ) -> io::Result<()> {
        self.place(source, site_path, true)?;
        if let Some(record) = &self.record
            && let Ok(meta) = fs::symlink_metadata(file_for(&self.dir, site_path))
        {
            record.note(&meta, *key);
        }
        Ok(())
    }

    fn place(&self, source: &Path, site_path: &str, link: bool) -> io::Result<()> {
        let dest = file_for(&self.dir, site_path);
        let src_meta = fs::metadata(source)?;
        if !self.fresh
            && let Ok(d) = fs::metadata(&dest)
            && d.len() == src_meta.len()
            && d.modified().ok() == src_meta.modified().ok()
        {
            return Ok(());
        }
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| self.fail(parent, e))?;
        }
        remove_if_dir(&dest).map_err(|e| self.fail(&dest, e))?;
        // Never written into: the old file may be a cache file's second name.
        match fs::remove_file(&dest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(self.fail(&dest, e)),
            _ => {}
        }
        // Another file system (an output folder elsewhere) cannot share it: copied.
        if link && fs::hard_link(source, &dest).is_ok() {
            return Ok(());
        }
        fs::copy(source, &dest).map_err(|e| self.fail(&dest, e))?;
        if let Ok(m) = src_meta.modified() {
            let f = fs::File::options()
                .write(true)
                .open(&dest)
                .map_err(|e| self.fail(&dest, e))?;
            f.set_modified(m).map_err(|e| self.fail(&dest, e))?;
        }
        Ok(())
    }

    /// Removes the staging folder after a failed write: a half-written tree must not
    /// hold the disk space that ran out, nor be mistaken for a site by the next build.
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Deletes what the last build left that this one did not write (`keep`).
    pub fn prune(&mut self, keep: &HashSet<PathBuf>) -> io::Result<()> {
        if let Some(present) = self.present.take() {
            listing::prune(&self.dir, present, keep)?;
        }
        if self.listings.is_some() {
            self.pruned = listing::describe(&self.dir, keep.iter(), self.began);
        }
        Ok(())
    }

    /// Puts the staged site in place of the output; the old site becomes the staging
    /// folder. The record is kept only once the new site is in place.
    pub fn swap_in(mut self) -> io::Result<()> {
        let record = self.record.take();
        self.exchange_with_output()?;
        if let Some(record) = record {
            // Without a record the next build compares by reading, as it always could.
            let _ = record.save();
        }
        if let Some(listings) = self.listings.take() {
            // Without listings the next build walks the staging folder to prune it.
            let _ = listings.save(self.pruned.take(), &self.dir);
        }
        Ok(())
    }

    fn exchange_with_output(&self) -> io::Result<()> {
        if fs::symlink_metadata(&self.output).is_err() {
            return fs::rename(&self.dir, &self.output);
        }
        if exchange(&self.dir, &self.output).is_ok() {
            return Ok(());
        }
        // No atomic exchange on this system: two renames, with a short gap.
        let old = self.output.with_file_name(format!(
            ".{}.laomo-old",
            self.output
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        ));
        let _ = fs::remove_dir_all(&old);
        fs::rename(&self.output, &old)?;
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            let _ = fs::rename(&old, &self.output);
            return Err(e);
        }
        fs::rename(&old, &self.dir)
    }
}

fn remove_if_dir(p: &Path) -> io::Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(m) if m.file_type().is_symlink() => fs::remove_file(p),
        _ => Ok(()),
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange on this system"))
}

impl Sink for Staging {
    /// Bytes written as they are are their own key.
    fn emit(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        let key = record::digest(bytes);
        if self.holds(site_path, &key) {
            return Ok(());
        }
        self.emit_made(site_path, &key, bytes)
    }

    fn holds_any(&self) -> bool {
        self.record.as_ref().is_some_and(|r| r.knows_any())
    }

    fn holds(&self, site_path: &str, key: &OutputKey) -> bool {
        let Some(record) = &self.record else {
            return false;
        };
        if !self.fresh
            && let Ok(meta) = fs::symlink_metadata(file_for(&self.dir, site_path))
            && record.find(&meta).is_some_and(|e| e.key == *key)
        {
            record.note(&meta, *key);
            return true;
        }
        // The published site has it (a page unchanged since the last build): the same
        // file under a second name instead of rendering it again, as a cache file is
        // put in. A file with two names is replaced, never written into (see
        // `write_file`).
        let published = file_for(&self.output, site_path);
        let Ok(meta) = fs::symlink_metadata(&published) else {
            return false;
        };
        record.find(&meta).is_some_and(|e| e.key == *key)
            && self.link_cached_made(&published, site_path, key).is_ok()
    }

    fn emit_made(&self, site_path: &str, key: &OutputKey, bytes: &[u8]) -> io::Result<()> {
        let dest = file_for(&self.dir, site_path);
        self.write_file(&dest, key, bytes)
            .map_err(|e| self.fail(&dest, e))
    }
}

impl Staging {
    /// Writes `bytes` unless the file already has them; notes the file in the record.
    fn write_file(&self, dest: &Path, key: &Digest, bytes: &[u8]) -> io::Result<()> {
        let note = |meta: &fs::Metadata| {
            if let Some(r) = &self.record {
                r.note(meta, *key)
            }
        };
        if !self.fresh
            && let Ok(meta) = fs::symlink_metadata(dest)
            && !meta.is_dir()
        {
            // Same bytes already there (from the build before last): leave the file
            // alone. Read only for pages whose key changed, a few in a build.
            if meta.is_file() && fs::read(dest).is_ok_and(|was| was == bytes) {
                note(&meta);
                return Ok(());
            }
            // Never written through: a link would lead the bytes out of the output.
            // A second name of a cache file (see `link_cached`) is replaced, not written
            // into: the cache's copy must stay as it is.
            if meta.file_type().is_symlink() || shares_bytes(&meta) {
                fs::remove_file(dest)?;
            }
        }
        let meta = match record::write_new(dest, bytes) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = dest.parent() {
                    self.make_dirs(parent)?;
                }
                record::write_new(dest, bytes)?
            }
            // A folder where the file must go (a section became a page): replace it.
            Err(_) => {
                remove_if_dir(dest)?;
                record::write_new(dest, bytes)?
            }
        };
        note(&meta);
        Ok(())
    }

    fn make_dirs(&self, dir: &Path) -> io::Result<()> {
        if fs::create_dir_all(dir).is_ok() {
            return Ok(());
        }
        // A file where a folder must go (a page became a section): replace it.
        let mut p = dir.to_path_buf();
        while p.starts_with(&self.dir) && p != self.dir {
            if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
                fs::remove_file(&p)?;
                break;
            }
            p.pop();
        }
        fs::create_dir_all(dir)
    }
}

/// A sink that writes nothing: `laomo check` renders every page to find template errors.
pub struct Discard;

impl Sink for Discard {
    fn emit(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
}
