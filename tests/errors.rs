//! One broken site per class of editor mistake: each must fail with exit code 1 and a
//! message that names the file, the line and column, and the fix.

mod common;
use common::*;

const OK_PROFILE: (&str, &str) = (
    "content/profiles/ding-weisong.md",
    "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\n---\n正文。\n",
);

/// Runs `laomo check` on a site with `files` and returns stderr, asserting exit code 1
/// and that every needle appears.
fn check_fails(files: &[(&str, &str)], needles: &[&str]) -> String {
    let site = Site::new(files);
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1, got {:?}:\n{err}",
        out.status.code()
    );
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn unknown_key_names_the_nearest_valid_key() {
    check_fails(
        &[(
            "content/profiles/a.md",
            "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregon: 长兴县\n---\n",
        )],
        &[
            "unknown key `regon`",
            "content/profiles/a.md:4:1",
            "4 | regon: 长兴县",
            "did you mean `region`?",
        ],
    );
}

#[test]
fn missing_required_field() {
    check_fails(
        &[("content/stories/s.md", "---\ntitle: 植树\n---\n正文\n")],
        &[
            "needs `date:`",
            "content/stories/s.md:2:",
            "add a line `date: …`",
        ],
    );
}

#[test]
fn duplicate_yaml_key() {
    check_fails(
        &[(
            "content/profiles/a.md",
            "---\nname: 李明\nname: 李明明\nhonors: [{title: 全国劳动模范}]\nregion: x\n---\n",
        )],
        &[
            "the key `name` is written twice",
            "content/profiles/a.md:3:1",
        ],
    );
}

#[test]
fn wrong_value_type() {
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: [2018]\n---\n",
        )],
        &["found a list", "content/stories/s.md:3:", "single value"],
    );
}

#[test]
fn dates_must_be_real() {
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2023-02-29\n---\n",
        )],
        &[
            "not a real day",
            "2023年2月 has 28 days",
            "content/stories/s.md:3:7",
        ],
    );
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018年3月\n---\n",
        )],
        &["is not a date", "YYYY-MM-DD"],
    );
}

#[test]
fn honor_titles_come_from_the_vocabulary() {
    check_fails(
        &[(
            "content/profiles/a.md",
            "---\nname: 丁卫松\nhonors:\n  - {title: 浙江省劳模范, year: 2015}\nregion: 长兴县\n---\n",
        )],
        &[
            "unknown honor title `浙江省劳模范`",
            "content/profiles/a.md:4:13",
            "did you mean 浙江省劳动模范?",
        ],
    );
}

#[test]
fn references_must_resolve() {
    check_fails(
        &[
            OK_PROFILE,
            (
                "content/stories/s.md",
                "---\ntitle: 植树\ndate: 2018\npeople: [ding-weisng]\nassociation: nowhere\n---\n",
            ),
        ],
        &[
            "`people` refers to a profile `ding-weisng` that does not exist",
            "did you mean `ding-weisong`?",
            "content/stories/s.md:4:10",
            "`association` refers to an association `nowhere`",
        ],
    );
    check_fails(
        &[
            OK_PROFILE,
            (
                "content/collections/c.md",
                "---\ntitle: 文集\nstories: [missing-story]\n---\n",
            ),
        ],
        &["`stories` refers to a story `missing-story`"],
    );
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\n---\n{{ profile(slug=\"nobody\") }}\n",
        )],
        &["profile shortcode", "`nobody`", "content/stories/s.md:5:1"],
    );
}

#[test]
fn paths_never_leave_the_site() {
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\ncover: ../../../../etc/passwd\n---\n",
        )],
        &["points outside the site folder", "content/stories/s.md:4:8"],
    );
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\ncover: https://cdn.example.com/a.jpg\n---\n",
        )],
        &["on another host"],
    );
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\ncover: C:\\Users\\a.jpg\n---\n",
        )],
        &["path on your computer"],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused() {
    let site = Site::new(&[(
        "content/stories/s/index.md",
        "---\ntitle: 植树\ndate: 2018\ncover: leak.jpg\n---\n",
    )]);
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("secret.jpg"), b"x").expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("secret.jpg"),
        site.root().join("content/stories/s/leak.jpg"),
    )
    .expect("symlink");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("outside the site folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_photo_says_where_it_looked() {
    check_fails(
        &[(
            "content/stories/s/index.md",
            "---\ntitle: 植树\ndate: 2018\ncover: Cover.JPG\n---\n",
        )],
        &[
            "file `Cover.JPG` not found",
            "looked for content/stories/s/Cover.JPG",
            "content/stories/s/index.md:4:8",
        ],
    );
}

