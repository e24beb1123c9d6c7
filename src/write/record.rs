//! What the writer put into each output file, kept between builds.
//!
//! The staging folder holds the site of the build before last. To learn whether one
//! of its files already has the bytes a page would get, the writer used to read the
//! file and compare, for every file of the site. The record answers from a `stat`:
//! a file whose inode, size and modification time are as recorded holds what it was
//! made from: a page's template context, a QR code's address, or (for a file written
//! as it is) its bytes, each as a 128-bit hash, its key. A page whose key is
//! unchanged is neither rendered nor written. Anything the record does not know
//! exactly is made, compared and written as before: a file changed by hand has
//! another time, a new file another inode.

use std::fs::Metadata;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use rustc_hash::FxHashMap;

const MAGIC: &[u8] = b"laomo-written 1\n";

/// Keys are 128-bit xxh3 hashes.
pub type Digest = [u8; 16];

/// A file as written, and what it was made from (32 bytes: 150,000 of them at
/// 10,000 profiles).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Entry {
    pub len: u64,
    /// Nanoseconds since 1970: an i64 holds them until 2262.
    pub modified: i64,
    pub key: Digest,
}

/// The entries of the two output folders (the site and the staging folder), by inode.
pub struct Record {
    file: PathBuf,
    identity: String,
    /// Each entry, and whether the last build wrote it: those describe the files of
    /// the site now published, and are kept for the build after this one.
    known: FxHashMap<u64, (Entry, bool)>,
    /// What this build wrote or found as it should be.
    now: Mutex<Vec<(u64, Entry)>>,
}

pub fn digest(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes()
}

/// The inode of a regular file: how the record finds it.
#[cfg(unix)]
fn inode(meta: &Metadata) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    meta.is_file().then(|| meta.ino())
}

/// Without inodes a file cannot be told from a new one with the same time: the
/// record knows nothing and every file is compared by reading it.
#[cfg(not(unix))]
fn inode(_meta: &Metadata) -> Option<u64> {
    None
}

fn modified(meta: &Metadata) -> i64 {
    crate::util::fs::mtime_ns(meta) as i64
}

impl Record {
    /// The record kept in `file`, if it was written by this `identity` (laomo's build):
    /// another version of laomo may make other bytes from the same key.
    ///
    /// The file is removed as it is read, and written again only once the new site is
    /// in place: a build that fails after rewriting some files leaves no record that
    /// could vouch for them (on a file system whose times are coarser than the
    /// rewrite, size and time alone could).
    pub fn open(file: PathBuf, identity: &str) -> Record {
        let known = read(&file, identity).unwrap_or_default();
        let mut record = Record::empty(file, identity);
        record.known = known;
        record
    }

    /// A record that knows nothing yet (`laomo build --force`) and keeps what this
    /// build writes.
    pub fn empty(file: PathBuf, identity: &str) -> Record {
        // As `open` does: a build that fails leaves no record behind.
        let _ = std::fs::remove_file(&file);
        Record {
            file,
            identity: identity.to_string(),
            known: FxHashMap::default(),
            now: Mutex::new(Vec::new()),
        }
    }

    /// Whether the record knows any file (not so for a first or forced build).
    pub fn knows_any(&self) -> bool {
        !self.known.is_empty()
    }

    /// What the record knows of the file with this metadata, if it is still as written.
    pub fn find(&self, meta: &Metadata) -> Option<Entry> {
        let (entry, _) = self.known.get(&inode(meta)?)?;
        (entry.len == meta.len() && entry.modified == modified(meta)).then_some(*entry)
    }

    /// Notes that the file with this metadata holds what `key` makes.
    pub fn note(&self, meta: &Metadata, key: Digest) {
        let Some(ino) = inode(meta) else { return };
        let entry = Entry {
            len: meta.len(),
            modified: modified(meta),
            key,
        };
        self.now
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((ino, entry));
    }

    /// Keeps what this build wrote, and what the last one wrote: after the swap they
    /// are the site and the staging folder. Call only when the new site is in place.
    pub fn save(self) -> io::Result<()> {
        let now = self.now.into_inner().unwrap_or_else(|p| p.into_inner());
        let last: Vec<(u64, Entry)> = self
            .known
            .iter()
            .filter(|(_, (_, last))| *last)
            .map(|(ino, (e, _))| (*ino, *e))
            .collect();
        let mut out = Vec::with_capacity(64 + (now.len() + last.len()) * 40);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.identity.len() as u64).to_le_bytes());
        out.extend_from_slice(self.identity.as_bytes());
        for list in [&now, &last] {
            out.extend_from_slice(&(list.len() as u64).to_le_bytes());
            for (ino, e) in list.iter() {
                out.extend_from_slice(&ino.to_le_bytes());
                out.extend_from_slice(&e.len.to_le_bytes());
                out.extend_from_slice(&e.modified.to_le_bytes());
                out.extend_from_slice(&e.key);
            }
        }
        let check = digest(&out);
        out.extend_from_slice(&check);
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::util::fs::replace_whole(&self.file, &out)
    }
}

