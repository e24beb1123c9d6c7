//! Federated sites (`sources:` in site.yaml): a provincial site built from its counties'
//! own sites, run through the real binary.

mod common;
use common::*;

/// A province with its own profile and the county association, and two county sites
/// kept inside it (`sources/…`), each with a 丁卫松 of its own.
fn province() -> Site {
    let site = Site::new(&[
        (
            "content/associations/changxing-laomo.md",
            "---\nname: 长兴县劳模协会\nregion: 长兴县\n---\n长兴县的协会。\n",
        ),
        (
            "content/profiles/an-ran.md",
            &profile(
                "安然",
                "[{title: 浙江省劳动模范, year: 2015}]",
                "长兴县",
                "",
            ),
        ),
        (
            "content/stories/jiaoliu.md",
            "---\ntitle: 全省交流\ndate: 2024-06-01\npeople: [pingyang/ding-weisong]\n---\n\n交流。\n",
        ),
        (
            "sources/changxing/site.yaml",
            "title: 长兴劳模\nbase_url: https://cx.example.org/\n",
        ),
        (
            "sources/changxing/content/profiles/ding-weisong.md",
            &profile(
                "丁卫松",
                "[{title: 全国劳动模范, year: 2020}]",
                "长兴县",
                "",
            ),
        ),
        (
            "sources/changxing/content/stories/xuanjiang.md",
            "---\ntitle: 劳模宣讲进校园\ndate: 2024-05-01\npeople: [ding-weisong]\n---\n\n\
             [丁卫松](/profiles/ding-weisong/)走进校园。[全部劳模](/profiles/)[讲稿](/files/jiangao.txt)\n",
        ),
        ("sources/changxing/static/files/jiangao.txt", "讲稿全文"),
        (
            "sources/pingyang/site.yaml",
            "title: 平阳劳模\nbase_url: https://py.example.org/\n",
        ),
        (
            "sources/pingyang/content/profiles/ding-weisong.md",
            &profile(
                "丁卫松",
                "[{title: 浙江省劳动模范, year: 2010}]",
                "长兴县",
                "",
            ),
        ),
        (
            "sources/pingyang/content/stories/zuotan.md",
            "---\ntitle: 平阳劳模座谈会\ndate: 2023-03-01\npeople: [ding-weisong, 安然]\n---\n\n座谈。\n",
        ),
    ]);
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write(
        "site.yaml",
        &format!(
            "{yaml}sources:\n  - {{name: changxing, path: sources/changxing, association: 长兴县劳模协会}}\n  \
             - name: pingyang\n    path: sources/pingyang\n    prefix: /wenzhou/pingyang/\n"
        ),
    );
    site
}