#[test]
fn encodings_and_empty_files() {
    let (gbk, _, _) = encoding_rs::GBK.encode("---\ntitle: 劳模\ndate: 2018\n---\n正文\n");
    let site = Site::new(&[]);
    site.write_bytes("content/stories/gbk.md", &gbk);
    site.write_bytes("content/stories/utf16.md", &[0xFF, 0xFE, b'-', 0, b'-', 0]);
    site.write("content/stories/empty.md", "");
    site.write(
        "content/stories/bom.md",
        "\u{feff}---\ntitle: 有BOM\ndate: 2018\n---\r\n正文\r\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("content/stories/gbk.md") && err.contains("GBK"),
        "{err}"
    );
    assert!(
        err.contains("content/stories/utf16.md") && err.contains("UTF-16"),
        "{err}"
    );
    assert!(
        err.contains("content/stories/empty.md") && err.contains("the file is empty"),
        "{err}"
    );
    assert!(
        !err.contains("bom.md"),
        "UTF-8 with BOM and CRLF is fine:\n{err}"
    );
    assert!(err.contains("3 error(s)"), "{err}");
}

#[test]
fn unclosed_front_matter() {
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\n正文\n",
        )],
        &["never closed", "content/stories/s.md:1:1"],
    );
}

#[test]
fn two_pages_with_one_url() {
    check_fails(
        &[
            OK_PROFILE,
            (
                "content/profiles/dup.md",
                "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregion: 安吉县\n---\n",
            ),
        ],
        &[
            "two pages have the same URL /profiles/ding-weisong/",
            "content/profiles/ding-weisong.md",
            "content/profiles/dup.md",
            "slug:",
        ],
    );
}

#[test]
fn invalid_slug() {
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\nslug: 植树 活动\n---\n",
        )],
        &["slug `植树 活动` is not valid", "slug: zhi-shu-huo-dong"],
    );
}

#[test]
fn shortcodes_are_checked() {
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\n---\n正文\n\n{{ figur(src=\"a.jpg\") }}\n",
        )],
        &[
            "unknown shortcode `figur`",
            "did you mean `figure`?",
            "content/stories/s.md:7:1",
        ],
    );
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\n---\n{{ video(source=\"a.mp4\") }}\n",
        )],
        &["has no argument `source`"],
    );
    check_fails(
        &[(
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\n---\n{{ gallery() }}\n",
        )],
        &["has no `gallery:`"],
    );
}

#[test]
fn two_terms_with_one_slug() {
    let site = Site::new(&[(
        "content/profiles/a.md",
        "---\nname: 王芳\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\ntags: [植树, 种树]\n---\n",
    )]);
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}\nterm_slugs: {{植树: tree, 种树: tree}}\n")
            .replace("term_slugs: {长兴县: changxing-xian}\n", ""),
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("would share the URL /tags/tree/"), "{err}");
}

#[test]
fn kind_specific_rules() {
    check_fails(
        &[(
            "content/collections/c.md",
            "---\ntitle: 文集\nkind: bok\nstories: []\n---\n",
        )],
        &["unknown collection kind `bok`", "did you mean `book`?"],
    );
    check_fails(
        &[
            OK_PROFILE,
            (
                "content/exhibitions/e.md",
                "---\ntitle: 展\nhalls:\n  - title: 一\n    exhibits:\n      - {profile: ding-weisong, story: x}\n---\n",
            ),
        ],
        &[
            "exactly one of `profile`, `story`, `image` or `video`",
            "content/exhibitions/e.md:6:",
        ],
    );
    check_fails(
        &[(
            "content/profiles/a.md",
            "---\nname: 王芳\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\nera: 新世代\n---\n",
        )],
        &["unknown era `新世代`", "did you mean 新时代?"],
    );
    check_fails(
        &[
            (
                "content/associations/a.md",
                "---\nname: 甲\nparent: b\n---\n",
            ),
            (
                "content/associations/b.md",
                "---\nname: 乙\nparent: a\n---\n",
            ),
        ],
        &["its own ancestor"],
    );
}

