//! Wall time and peak memory of one `laomo build`, measured in a child process so
//! each build's peak is its own (getrusage of the grandchild, via the child).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub const CHILD_ENV: &str = "LAOMO_BENCH_CHILD";

fn children_peak_mib() -> f64 {
    // SAFETY: getrusage fills the struct we pass; zeroed is a valid initial value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

/// In the child: run the build given on the command line, print its peak memory.
/// Returns false when this process is not a child.
pub fn child_main() -> bool {
    let Ok(bin) = std::env::var(CHILD_ENV) else {
        return false;
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = Command::new(bin).args(&args).output().expect("laomo");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
    println!("{:.1}", children_peak_mib());
    true
}

/// Runs `laomo build --root site`; returns (wall seconds, peak MiB).
pub fn build(bin: &Path, site: &Path) -> (f64, f64) {
    run(
        bin,
        &["build".as_ref(), "--root".as_ref(), site.as_os_str()],
    )
}

/// Runs `laomo ARGS…`; returns (wall seconds, peak MiB).
pub fn run(bin: &Path, args: &[&std::ffi::OsStr]) -> (f64, f64) {
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("self"))
        .env(CHILD_ENV, bin)
        .args(args)
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

/// Moves old output aside so freeing it does not run during the measured build.
pub fn clear(site: &Path, trash: &Path, dirs: &[&str]) {
    for d in dirs {
        let p = site.join(d);
        if p.exists() {
            std::fs::create_dir_all(trash).expect("trash");
            let aside = trash.join(format!(
                "{}-{}-{}",
                d.trim_start_matches('.').replace('/', "-"),
                std::process::id(),
                Instant::now().elapsed().as_nanos()
            ));
            let _ = std::fs::rename(&p, &aside);
            if p.exists() {
                let _ = std::fs::remove_dir_all(&p);
            }
        }
    }
}

/// One site's builds as a deploy sees them: cold (no previous output), after an edit
/// (`edit(n)` changes one story; the first edited build makes the staging copy, the
/// second is the steady state measured), and with nothing changed. (wall s, peak MiB).
pub struct Runs {
    pub cold: (f64, f64),
    pub edit: (f64, f64),
    pub same: (f64, f64),
}

pub fn cold_edit_same(bin: &Path, site: &Path, trash: &Path, edit: impl Fn(usize)) -> Runs {
    // Cold is a first build: nothing loaded before (photos and cards stay cached).
    clear(
        site,
        trash,
        &["public", ".public.laomo-next", ".laomo-cache/loads.pack"],
    );
    let cold = build(bin, site);
    edit(1);
    build(bin, site);
    edit(2);
    let edited = build(bin, site);
    Runs {
        cold,
        edit: edited,
        same: build(bin, site),
    }
}

/// Bytes of the files under `dir`.
pub fn folder_size(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                folder_size(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}
