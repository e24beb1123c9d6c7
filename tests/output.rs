//! The output folder: laomo replaces only a folder it built, one build at a time, and a
//! failed write (a full disk) leaves the published site and the next build unharmed.

mod common;
use common::*;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn small_site() -> Site {
    Site::new(&[
        (
            "content/profiles/ding-weisong.md",
            &profile(
                "丁卫松",
                "[{title: 全国劳动模范, year: 2015}]",
                "长兴县",
                "",
            ),
        ),
        (
            "content/stories/laomo-lin.md",
            "---\ntitle: 劳模林里又添新绿\ndate: 2024-03-12\npeople: [ding-weisong]\n---\n植树节这天，劳模们来到劳模林。\n",
        ),
    ])
}

#[test]
fn a_folder_laomo_did_not_build_is_never_replaced() {
    let site = small_site();
    // Someone's folder that happens to hold an index.html.
    site.write("public/index.html", "<p>我的主页</p>");
    site.write("public/报告.docx", "not ours");
    let before = files_under(&site.public());
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("holds files laomo did not write"), "{err}");
    assert!(err.contains(".laomo-output"), "{err}");
    assert_eq!(
        files_under(&site.public()),
        before,
        "the folder was changed"
    );
    // Twice: the first refusal must not have left anything that makes it look ours.
    assert_eq!(site.build().status.code(), Some(1));
    assert_eq!(files_under(&site.public()), before);
}

#[test]
fn laomo_marks_its_output_and_rebuilds_it() {
    let site = small_site();
    site.build_ok();
    let marker = std::fs::read_to_string(site.public().join(".laomo-output")).expect("marker");
    assert!(marker.contains("laomo"), "{marker}");
    site.build_ok();
    site.build_ok();
    assert!(site.public().join(".laomo-output").is_file());
    assert!(
        site.public()
            .join("profiles/ding-weisong/index.html")
            .is_file()
    );
}

#[test]
fn an_output_above_the_site_is_refused_before_any_work() {
    let site = small_site();
    let parent = site.root().parent().expect("parent").to_path_buf();
    let listing = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .expect("ls")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    };
    let before = listing(site.root());
    for output in ["..", "public/../..", "."] {
        let out = laomo()
            .args(["build", "--output", output])
            .current_dir(site.root())
            .output()
            .expect("run");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "--output {output}: {err}");
        assert!(
            err.contains("would replace the site's own files"),
            "--output {output}: {err}"
        );
        assert_eq!(
            listing(site.root()),
            before,
            "--output {output} wrote something"
        );
    }
    assert!(parent.is_dir());
}

#[test]
fn a_second_build_waits_for_the_first() {
    let site = small_site();
    site.build_ok();
    // Hold the lock as a running build would.
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(site.root().join(".public.laomo-lock"))
        .expect("lock file");
    lock.lock().expect("lock");
    site.write(
        "content/stories/second.md",
        "---\ntitle: 第二篇\ndate: 2024-05-01\n---\n正文。\n",
    );
    let mut child = laomo()
        .args(["build", "--root"])
        .arg(site.root())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the build finished while another held the output"
    );
    assert!(!site.public().join("stories/second/index.html").exists());
    drop(lock);
    let started = Instant::now();
    let out = child.wait_with_output().expect("wait");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("waiting for it to finish"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(site.public().join("stories/second/index.html").is_file());
}

/// Writes fail past 20 KB per file (RLIMIT_FSIZE, with SIGXFSZ ignored), the way they
/// fail on a full disk: the build names the file, keeps public/ and removes the
/// half-written staging folder, and the next build (with room again) succeeds.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_keeps_the_site_and_the_next_build_works() {
    use std::os::unix::process::CommandExt;
    let site = small_site();
    site.build_ok();
    site.build_ok(); // the staging folder now holds the previous site, as on a real host
    let before = files_under(&site.public());
    let long: String = "劳模精神代代相传。".repeat(2000);
    site.write(
        "content/stories/long.md",
        &format!("---\ntitle: 长文\ndate: 2024-06-01\n---\n{long}\n"),
    );
    let mut cmd = laomo();
    cmd.args(["build", "--root"]).arg(site.root());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 20_000,
                rlim_max: 20_000,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("stories/long/index.html"),
        "the file is not named:\n{err}"
    );
    assert!(err.contains("free some space"), "{err}");
    assert_eq!(files_under(&site.public()), before, "public/ changed");
    assert!(
        !site.root().join(".public.laomo-next").exists(),
        "the half-written staging folder was left behind"
    );
    site.build_ok();
    assert!(site.public().join("stories/long/index.html").is_file());
}

