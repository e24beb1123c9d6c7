//! Which files each output folder holds, kept between builds, so that the staging
//! folder is pruned without listing its 15,000 folders (the kernel's walk of them was
//! the largest cost of a build after an edit).
//!
//! A listing names each folder a build left in a tree, the folder's change time
//! (ctime), and its files. A folder gains or loses an entry only with a new change
//! time, which no program can set back (a modification time can be, by `touch` or
//! `rsync -a`), so one whose time is as listed holds the files listed (their contents
//! are the writer's [`record`](super::record)'s concern); any other folder is read
//! again, and one the listing does not know (made by hand) is walked. A time within two
//! seconds before the build that made the listing began, or later, is not trusted (a
//! change within the file system's time step would not show), nor is a whole-second
//! time (a file system that keeps no finer ones). After a prune the tree holds the
//! build's files and their folders, nothing else: any other folder is removed.

use super::record::Reader;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BinaryHeap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"laomo-listing 2\n";

/// A folder's time this close before the build that made the listing began, or later,
/// is not trusted.
const RACY_NS: i64 = 2_000_000_000;

/// The listings of the two output folders, as the last builds left them, by the
/// folder's inode (the folders trade names at each swap; their inodes stay).
pub struct Listings {
    file: PathBuf,
    blocks: Vec<(u64, Vec<u8>)>,
}

/// One folder's listing, as a block of bytes: the folder's inode, when the build that
/// made it began (ns), then each folder (path from the root, change time, file names).
pub struct Listing {
    inode: u64,
    bytes: Vec<u8>,
}

/// What a tree holds now: files, folders (those that hold no file of the build are
/// removed by [`prune`]), and links, which the writer must not follow (see
/// [`Present::remove_links`]).
pub struct Present {
    pub files: Vec<PathBuf>,
    pub folders: Vec<PathBuf>,
    pub links: Vec<PathBuf>,
}

#[cfg(unix)]
fn folder_inode(dir: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(dir)
        .ok()
        .filter(fs::Metadata::is_dir)
        .map(|m| m.ino())
}

/// Without inodes the two folders cannot be told apart: no listing, every prune walks.
#[cfg(not(unix))]
fn folder_inode(_dir: &Path) -> Option<u64> {
    None
}

/// A folder's change time in ns; only used where there are inodes (unix).
#[cfg(unix)]
fn ctime(meta: &fs::Metadata) -> i64 {
    use std::os::unix::fs::MetadataExt;
    meta.ctime().saturating_mul(1_000_000_000) + meta.ctime_nsec()
}

#[cfg(not(unix))]
fn ctime(_meta: &fs::Metadata) -> i64 {
    0
}

impl Listings {
    /// The listings kept in `file`; the file is removed as it is read, and written
    /// again only once a new site is in place (as the record is: a build that fails
    /// after changing the staging folder must leave no listing of it).
    pub fn open(file: PathBuf) -> Listings {
        let blocks = read(&file).unwrap_or_default();
        let _ = fs::remove_file(&file);
        Listings { file, blocks }
    }

    /// No listings (`laomo build --force`): every prune walks.
    pub fn empty(file: PathBuf) -> Listings {
        let _ = fs::remove_file(&file);
        Listings {
            file,
            blocks: Vec::new(),
        }
    }

