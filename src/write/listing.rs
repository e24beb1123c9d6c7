//! Which files each output folder holds, kept between builds, so that the staging
//! folder is pruned without listing its 15,000 folders (the kernel's walk of them was
//! the largest cost of a build after an edit).
//!
//! A listing names each folder a build left in a tree, the folder's modification time,
//! and its files. A folder gains or loses an entry only with a new modification time,
//! so one whose time is as listed holds the files listed (their contents are the
//! writer's [`record`](super::record)'s concern); any other folder is read again, and
//! one the listing does not know (made by hand) is walked. A folder's time in the
//! same second as the listing was made is not trusted (a change within the file
//! system's time step would not show), nor are whole-second times (a file system that
//! keeps no finer ones).

use rayon::prelude::*;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"laomo-listing 1\n";

/// A folder's time this close to when the listing was made is not trusted.
const RACY_NS: i64 = 2_000_000_000;

/// The listings of the two output folders, as the last builds left them, by the
/// folder's inode (the folders trade names at each swap; their inodes stay).
pub struct Listings {
    file: PathBuf,
    blocks: Vec<(u64, Vec<u8>)>,
}

/// One folder's listing, as a block of bytes: the folder's inode, when the listing was
/// made (ns), then each folder (path from the root, time, file names).
pub struct Listing {
    inode: u64,
    bytes: Vec<u8>,
}

/// What a tree holds now, found from its listing: files, and folders made by hand
/// (emptied ones are removed too).
pub struct Present {
    pub files: Vec<PathBuf>,
    pub new_folders: Vec<PathBuf>,
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

fn mtime(meta: &fs::Metadata) -> i64 {
    crate::util::fs::mtime_ns(meta) as i64
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
        let found: Vec<io::Result<Present>> = folders
            .par_iter()
            .map(|folder| {
                let abs = root.join(&folder.path);
                match fs::symlink_metadata(&abs) {
                    // Removed by hand: nothing in it left to prune.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Present::none()),
                    Err(e) => Err(e),
                    Ok(m) if !m.is_dir() => Ok(Present {
                        files: vec![abs],
                        new_folders: Vec::new(),
                    }),
                    Ok(m) if trusted(mtime(&m), folder.mtime, made) => Ok(Present {
                        files: folder.files.iter().map(|f| abs.join(f)).collect(),
                        new_folders: Vec::new(),
                    }),
                    Ok(_) => read_folder(&abs, &folder.path, &known),
                }
            })
            .collect();
        let mut present = Present::none();
        for f in found {
            let f = f.ok()?;
            present.files.extend(f.files);
            present.new_folders.extend(f.new_folders);
        }
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
            new_folders: Vec::new(),
        }
    }
}

/// A folder whose time is as listed, well before the listing was made, on a file
/// system that keeps times finer than a second.
fn trusted(now: i64, listed: i64, made: i64) -> bool {
    now == listed && now % 1_000_000_000 != 0 && now < made - RACY_NS
}

/// A folder whose entries may have changed: its files, and any folder in it the
/// listing does not know, walked whole.
fn read_folder(abs: &Path, rel: &str, known: &HashSet<&str>) -> io::Result<Present> {
    let mut present = Present::none();
    for entry in fs::read_dir(abs)? {
        let entry = entry?;
        let path = entry.path();
        if !entry.file_type()?.is_dir() {
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
            for e in walkdir::WalkDir::new(&path) {
                let e = e.map_err(io::Error::other)?;
                if e.file_type().is_dir() {
                    present.new_folders.push(e.into_path());
                } else {
                    present.files.push(e.into_path());
                }
            }
        }
    }
    Ok(present)
}

