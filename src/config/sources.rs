//! `sources:` — the other laomo sites a federated site is built from: a provincial
//! association's site gathering its counties' own sites, each kept by its own editors.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::yaml::{Sp, YamlSource};
use rust_i18n::t;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One entry of `sources:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceFile {
    name: Sp<String>,
    #[serde(default)]
    path: Option<Sp<String>>,
    #[serde(default)]
    git: Option<Sp<String>>,
    #[serde(default)]
    rev: Option<Sp<String>>,
    #[serde(default)]
    association: Option<Sp<String>>,
    #[serde(default)]
    prefix: Option<Sp<String>>,
}

/// Another laomo site whose content this site shows under its own prefix.
#[derive(Debug, Clone)]
pub struct SourceSite {
    /// Short ASCII name: in messages (`[changxing] content/…`) and the default prefix.
    pub name: String,
    /// The source's site folder (holding its `content/`); for a git source, its
    /// checkout in the cache, made by the load stage.
    pub root: PathBuf,
    /// Where a git source comes from, and which of its commits is shown.
    pub git: Option<GitPin>,
    /// The association (slug or name) its pages belong to when they name none.
    pub association: Option<String>,
    /// Where its pages live in this site, `/changxing/`: the county site's own paths
    /// below it, so a link written for the county site works here too.
    pub prefix: String,
    /// Where the entry (its `association:` when given) is in site.yaml, for messages
    /// about it at link time.
    pub at: Option<crate::diagnostic::Position>,
    pub source_line: Option<crate::diagnostic::SourceLine>,
}

/// The folders of a source site a build reads.
pub const READ_FOLDERS: [&str; 2] = ["content", "static"];

/// The sources site.yaml lists now, for callers that only need where they are (the
/// build manifest, the preview's watcher): site.yaml's own mistakes are the build's
/// to report.
pub fn listed(root: &Path) -> Vec<SourceSite> {
    super::Config::load(root, &mut Diagnostics::new())
        .map(|c| c.sources)
        .unwrap_or_default()
}

/// A git repository and the commit, tag or branch of it a source shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitPin {
    /// A URL (`https://gitee.com/…/site.git`) or a repository folder, made absolute.
    pub url: String,
    /// As written: a commit id pins the source, a tag nearly, a branch follows it.
    pub rev: String,
}

/// Checks `sources:`: a name that cannot be part of an address, a folder that is not a
/// laomo site, or a prefix taken twice is an error at its line.
pub(super) fn check(
    raw: Vec<Sp<SourceFile>>,
    root: &Path,
    src: &YamlSource,
    diags: &mut Diagnostics,
) -> Vec<SourceSite> {
    let mut sources: Vec<SourceSite> = Vec::new();
    for entry in raw {
        let s = entry.value;
        let name = s.name.value.trim().to_string();
        if !crate::pinyin::is_valid_slug(&name) {
            diags.push(
                src.error_at(&s.name, t!("config.source_name", name = name))
                    .hint(t!("config.source_name.hint")),
            );
            continue;
        }
        if sources.iter().any(|o| o.name == name) {
            diags.push(
                src.error_at(&s.name, t!("config.source_twice", name = name))
                    .hint(t!("config.source_twice.hint")),
            );
            continue;
        }
        let (folder, git, path) = match (&s.path, &s.git) {
            (Some(path), None) => match local_site(path, root, src) {
                Ok(folder) => (folder, None, path),
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            },
            (None, Some(git)) => {
                let Some(rev) = s.rev.as_ref().filter(|r| !r.value.trim().is_empty()) else {
                    diags.push(
                        src.error_at(git, t!("config.source_no_rev", name = name))
                            .hint(t!("config.source_no_rev.hint")),
                    );
                    continue;
                };
                let pin = GitPin {
                    url: repository_url(git.value.trim(), root),
                    rev: rev.value.trim().to_string(),
                };
                // Checked out by the load stage, one folder per source.
                let checkout = root.join(".laomo-cache").join("sources").join(&name);
                (checkout, Some(pin), git)
            }
            (Some(_), Some(git)) => {
                diags.push(
                    src.error_at(git, t!("config.source_path_and_git", name = name))
                        .hint(t!("config.source_where.hint")),
                );
                continue;
            }
            (None, None) => {
                diags.push(
                    src.error_at(&s.name, t!("config.source_nowhere", name = name))
                        .hint(t!("config.source_where.hint")),
                );
                continue;
            }
        };
        // The site itself, a folder holding it or one in its content would be read twice.
        if let Ok(own) = root.canonicalize()
            && git.is_none()
            && (own.starts_with(&folder) || folder.starts_with(own.join("content")))
        {
            diags.push(
                src.error_at(path, t!("config.source_inside", path = path.value))
                    .hint(t!("config.source_inside.hint")),
            );
            continue;
        }
        if let Some(other) = sources
            .iter()
            .find(|o| o.root == folder || (git.is_some() && o.git == git))
        {
            diags.push(
                src.error_at(
                    path,
                    t!(
                        "config.source_same_folder",
                        path = path.value,
                        other = other.name
                    ),
                )
                .hint(t!("config.source_twice.hint")),
            );
            continue;
        }
        let prefix = match &s.prefix {
            None => format!("/{name}/"),
            Some(p) => match normal_prefix(&p.value) {
                Some(prefix) => prefix,
                None => {
                    diags.push(
                        src.error_at(p, t!("config.source_prefix", prefix = p.value))
                            .hint(t!("config.source_prefix.hint", name = name)),
                    );
                    continue;
                }
            },
        };
        let at = s.prefix.as_ref().unwrap_or(&s.name);
        if let Some(other) = sources.iter().find(|o| {
            o.prefix.starts_with(prefix.as_str()) || prefix.starts_with(o.prefix.as_str())
        }) {
            diags.push(
                src.error_at(
                    at,
                    t!(
                        "config.source_prefix_twice",
                        prefix = prefix,
                        other = other.name
                    ),
                )
                .hint(t!("config.source_prefix.hint", name = name)),
            );
            continue;
        }
        let position = match &s.association {
            Some(a) => src.position_of(a),
            None => src.position_of(&s.name),
        };
        sources.push(SourceSite {
            name,
            root: folder,
            git,
            association: s
                .association
                .map(|a| a.value.trim().to_string())
                .filter(|a| !a.is_empty()),
            prefix,
            at: position,
            source_line: position
                .filter(|p| p.line > 0)
                .and_then(|p| src.file_text.lines().nth(p.line - 1))
                .map(crate::diagnostic::SourceLine::from),
        });
    }
    sources
}

