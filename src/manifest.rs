//! Proof that an output is current, so `laomo build` after `laomo build` (a deploy
//! that runs on every push, say) does no loading, rendering or writing.
//!
//! After a successful build, a manifest in `.laomo-cache/builds/` (one per output
//! folder; never in the output, which is published and must not list drafts' file
//! names) records every input file (site.yaml, content/, static/, themes/, templates/,
//! i18n/, and the content/ and static/ of every source site: path, size, modification
//! time and a blake3 hash of the content), the laomo binary, the build's options, the
//! output's file count and size, and the warnings shown. The next build compares:
//! a file whose size and time are unchanged keeps its recorded hash (as make and cargo
//! trust times); any other is hashed again, so a touched but unchanged file does not
//! force a rebuild. One difference anywhere and the build runs as usual.
//!
//! The output is recognised by its folder's identity (device and inode: every build
//! swaps in a new folder) and its top-level entries, not by walking it: walking 37,000
//! files took longer than all the rest. A file deleted by hand deep inside `public/` is
//! therefore not noticed; `laomo build --force` rebuilds regardless.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the manifest of the build of `root` into `output` is kept.
pub fn location(root: &Path, output: &Path) -> PathBuf {
    let output = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let key = blake3::hash(output.to_string_lossy().as_bytes()).to_hex();
    root.join(".laomo-cache")
        .join("builds")
        .join(format!("{}.json", &key[..16]))
}

/// The folders and files of a site that a build reads.
const INPUTS: &[&str] = &[
    "site.yaml",
    "content",
    "static",
    "themes",
    "templates",
    "i18n",
];

/// An input file as the build found it (the load stage's store keys on it too).
pub use crate::util::fs::Fingerprint as Input;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The laomo that built it: version, and the binary's size and time.
    pub laomo: String,
    /// `--drafts`, `--base-url`: anything else that changes the output.
    pub options: String,
    pub inputs: BTreeMap<String, Input>,
    pub output: OutputId,
    pub output_files: usize,
    pub pages: usize,
    /// The warnings of the build, as shown, to show again when nothing changed.
    pub warnings: Vec<String>,
}

/// This laomo: its version and the binary itself (a rebuilt laomo may render
/// differently under the same version number).
pub fn laomo_identity() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| format!("{} {}", m.len(), crate::util::fs::mtime_ns(&m)))
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

/// Every input file with its fingerprint; hashes of files unchanged since `previous`
/// are taken from it.
pub fn inputs(root: &Path, previous: Option<&Manifest>) -> BTreeMap<String, Input> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    walk_inputs(root, INPUTS, "", &mut files);
    // A federated site's sources are inputs too: their content and static files, as
    // site.yaml lists them now (its own mistakes are the build's to report).
    use crate::config::sources;
    for source in sources::listed(root) {
        walk_inputs(
            &source.root,
            &sources::READ_FOLDERS,
            &source_label(&source.name),
            &mut files,
        );
    }
    fingerprint(files, previous.map(|m| &m.inputs))
}

/// The git sources' files as they are after a build, in place of what `inputs` found
/// before it: their checkouts are laomo's own files in the cache, written during the
/// build (the first build of a source finds none before it, and without this the
/// next build would run again for nothing); no editor saves into them meanwhile.
pub fn with_git_checkouts(
    root: &Path,
    mut inputs: BTreeMap<String, Input>,
) -> BTreeMap<String, Input> {
    use crate::config::sources;
    for source in sources::listed(root).iter().filter(|s| s.git.is_some()) {
        let label = source_label(&source.name);
        let before: BTreeMap<String, Input>;
        (before, inputs) = std::mem::take(&mut inputs)
            .into_iter()
            .partition(|(rel, _)| rel.starts_with(&label));
        let mut files = Vec::new();
        walk_inputs(&source.root, &sources::READ_FOLDERS, &label, &mut files);
        inputs.extend(fingerprint(files, Some(&before)));
    }
    inputs
}

fn source_label(name: &str) -> String {
    format!("[{name}] ")
}

/// Every file under `root`'s `tops`, named `{label}{path from root}`.
fn walk_inputs(root: &Path, tops: &[&str], label: &str, files: &mut Vec<(String, PathBuf)>) {
    for top in tops {
        for e in walkdir::WalkDir::new(root.join(top))
            .follow_links(true)
            .into_iter()
            .flatten()
        {
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            files.push((format!("{label}{rel}"), e.into_path()));
        }
    }
}

/// Size, time and hash of each file; a hash is taken again only when the size or
/// time differs from `known`. Looked up in parallel: a file's `stat` is most of an
/// unchanged site's cost.
fn fingerprint(
    files: Vec<(String, PathBuf)>,
    known: Option<&BTreeMap<String, Input>>,
) -> BTreeMap<String, Input> {
    files
        .into_par_iter()
        .filter_map(|(rel, path)| {
            let meta = std::fs::metadata(&path).ok()?;
            let (size, mtime) = (meta.len(), crate::util::fs::mtime_ns(&meta));
            let hash = known
                .and_then(|m| m.get(&rel))
                .filter(|i| i.size == size && i.mtime == mtime)
                .map(|i| i.hash.clone())
                .unwrap_or_else(|| match std::fs::read(&path) {
                    Ok(bytes) => blake3::hash(&bytes).to_hex().to_string(),
                    Err(_) => String::new(),
                });
            Some((rel, Input { size, mtime, hash }))
        })
        .collect()
}

/// What identifies an output folder without walking it: the folder itself (a new one
/// each build) and its top-level entries with the sizes of its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputId {
    pub folder: String,
    pub top: Vec<(String, u64)>,
}

pub fn output_id(output: &Path) -> Option<OutputId> {
    let meta = std::fs::metadata(output).ok()?;
    #[cfg(unix)]
    let folder = {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}", meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let folder = format!("{}", crate::util::fs::mtime_ns(&meta));
    let mut top: Vec<(String, u64)> = std::fs::read_dir(output)
        .ok()?
        .flatten()
        .map(|e| {
            let size = e
                .metadata()
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map_or(0, |m| m.len());
            (e.file_name().to_string_lossy().into_owned(), size)
        })
        .collect();
    top.sort();
    Some(OutputId { folder, top })
}

pub fn read(root: &Path, output: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(location(root, output)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether `output` is what a build of `inputs` with `options` would write.
pub fn is_current(
    previous: &Manifest,
    inputs: &BTreeMap<String, Input>,
    options: &str,
    output: &Path,
) -> bool {
    // Compare hashes, not times: a file saved again unchanged is still current.
    let same_inputs = previous.inputs.len() == inputs.len()
        && previous
            .inputs
            .iter()
            .zip(inputs)
            .all(|((a, x), (b, y))| a == b && x.hash == y.hash);
    same_inputs
        && previous.laomo == laomo_identity()
        && previous.options == options
        && output_id(output).as_ref() == Some(&previous.output)
}

/// Records a finished build.
pub fn record(
    root: &Path,
    output: &Path,
    inputs: BTreeMap<String, Input>,
    options: &str,
    pages: usize,
    output_files: usize,
    warnings: Vec<String>,
) -> std::io::Result<()> {
    let Some(id) = output_id(output) else {
        return Ok(());
    };
    let manifest = Manifest {
        laomo: laomo_identity(),
        options: options.to_string(),
        inputs,
        output: id,
        output_files,
        pages,
        warnings,
    };
    let path = location(root, output);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::util::fs::replace_whole(&path, &serde_json::to_vec(&manifest).unwrap_or_default())
}
