//! `cargo bench --bench build`: builds generated sites of N profiles (N/2 stories)
//! with the release binary and prints wall time and peak memory of each build.
//!
//! Sizes come from LAOMO_BENCH_SIZES (default "1000,10000"). Each size is built cold
//! (no previous output, no staging folder, no stored loads: photos and cards stay
//! cached); then one story is edited before each of two more builds, and "edit" is the
//! second, the steady state of a deploy after one change (the writer reuses the old
//! tree, the load stage its stored pages); "same" is one more build with nothing
//! changed, which laomo proves current and skips (src/manifest.rs).

mod support;

use std::path::{Path, PathBuf};

fn main() {
    if support::measure::child_main() {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laomo"));
    let sizes = std::env::var("LAOMO_BENCH_SIZES").unwrap_or_else(|_| "1000,10000".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-sites");
    println!(
        "{:>7} {:>9} {:>10} {:>13} {:>10} {:>13} {:>10} {:>13}",
        "N",
        "MB in",
        "cold s",
        "cold peak MiB",
        "edit s",
        "edit peak MiB",
        "same s",
        "same peak MiB"
    );
    for n in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let site = root.join(format!("site-{n}"));
        support::site_gen::once(&site, || {
            support::site_gen::generate(&site, n).expect("generate");
        });
        let md = support::measure::folder_size(&site.join("content"));
        let support::measure::Runs {
            cold: (cold, cold_peak),
            edit: (edit, edit_peak),
            same: (same, same_peak),
        } = support::measure::cold_edit_same(&bin, &site, &root.join("trash"), |n| {
            edit_one_story(&site, n)
        });
        println!(
            "{n:>7} {:>9.1} {cold:>10.3} {cold_peak:>13.1} {edit:>10.3} {edit_peak:>13.1} {same:>10.3} {same_peak:>13.1}",
            md as f64 / 1e6
        );
    }
}

/// Appends a sentence to the first story, as an editor's fix would.
fn edit_one_story(site: &Path, n: usize) {
    let dir = site.join("content/stories");
    let mut stories: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("stories")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    stories.sort();
    let story = stories.first().expect("a story");
    let mut text = std::fs::read_to_string(story).expect("read story");
    text.push_str(&format!("\n第{n}次修改补充的一句话。\n"));
    std::fs::write(story, text).expect("edit story");
}
