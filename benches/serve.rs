//! `cargo bench --bench serve`: how long an edit to one story takes to reach the
//! browser in `laomo serve` on a generated site of N profiles (LAOMO_BENCH_SIZES,
//! default 10000): from writing the file to the server returning the new page.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    );
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).to_string()
}

fn main() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laomo"));
    let sizes = std::env::var("LAOMO_BENCH_SIZES").unwrap_or_else(|_| "10000".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-sites");
    for n in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        // LAOMO_BENCH_FEDERATION=1: N profiles as a federated site of sources of 2,000
        // (the federation benchmark's site), the edit in the first source.
        let federated = std::env::var_os("LAOMO_BENCH_FEDERATION").is_some();
        let (site, story, page) = if federated {
            let k = n.div_ceil(2_000);
            (
                root.join(format!("federation-{k}")),
                "sources/s0/content/stories/s0.md",
                "/s0/stories/s0/",
            )
        } else {
            (
                root.join(format!("site-{n}")),
                "content/stories/s0.md",
                "/stories/s0/",
            )
        };
        support::site_gen::once(&site, || {
            if federated {
                support::site_gen::generate_federation(&site, n.div_ceil(2_000), 2_000)
                    .expect("generate");
            } else {
                support::site_gen::generate(&site, n).expect("generate");
            }
        });
        let story = site.join(story);
        let original = std::fs::read_to_string(&story).expect("story");
        let started = Instant::now();
        let mut child = Command::new(&bin)
            .args(["serve", "--port", "0", "--root"])
            .arg(&site)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("line");
        let first = started.elapsed();
        let port: u16 = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .expect("port");
        let _ = get(port, page);
        let mut times = Vec::new();
        for round in 0..7 {
            let marker = format!("编辑标记{round}号");
            std::fs::write(&story, format!("{original}\n{marker}\n")).expect("edit");
            let t = Instant::now();
            loop {
                if get(port, page).contains(&marker) {
                    break;
                }
                assert!(
                    t.elapsed() < Duration::from_secs(30),
                    "the edit never showed"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            std::thread::sleep(Duration::from_millis(300));
        }
        std::fs::write(&story, &original).expect("restore");
        let _ = child.kill();
        let _ = child.wait();
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "N={n}: first build and start {:.2} s; edit one story → new page served: median {:.0} ms, min {:.0} ms, max {:.0} ms (7 edits)",
            first.as_secs_f64(),
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
}