#[test]
fn sources_pages_appear_under_their_prefix_in_one_hall_of_fame() {
    let site = province();
    let out = site.build_ok();
    let err = stderr(&out);
    // The clash is reported, once, with how to name the other page.
    assert!(
        err.contains(
            "1 slugs are used in more than one source: ding-weisong (changxing, pingyang)"
        ),
        "{err}"
    );
    assert!(err.contains("`changxing/ding-weisong`"), "{err}");

    // Each county's pages under its prefix (a configured one for pingyang).
    let cx = site.html("/changxing/profiles/ding-weisong/");
    assert_eq!(texts(&cx, "h1"), ["丁卫松"]);
    let py = site.html("/wenzhou/pingyang/profiles/ding-weisong/");
    assert!(py.html().contains("另一位") || py.html().contains("丁卫松的事迹"));

    // One hall of fame: honor rank first, every source's people and the province's own.
    let mut hall = Vec::new();
    for page in ["/profiles/", "/profiles/page/2/"] {
        hall.extend(attrs(
            &site.html(page),
            "main a[href*='/profiles/']",
            "href",
        ));
    }
    hall.dedup();
    let hall: Vec<&str> = hall
        .iter()
        .map(String::as_str)
        .filter(|h| h.ends_with("ding-weisong/") || h.ends_with("an-ran/"))
        .collect();
    assert_eq!(
        hall,
        [
            "/sub/changxing/profiles/ding-weisong/",
            "/sub/profiles/an-ran/",
            "/sub/wenzhou/pingyang/profiles/ding-weisong/",
        ],
        "national honor first, then pinyin"
    );

    // A county's story: its people are its own 丁卫松, its links to its own pages go
    // under its prefix, its links to listings to the province's.
    let story = site.html("/changxing/stories/xuanjiang/");
    let links = attrs(&story, "main a", "href");
    assert!(
        links.contains(&"/sub/changxing/profiles/ding-weisong/".to_string()),
        "{links:?}"
    );
    assert!(links.contains(&"/sub/profiles/".to_string()), "{links:?}");
    // Its own static files too, copied under its prefix.
    assert!(
        links.contains(&"/sub/changxing/files/jiangao.txt".to_string()),
        "{links:?}"
    );
    assert_eq!(site.text("changxing/files/jiangao.txt"), "讲稿全文");
    assert!(
        !links.iter().any(|l| l.contains("pingyang")),
        "the other county's 丁卫松 is not this story's: {links:?}"
    );
    // pingyang's story names its own 丁卫松 by slug and the province's 安然 by name.
    let zuotan = attrs(
        &site.html("/wenzhou/pingyang/stories/zuotan/"),
        "main a",
        "href",
    );
    assert!(
        zuotan.contains(&"/sub/wenzhou/pingyang/profiles/ding-weisong/".to_string()),
        "{zuotan:?}"
    );
    assert!(
        zuotan.contains(&"/sub/profiles/an-ran/".to_string()),
        "{zuotan:?}"
    );

    // The province names a county's page with its source.
    let jiaoliu = attrs(&site.html("/stories/jiaoliu/"), "main a", "href");
    assert!(
        jiaoliu.contains(&"/sub/wenzhou/pingyang/profiles/ding-weisong/".to_string())
            && !jiaoliu.iter().any(|l| l.contains("/changxing/")),
        "{jiaoliu:?}"
    );

    // The changxing source belongs to the association site.yaml names.
    let association = site.html("/associations/changxing-laomo/");
    let members = attrs(&association, "main a", "href");
    assert!(
        members.contains(&"/sub/changxing/profiles/ding-weisong/".to_string()),
        "{members:?}"
    );
    assert!(texts(&cx, "main a").iter().any(|t| t == "长兴县劳模协会"));

    // The sitemap and the search index know every source's pages.
    let sitemap = site.text("sitemap.xml");
    for url in [
        "https://example.org/sub/changxing/profiles/ding-weisong/",
        "https://example.org/sub/wenzhou/pingyang/stories/zuotan/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{url}");
    }
}

#[test]
fn a_mistake_in_a_source_names_the_source_and_leaves_the_site_as_it_was() {
    let site = province();
    site.build_ok();
    let before = files_under(&site.public());
    site.write(
        "sources/changxing/content/profiles/wang-fang.md",
        &profile("王芳", "[{title: 五一劳动奖章, year: 2021}]", "长兴县", ""),
    );
    let out = site.build();
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("--> [changxing] content/profiles/wang-fang.md:3:"),
        "the file is named with its source: {err}"
    );
    assert!(err.contains("五一劳动奖章"), "{err}");
    assert_eq!(
        files_under(&site.public()),
        before,
        "public/ left as it was"
    );
}