/// The listing of the tree at `root` holding exactly `files` (paths under `root`):
/// their folders and those folders' times now. `None` if a folder cannot be read.
pub fn describe<'a>(root: &Path, files: impl Iterator<Item = &'a PathBuf>) -> Option<Listing> {
    let inode = folder_inode(root)?;
    let mut folders: HashMap<String, Vec<String>> = HashMap::new();
    folders.insert(String::new(), Vec::new());
    for file in files {
        let rel = file.strip_prefix(root).ok()?.to_str()?;
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
                .map(|m| mtime(&m))
        })
        .collect();
    let made = crate::util::fs::now_ns() as i64;
    let mut bytes = Vec::with_capacity(folders.len() * 64);
    bytes.extend_from_slice(&made.to_le_bytes());
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

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Removes `files` that are not kept, then the folders left empty (the emptied ones
/// and `new_folders`), innermost first, never `root` itself.
pub fn prune(root: &Path, present: Present, keep: &HashSet<PathBuf>) -> io::Result<()> {
    let emptied: Vec<PathBuf> = present
        .files
        .par_iter()
        .filter(|p| !keep.contains(*p))
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
    for dir in emptied.into_iter().chain(present.new_folders) {
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
    mtime: i64,
    files: Vec<String>,
}

fn read(file: &Path) -> Option<Vec<(u64, Vec<u8>)>> {
    let mut bytes = Vec::new();
    fs::File::open(file).ok()?.read_to_end(&mut bytes).ok()?;
    let (body, check) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
    if super::record::digest(body) != check {
        return None;
    }
    let mut r = Reader(body.strip_prefix(MAGIC)?);
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
        let mtime = r.u64()? as i64;
        let count = r.u32()? as usize;
        let mut files = Vec::with_capacity(count.min(r.0.len() / 4));
        for _ in 0..count {
            files.push(r.str()?);
        }
        folders.push(Folder { path, mtime, files });
    }
    Some((made, folders))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Sets a folder's time `secs` seconds back, and a quarter second off the second.
    fn set_back(dir: &Path, secs: u64) {
        let t = SystemTime::now() - Duration::from_secs(secs) + Duration::from_millis(250);
        fs::File::open(dir).unwrap().set_modified(t).unwrap();
    }

    fn sorted(mut v: Vec<PathBuf>) -> Vec<PathBuf> {
        v.sort();
        v
    }

    #[test]
    fn a_listing_finds_what_was_added_by_hand_and_prune_removes_it() {
        let root = scratch("laomo-listing");
        let site = root.join("site");
        let files: Vec<PathBuf> = ["a/index.html", "a/b/index.html", "c/index.html"]
            .iter()
            .map(|f| site.join(f))
            .collect();
        for f in &files {
            fs::create_dir_all(f.parent().unwrap()).unwrap();
            fs::write(f, "劳模").unwrap();
        }
        for d in ["", "a", "a/b", "c"] {
            set_back(&site.join(d), 10);
        }
        let listing = describe(&site, files.iter()).unwrap();
        let kept = root.join("listing");
        Listings::open(kept.clone())
            .save(Some(listing), &root.join("none"))
            .unwrap();
        let bytes = fs::read(&kept).unwrap();

        // As listed: the listed files, none read.
        let listings = Listings::open(kept.clone());
        assert!(!kept.exists(), "read once");
        let present = listings.present(&site).unwrap();
        assert_eq!(sorted(present.files), sorted(files.clone()));
        assert!(present.new_folders.is_empty());
        // Another folder is not described by it.
        assert!(listings.present(&root).is_none());

        // A file added to a listed folder, a folder made by hand.
        fs::write(site.join("a/stray.html"), "手工").unwrap();
        fs::create_dir_all(site.join("new/x")).unwrap();
        fs::write(site.join("new/x/y.txt"), "手工").unwrap();
        let present = listings.present(&site).unwrap();
        let mut expected = files.clone();
        expected.push(site.join("a/stray.html"));
        expected.push(site.join("new/x/y.txt"));
        assert_eq!(sorted(present.files.clone()), sorted(expected));
        assert_eq!(
            sorted(present.new_folders.clone()),
            vec![site.join("new"), site.join("new/x")]
        );
        // Kept: the three pages; everything else goes, and the folders it leaves empty.
        let keep: HashSet<PathBuf> = files[..2].iter().cloned().collect();
        prune(&site, present, &keep).unwrap();
        let mut left: Vec<String> = walkdir::WalkDir::new(&site)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| {
                let rel = e.path().strip_prefix(&site).unwrap();
                rel.to_string_lossy().to_string()
            })
            .collect();
        left.sort();
        assert_eq!(left, ["", "a", "a/b", "a/b/index.html", "a/index.html"]);

        // A folder whose time is as listed is not read (what makes the prune cheap):
        // a file slipped in with the time put back is not seen.
        fs::write(&kept, &bytes).unwrap();
        fs::create_dir_all(site.join("c")).unwrap();
        fs::write(site.join("c/index.html"), "劳模").unwrap();
        fs::write(site.join("c/hidden.html"), "手工").unwrap();
        let listed_c = {
            let (_, folders) = parse(&read(&kept).unwrap()[0].1).unwrap();
            folders.into_iter().find(|f| f.path == "c").unwrap().mtime
        };
        let at = SystemTime::UNIX_EPOCH + Duration::from_nanos(listed_c as u64);
        fs::File::open(site.join("c"))
            .unwrap()
            .set_modified(at)
            .unwrap();
        set_back(&site, 10);
        let present = Listings::open(kept.clone()).present(&site).unwrap();
        assert!(!present.files.contains(&site.join("c/hidden.html")));
        // Not when the folder's time is a whole second (a coarse file system).
        let whole =
            SystemTime::UNIX_EPOCH + Duration::from_secs(listed_c as u64 / 1_000_000_000 - 10);
        fs::File::open(site.join("c"))
            .unwrap()
            .set_modified(whole)
            .unwrap();
        let all = [
            files[0].clone(),
            files[1].clone(),
            site.join("c/index.html"),
        ];
        let listing = describe(&site, all.iter()).unwrap();
        Listings::open(kept.clone())
            .save(Some(listing), &root.join("none"))
            .unwrap();
        fs::write(site.join("c/hidden2.html"), "手工").unwrap();
        fs::File::open(site.join("c"))
            .unwrap()
            .set_modified(whole)
            .unwrap();
        let present = Listings::open(kept.clone()).present(&site).unwrap();
        assert!(present.files.contains(&site.join("c/hidden2.html")));
        let _ = fs::remove_dir_all(&root);
    }
}