    /// The files now in the tree at `root`, from its listing; `None` when there is no
    /// listing of it, or the tree cannot be read (the caller then walks it).
    pub fn present(&self, root: &Path) -> Option<Present> {
        let inode = folder_inode(root)?;
        let (_, block) = self.blocks.iter().find(|(i, _)| *i == inode)?;
        let (made, folders) = parse(block)?;
        let known: HashSet<&str> = folders.iter().map(|f| f.path.as_str()).collect();
        let metas: Vec<io::Result<fs::Metadata>> = folders
            .par_iter()
            .map(|folder| fs::symlink_metadata(root.join(&folder.path)))
            .collect();
        // A listed folder that is gone, a file or a link now: nothing below it is looked
        // at (a path through a link made by hand would lead out of the site). In path
        // order, a folder comes after those it is in.
        let mut cut: HashSet<&str> = HashSet::new();
        let mut usable: Vec<(&Folder, fs::Metadata)> = Vec::with_capacity(folders.len());
        let mut present = Present::none();
        for (folder, meta) in folders.iter().zip(metas) {
            let path = folder.path.as_str();
            let below_cut = path
                .match_indices('/')
                .any(|(at, _)| cut.contains(&path[..at]));
            match meta {
                _ if below_cut => {
                    cut.insert(path);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    cut.insert(path);
                }
                Err(_) => return None,
                Ok(m) if m.is_dir() => {
                    present.folders.push(root.join(path));
                    usable.push((folder, m));
                }
                // A file or a link in its place: removed itself.
                Ok(m) => {
                    cut.insert(path);
                    if m.file_type().is_symlink() {
                        present.links.push(root.join(path));
                    } else {
                        present.files.push(root.join(path));
                    }
                }
            }
        }
        let found: Vec<io::Result<Present>> = usable
            .par_iter()
            .map(|(folder, meta)| {
                let abs = root.join(&folder.path);
                if trusted(ctime(meta), folder.ctime, made) {
                    Ok(Present {
                        files: folder.files.iter().map(|f| abs.join(f)).collect(),
                        ..Present::none()
                    })
                } else {
                    read_folder(&abs, &folder.path, &known)
                }
            })
            .collect();
        for f in found {
            present.add(f.ok()?);
        }
        // A link where a listed folder was is also found by reading the folder it is in.
        present.links.sort_unstable();
        present.links.dedup();
        Some(present)
    }

    /// Keeps `written` (the tree just published) and the listing of the folder that is
    /// the staging folder now (`staging`, the site published before). Call only once
    /// the new site is in place.
    pub fn save(self, written: Option<Listing>, staging: &Path) -> io::Result<()> {
        let mut out = MAGIC.to_vec();
        let staging_inode = folder_inode(staging);
        let blocks = written.map(|l| (l.inode, l.bytes)).into_iter().chain(
            self.blocks
                .into_iter()
                .filter(|(i, _)| Some(*i) == staging_inode),
        );
        for (inode, bytes) in blocks {
            out.extend_from_slice(&inode.to_le_bytes());
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
        let check = super::record::digest(&out);
        out.extend_from_slice(&check);
        if let Some(dir) = self.file.parent() {
            fs::create_dir_all(dir)?;
        }
        crate::util::fs::replace_whole(&self.file, &out)
    }
}

impl Present {
    fn none() -> Present {
        Present {
            files: Vec::new(),
            folders: Vec::new(),
            links: Vec::new(),
        }
    }

    fn add(&mut self, other: Present) {
        self.files.extend(other.files);
        self.folders.extend(other.folders);
        self.links.extend(other.links);
    }

    /// What the tree at `root` holds, read folder by folder: without a listing of it.
    /// Each top-level folder on its own core: the walk is mostly the kernel listing
    /// 15,000 folders.
    pub fn walk(root: &Path) -> io::Result<Present> {
        let mut present = Present::none();
        let mut top = Vec::new();
        for entry in fs::read_dir(root)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                top.push(entry.path());
            } else if kind.is_symlink() {
                present.links.push(entry.path());
            } else {
                present.files.push(entry.path());
            }
        }
        let found: Vec<io::Result<Present>> = top
            .par_iter()
            .map(|dir| {
                let mut found = Present::none();
                walk_into(dir, &mut found)?;
                Ok(found)
            })
            .collect();
        for f in found {
            present.add(f?);
        }
        Ok(present)
    }

    /// Removes the links: a link where a folder belongs (one made by hand in the
    /// published site) would lead what the writer writes out of the site. Called
    /// before anything is written.
    pub fn remove_links(&mut self) -> io::Result<()> {
        for link in self.links.drain(..) {
            match fs::remove_file(&link) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Everything under `dir` and `dir` itself, links not followed.
fn walk_into(dir: &Path, present: &mut Present) -> io::Result<()> {
    for e in walkdir::WalkDir::new(dir) {
        let e = e.map_err(io::Error::other)?;
        let kind = e.file_type();
        if kind.is_dir() {
            present.folders.push(e.into_path());
        } else if kind.is_symlink() {
            present.links.push(e.into_path());
        } else {
            present.files.push(e.into_path());
        }
    }
    Ok(())
}

/// A folder whose change time is as listed, well before the build that listed it
/// began, on a file system that keeps times finer than a second.
fn trusted(found: i64, listed: i64, made: i64) -> bool {
    found == listed && found % 1_000_000_000 != 0 && found < made - RACY_NS
}

/// A folder whose entries may have changed: its files, and any folder in it the
/// listing does not know, walked whole.
fn read_folder(abs: &Path, rel: &str, known: &HashSet<&str>) -> io::Result<Present> {
    let mut present = Present::none();
    for entry in fs::read_dir(abs)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            present.links.push(path);
            continue;
        }
        if !kind.is_dir() {
            present.files.push(path);
            continue;
        }
        let name = entry.file_name();
        let child = match name.to_str() {
            Some(n) if rel.is_empty() => n.to_string(),
            Some(n) => format!("{rel}/{n}"),
            None => String::new(),
        };
        if child.is_empty() || !known.contains(child.as_str()) {
            walk_into(&path, &mut present)?;
        }
    }
    Ok(present)
}

