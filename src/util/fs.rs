//! Writing a file an editor or a later build relies on.

use std::path::Path;

/// Replaces a file whole: written beside it, then renamed over it, so a reader (or a
/// build cut off midway) sees the old file or the new one, never half of either.
pub fn replace_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A hidden `.tmp` name (the build and the preview's watcher both pass it by), its
    // own for each writer: two builds may write the same cache file at once.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}-{n}.laomo.tmp", std::process::id()));
    if let Err(e) = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// A file as a build found it: what the manifest records of each input, and what the
/// load stage's store keys its entries on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    /// Modification time in nanoseconds since the epoch ([`mtime_ns`]).
    pub mtime: i128,
    /// blake3 of the content, hex.
    pub hash: String,
}

/// A file's modification time in nanoseconds since the epoch (0 when unknown), as the
/// build manifest and the load stage's store keep it.
pub fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// The time now in nanoseconds since the epoch, comparable with [`mtime_ns`].
pub fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Whether a cache entry may be removed by a build that started at `started` and does
/// not use it. Another build of the same site may be running at once (two outputs, a
/// preview beside a deploy): what it made since we started, and the temporaries it is
/// still writing, are its own. A temporary left by a cut-off build goes after a day.
pub fn cache_entry_is_stale(path: &Path, started: std::time::SystemTime) -> bool {
    let Ok(modified) = std::fs::symlink_metadata(path).and_then(|m| m.modified()) else {
        return false;
    };
    let temporary = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    if temporary {
        const A_DAY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
        return modified.elapsed().is_ok_and(|age| age > A_DAY);
    }
    modified < started
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_concurrent_builds_entries_and_temporaries_are_not_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = dir.path().join("old-entry");
        let writing = dir.path().join(".key.123.0.tmp");
        let new = dir.path().join("new-entry");
        for p in [&old, &writing, &new] {
            std::fs::create_dir(p).expect("mkdir");
        }
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let set = |p: &Path, t: SystemTime| {
            std::fs::File::open(p)
                .and_then(|f| f.set_modified(t))
                .expect("set mtime");
        };
        set(&old, hour_ago - Duration::from_secs(60));
        set(&writing, hour_ago - Duration::from_secs(60));
        let started = hour_ago;
        assert!(cache_entry_is_stale(&old, started));
        assert!(
            !cache_entry_is_stale(&new, started),
            "made by another build"
        );
        assert!(
            !cache_entry_is_stale(&writing, started),
            "still being written"
        );
        set(
            &writing,
            SystemTime::now() - Duration::from_secs(2 * 24 * 3600),
        );
        assert!(
            cache_entry_is_stale(&writing, started),
            "left by a cut-off build"
        );
        assert!(!cache_entry_is_stale(&dir.path().join("gone"), started));
    }
}
