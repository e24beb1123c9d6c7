//! `cargo bench --bench build`: builds generated sites of N profiles (N/2 stories)
//! with the release binary and prints wall time and peak memory of each build.
//!
//! Sizes come from LAOMO_BENCH_SIZES (default "1000,10000"). Each size is built cold
//! (no previous output and no staging folder), then twice more; "warm" is the third
//! build, the steady state of an editor rebuilding (the writer reuses the old tree).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Peak resident memory of the largest child so far, in MiB (getrusage, Linux: KiB).
fn children_peak_mib() -> f64 {
    // SAFETY: getrusage fills the struct we pass; zeroed is a valid initial value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn build(bin: &Path, site: &Path) -> (f64, f64) {
    // Measure each build in its own process so its peak is its own.
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("self"))
        .env("LAOMO_BENCH_CHILD", bin)
        .arg(site)
        .output()
        .expect("run child");
    let wall = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("peak");
    (wall, peak)
}

fn main() {
    // Child mode: run one build, print its peak memory.
    if let Ok(bin) = std::env::var("LAOMO_BENCH_CHILD") {
        let site = std::env::args().nth(1).expect("site");
        let out = Command::new(bin)
            .args(["build", "--root", &site])
            .output()
            .expect("laomo");
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            std::process::exit(1);
        }
        println!("{:.1}", children_peak_mib());
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
        // Old output is moved aside, not deleted, so the kernel's freeing of it does
        // not run during the measured build.
        let trash = root.join("trash");
        for d in ["public", ".public.laomo-next"] {
            if site.join(d).exists() {
                std::fs::create_dir_all(&trash).expect("trash");
                let aside = trash.join(format!("{n}-{d}-{}", std::process::id()));
                std::fs::rename(site.join(d), aside).expect("move aside");
            }
        }
        let (cold, cold_peak) = build(&bin, &site);
        // The second build creates the staging copy; from the third on, builds reuse it.
        build(&bin, &site);
        let (warm, warm_peak) = build(&bin, &site);
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