/// The entries of a record file, the last build's marked; `None` for a missing,
/// damaged or foreign one.
fn read(file: &std::path::Path, identity: &str) -> Option<FxHashMap<u64, (Entry, bool)>> {
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .ok()?
        .read_to_end(&mut bytes)
        .ok()?;
    let mut r = Reader::checked(&bytes, MAGIC)?;
    let len = r.u64()? as usize;
    if r.take(len)? != identity.as_bytes() {
        return None;
    }
    let mut lists = Vec::new();
    for _ in 0..2 {
        let n = r.u64()? as usize;
        let mut list = Vec::with_capacity(n.min(r.0.len() / 40));
        for _ in 0..n {
            let ino = r.u64()?;
            let entry = Entry {
                len: r.u64()?,
                modified: r.u64()? as i64,
                key: r.take(16)?.try_into().ok()?,
            };
            list.push((ino, entry));
        }
        lists.push(list);
    }
    // The older list first, each in the order noted: the newest entry of an inode wins.
    let mut known = FxHashMap::default();
    for (list, last) in lists.into_iter().zip([true, false]).rev() {
        known.extend(list.into_iter().map(|(ino, e)| (ino, (e, last))));
    }
    Some(known)
}

/// Reads the writer's files (this record, the listings): numbers little-endian.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    /// The body of a file that starts with `magic` and ends with the digest of the rest.
    pub(super) fn checked(bytes: &'a [u8], magic: &[u8]) -> Option<Reader<'a>> {
        let (body, check) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
        (digest(body) == check).then_some(())?;
        Some(Reader(body.strip_prefix(magic)?))
    }

    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(super) fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// Writes `bytes` to `file` and returns the written file's metadata for the record.
pub fn write_new(file: &std::path::Path, bytes: &[u8]) -> io::Result<Metadata> {
    let mut f = std::fs::File::create(file)?;
    f.write_all(bytes)?;
    f.metadata()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty folder of this test's own.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_saved_record_finds_a_file_only_while_it_is_as_written() {
        let dir = scratch("laomo-record");
        let file = dir.join("a.html");
        let meta = write_new(&file, "劳模宣讲进校园。".as_bytes()).unwrap();
        let kept = dir.join("record");
        let record = Record::open(kept.clone(), "laomo 1");
        record.note(&meta, digest(b"key"));
        record.save().unwrap();

        let saved = std::fs::read(&kept).unwrap();
        let again = Record::open(kept.clone(), "laomo 1");
        let found = again.find(&std::fs::metadata(&file).unwrap()).unwrap();
        assert_eq!(found.key, digest(b"key"));
        // Read once: a build that fails before saving leaves none behind.
        assert!(!kept.exists());
        // Another laomo, or a damaged record, knows nothing.
        std::fs::write(&kept, &saved).unwrap();
        assert!(
            Record::open(kept.clone(), "laomo 2")
                .find(&std::fs::metadata(&file).unwrap())
                .is_none()
        );
        let mut damaged = saved.clone();
        damaged[40] ^= 1;
        std::fs::write(&kept, &damaged).unwrap();
        assert!(
            Record::open(kept.clone(), "laomo 1")
                .find(&std::fs::metadata(&file).unwrap())
                .is_none()
        );
        // A file written again (same size) is not the recorded one.
        std::thread::sleep(std::time::Duration::from_millis(5));
        let meta = write_new(&file, "劳模宣讲进社区。".as_bytes()).unwrap();
        assert!(again.find(&meta).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_record_keeps_two_builds() {
        let dir = scratch("laomo-record2");
        let kept = dir.join("record");
        let mut metas = Vec::new();
        for (n, text) in ["一", "二", "三"].iter().enumerate() {
            let file = dir.join(format!("{n}.html"));
            let meta = write_new(&file, text.as_bytes()).unwrap();
            let record = Record::open(kept.clone(), "laomo");
            record.note(&meta, digest(text.as_bytes()));
            record.save().unwrap();
            metas.push(meta);
        }
        let record = Record::open(kept, "laomo");
        // The last two builds' files are known; the one before is forgotten.
        assert!(record.find(&metas[0]).is_none());
        assert!(record.find(&metas[1]).is_some());
        assert!(record.find(&metas[2]).is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_noted_twice_holds_the_later_note() {
        let dir = scratch("laomo-record3");
        let kept = dir.join("record");
        let meta = write_new(&dir.join("a.html"), "劳模".as_bytes()).unwrap();
        let record = Record::open(kept.clone(), "laomo");
        record.note(&meta, digest(b"first"));
        record.note(&meta, digest(b"second"));
        record.save().unwrap();
        let known = Record::open(kept, "laomo");
        assert_eq!(known.find(&meta).unwrap().key, digest(b"second"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