#[test]
fn site_yaml_mistakes() {
    let site = Site::new(&[OK_PROFILE]);
    site.write("site.yaml", "title: 测试\nbase_url: example.org\nhonors:\n  - {id: m, name: 劳动模范, level: 其他}\npagenate: 10\n");
    let err = stderr(&site.run(&["check"]));
    assert!(
        err.contains("unknown key `pagenate` in site.yaml")
            && err.contains("did you mean `paginate`?")
            && err.contains("site.yaml:5:1"),
        "{err}"
    );
    site.write(
        "site.yaml",
        "title: 测试\nbase_url: example.org\nhonors:\n  - {id: m, name: 劳动模范, level: 其他}\n",
    );
    let err = stderr(&site.run(&["check"]));
    assert!(
        err.contains("base_url `example.org` is not an absolute URL")
            && err.contains("site.yaml:2:11"),
        "{err}"
    );
    std::fs::remove_file(site.root().join("site.yaml")).expect("rm");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("there is no laomo site in")
            && stderr(&out).contains("it has no site.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn template_errors_have_positions() {
    let site = Site::new(&[OK_PROFILE]);
    site.write(
        "templates/profile.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.nme }}\n{% endblock main %}\n",
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("profile.html:3:") && err.contains("nme"),
        "{err}"
    );
    site.write(
        "templates/profile.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
    );
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("profile.html:3:"), "{err}");
    assert!(
        !site.public().exists(),
        "no output after a failed first build"
    );
}

#[test]
fn every_error_in_one_run() {
    let err = check_fails(
        &[
            (
                "content/profiles/a.md",
                "---\nname: 甲\nhonors: [{title: 不存在}]\nregion: x\n---\n",
            ),
            (
                "content/profiles/b.md",
                "---\nname: 乙\nhonors: [{title: 全国劳动模范}]\n---\n",
            ),
            (
                "content/stories/c.md",
                "---\ntitle: 丙\ndate: 2018-13\n---\n",
            ),
            (
                "content/stories/d.md",
                "---\ntitle: 丁\ndate: 2018\npeople: [nobody]\n---\n",
            ),
        ],
        &[
            "content/profiles/a.md",
            "content/profiles/b.md",
            "content/stories/c.md",
            "content/stories/d.md",
        ],
    );
    assert!(err.contains("4 error(s)"), "{err}");
}

#[test]
fn links_to_drafts_warn_and_show_no_link() {
    let site = Site::new(&[
        (
            "content/profiles/a.md",
            "---\nname: 王芳\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\ndraft: true\n---\n",
        ),
        (
            "content/stories/s.md",
            "---\ntitle: 植树\ndate: 2018\npeople: [wang-fang]\n---\n",
        ),
    ]);
    let out = site.build_ok();
    assert!(
        stderr(&out).contains("which is a draft"),
        "{}",
        stderr(&out)
    );
    let doc = site.html("/stories/s/");
    assert!(select(&doc, "a[href*='wang-fang']").is_empty());
}

