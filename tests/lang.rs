//! laomo speaks Chinese unless asked for English: `--lang en`, or a locale that says so.
//! The rest of the tests read the English; these read what a Chinese editor reads.

mod common;
use common::*;
use std::process::{Command, Output};

/// The binary with no language in its environment, as on a fresh Windows or macOS terminal.
fn bare(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_laomo"));
    c.args(args)
        .arg("--root")
        .arg(site.root())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run laomo")
}

fn broken_site() -> Site {
    Site::new(&[(
        "content/profiles/ding-weisong.md",
        "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregion：长兴县\nregon: 长兴县\n---\n正文。\n",
    )])
}

#[test]
fn messages_are_chinese_by_default() {
    let site = broken_site();
    for env in [&[][..], &[("LANG", "zh_CN.UTF-8")], &[("LANG", "C.UTF-8")]] {
        let out = bare(&site, &["check"], env);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{env:?}: {err}");
        assert!(
            err.contains("错误：`region` 后面是全角冒号“：”，这样读不出这一项")
                && err.contains(" --> content/profiles/ding-weisong.md:4:7")
                && err.contains("= 提示：请改成半角冒号加一个空格：`region: …`")
                && err.contains("错误：发现 1 个错误、0 个警告"),
            "{env:?}: {err}"
        );
        assert!(
            !err.contains("error:") && !err.contains("help:"),
            "{env:?}: {err}"
        );
    }
}

#[test]
fn english_when_asked() {
    let site = broken_site();
    for (args, env) in [
        (&["--lang", "en", "check"][..], &[][..]),
        (&["check", "--lang", "en"], &[("LANG", "zh_CN.UTF-8")]),
        (&["check"], &[("LANG", "en_US.UTF-8")]),
        (
            &["check"],
            &[("LC_ALL", "en_GB.UTF-8"), ("LANG", "zh_CN.UTF-8")],
        ),
    ] {
        let err = stderr(&bare(&site, args, env));
        assert!(
            err.contains("error: a full-width colon `：` follows `region`")
                && err.contains("= help: type a half-width colon")
                && err.contains("error: found 1 error(s) and 0 warning(s)"),
            "{args:?} {env:?}: {err}"
        );
    }
}

#[test]
fn help_is_chinese_by_default() {
    let site = Site::new(&[]);
    let zh = bare(&site, &["build", "--help"], &[]);
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(
        text.contains("生成网站到 public/")
            && text.contains("用法：laomo build")
            && text.contains("选项")
            && text.contains("--drafts               包含标为 `draft: true` 的草稿")
            && text.contains("显示帮助"),
        "{text}"
    );
    let en = bare(&site, &["build", "--help"], &[("LANG", "en_US.UTF-8")]);
    let text = String::from_utf8_lossy(&en.stdout);
    assert!(
        text.contains("Build the site into public/") && text.contains("Usage: laomo build"),
        "{text}"
    );
}

#[test]
fn a_chinese_diagnostic_as_an_editor_reads_it() {
    let site = Site::new(&[(
        "content/stories/s.md",
        "---\ntitle: 劳模宣讲\ndate: 2018.10\npeople: [丁卫松]\n---\n正文。\n",
    )]);
    let out = bare(&site, &["check"], &[]);
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_mistake_in_a_draft_is_a_warning_that_says_why_in_chinese() {
    let site = Site::new(&[(
        "content/profiles/wang-wei.md",
        "---\ndraft: true\nname: 王伟\nhonors: [{title: 劳动模范}]\nregion: 长兴县\n---\n正文。\n",
    )]);
    let out = bare(&site, &["build"], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("（这是草稿，不会发布：删掉 `draft: true` 之前请改正）"),
        "{err}"
    );
    assert!(!err.contains("in a draft"), "{err}");
}

#[test]
fn a_placeholder_left_in_a_published_page_is_explained_in_chinese() {
    let site = Site::new(&[(
        "content/profiles/wang-wei.md",
        "---\nname: 王伟\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\n---\n\n在这里写王伟的先进事迹。\n",
    )]);
    let out = bare(&site, &["build"], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("警告：这个页面要发布了，但还留着 `laomo new` 写的占位文字")
            && err.contains(" --> content/profiles/wang-wei.md:7:1")
            && err.contains("= 提示：请在这里写上正文，或者在写好之前加回 `draft: true`"),
        "{err}"
    );
    assert!(!err.contains("write the page's own text"), "{err}");
}