#[test]
fn a_wrong_sources_entry_is_an_error_at_its_line() {
    let site = province();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    let line = yaml.lines().count() + 2;
    site.write(
        "sources/dongtou/content/profiles/a.md",
        &profile("甲", "[]", "长兴县", ""),
    );
    site.write(
        "site.yaml",
        &format!(
            "{yaml}  - {{name: wencheng, path: ../no-such-county}}\n  - {{name: dongtou, path: sources/dongtou, prefix: /honors/}}\n  - {{name: 长兴, path: sources/dongtou}}\n  - {{name: lucheng, path: sources/changxing}}\n"
        ),
    );
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("the source folder ../no-such-county does not exist"),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> site.yaml:{}:", line - 1)),
        "{err}"
    );
    assert!(
        err.contains("the prefix /honors/ is an address the site itself uses"),
        "{err}"
    );
    assert!(err.contains("`长兴` cannot be a source's name"), "{err}");
    assert!(
        err.contains("sources/changxing is already the source `changxing`"),
        "{err}"
    );
}

#[test]
fn a_source_association_that_does_not_exist_is_an_error_in_site_yaml() {
    let site = province();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write(
        "site.yaml",
        &yaml.replace("association: 长兴县劳模协会", "association: 长兴劳模协会"),
    );
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("--> site.yaml:"), "{err}");
    assert!(err.contains("长兴劳模协会"), "{err}");
}

#[test]
fn the_preview_serves_an_edit_in_a_source() {
    let site = province();
    let server = Server::start(&site);
    let page = || preview_page(server.port, "/changxing/stories/xuanjiang/");
    let (status, body) = page();
    assert_eq!(status, 200);
    assert!(body.contains("走进校园"), "{body}");
    site.write(
        "sources/changxing/content/stories/xuanjiang.md",
        "---\ntitle: 劳模宣讲进校园\ndate: 2024-05-01\npeople: [ding-weisong]\n---\n\n宣讲改在礼堂。\n",
    );
    wait_for_preview("the edit in the source", || {
        page().1.contains("宣讲改在礼堂")
    });
}

/// A page of the preview on `port`: its status and text.
fn preview_page(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = get_as(
        port,
        &format!("127.0.0.1:{port}"),
        path,
        "",
        std::time::Duration::from_secs(5),
    );
    (status, String::from_utf8_lossy(&body).to_string())
}

/// Waits up to 20 s for `done`, which the preview shows after a rebuild.
fn wait_for_preview(what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{what} never reached the preview"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_source_added_while_the_preview_runs_is_shown_and_watched() {
    let site = province();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write(
        "sources/wencheng/site.yaml",
        "title: 文成劳模\nbase_url: https://wc.example.org/\n",
    );
    site.write(
        "sources/wencheng/content/profiles/zhou-hong.md",
        &profile("周红", "[{title: 浙江省劳动模范}]", "长兴县", ""),
    );
    let server = Server::start(&site);
    let page = || preview_page(server.port, "/wencheng/profiles/zhou-hong/");
    assert_eq!(page().0, 404, "not a source yet");
    site.write(
        "site.yaml",
        &format!("{yaml}  - {{name: wencheng, path: sources/wencheng}}\n"),
    );
    wait_for_preview("the new source", || page().1.contains("周红"));
    // Its folder is watched from then on: an edit in it is shown.
    site.write(
        "sources/wencheng/content/profiles/zhou-hong.md",
        &profile("周红", "[{title: 浙江省劳动模范}]", "长兴县", "")
            .replace("周红的事迹。", "周红带出了三十个徒弟。"),
    );
    wait_for_preview("the edit in the new source", || {
        page().1.contains("三十个徒弟")
    });
}