/// The listing of the tree at `root` holding exactly `files` (paths under `root`):
/// their folders and those folders' change times now, for a build that began at
/// `began` (ns, [`crate::util::fs::now_ns`]). `None` if a folder cannot be read.
pub fn describe<'a>(
    root: &Path,
    files: impl Iterator<Item = &'a PathBuf>,
    began: i64,
) -> Option<Listing> {
    let inode = folder_inode(root)?;
    let mut folders: FxHashMap<String, Vec<String>> = FxHashMap::default();
    folders.insert(String::new(), Vec::new());
    let root_bytes = bytes(root);
    for file in files {
        // As bytes: `Path::strip_prefix` parses both paths into components.
        let rel = bytes(file).strip_prefix(root_bytes)?.strip_prefix(b"/")?;
        let rel = std::str::from_utf8(rel).ok()?;
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        match folders.get_mut(dir) {
            Some(names) => names.push(name.to_string()),
            None => {
                folders.insert(dir.to_string(), vec![name.to_string()]);
                // Its ancestors, up to the first one already there.
                let mut up = dir;
                while let Some((parent, _)) = up.rsplit_once('/') {
                    if folders.contains_key(parent) {
                        break;
                    }
                    folders.insert(parent.to_string(), Vec::new());
                    up = parent;
                }
            }
        }
    }
    let mut folders: Vec<(String, Vec<String>)> = folders.into_iter().collect();
    folders.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let times: Vec<Option<i64>> = folders
        .par_iter()
        .map(|(dir, _)| {
            fs::symlink_metadata(root.join(dir))
                .ok()
                .filter(fs::Metadata::is_dir)
                .map(|m| ctime(&m))
        })
        .collect();
    let mut bytes = Vec::with_capacity(folders.len() * 64);
    bytes.extend_from_slice(&began.to_le_bytes());
    bytes.extend_from_slice(&(folders.len() as u64).to_le_bytes());
    for ((dir, names), time) in folders.iter().zip(times) {
        put_str(&mut bytes, dir);
        bytes.extend_from_slice(&time?.to_le_bytes());
        bytes.extend_from_slice(&(names.len() as u32).to_le_bytes());
        for name in names {
            put_str(&mut bytes, name);
        }
    }
    Some(Listing { inode, bytes })
}

/// A path as its bytes: hashing, comparing or cutting a `Path` parses it into
/// components, and the prune handles 67,000 files and their folders. Every path here
/// is joined the same way, from the staging folder and `/`-separated site paths.
fn bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

