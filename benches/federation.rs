//! `cargo bench --bench federation`: a federated site built from K source sites of
//! 2,000 profiles and 1,000 stories each (the `build` benchmark's generator, one site
//! per source), with the release binary: wall time and peak memory of a cold build, of
//! a build after one story of one source changed, and of one with nothing changed.
//!
//! K comes from LAOMO_BENCH_SOURCES (default "5,50": 10,000 and 100,000 profiles).
//! Share cards are off (`share: {cards: false}`): drawing 300,000 of them is the card
//! cache's work, measured by the `build` benchmark, not the federation's.

mod support;

use std::path::{Path, PathBuf};

const PER_SOURCE: usize = 2_000;

fn main() {
    if support::measure::child_main() {
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laomo"));
    let counts = std::env::var("LAOMO_BENCH_SOURCES").unwrap_or_else(|_| "5,50".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-sites");
    println!(
        "{:>7} {:>9} {:>9} {:>10} {:>13} {:>10} {:>13} {:>10}",
        "sources",
        "profiles",
        "MB in",
        "cold s",
        "cold peak MiB",
        "edit s",
        "edit peak MiB",
        "same s"
    );
    for k in counts
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let site = root.join(format!("federation-{k}"));
        support::site_gen::once(&site, || {
            support::site_gen::generate_federation(&site, k, PER_SOURCE).expect("generate");
        });
        let md = support::measure::folder_size(&site.join("sources"));
        let support::measure::Runs {
            cold: (cold, cold_peak),
            edit: (edit, edit_peak),
            same: (same, _),
        } = support::measure::cold_edit_same(&bin, &site, &root.join("trash"), |n| {
            edit_one_story(&site, n)
        });
        println!(
            "{k:>7} {:>9} {:>9.1} {cold:>10.3} {cold_peak:>13.1} {edit:>10.3} {edit_peak:>13.1} {same:>10.3}",
            k * PER_SOURCE,
            md as f64 / 1e6
        );
    }
}

/// Appends a sentence to the first story of the first source, as an editor's fix would.
fn edit_one_story(site: &Path, n: usize) {
    let story = site.join("sources/s0/content/stories/s0.md");
    let mut text = std::fs::read_to_string(&story).expect("read story");
    text.push_str(&format!("\n第{n}次修改补充的一句话。\n"));
    std::fs::write(&story, text).expect("edit story");
}