#[test]
fn one_person_in_two_sources_is_shown_once_with_the_honors_of_both() {
    let site = province();
    // The same 丁卫松 in the city's own site and the county's, recognised by id; the
    // county's page names a photo the city's has not.
    site.write(
        "content/profiles/ding-weisong.md",
        &profile(
            "丁卫松",
            "[{title: 浙江省劳动模范, year: 2012}]",
            "长兴县",
            "id: ZJ-2012-0318\n",
        ),
    );
    site.write(
        "sources/changxing/content/profiles/ding-weisong.md",
        &profile(
            "丁卫松",
            "[{title: 全国劳动模范, year: 2020}, {title: 浙江省劳动模范, year: 2012}]",
            "长兴县",
            "id: ZJ-2012-0318\norganization: 长兴县供电公司\n",
        ),
    );
    // pingyang's 丁卫松 has no id: another man of the same name, kept apart.
    let out = site.build_ok();
    let err = stderr(&out);
    assert!(
        err.contains("丁卫松 is in content/profiles/ding-weisong.md、[changxing] content/profiles/ding-weisong.md: shown once, at /profiles/ding-weisong/"),
        "the choice is reported: {err}"
    );
    assert!(err.contains("id: ZJ-2012-0318"), "{err}");

    // One page, the province's, with the honors of both and the county's unit.
    let page = site.html("/profiles/ding-weisong/");
    let text = page.root_element().text().collect::<String>();
    assert!(text.contains("全国劳动模范"), "the county's national honor");
    assert!(text.contains("浙江省劳动模范"));
    assert!(text.contains("长兴县供电公司"), "what the kept page lacked");

    // The county's address leads to it, and is not in the sitemap.
    let moved = site.text("changxing/profiles/ding-weisong/index.html");
    assert!(
        moved.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=/sub/profiles/ding-weisong/\">"
        ),
        "{moved}"
    );
    assert!(
        !site
            .text("sitemap.xml")
            .contains("/changxing/profiles/ding-weisong/")
    );

    // The hall of fame shows him once (and pingyang's namesake too).
    let mut hall = Vec::new();
    for page in ["/profiles/", "/profiles/page/2/"] {
        hall.extend(texts(&site.html(page), "main h2 a, main h3 a"));
    }
    assert_eq!(
        hall.iter().filter(|t| t.as_str() == "丁卫松").count(),
        2,
        "the merged 丁卫松 and pingyang's: {hall:?}"
    );

    // The county's story about him links to the kept page.
    let story = attrs(
        &site.html("/changxing/stories/xuanjiang/"),
        "main a",
        "href",
    );
    assert!(
        story.contains(&"/sub/profiles/ding-weisong/".to_string()),
        "{story:?}"
    );
}

#[test]
fn a_same_person_rule_merges_by_name_and_unit_but_never_by_name_alone() {
    let site = province();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    site.write("site.yaml", &format!("{yaml}same_person: [name]\n"));
    let out = site.build();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("the name alone cannot tell two profiles are one person"),
        "{}",
        stderr(&out)
    );

    site.write(
        "site.yaml",
        &format!("{yaml}same_person: [name, organization]\n"),
    );
    for (county, unit) in [
        ("changxing", "长兴县供电公司"),
        ("pingyang", "长兴县供电公司"),
    ] {
        site.write(
            &format!("sources/{county}/content/profiles/ding-weisong.md"),
            &profile(
                "丁卫松",
                "[{title: 浙江省劳动模范, year: 2010}]",
                "长兴县",
                &format!("organization: {unit}\n"),
            ),
        );
    }
    let err = stderr(&site.build_ok());
    assert!(
        err.contains("shown once, at /changxing/profiles/ding-weisong/"),
        "{err}"
    );
    assert!(err.contains("name + organization"), "{err}");
    assert!(
        site.public()
            .join("changxing/profiles/ding-weisong/index.html")
            .is_file()
    );
    assert!(
        site.text("wenzhou/pingyang/profiles/ding-weisong/index.html")
            .contains("url=/sub/changxing/profiles/ding-weisong/")
    );
}

