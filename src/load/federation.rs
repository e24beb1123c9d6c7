//! A federated site's content: its own, then each source site's (`sources:` in
//! site.yaml), every source read with the federated site's vocabularies, so an honor a
//! county's file names that the province does not know is an error naming the county's
//! file (`[changxing] content/profiles/…`). Sources' section introductions are theirs
//! alone: the federated site shows its own.

use super::{LoadCache, Loaded, SiteRoot, load_cached};
use crate::config::Config;
use crate::diagnostic::Diagnostics;
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
        let root = match SiteRoot::source(source) {
            Ok(r) => r,
            Err(_) => {
                diags.push(
                    source
                        .error(t!("config.source_missing", path = source.root.display()))
                        .hint(t!("config.source_missing.hint")),
                );
                continue;
            }
        };
        let more = load_cached(&root, config, cache, diags);
        loaded.pages.extend(more.pages);
        loaded.loose_files.extend(more.loose_files);
        loaded.broken.extend(more.broken);
        loaded.draft_files.extend(more.draft_files);
    }
    loaded
}