/// The folder a path is in, as bytes.
fn parent(p: &[u8]) -> Option<&[u8]> {
    let cut = p.iter().rposition(|&b| b == b'/')?;
    (cut > 0).then(|| &p[..cut])
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Removes `files` that are not kept, then the folders that hold no kept file (the
/// emptied ones and any of `folders`), innermost first, never `root` itself.
pub fn prune(root: &Path, present: Present, keep: &HashSet<PathBuf>) -> io::Result<()> {
    let kept: FxHashSet<&[u8]> = keep.iter().map(|p| bytes(p)).collect();
    // The folders the kept files are in, and theirs.
    let mut holding: FxHashSet<&[u8]> = FxHashSet::default();
    for file in keep {
        let mut up = parent(bytes(file));
        while let Some(dir) = up {
            if !holding.insert(dir) {
                break;
            }
            up = parent(dir);
        }
    }
    let emptied: Vec<PathBuf> = present
        .files
        .par_iter()
        .filter(|p| !kept.contains(bytes(p)))
        .map(|p| match fs::remove_file(p) {
            Ok(()) => Ok(p.parent().map(Path::to_path_buf)),
            // Gone already, or a folder on its way is now a file: nothing to remove.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(None)
            }
            // A folder where the listing had a file (a page became a section).
            Err(_) if fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) => Ok(None),
            Err(e) => Err(e),
        })
        .collect::<io::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut queue: BinaryHeap<(usize, PathBuf)> = BinaryHeap::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let others = present
        .folders
        .into_iter()
        .filter(|d| !holding.contains(bytes(d)));
    for dir in emptied.into_iter().chain(others) {
        if dir != root && dir.starts_with(root) && seen.insert(dir.clone()) {
            queue.push((dir.components().count(), dir));
        }
    }
    // Deepest first: a folder is empty only once its own folders are gone.
    while let Some((_, dir)) = queue.pop() {
        if fs::remove_dir(&dir).is_ok()
            && let Some(parent) = dir.parent()
            && parent != root
            && seen.insert(parent.to_path_buf())
        {
            queue.push((parent.components().count(), parent.to_path_buf()));
        }
    }
    Ok(())
}

struct Folder {
    path: String,
    ctime: i64,
    files: Vec<String>,
}

fn read(file: &Path) -> Option<Vec<(u64, Vec<u8>)>> {
    let mut bytes = Vec::new();
    fs::File::open(file).ok()?.read_to_end(&mut bytes).ok()?;
    let mut r = Reader::checked(&bytes, MAGIC)?;
    let mut blocks = Vec::new();
    while !r.0.is_empty() {
        let inode = r.u64()?;
        let len = r.u64()? as usize;
        blocks.push((inode, r.take(len)?.to_vec()));
    }
    Some(blocks)
}