#[test]
fn a_broken_source_is_left_out_loudly_only_when_asked() {
    let site = province();
    site.write(
        "sources/pingyang/content/profiles/wang-fang.md",
        &profile("王芳", "[{title: 五一劳动奖章, year: 2021}]", "长兴县", ""),
    );
    // pingyang's story names 安然 of the province: it goes with its source.
    let out = site.build();
    assert!(!out.status.success(), "by default the build stops");
    assert!(!site.public().exists());

    let out = site.run(&["build", "--skip-broken-sources"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "warning: the source `pingyang` was LEFT OUT of this build: it has 1 error(s)"
        ),
        "{err}"
    );
    assert!(
        err.contains("warning: (source left out) unknown honor title `五一劳动奖章`"),
        "{err}"
    );
    assert!(
        !site.public().join("wenzhou").exists(),
        "none of pingyang's pages"
    );
    assert!(
        site.public()
            .join("changxing/profiles/ding-weisong/index.html")
            .is_file()
    );
    // The province's story naming pingyang's 丁卫松 only warns while pingyang is out.
    assert!(
        err.contains("names a profile `pingyang/ding-weisong` of the source `pingyang`, left out of this build"),
        "{err}"
    );
    // With pingyang gone, its 丁卫松 no longer clashes with changxing's.
    assert!(!err.contains("used in more than one source"), "{err}");
}

/// Runs git in `dir` with a fixed identity and dates (commits made alike every run).
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=长兴编辑",
            "-c",
            "user.email=editor@example.org",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00+08:00")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00+08:00")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_git_source_pinned_to_a_commit_builds_the_same_site_every_time() {
    let site = province();
    // The county keeps its site in a git repository: two commits.
    let repo = site.root().join("repos/fendou");
    std::fs::create_dir_all(repo.join("content/profiles")).expect("mkdir");
    git(&repo, &["init", "-q"]);
    let write_profile = |body: &str| {
        std::fs::write(
            repo.join("content/profiles/zhou-hong.md"),
            format!("---\nname: 周红\nhonors: [{{title: 浙江省劳动模范, year: 2018}}]\nregion: 长兴县\n---\n\n{body}\n"),
        )
        .expect("write");
    };
    write_profile("第一版事迹。");
    std::fs::write(
        repo.join("site.yaml"),
        "title: 奋斗\nbase_url: https://fd.example.org/\n",
    )
    .expect("site.yaml");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "第一版"]);
    let first = git(&repo, &["rev-parse", "HEAD"]);
    write_profile("第二版事迹。");
    git(&repo, &["commit", "-q", "-am", "第二版"]);

    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml");
    let with_rev =
        |rev: &str| format!("{yaml}  - {{name: fendou, git: repos/fendou, rev: {rev}}}\n");
    site.write("site.yaml", &with_rev(&first));
    let out = site.build_ok();
    assert!(!stderr(&out).contains("follows"), "{}", stderr(&out));
    let page = site.text("fendou/profiles/zhou-hong/index.html");
    assert!(
        page.contains("第一版事迹"),
        "the pinned commit, not the newest"
    );
    let built = files_under(&site.public());

    // Built again from scratch: the same files, byte for byte.
    std::fs::remove_dir_all(site.root().join(".laomo-cache")).expect("clear cache");
    std::fs::remove_dir_all(site.public()).expect("clear output");
    site.build_ok();
    assert_eq!(
        files_under(&site.public()),
        built,
        "a pinned commit builds alike"
    );
    // The checkout made by that build is part of what the next one compares with.
    let again = site.build_ok();
    let said = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(
        said.contains("nothing changed since the last build"),
        "{said}{}",
        stderr(&again)
    );

    // Following the branch shows the newest commit, and says how to pin it.
    site.write("site.yaml", &with_rev("main"));
    let err = stderr(&site.build_ok());
    let head = git(&repo, &["rev-parse", "HEAD"]);
    assert!(
        err.contains(&format!(
            "the source `fendou` follows `main`, now at commit {head}"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("`rev: {head}`")), "{err}");
    assert!(
        site.text("fendou/profiles/zhou-hong/index.html")
            .contains("第二版事迹")
    );

    // A rev the repository does not have: an error at its line, public/ kept.
    let before = files_under(&site.public());
    site.write("site.yaml", &with_rev("no-such-branch"));
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot fetch `no-such-branch` of"), "{err}");
    assert!(err.contains("--> site.yaml:"), "{err}");
    assert_eq!(files_under(&site.public()), before);
}