/// The folder of a source given by `path:`, which must be a laomo site.
fn local_site(path: &Sp<String>, root: &Path, src: &YamlSource) -> Result<PathBuf, Diagnostic> {
    let Ok(folder) = root.join(path.value.trim()).canonicalize() else {
        return Err(src
            .error_at(path, t!("config.source_missing", path = path.value))
            .hint(t!("config.source_missing.hint")));
    };
    if !folder.join("content").is_dir() {
        return Err(src
            .error_at(path, t!("config.source_not_site", path = path.value))
            .hint(t!("config.source_not_site.hint")));
    }
    Ok(folder)
}

/// A repository as git names it: a URL (`https://…`, `ssh://…`, `git@host:…`) as
/// written, a folder made absolute from the site's.
fn repository_url(written: &str, root: &Path) -> String {
    let scp_like = written
        .split_once(':')
        .is_some_and(|(host, _)| host.contains('@') && !host.contains('/'));
    if written.contains("://") || scp_like {
        return written.to_string();
    }
    let folder = root.join(written);
    folder
        .canonicalize()
        .unwrap_or(folder)
        .to_string_lossy()
        .into_owned()
}

/// `/changxing/`, `changxing`, `/zj/changxing` → `/changxing/`, `/zj/changxing/`: every
/// segment an address can carry as written (lower-case letters, digits, `-`).
fn normal_prefix(written: &str) -> Option<String> {
    let segments: Vec<&str> = written
        .trim()
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    if segments.is_empty() || !segments.iter().all(|s| crate::pinyin::is_valid_slug(s)) {
        return None;
    }
    Some(format!("/{}/", segments.join("/")))
}

impl SourceSite {
    /// `d`, about this entry of site.yaml, placed at its line.
    pub fn locate(&self, d: Diagnostic) -> Diagnostic {
        let mut d = d.in_file(super::SITE_FILE).at_opt(self.at);
        d.source_line = self.source_line.clone();
        d
    }
}

/// What makes two profiles of a federation one person when neither carries an `id:`
/// (`same_person: [name, organization]`): all the fields agree, none of them empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    Name,
    Organization,
    Region,
    Occupation,
}

impl PersonField {
    /// As written in site.yaml.
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("", |(k, _)| k)
    }

    const ALL: [(&'static str, PersonField); 4] = [
        ("name", PersonField::Name),
        ("organization", PersonField::Organization),
        ("region", PersonField::Region),
        ("occupation", PersonField::Occupation),
    ];
}

/// Checks `same_person:`. A rule of the name alone is refused: two model workers
/// of one name are common (王伟 in many counties), and merging them would show one
/// person's honors on another's page.
pub(super) fn same_person(
    raw: &[Sp<String>],
    src: &YamlSource,
    diags: &mut Diagnostics,
) -> Vec<PersonField> {
    let mut fields = Vec::new();
    let known: Vec<&str> = PersonField::ALL.iter().map(|(k, _)| *k).collect();
    for f in raw {
        match PersonField::ALL.iter().find(|(k, _)| *k == f.value.trim()) {
            Some((_, field)) if !fields.contains(field) => fields.push(*field),
            Some(_) => {}
            None => diags.push(
                src.error_at(f, t!("config.same_person_field", field = f.value))
                    .hint(t!(
                        "config.same_person_field.hint",
                        fields = known.join(", ")
                    )),
            ),
        }
    }
    if fields == [PersonField::Name] {
        if let Some(f) = raw.first() {
            diags.push(
                src.error_at(f, t!("config.same_person_name_only"))
                    .hint(t!("config.same_person_name_only.hint")),
            );
        }
        fields.clear();
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_normalised_and_checked() {
        assert_eq!(normal_prefix("changxing").as_deref(), Some("/changxing/"));
        assert_eq!(
            normal_prefix("/zj/changxing").as_deref(),
            Some("/zj/changxing/")
        );
        assert_eq!(normal_prefix("/"), None);
        assert_eq!(normal_prefix("/长兴/"), None);
        assert_eq!(normal_prefix("../x"), None);
    }
}
