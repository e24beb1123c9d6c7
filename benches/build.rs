//! `cargo bench --bench build`: builds generated sites of N profiles (N/2 stories)
//! with the release binary and prints wall time and peak memory of each build.
//!
//! Sizes come from LAOMO_BENCH_SIZES (default "1000,10000"). Each size is built cold
//! (no previous output and no staging folder), then twice more; "warm" is the third
//! build, the steady state of an editor rebuilding (the writer reuses the old tree).

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
        "{:>7} {:>9} {:>10} {:>13} {:>10} {:>13}",
        "N", "MB in", "cold s", "cold peak MiB", "warm s", "warm peak MiB"
    );
    for n in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let site = root.join(format!("site-{n}"));
        let marker = site.join(".generated");
        if !marker.exists() {
            let _ = std::fs::remove_dir_all(&site);
            support::site_gen::generate(&site, n).expect("generate");
            std::fs::write(&marker, "").expect("marker");
        }
        let md: u64 = walk_size(&site.join("content"));
        support::measure::clear(
            &site,
            &root.join("trash"),
            &["public", ".public.laomo-next"],
        );
        let (cold, cold_peak) = support::measure::build(&bin, &site);
        // The second build creates the staging copy; from the third on, builds reuse it.
        support::measure::build(&bin, &site);
        let (warm, warm_peak) = support::measure::build(&bin, &site);
        println!(
            "{n:>7} {:>9.1} {cold:>10.3} {cold_peak:>13.1} {warm:>10.3} {warm_peak:>13.1}",
            md as f64 / 1e6
        );
    }
}

fn walk_size(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                total += walk_size(&p);
            } else if let Ok(m) = e.metadata() {
                total += m.len();
            }
        }
    }
    total
}
