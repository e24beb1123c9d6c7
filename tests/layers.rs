//! The pipeline's layering, enforced: each module of `src/` may use only the modules
//! below it in [`LAYERS`], so data flows one way (load → link → render → write) and a
//! new feature cannot quietly tie a low module to a high one.

use std::collections::BTreeSet;
use std::path::Path;

/// Lowest first. Modules on one line are peers and may use each other.
const LAYERS: &[&[&str]] = &[
    &["util", "pinyin"],
    &["diagnostic"],
    &["yaml"],
    &["config"],
    &["model"],
    &["load"],
    &["link"],
    &["imageproc"],
    &["share"],
    &["render"],
    &["search"],
    &["write", "manifest"],
    &["build"],
    &["serve", "scaffold", "roster", "poster"],
    // Print finds its page as the poster does, and reads the theme the render stage loads.
    &["print"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a source file belongs to: `src/load/kinds.rs` → `load`.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .to_string();
    Some(first.trim_end_matches(".rs").to_string())
}

#[test]
fn modules_use_only_the_modules_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = BTreeSet::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("prefix");
        let Some(me) = module_of(rel) else { continue };
        if matches!(me.as_str(), "main" | "lib") {
            continue;
        }
        files += 1;
        let Some(my_layer) = layer_of(&me) else {
            problems.insert(format!(
                "src/{}: module `{me}` has no layer in tests/layers.rs",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).expect("read");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("crate::{") {
                problems.insert(format!(
                    "src/{}:{}: write `use crate::module::…` once per module, so that layering can be checked",
                    rel.display(),
                    n + 1
                ));
            }
            for (i, _) in code.match_indices("crate::") {
                let used: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if used.is_empty() || used == me {
                    continue;
                }
                match layer_of(&used) {
                    Some(l) if l <= my_layer => {}
                    Some(_) => {
                        problems.insert(format!(
                            "src/{}:{}: `{me}` uses `{used}`, which is above it",
                            rel.display(),
                            n + 1
                        ));
                    }
                    None => {}
                }
            }
        }
    }
    assert!(files > 20, "only {files} files read");
    assert!(
        problems.is_empty(),
        "{} layering problems:\n{}",
        problems.len(),
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}
