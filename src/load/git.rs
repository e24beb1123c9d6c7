//! Git sources (`git:` and `rev:` in `sources:`): the repository is fetched into the
//! cache with gix and the files of the chosen commit written out as the source's
//! folder, so the rest of the build reads a git source exactly as a local one. A commit
//! id pins the source: the same commit gives the same files, and once it is in the
//! cache no network is needed to build it again.

use crate::config::sources::GitPin;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// The file in a checkout naming the commit it holds.
const COMMIT_FILE: &str = ".laomo-commit";

/// What was checked out.
#[derive(Debug)]
pub struct CheckedOut {
    /// The commit's full id.
    pub commit: String,
    /// Whether `rev:` follows a branch or tag (not a commit id), which may move.
    pub moves: bool,
}

/// Makes `worktree` hold the files of `pin`'s commit, fetching `pin.url` into the bare
/// repository `repository` when the commit is not there yet (or `rev:` is a branch or
/// tag, which may have moved).
pub fn checkout(pin: &GitPin, repository: &Path, worktree: &Path) -> Result<CheckedOut, String> {
    let interrupt = AtomicBool::new(false);
    let commit_id = is_commit_id(&pin.rev);
    let (repo, fetched) = if repository.join("HEAD").is_file() {
        (gix::open(repository).map_err(|e| e.to_string())?, false)
    } else {
        if let Some(parent) = repository.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut clone =
            gix::prepare_clone_bare(pin.url.as_str(), repository).map_err(|e| e.to_string())?;
        let (repo, _) = clone
            .fetch_only(gix::progress::Discard, &interrupt)
            .map_err(|e| e.to_string())?;
        (repo, true)
    };
    let mut commit = resolve(&repo, &pin.rev);
    if !fetched && (commit.is_none() || !commit_id) {
        fetch(&repo, &interrupt)?;
        commit = resolve(&repo, &pin.rev);
    }
    let Some(commit) = commit else {
        return Err(format!("`{}` is no commit, tag or branch of it", pin.rev));
    };
    let id = commit.to_string();
    let done = std::fs::read_to_string(worktree.join(COMMIT_FILE)).ok();
    if done.as_deref() != Some(id.as_str()) {
        write_commit(&repo, commit, worktree)?;
    }
    Ok(CheckedOut {
        commit: id,
        moves: !commit_id,
    })
}

/// A full commit id (40 hex digits for SHA-1): the one kind of `rev:` that cannot move.
fn is_commit_id(rev: &str) -> bool {
    rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Updates the remote branches and tags of the cached repository.
fn fetch(repo: &gix::Repository, interrupt: &AtomicBool) -> Result<(), String> {
    let remote = repo
        .find_default_remote(gix::remote::Direction::Fetch)
        .ok_or_else(|| "the cached repository has no remote".to_string())?
        .map_err(|e| e.to_string())?
        // A bare clone keeps no fetch refspec: every branch and tag, as the remote has them.
        .with_refspecs(
            ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
            gix::remote::Direction::Fetch,
        )
        .map_err(|e| e.to_string())?;
    remote
        .connect(gix::remote::Direction::Fetch)
        .map_err(|e| e.to_string())?
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|e| e.to_string())?
        .receive(gix::progress::Discard, interrupt)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The commit `rev` names: a commit id (full or abbreviated), a branch of the remote,
/// or a tag.
fn resolve(repo: &gix::Repository, rev: &str) -> Option<gix::ObjectId> {
    let candidates = [
        format!("refs/remotes/origin/{rev}"),
        format!("refs/tags/{rev}"),
        format!("refs/heads/{rev}"),
        rev.to_string(),
    ];
    candidates.iter().find_map(|spec| {
        let id = repo.rev_parse_single(spec.as_str()).ok()?;
        let commit = id.object().ok()?.peel_to_commit().ok()?;
        Some(commit.id)
    })
}

/// Writes the files of `commit` into `worktree`, whole or not at all: into a folder
/// beside it, swapped in when complete.
fn write_commit(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    worktree: &Path,
) -> Result<(), String> {
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| e.to_string())?;
    let name = worktree
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fresh = worktree.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    std::fs::create_dir_all(&fresh).map_err(|e| e.to_string())?;
    let written = write_tree(repo, &tree, &fresh).and_then(|()| {
        std::fs::write(fresh.join(COMMIT_FILE), commit.to_string()).map_err(|e| e.to_string())
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(e);
    }
    let old = worktree.with_file_name(format!(".{name}.{}.old", std::process::id()));
    if worktree.exists() {
        std::fs::rename(worktree, &old).map_err(|e| e.to_string())?;
    }
    std::fs::rename(&fresh, worktree).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Files and folders only: links (which could point anywhere on this computer) and
/// submodules are left out, and so is any name that is not one plain path component.
fn write_tree(repo: &gix::Repository, tree: &gix::Tree<'_>, dir: &Path) -> Result<(), String> {
    use gix::objs::tree::EntryKind;
    for entry in tree.iter() {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.filename().to_string();
        let plain = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains(['/', '\\', '\0'])
            && !name.eq_ignore_ascii_case(".git");
        if !plain {
            continue;
        }
        let path = dir.join(&name);
        match entry.mode().kind() {
            EntryKind::Tree => {
                std::fs::create_dir(&path).map_err(|e| e.to_string())?;
                let sub = repo
                    .find_tree(entry.object_id())
                    .map_err(|e| e.to_string())?;
                write_tree(repo, &sub, &path)?;
            }
            EntryKind::Blob | EntryKind::BlobExecutable => {
                let blob = repo
                    .find_blob(entry.object_id())
                    .map_err(|e| e.to_string())?;
                std::fs::write(&path, &blob.data).map_err(|e| e.to_string())?;
            }
            EntryKind::Link | EntryKind::Commit => {}
        }
    }
    Ok(())
}
