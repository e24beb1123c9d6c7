//! What an editor reads when a file is wrong, exactly: each diagnostic as laomo prints
//! it (message, file:line:column, the quoted line, carets under the mistake, the hint)
//! is kept as a snapshot in tests/snapshots/. A change to any of them shows up in review
//! (`cargo insta review`), not by chance.

mod common;
use common::*;

/// `laomo check` on a site with one broken file; stderr without the summary line.
fn check(files: &[(&str, &str)]) -> String {
    let site = Site::new(files);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn unknown_honor_title() {
    insta::assert_snapshot!(check(&[(
        "content/profiles/ding-weisong.md",
        "---\nname: 丁卫松\nhonors:\n  - {title: 浙江省劳模范, year: 2015}\nregion: 长兴县\n---\n正文。\n",
    )]));
}

#[test]
fn unknown_key_with_cjk_before_it() {
    insta::assert_snapshot!(check(&[(
        "content/profiles/ding-weisong.md",
        "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregon: 长兴县\n---\n正文。\n",
    )]));
}

#[test]
fn missing_photo_in_a_gallery() {
    insta::assert_snapshot!(check(&[(
        "content/stories/s/index.md",
        "---\ntitle: 劳模林里又添新绿\ndate: 2024-03-12\ngallery:\n  - {src: 植树.jpg, caption: 劳模宣讲进校园。}\n---\n正文。\n",
    )]));
}

#[test]
fn a_call_far_along_a_long_line() {
    let line = format!(
        "{}{{{{ profile(slug=\"nobody\") }}}}",
        "劳模精神代代相传。".repeat(30)
    );
    insta::assert_snapshot!(check(&[(
        "content/stories/s.md",
        &format!("---\ntitle: 植树\ndate: 2020\n---\n{line}\n"),
    )]));
}

#[test]
fn unreal_date_and_missing_title() {
    insta::assert_snapshot!(check(&[(
        "content/stories/s.md",
        "---\ndate: 2018-02-30\n---\n正文。\n",
    )]));
}

#[test]
fn full_width_colon_and_space_in_front_matter() {
    insta::assert_snapshot!(check(&[(
        "content/profiles/ding-weisong.md",
        "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregion：长兴县\norganization:\u{3000}长兴县供电公司\n---\n正文。\n",
    )]));
}

#[test]
fn invisible_character_in_a_name() {
    insta::assert_snapshot!(check(&[(
        "content/profiles/ding-weisong.md",
        "---\nname: 丁\u{200b}卫松\nhonors: [{title: 全国劳动模范}]\n---\n正文。\n",
    )]));
}

#[test]
fn front_matter_fence_in_full_width_dashes() {
    insta::assert_snapshot!(check(&[(
        "content/stories/s.md",
        "---\ntitle: 劳模宣讲进校园\ndate: 2024-05-01\n－－－\n正文。\n",
    )]));
}