#[test]
fn a_build_with_nothing_changed_does_no_work_and_any_change_rebuilds() {
    let site = small_site();
    // A warning (a story naming a draft), to be shown again by the build that skips.
    site.write(
        "content/profiles/cao.md",
        &profile("曹高", "[{title: 全国劳模}]", "长兴县", "draft: true\n"),
    );
    site.write(
        "content/stories/caogao.md",
        "---\ntitle: 走访曹高\ndate: 2024-05\npeople: [cao-gao]\n---\n走访。\n",
    );
    let first = site.build_ok();
    let warning = stderr(&first);
    assert!(warning.contains("warning:"), "{warning}");
    let page = site.public().join("stories/laomo-lin/index.html");
    let written = std::fs::metadata(&page)
        .and_then(|m| m.modified())
        .expect("mtime");
    let before = files_under(&site.public());
    // What proves the output current is kept out of it: the output is published, and
    // the list of inputs names drafts.
    for (path, bytes) in &before {
        assert!(
            !String::from_utf8_lossy(bytes).contains("content/profiles/cao.md"),
            "{path} lists the site's files"
        );
    }

    // Nothing changed: said so, the warning shown again, not one file written.
    let again = site.build_ok();
    let said = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(
        said.contains("is up to date: nothing changed since the last build"),
        "{said}"
    );
    assert_eq!(stderr(&again), warning);
    assert_eq!(files_under(&site.public()), before);
    assert_eq!(
        std::fs::metadata(&page)
            .and_then(|m| m.modified())
            .expect("mtime"),
        written
    );

    // Saved again without a change (a newer time, the same bytes): still current.
    let story = site.root().join("content/stories/laomo-lin.md");
    let text = std::fs::read_to_string(&story).expect("read");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&story, &text).expect("touch");
    let said = String::from_utf8_lossy(&site.build_ok().stdout).to_string();
    assert!(said.contains("is up to date"), "{said}");

    // A real edit is built.
    std::fs::write(
        &story,
        text.replace("劳模们来到劳模林", "劳模们又一次来到劳模林"),
    )
    .expect("edit");
    let said = String::from_utf8_lossy(&site.build_ok().stdout).to_string();
    assert!(said.contains("built "), "{said}");
    assert!(
        site.text("/stories/laomo-lin/index.html")
            .contains("劳模们又一次来到劳模林")
    );

    // An output replaced or emptied is noticed and built again.
    std::fs::remove_dir_all(site.public()).expect("rm");
    std::fs::create_dir(site.public()).expect("mkdir");
    let said = String::from_utf8_lossy(&site.build_ok().stdout).to_string();
    assert!(said.contains("built "), "{said}");
    assert!(page.is_file());
    // A file deleted by hand deep inside is not looked for; --force builds regardless.
    std::fs::remove_file(&page).expect("rm");
    let out = site.run(&["build", "--force"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("built "));
    assert!(page.is_file());

    // Other options are another output: --drafts builds.
    let out = site.run(&["build", "--drafts"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("built "));
    assert!(site.public().join("profiles/cao-gao/index.html").is_file());
}

#[test]
fn the_sites_own_interface_wording_is_an_input_of_the_build() {
    let site = small_site();
    site.build_ok();
    assert!(site.text("/index.html").contains("跳到正文"));
    // An editor rewords one of the theme's interface texts: the next build shows it.
    site.write("i18n/zh-CN.yaml", "skip_to_content: 直接看正文\n");
    let said = String::from_utf8_lossy(&site.build_ok().stdout).to_string();
    assert!(said.contains("built "), "{said}");
    let home = site.text("/index.html");
    assert!(
        home.contains("直接看正文") && !home.contains("跳到正文"),
        "{home}"
    );
}