fn parse(block: &[u8]) -> Option<(i64, Vec<Folder>)> {
    let mut r = Reader(block);
    let made = r.u64()? as i64;
    let n = r.u64()? as usize;
    let mut folders = Vec::with_capacity(n.min(block.len() / 16));
    for _ in 0..n {
        let path = r.str()?;
        let ctime = r.u64()? as i64;
        let count = r.u32()? as usize;
        let mut files = Vec::with_capacity(count.min(r.0.len() / 4));
        for _ in 0..count {
            files.push(r.str()?);
        }
        folders.push(Folder { path, ctime, files });
    }
    Some((made, folders))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A listing made as by a build that began ten seconds from now: every folder's
    /// time is then well before it (a change time cannot be set back by hand).
    fn listed(site: &Path, files: &[PathBuf], kept: &Path) {
        let began = crate::util::fs::now_ns() as i64 + 10_000_000_000;
        let listing = describe(site, files.iter(), began);
        Listings::open(kept.to_path_buf())
            .save(listing, Path::new("/nonexistent"))
            .unwrap();
    }

    fn tree(site: &Path, files: &[&str]) -> Vec<PathBuf> {
        files
            .iter()
            .map(|f| {
                let f = site.join(f);
                fs::create_dir_all(f.parent().unwrap()).unwrap();
                fs::write(&f, "劳模").unwrap();
                f
            })
            .collect()
    }

    fn sorted(mut v: Vec<PathBuf>) -> Vec<PathBuf> {
        v.sort();
        v
    }

    fn left(site: &Path) -> Vec<String> {
        let mut left: Vec<String> = walkdir::WalkDir::new(site)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| {
                let rel = e.path().strip_prefix(site).unwrap();
                rel.to_string_lossy().to_string()
            })
            .collect();
        left.sort();
        left
    }

    #[test]
    fn a_listing_finds_what_was_added_by_hand_and_prune_removes_it() {
        let root = scratch("laomo-listing");
        let site = root.join("site");
        let files = tree(&site, &["a/index.html", "a/b/index.html", "c/index.html"]);
        let kept = root.join("listing");
        listed(&site, &files, &kept);

        // As listed: the listed files and folders.
        let listings = Listings::open(kept.clone());
        assert!(!kept.exists(), "read once");
        let present = listings.present(&site).unwrap();
        assert_eq!(sorted(present.files), sorted(files.clone()));
        assert_eq!(present.folders.len(), 4);
        // Another folder is not described by it.
        assert!(listings.present(&root).is_none());

        // A file added to a listed folder, a folder made by hand.
        fs::write(site.join("a/stray.html"), "手工").unwrap();
        fs::create_dir_all(site.join("new/x")).unwrap();
        fs::write(site.join("new/x/y.txt"), "手工").unwrap();
        fs::create_dir_all(site.join("empty")).unwrap();
        let present = listings.present(&site).unwrap();
        let mut expected = files.clone();
        expected.push(site.join("a/stray.html"));
        expected.push(site.join("new/x/y.txt"));
        assert_eq!(sorted(present.files.clone()), sorted(expected));
        // Kept: two pages; everything else goes, and every folder that holds none.
        let keep: HashSet<PathBuf> = files[..2].iter().cloned().collect();
        prune(&site, present, &keep).unwrap();
        assert_eq!(
            left(&site),
            ["", "a", "a/b", "a/b/index.html", "a/index.html"]
        );

        // A folder whose time is as listed is not read (what makes the prune cheap): a
        // file there the listing does not name is not seen.
        let files = tree(&site, &["c/index.html", "c/unlisted.html"]);
        listed(&site, &files[..1], &kept);
        let present = Listings::open(kept.clone()).present(&site).unwrap();
        assert!(!present.files.contains(&files[1]));
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn only_a_fine_time_well_before_the_listing_is_trusted() {
        let s = 1_000_000_000;
        let made = 100 * s;
        assert!(trusted(50 * s + 7, 50 * s + 7, made));
        // Changed since.
        assert!(!trusted(50 * s + 8, 50 * s + 7, made));
        // A whole second: a file system without finer times.
        assert!(!trusted(50 * s, 50 * s, made));
        // Within two seconds before the build began, or after.
        assert!(!trusted(made - s, made - s, made));
        assert!(!trusted(made + 7, made + 7, made));
    }

    #[test]
    fn a_link_made_by_hand_is_removed_and_never_followed() {
        let root = scratch("laomo-listing-link");
        let site = root.join("site");
        let outside = root.join("outside");
        fs::create_dir_all(outside.join("b")).unwrap();
        fs::write(outside.join("b/keep-me.txt"), "站外").unwrap();
        let files = tree(&site, &["a/b/index.html", "c/index.html"]);
        let kept = root.join("listing");
        listed(&site, &files, &kept);
        // A listed folder replaced by a link out of the site, a link in a listed one.
        fs::remove_dir_all(site.join("a")).unwrap();
        let links = || {
            std::os::unix::fs::symlink(&outside, site.join("a")).unwrap();
            std::os::unix::fs::symlink(&outside, site.join("c/more")).unwrap();
        };
        links();
        let listings = Listings::open(kept.clone());
        for found in [listings.present(&site), Present::walk(&site).ok()] {
            let mut present = found.unwrap();
            assert_eq!(
                sorted(present.links.clone()),
                vec![site.join("a"), site.join("c/more")]
            );
            assert!(
                present.files.iter().all(|f| !f.starts_with(site.join("a"))),
                "{:?}",
                present.files
            );
            present.remove_links().unwrap();
            prune(&site, present, &files.iter().cloned().collect()).unwrap();
            assert_eq!(left(&site), ["", "c", "c/index.html"]);
            assert!(outside.join("b/keep-me.txt").exists());
            links();
        }
        let _ = fs::remove_dir_all(&root);
    }
}
