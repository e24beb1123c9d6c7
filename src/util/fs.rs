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