#[test]
fn garbage_never_panics() {
    let site = Site::new(&[OK_PROFILE]);
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    site.write_bytes("content/stories/junk.md", &junk);
    site.write("content/stories/yaml.md", "---\n: : :\n- [\n---\n");
    site.write(
        "content/stories/deep.md",
        &format!("---\ntitle: {}\n---\n", "[".repeat(5000)),
    );
    site.write(
        "content/stories/emph.md",
        &format!(
            "---\ntitle: 强调\ndate: 2018\n---\n{}\n",
            "**“劳模”**".repeat(2000)
        ),
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn new_never_overwrites_and_init_builds() {
    let site = Site::new(&[]);
    let out = site.run(&["new", "profile", "欧阳明"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = site.root().join("content/profiles/ouyang-ming.md");
    let text = std::fs::read_to_string(&path).expect("created");
    assert!(
        text.contains("name: \"欧阳明\"") && text.contains("# 荣誉"),
        "{text}"
    );
    std::fs::write(&path, "我的修改").expect("edit");
    let again = site.run(&["new", "profile", "欧阳明"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "我的修改");

    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("mysite");
    let init = laomo().arg("init").arg(&target).output().expect("run");
    assert!(init.status.success(), "{}", stderr(&init));
    let build = laomo()
        .args(["build", "--root"])
        .arg(&target)
        .output()
        .expect("run");
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(
        target
            .join("public/profiles/wang-jianguo/index.html")
            .exists()
    );
}

#[test]
fn a_site_of_stories_needs_no_honor_vocabulary() {
    let site = Site::new(&[(
        "content/stories/s.md",
        "---\ntitle: 植树\ndate: 2018\n---\n正文。\n",
    )]);
    site.write(
        "site.yaml",
        "title: 只有事迹\nbase_url: https://example.org/\n",
    );
    site.build_ok();
    site.write(
        "content/profiles/a.md",
        "---\nname: 王芳\nhonors: [{title: 劳动模范}]\nregion: 长兴县\n---\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown honor title `劳动模范`")
            && stderr(&out).contains("add this title there"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn empty_list_keys_are_empty_lists() {
    let site = Site::new(&[(
        "content/stories/s.md",
        "---\ntitle: 植树\ndate: 2018\npeople:\ntags:\ngallery:\nsummary:\nassociation:\nfigures:\n---\n正文。\n",
    )]);
    site.build_ok();
    assert!(site.public().join("stories/s/index.html").exists());
}

#[test]
fn a_broken_shortcode_comment_is_an_error_not_a_crash() {
    // `{{/*/}}`: the comment's closing `*/}}` overlaps its opening `{{/*`.
    check_fails(
        &[
            OK_PROFILE,
            (
                "content/stories/s.md",
                "---\ntitle: 植树\ndate: 2020-03-12\n---\n第一段。\n\n正文 {{/*/}} 结尾\n",
            ),
        ],
        &["content/stories/s.md:7:4", "this shortcode cannot be read"],
    );
}

#[test]
fn a_markdown_image_error_after_a_shortcode_points_at_its_own_line() {
    // The figure call mid-paragraph is moved onto lines of its own before Markdown is
    // parsed; the missing photo two lines below must still be reported on line 8.
    let err = check_fails(
        &[(
            "content/stories/s/index.md",
            "---\ntitle: 植树\ndate: 2020\n---\n第一段。\n前文 {{ figure(src=\"a.jpg\") }} 后文\n\n再看 ![植树](missing.jpg) 这张。\n",
        )],
        &[
            "content/stories/s/index.md:8:10",
            "8 | 再看 ![植树](missing.jpg)",
        ],
    );
    assert!(err.contains("content/stories/s/index.md:6:4"), "{err}");
}

#[test]
fn errors_on_a_long_line_of_calls_name_each_calls_column() {
    let line = "{{ profile(slug=\"nobody\") }} ".repeat(400);
    let err = check_fails(
        &[(
            "content/stories/s.md",
            &format!("---\ntitle: 植树\ndate: 2020\n---\n{line}\n"),
        )],
        // The 40th call starts after 39 calls of 29 characters.
        &[
            "content/stories/s.md:5:1132",
            "…",
            "note: 350 more problem(s) in content/stories/s.md are not shown",
        ],
    );
    // 400 copies of one mistake: the first 50 are shown, the rest counted.
    assert_eq!(err.matches("refers to a profile `nobody`").count(), 50);
    // Each quoted line is a window around the call, not the whole 11,600 characters.
    assert!(
        err.lines().all(|l| l.chars().count() < 200),
        "a line too long to read"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_its_size() {
    let big = format!(
        "---\ntitle: 大文件\ndate: 2020\n---\n{}\n",
        "劳模精神代代相传。".repeat(50_000)
    );
    check_fails(
        &[OK_PROFILE, ("content/stories/big.md", &big)],
        &[
            "content/stories/big.md",
            "the file is too large (1.3 MB)",
            "split it into several pages",
        ],
    );
}

#[test]
fn image_settings_that_would_publish_no_photo_are_errors() {
    let cases = [
        ("widths: []", "`images.widths` is empty"),
        ("widths: [480, 0]", "0 is not a photo width"),
        ("quality: 0", "must be from 1 to 100, not 0"),
        ("quality: 255", "must be from 1 to 100, not 255"),
        ("max_pixels: 10", "`images.max_pixels` must be"),
    ];
    for (setting, message) in cases {
        let yaml = format!("{SITE_YAML}images:\n  {setting}\n");
        let line = yaml
            .lines()
            .position(|l| l.trim() == setting)
            .expect("line")
            + 1;
        let at = format!("site.yaml:{line}:");
        check_fails(&[OK_PROFILE, ("site.yaml", &yaml)], &[message, &at]);
    }
}

#[test]
fn a_reference_to_a_page_with_errors_says_so_not_that_it_is_missing() {
    let err = check_fails(
        &[
            (
                "content/profiles/ding-weisong.md",
                "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregon: 长兴县\n---\n正文。\n",
            ),
            (
                "content/stories/s.md",
                "---\ntitle: 植树\ndate: 2020\npeople: [ding-weisong]\n---\n正文。\n",
            ),
        ],
        &[
            "unknown key `regon`",
            "`people` refers to a profile `ding-weisong`, whose file content/profiles/ding-weisong.md has errors",
            "content/stories/s.md:4:",
        ],
    );
    assert!(!err.contains("does not exist"), "{err}");
    // Named by its Chinese file name, referred to by the slug made from it.
    let err = check_fails(
        &[
            OK_PROFILE,
            ("content/stories/劳模林.md", "---\ntitle: [坏\n---\n"),
            (
                "content/collections/book.md",
                "---\ntitle: 文集\nstories: [lao-mo-lin]\n---\n",
            ),
        ],
        &["whose file content/stories/劳模林.md has errors"],
    );
    assert!(!err.contains("does not exist"), "{err}");
}

#[test]
fn a_line_of_unclosed_braces_is_one_error() {
    let braces = "{".repeat(200_000);
    let err = check_fails(
        &[(
            "content/stories/s.md",
            &format!("---\ntitle: 植树\ndate: 2020\n---\n正文 {braces}\n"),
        )],
        &["content/stories/s.md:5:4", "is not closed on the same line"],
    );
    assert_eq!(
        err.matches("is not closed").count(),
        1,
        "{}",
        &err[..err.len().min(2000)]
    );
}

#[test]
fn list_commas_and_chinese_quotes_warn_but_publish() {
    let site = Site::new(&[(
        "content/profiles/ding-weisong.md",
        "---\nname: “丁卫松”\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\ntags: [劳模，工匠]\n---\n正文。\n",
    )]);
    let out = site.build_ok();
    let err = stderr(&out);
    assert!(
        err.contains("warning: `，` does not separate list items: `劳模，工匠` is one item")
            && err.contains("content/profiles/ding-weisong.md:5:10"),
        "{err}"
    );
    assert!(
        err.contains("the Chinese quotation marks “” around this value become part of it")
            && err.contains("content/profiles/ding-weisong.md:2:7"),
        "{err}"
    );
    // The warnings describe what was published: one tag, and the name with its quotes
    // (which even change its pinyin slug: the surname is no longer first).
    let page = site.html("/profiles/ding-wei-song/");
    assert_eq!(texts(&page, ".tags a"), vec!["劳模，工匠"]);
    assert_eq!(texts(&page, "h1"), vec!["“丁卫松”"]);
}

#[test]
fn a_smart_quoted_value_with_a_colon_gets_a_hint_about_quotes() {
    check_fails(
        &[(
            "content/profiles/ding-weisong.md",
            "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nsummary: “他说: 干一行爱一行”\n---\n正文。\n",
        )],
        &[
            "content/profiles/ding-weisong.md:4:",
            "“ ” are Chinese quotation marks, which YAML does not read as quotes",
        ],
    );
}

#[test]
fn dates_written_as_people_write_them_get_the_form_to_use() {
    check_fails(
        &[
            (
                "content/stories/a.md",
                "---\ntitle: 劳模宣讲\ndate: 2018.10\n---\n正文。\n",
            ),
            (
                "content/stories/b.md",
                "---\ntitle: 劳模宣讲二\ndate: 2018年5月\n---\n正文。\n",
            ),
        ],
        &[
            // YAML read 2018.10 as 2018.1; the hint keeps the month the editor wrote.
            "`date`: `2018.10` is a number to YAML, not a date",
            "content/stories/a.md:3:7",
            "did you mean date: 2018-10?",
            "content/stories/b.md:3:7",
            "did you mean date: 2018-05?",
        ],
    );
}

#[test]
fn new_pages_start_as_drafts_and_a_namesake_gets_its_own_slug() {
    let site = Site::new(&[OK_PROFILE]);
    let out = site.run(&["new", "profile", "王伟"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = site.root().join("content/profiles/wang-wei.md");
    let text = std::fs::read_to_string(&first).expect("created");
    assert!(text.contains("\ndraft: true "), "{text}");
    // A draft is not published, so its placeholder text and its placeholder honor (not
    // in this site's vocabulary) do not stop the site: the honor is a warning that says why.
    let out = site.build_ok();
    assert!(
        stderr(&out).contains(
            "warning: unknown honor title `劳动模范` (in a draft, which is not published"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!site.public().join("profiles/wang-wei").exists());
    // Built with its drafts, the same mistake is an error again.
    assert_eq!(site.run(&["check", "--drafts"]).status.code(), Some(1));

    // A second 王伟: refused, with the next free slug offered, and then created with it.
    let again = site.run(&["new", "profile", "王伟"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("laomo new profile 王伟 --slug wang-wei-2"),
        "{}",
        stderr(&again)
    );
    let second = site.run(&["new", "profile", "王伟", "--slug", "wang-wei-2"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let second_text =
        std::fs::read_to_string(site.root().join("content/profiles/wang-wei-2.md")).expect("read");
    // Its address is its own, not the first 王伟's: the file says so.
    assert!(second_text.contains("\nslug: wang-wei-2 "), "{second_text}");
    let bad = site.run(&["new", "profile", "王伟", "--slug", "王伟"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("`王伟` cannot be a slug"),
        "{}",
        stderr(&bad)
    );

    // Published with the placeholder still in it (the honor fixed, draft removed): a warning.
    let published = text.replace("\ndraft: true ", "\n# ").replace(
        "{title: 劳动模范, year: 2020}",
        "{title: 全国劳动模范, year: 2020}",
    );
    std::fs::write(&first, published).expect("edit");
    let out = site.build_ok();
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: this page is published with the placeholder `laomo new` wrote into it"
        ) && err.contains("content/profiles/wang-wei.md:"),
        "{err}"
    );
}

#[test]
fn a_paragraph_indented_into_a_code_block_warns() {
    let site = Site::new(&[
        OK_PROFILE,
        (
            "content/stories/s.md",
            "---\ntitle: 劳模宣讲进校园\ndate: 2024-05\n---\n\n    协会组织劳模走进中小学，讲述岗位上的奋斗故事。\n\n正文。\n",
        ),
    ]);
    let out = site.build_ok();
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: this paragraph is indented by four spaces, so it is shown as a block of code"
        ) && err.contains("content/stories/s.md:6:1"),
        "{err}"
    );
    // What the warning says is what a visitor sees: the text in a code block.
    let page = site.html("/stories/s/");
    assert_eq!(
        texts(&page, "pre code"),
        vec!["协会组织劳模走进中小学，讲述岗位上的奋斗故事。"]
    );
}

#[test]
fn commands_outside_a_site_say_so_and_write_nothing() {
    let empty = tempfile::tempdir().expect("tmp");
    for args in [
        &["build"][..],
        &["check"],
        &["serve", "--port", "0"],
        &["new", "profile", "王伟"],
    ] {
        let out = laomo()
            .args(args)
            .current_dir(empty.path())
            .output()
            .expect("run");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("there is no laomo site here") && err.contains("laomo init DIR"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read_dir(empty.path()).expect("read").count(), 0);

    // --root names a folder without a site: said before any work.
    let out = laomo()
        .args(["build", "--root"])
        .arg(empty.path().join("nosuch"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
}

#[test]
fn commands_in_a_subfolder_work_on_the_site_above() {
    let site = Site::new(&[OK_PROFILE]);
    let out = laomo()
        .arg("build")
        .current_dir(site.root().join("content/profiles"))
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.public()
            .join("profiles/ding-weisong/index.html")
            .exists()
    );
    assert!(!site.root().join("content/profiles/public").exists());
}

#[test]
fn links_in_bodies_to_missing_pages_are_errors() {
    let err = check_fails(
        &[
            OK_PROFILE,
            (
                "content/profiles/lu-huojia.md",
                "---\nname: 卢火佳\nhonors: [{title: 浙江省劳动模范}]\nregion: 长兴县\ndraft: true\n---\n正文。\n",
            ),
            (
                "content/stories/s.md",
                "---\ntitle: 劳模宣讲进校园\ndate: 2024-05\n---\n\n[丁卫松](/profiles/ding-weisong/)讲了二十年的故事，\n[本县劳模](/regions/changxing-xian/page/2/)都来了。\n\n见[丁卫松](/profiles/ding-weisog/)和[长兴](/regions/长兴县/)，\n以及[卢火佳](/profiles/lu-huojia/)与[下载](/files/a.pdf)。\n",
            ),
        ],
        &[
            "error: the link `/profiles/ding-weisog/` goes to no page of this site",
            "content/stories/s.md:9:8",
            "did you mean `/profiles/ding-weisong/`?",
            "error: the link `/regions/长兴县/` goes to no page of this site",
            "did you mean `/regions/changxing-xian/`?",
            "warning: the link `/profiles/lu-huojia/` goes to a draft",
        ],
    );
    // Links that work, and links outside what laomo makes, are not reported.
    assert_eq!(err.matches("goes to no page").count(), 2, "{err}");
    assert!(!err.contains("the link `/files/a.pdf`"), "{err}");
}

#[test]
fn pages_can_be_named_as_editors_know_them() {
    let lu = (
        "content/profiles/lu-huojia.md",
        "---\nname: 卢火佳\nhonors: [{title: 浙江省劳动模范}]\nregion: 长兴县\n---\n正文。\n",
    );
    // A unique name, and a Chinese file name, resolve to their pages.
    let site = Site::new(&[
        OK_PROFILE,
        lu,
        (
            "content/stories/劳模林.md",
            "---\ntitle: 劳模林里又添新绿\ndate: 2024-03\npeople: [卢火佳, 丁卫松]\n---\n正文。\n",
        ),
        (
            "content/collections/c.md",
            "---\ntitle: 奋斗足迹\nkind: book\nstories: [劳模林]\n---\n简介。\n",
        ),
    ]);
    site.build_ok();
    let story = site.html("/stories/lao-mo-lin/");
    let people = attrs(&story, ".people a, a[href*='/profiles/']", "href");
    assert!(
        people.contains(&"/sub/profiles/lu-huojia/".to_string()),
        "{people:?}"
    );
    assert!(
        people.contains(&"/sub/profiles/ding-weisong/".to_string()),
        "{people:?}"
    );
    let book = site.html("/collections/c/");
    assert!(
        attrs(&book, "a", "href").contains(&"/sub/stories/lao-mo-lin/".to_string()),
        "the collection lists the story named by its Chinese file name"
    );

    // Two people of one name: the candidates are listed; a near miss is offered.
    check_fails(
        &[
            OK_PROFILE,
            lu,
            (
                "content/profiles/wang-wei.md",
                "---\nname: 王伟\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\n---\n正文。\n",
            ),
            (
                "content/profiles/wang-wei-2.md",
                "---\nname: 王伟\nslug: wang-wei-2\nhonors: [{title: 全国劳动模范}]\nregion: 安吉县\n---\n正文。\n",
            ),
            (
                "content/stories/s.md",
                "---\ntitle: 植树\ndate: 2024\npeople: [王伟, 卢火家]\n---\n正文。\n",
            ),
        ],
        &[
            "error: `people` names a profile `王伟`, but 2 of them have that name: wang-wei (content/profiles/wang-wei.md), wang-wei-2 (content/profiles/wang-wei-2.md)",
            "content/stories/s.md:4:10",
            "write the slug of the one you mean instead of the name",
            "`people` refers to a profile `卢火家` that does not exist",
            "did you mean 卢火佳 (`lu-huojia`)?",
        ],
    );
}
