//! A federated site's content: its own, then each source site's (`sources:` in
//! site.yaml), every source read with the federated site's vocabularies, so an honor a
//! county's file names that the province does not know is an error naming the county's
//! file (`[changxing] content/profiles/…`). Sources' section introductions are theirs
//! alone: the federated site shows its own. With `--skip-broken-sources`, a source
//! with errors is left out whole, its errors shown as warnings under a loud one.

use super::{LoadCache, Loaded, SiteRoot, load_cached};
use crate::config::sources::GitPin;
use crate::config::{Config, SourceSite};
use crate::diagnostic::{Diagnostic, Diagnostics};
use rust_i18n::t;

/// Loads the site's own content and every source's, as one.
pub fn load_all(
    site: &SiteRoot,
    config: &Config,
    cache: Option<&LoadCache>,
    diags: &mut Diagnostics,
) -> Loaded {
    let mut loaded = load_cached(site, config, cache, diags);
    for source in &config.sources {
        if let Some(pin) = &source.git
            && !fetch(site, source, pin, diags)
        {
            continue;
        }
        let root = match SiteRoot::source(source) {
            Ok(r) => r,
            Err(_) => {
                diags.push(
                    source
                        .locate(Diagnostic::error(t!(
                            "config.source_missing",
                            path = source.root.display()
                        )))
                        .hint(t!("config.source_missing.hint")),
                );
                continue;
            }
        };
        let mut found = Diagnostics::new();
        let more = load_cached(&root, config, cache, &mut found);
        // Errors in drafts do not stop a build that leaves drafts out (see `soften`).
        let errors = found
            .iter()
            .filter(|d| d.is_error())
            .filter(|d| {
                d.file
                    .as_ref()
                    .is_none_or(|f| !more.draft_files.contains(f))
            })
            .count();
        if errors > 0 && config.skip_broken_sources {
            // Left out whole: half a county in the hall of fame would mislead.
            diags.push(
                source
                    .locate(Diagnostic::warning(t!(
                        "federation.skipped",
                        source = source.name,
                        count = errors
                    )))
                    .hint(t!("federation.skipped.hint")),
            );
            diags.extend(found.into_iter().map(|mut d| {
                d.demote("federation.skipped.error");
                d
            }));
            let names = more.pages.iter().flat_map(|p| {
                [
                    p.slug.clone(),
                    p.title.clone(),
                    format!("{}/{}", source.name, p.slug),
                ]
                .map(|name| (p.kind, name))
            });
            let broken = more
                .broken
                .into_keys()
                .flat_map(|(kind, slug)| [(kind, format!("{}/{slug}", source.name)), (kind, slug)]);
            for key in names.chain(broken) {
                loaded.left_out.insert(key, source.name.clone());
            }
            continue;
        }
        diags.extend(found);
        loaded.pages.extend(more.pages);
        loaded.loose_files.extend(more.loose_files);
        loaded.broken.extend(more.broken);
        loaded.draft_files.extend(more.draft_files);
    }
    loaded
}

/// Checks out a git source into its folder in the cache; false (with the error said)
/// when that cannot be done or the commit holds no laomo site.
fn fetch(site: &SiteRoot, source: &SourceSite, pin: &GitPin, diags: &mut Diagnostics) -> bool {
    // One repository per address, shared by the sources that show parts of it.
    let key = blake3::hash(pin.url.as_bytes()).to_hex();
    let repository = site
        .root
        .join(".laomo-cache")
        .join("git")
        .join(format!("{}.git", &key[..16]));
    match super::git::checkout(pin, &repository, &source.root) {
        Ok(done) => {
            if done.moves {
                diags.push(
                    source
                        .locate(Diagnostic::warning(t!(
                            "federation.git_moves",
                            source = source.name,
                            rev = pin.rev,
                            commit = done.commit
                        )))
                        .hint(t!("federation.git_moves.hint", commit = done.commit)),
                );
            }
            if source.root.join("content").is_dir() {
                return true;
            }
            diags.push(
                source
                    .locate(Diagnostic::error(t!(
                        "federation.git_not_site",
                        url = pin.url,
                        commit = done.commit
                    )))
                    .hint(t!("config.source_not_site.hint")),
            );
            false
        }
        Err(e) => {
            diags.push(
                source
                    .locate(Diagnostic::error(t!(
                        "federation.git_failed",
                        url = pin.url,
                        rev = pin.rev,
                        error = e
                    )))
                    .hint(t!("federation.git_failed.hint")),
            );
            false
        }
    }
}
