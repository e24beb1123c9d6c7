//! End-to-end: fixture sites built by the real binary, asserted on the HTML it writes.

mod common;
use common::*;

fn sample() -> Site {
    Site::new(&[
        (
            "content/profiles/ding-weisong.md",
            &profile(
                "丁卫松",
                "[{title: 省劳模, year: 2015}]",
                "长兴县",
                "association: changxing\nprivate: {phone: \"13800138000\", id_number: \"330522196905121234\"}\n",
            ),
        ),
        (
            "content/profiles/shan.md",
            &profile(
                "单丽华",
                "[{title: 全国劳动模范, year: 1985}]",
                "安吉县",
                "industry: 制造业\n",
            ),
        ),
        (
            "content/profiles/ouyang.md",
            &profile("欧阳明", "[{title: 长兴县劳动模范}]", "长兴县", ""),
        ),
        (
            "content/profiles/an.md",
            &profile(
                "安然",
                "[{title: zhejiang-model, year: 2020}]",
                "长兴县",
                "",
            ),
        ),
        (
            "content/profiles/caogao.md",
            &profile("曹高", "[{title: 全国劳模}]", "长兴县", "draft: true\n"),
        ),
        (
            "content/associations/changxing.md",
            "---\nname: 长兴县劳动模范协会\nfounded: 2016-10\nmembers: 360多\n---\n协会简介。\n",
        ),
        (
            "content/stories/laomo-lin.md",
            "---\ntitle: 劳模林里种下新绿\ndate: 2018-03\nassociation: changxing\npeople: [ding-weisong, ouyang-ming]\ncategory: 志愿服务\nfigures: {参与人次: 100, 捐款: 415290元}\n---\n弘扬**“劳模”**精神，他是**全国劳模。**后来\n继续种树。\n\n{{ profile(slug=\"ding-weisong\") }}\n",
        ),
        (
            "content/stories/xuanjiang.md",
            "---\ntitle: 宣讲进校园\ndate: 2019-05-04\npeople: [ding-weisong]\n---\n正文。\n",
        ),
        (
            "content/stories/third.md",
            "---\ntitle: 第三篇\ndate: 2019\n---\n正文。\n",
        ),
        (
            "content/collections/book.md",
            "---\ntitle: 奋斗的足迹\nkind: book\nparts:\n  - {title: 第一辑, stories: [laomo-lin]}\n  - {title: 第二辑, stories: [xuanjiang, third]}\n---\n",
        ),
        ("content/about.md", "---\ntitle: 关于本站\n---\n关于。\n"),
    ])
}

#[test]
fn hall_of_fame_is_ranked_by_honor_then_pinyin_and_paginated() {
    let site = sample();
    site.build_ok();
    let page1 = site.html("/profiles/");
    // paginate: 2 → 单丽华 (全国), 安然 (省级, an) on page 1; 丁卫松 (省级, ding), 欧阳明 (县级) on page 2.
    assert_eq!(
        texts(&page1, ".level-group .card-title"),
        vec!["单丽华", "安然"]
    );
    assert_eq!(texts(&page1, ".level-group h2"), vec!["全国", "省级"]);
    let page2 = site.html("/profiles/page/2/");
    assert_eq!(
        texts(&page2, ".level-group .card-title"),
        vec!["丁卫松", "欧阳明"]
    );
    // Every internal link carries the sub-path of base_url.
    let hrefs = attrs(&page1, ".card-title a", "href");
    assert_eq!(
        hrefs,
        vec!["/sub/profiles/shan-lihua/", "/sub/profiles/an-ran/"]
    );
    assert_eq!(
        attrs(&page1, "a[rel=next]", "href"),
        vec!["/sub/profiles/page/2/"]
    );
}

#[test]
fn profile_pages_link_both_ways() {
    let site = sample();
    site.build_ok();
    let p = site.html("/profiles/ding-weisong/");
    assert_eq!(texts(&p, "h1"), vec!["丁卫松"]);
    assert_eq!(
        texts(&p, ".honors a"),
        vec!["浙江省劳动模范"],
        "alias shown as the honor's name"
    );
    let stories = texts(&p, "#stories-title + .cards .card-title");
    assert_eq!(
        stories,
        vec!["宣讲进校园", "劳模林里种下新绿"],
        "newest first"
    );
    let assoc = site.html("/associations/changxing/");
    assert!(
        texts(&assoc, ".key-figures li")
            .iter()
            .any(|t| t.starts_with('1') && t.contains("位劳模"))
    );
    // Region hierarchy: 长兴县 is in 湖州市, so the 湖州市 term lists its people.
    let huzhou = site.html("/regions/hu-zhou-shi/");
    assert_eq!(
        texts(&huzhou, ".count"),
        vec!["共 4 项"],
        "paginated at 2, counted in full"
    );
    assert_eq!(texts(&huzhou, ".card-title").len(), 2);
    let changxing = site.html("/regions/changxing-xian/");
    assert_eq!(texts(&changxing, "h1"), vec!["长兴县"]);
}

#[test]
fn stories_navigate_in_reading_order_across_parts() {
    let site = sample();
    site.build_ok();
    let s = site.html("/stories/xuanjiang/");
    assert_eq!(
        texts(&s, ".collection-nav a[rel=prev]"),
        vec!["上一篇：劳模林里种下新绿"]
    );
    assert_eq!(
        texts(&s, ".collection-nav a[rel=next]"),
        vec!["下一篇：第三篇"]
    );
    let book = site.html("/collections/book/");
    assert_eq!(
        texts(&book, ".toc-list a"),
        vec!["劳模林里种下新绿", "宣讲进校园", "第三篇"]
    );
}

#[test]
fn chinese_markdown_reads_right_and_cards_are_blocks() {
    let site = sample();
    site.build_ok();
    let html = site.text("/stories/laomo-lin/index.html");
    assert!(
        html.contains(
            "弘扬<strong>“劳模”</strong>精神，他是<strong>全国劳模。</strong>后来继续种树。"
        ),
        "{html}"
    );
    let doc = site.html("/stories/laomo-lin/");
    assert!(
        select(&doc, "p .profile-card, p article").is_empty(),
        "a card is never inside <p>"
    );
    assert_eq!(
        texts(&doc, ".content .profile-card .card-title"),
        vec!["丁卫松"]
    );
    assert_eq!(
        texts(&doc, ".key-figures li strong"),
        vec!["100", "415290元"],
        "figures keep their order"
    );
    assert_eq!(
        texts(&doc, ".meta time"),
        vec!["2018年3月"],
        "dates show at their precision"
    );
}

#[test]
fn drafts_stay_out_and_private_fields_never_appear() {
    let site = sample();
    let out = site.build_ok();
    let _ = out;
    assert!(!site.public().join("profiles/cao-gao").exists());
    let mut files = 0;
    for e in walkdir::WalkDir::new(site.public()) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            files += 1;
            let bytes = std::fs::read(e.path()).expect("read");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("13800138000") && !text.contains("330522196905121234"),
                "private data in {}",
                e.path().display()
            );
            // The draft 曹高 is in no page, list, search index or filter data.
            assert!(
                !text.contains("曹高") && !text.contains("caogao"),
                "the draft appears in {}",
                e.path().display()
            );
            assert!(
                !e.path().to_string_lossy().ends_with(".md"),
                "markdown source copied: {}",
                e.path().display()
            );
        }
    }
    assert!(files > 10);
    // The walk above covered the search index and the hall-of-fame filter data.
    assert!(site.public().join("search/meta.json").is_file());
    assert!(site.public().join("profiles/filter.json").is_file());
    let with_drafts = site.run(&["build", "--drafts"]);
    assert!(with_drafts.status.success(), "{}", stderr(&with_drafts));
    assert!(site.public().join("profiles/cao-gao/index.html").exists());
}

#[test]
fn failed_build_keeps_the_previous_site_and_builds_are_reproducible() {
    let site = sample();
    site.build_ok();
    let snapshot = |site: &Site| files_under(&site.public());
    let first = snapshot(&site);
    site.build_ok();
    assert!(
        first == snapshot(&site),
        "two builds of the same input differ"
    );
    site.write(
        "content/stories/broken.md",
        "---\ntitle: 坏文件\ndate: 2018-02-30\n---\n",
    );
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("left as it was"));
    assert!(first == snapshot(&site), "a failed build changed public/");
    // Deleting a page removes its URL on the next good build.
    std::fs::remove_file(site.root().join("content/stories/broken.md")).expect("rm");
    std::fs::remove_file(site.root().join("content/stories/third.md")).expect("rm");
    site.write(
        "content/collections/book.md",
        "---\ntitle: 奋斗的足迹\nstories: [laomo-lin]\n---\n",
    );
    site.build_ok();
    assert!(!site.public().join("stories/third/index.html").exists());
}

#[test]
fn feeds_sitemap_robots_and_404() {
    let site = sample();
    site.build_ok();
    let atom = site.text("/atom.xml");
    assert!(atom.contains("<title>宣讲进校园</title>"));
    assert!(atom.contains("https://example.org/sub/stories/xuanjiang/"));
    let sitemap = site.text("/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/sub/profiles/ding-weisong/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/sub/about/</loc>"));
    assert!(
        site.text("/robots.txt")
            .contains("Sitemap: https://example.org/sub/sitemap.xml")
    );
    assert!(site.public().join("404.html").exists());
    let home = site.html("/");
    assert_eq!(
        texts(&home, ".figure-list strong"),
        vec!["4", "1", "2", "1"],
        "total, then by level; drafts excluded"
    );
}

#[test]
fn base_url_can_be_overridden() {
    let site = sample();
    let out = site.run(&["build", "--base-url", "http://localhost:8080/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = site.html("/profiles/");
    let hrefs = attrs(&p, ".card-title a", "href");
    assert!(!hrefs.is_empty(), "no cards");
    assert!(
        hrefs.iter().all(|h| h.starts_with("/profiles/")),
        "{hrefs:?}"
    );
}

#[test]
fn a_site_without_themes_folder_builds_with_the_embedded_theme() {
    let site = Site::new(&[(
        "content/profiles/a.md",
        &profile("王芳", "[{title: 全国劳动模范}]", "长兴县", ""),
    )]);
    site.build_ok();
    assert!(site.public().join("css/site.css").exists());
    // A site template overrides the theme's, file by file.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>自定义的404</h1>{% endblock main %}",
    );
    site.build_ok();
    assert_eq!(texts(&site.html("/404.html"), "h1"), vec!["自定义的404"]);
}

#[test]
fn removed_pages_leave_the_output_on_every_later_build() {
    let site = sample();
    site.build_ok();
    assert!(
        site.public()
            .join("profiles/shan-lihua/index.html")
            .exists()
    );
    assert!(site.public().join("industries").is_dir());
    // 单丽华 is the only profile with an industry: her page and the whole industries/
    // section must go, also from the builds that reuse an older output tree.
    std::fs::remove_file(site.root().join("content/profiles/shan.md")).expect("remove");
    for round in 1..=3 {
        site.build_ok();
        assert!(
            !site.public().join("profiles/shan-lihua").exists(),
            "build {round} kept the deleted page"
        );
        assert!(
            !site.public().join("industries").exists(),
            "build {round} kept the emptied industries/ folder"
        );
        assert!(
            site.public()
                .join("profiles/ding-weisong/index.html")
                .exists()
        );
    }
}

#[test]
fn the_filter_data_lists_the_hall_in_order_with_each_terms_members() {
    let site = sample();
    site.build_ok();
    let data: serde_json::Value =
        serde_json::from_str(&site.text("/profiles/filter.json")).expect("filter.json");
    let names: Vec<&str> = data["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter_map(|p| p[0].as_str())
        .collect();
    // Hall order: honor rank, then pinyin; the draft is left out.
    assert_eq!(names, vec!["单丽华", "安然", "丁卫松", "欧阳明"]);
    let members = |facet: &str, term: &str| -> Vec<u64> {
        data["facets"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["key"] == facet))
            .and_then(|f| f["terms"].as_array())
            .and_then(|ts| ts.iter().find(|t| t[0] == term))
            .map(|t| {
                t[2].as_array()
                    .expect("positions")
                    .iter()
                    .filter_map(|n| n.as_u64())
                    .collect()
            })
            .unwrap_or_default()
    };
    // A region holds the people of its parts.
    assert_eq!(members("regions", "长兴县"), vec![1, 2, 3]);
    assert_eq!(members("regions", "湖州市"), vec![0, 1, 2, 3]);
    assert_eq!(members("levels", "省级"), vec![1, 2]);
    assert_eq!(members("industries", "制造业"), vec![0]);
    // The term's page is linked for browsers without scripts.
    let url = data["facets"][0]["terms"][0][1].as_str().unwrap_or("");
    assert!(url.starts_with("/sub/honors/"), "{url}");
}

#[test]
fn a_shortcode_in_a_blockquote_renders_inside_the_quote() {
    let site = Site::new(&[
        (
            "content/profiles/ding-weisong.md",
            &profile("丁卫松", "[{title: 省劳模}]", "长兴县", ""),
        ),
        (
            "content/stories/yin.md",
            "---\ntitle: 引文\ndate: 2020\n---\n> 他说：\n> {{ profile(slug=\"ding-weisong\") }}\n> 就是这样。\n\n正文。\n",
        ),
    ]);
    site.build_ok();
    let doc = site.html("/stories/yin/");
    assert_eq!(
        texts(&doc, "blockquote .profile-card .card-title"),
        vec!["丁卫松"]
    );
    assert_eq!(texts(&doc, "blockquote > p"), vec!["他说：", "就是这样。"]);
}

#[test]
fn thousands_of_equal_headings_get_distinct_ids_in_order() {
    let mut body = String::from("## 成长-2\n\n");
    body.push_str(&"## 成长\n\n段落。\n\n".repeat(3000));
    let site = Site::new(&[(
        "content/stories/s.md",
        &format!("---\ntitle: 植树\ndate: 2020\n---\n{body}"),
    )]);
    site.build_ok();
    let doc = site.html("/stories/s/");
    let ids = attrs(&doc, "article h2[id], main h2[id]", "id");
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "repeated ids");
    assert!(ids.len() >= 3001, "{} headings", ids.len());
    // The written 成长-2 keeps its id; the repeats skip it.
    assert_eq!(&ids[..4], ["成长-2", "成长", "成长-1", "成长-3"]);
    assert_eq!(ids[3000], "成长-3000");
}

#[test]
fn every_photo_of_a_page_with_hundreds_is_placed() {
    let body = (0..300)
        .map(|i| {
            format!(
                "第{i}张 ![照片{i}](a.jpg) {{{{ figure(src=\"a.jpg\", caption=\"图{i}\") }}}}\n\n"
            )
        })
        .collect::<String>();
    let site = Site::new(&[(
        "content/stories/s/index.md",
        &format!("---\ntitle: 植树\ndate: 2020\n---\n{body}"),
    )]);
    site.write_bytes("content/stories/s/a.jpg", &gradient_jpeg(64, 48));
    site.build_ok();
    let html = site.text("/stories/s/index.html");
    assert!(
        !html.contains("laomo-img:") && !html.contains("laomo:shortcode"),
        "a marker was left"
    );
    let doc = site.html("/stories/s/");
    let alts = attrs(&doc, "img[srcset]", "alt");
    for i in [0, 150, 299] {
        assert!(alts.contains(&format!("照片{i}")), "photo {i} missing");
    }
    assert_eq!(
        texts(&doc, "figcaption")
            .iter()
            .filter(|c| c.starts_with('图'))
            .count(),
        300
    );
}

#[test]
fn the_footer_says_who_publishes_the_site_with_records_linked_to_their_registries() {
    let site = sample();
    site.write(
        "site.yaml",
        &format!(
            "{SITE_YAML}publisher:\n  sponsor: 长兴县劳动模范协会\n  organizer: [长兴县总工会, 长兴县融媒体中心]\n  contact: {{phone: 0572-6012345, email: lmxh@example.org}}\n  icp: 浙ICP备12345678号-1\n  public_security: 浙公网安备 33052202000123号\n  logo: images/logo.svg\n"
        ),
    );
    site.write(
        "static/images/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 1\"/>",
    );
    site.build_ok();
    for page in ["/", "/profiles/ding-weisong/"] {
        let doc = site.html(page);
        assert_eq!(
            texts(&doc, ".publisher dt"),
            vec!["主办", "承办", "电话", "邮箱"],
            "{page}"
        );
        assert_eq!(
            texts(&doc, ".publisher dd"),
            vec![
                "长兴县劳动模范协会",
                "长兴县总工会、长兴县融媒体中心",
                "0572-6012345",
                "lmxh@example.org"
            ]
        );
        assert_eq!(
            attrs(&doc, ".publisher a", "href"),
            vec!["tel:05726012345", "mailto:lmxh@example.org"]
        );
        assert_eq!(
            texts(&doc, ".records a"),
            vec!["浙ICP备12345678号-1", "浙公网安备 33052202000123号"]
        );
        assert_eq!(
            attrs(&doc, ".records a", "href"),
            vec![
                "https://beian.miit.gov.cn/",
                "https://beian.mps.gov.cn/#/query/webSearch?code=33052202000123"
            ]
        );
        assert_eq!(
            attrs(&doc, ".site-title img", "src"),
            vec!["/sub/images/logo.svg"]
        );
    }
    assert!(site.public().join("images/logo.svg").is_file());

    // A number that is not one warns; a logo that is not there stops the build.
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}publisher:\n  icp: 浙ICP备123\n  logo: images/nosuch.svg\n"),
    );
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("warning: `浙ICP备123` does not look like an ICP record number")
            && err.contains("error: logo `images/nosuch.svg` is not a picture in static/"),
        "{err}"
    );
}

#[test]
fn a_site_without_publisher_details_shows_no_empty_footer_lines() {
    let site = sample();
    site.build_ok();
    let doc = site.html("/");
    assert!(select(&doc, ".publisher").is_empty());
    assert!(select(&doc, ".records").is_empty());
    assert!(select(&doc, ".site-title img").is_empty());
}

#[test]
fn every_page_says_its_address_and_how_to_show_it_when_shared() {
    let site = sample();
    // Share cards off: the link shows the page's own photo (tests/share.rs has the cards).
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}share: {{cards: false}}\n"),
    );
    site.write(
        "content/stories/plant/index.md",
        "---\ntitle: 劳模林里又添新绿\ndate: 2024-03-12\ncover: cover.jpg\nsummary: 二十位劳模在长兴县种下一片劳模林。\n---\n正文。\n",
    );
    site.write_bytes("content/stories/plant/cover.jpg", &gradient_jpeg(1200, 800));
    site.build_ok();
    let meta = |doc: &scraper::Html, prop: &str| {
        attrs(doc, &format!("meta[property='{prop}']"), "content")
    };

    let story = site.html("/stories/plant/");
    assert_eq!(
        attrs(&story, "link[rel=canonical]", "href"),
        vec!["https://example.org/sub/stories/plant/"]
    );
    assert_eq!(
        meta(&story, "og:url"),
        vec!["https://example.org/sub/stories/plant/"]
    );
    assert_eq!(meta(&story, "og:type"), vec!["article"]);
    assert_eq!(meta(&story, "og:title"), vec!["劳模林里又添新绿"]);
    assert_eq!(
        meta(&story, "og:description"),
        vec!["二十位劳模在长兴县种下一片劳模林。"]
    );
    // The cover, as a JPEG (not WebP), absolute, with its real size, and the file exists.
    let image = meta(&story, "og:image");
    assert_eq!(image.len(), 1);
    let path = image[0]
        .strip_prefix("https://example.org/sub/")
        .expect("absolute under the base URL");
    assert!(
        path.starts_with("stories/plant/cover-") && path.ends_with(".jpg"),
        "{path}"
    );
    let published = image::image_dimensions(site.public().join(path)).expect("published");
    assert_eq!(
        meta(&story, "og:image:width"),
        vec![published.0.to_string()]
    );
    assert_eq!(
        meta(&story, "og:image:height"),
        vec![published.1.to_string()]
    );
    // A cover's alt text is the page title (docs/content.md, Photos).
    assert_eq!(meta(&story, "og:image:alt"), vec!["劳模林里又添新绿"]);
    assert_eq!(
        attrs(&story, "meta[name='twitter:card']", "content"),
        vec!["summary_large_image"]
    );

    // A profile leads with its highest honor; a listing is a website; 404 has no address.
    let profile = site.html("/profiles/ding-weisong/");
    assert!(meta(&profile, "og:description")[0].starts_with("浙江省劳动模范 · "));
    let listing = site.html("/profiles/");
    assert_eq!(meta(&listing, "og:type"), vec!["website"]);
    assert_eq!(
        attrs(&listing, "link[rel=canonical]", "href"),
        vec!["https://example.org/sub/profiles/"]
    );
    let not_found = site.html("/404.html");
    assert!(select(&not_found, "link[rel=canonical]").is_empty());
}

#[test]
fn people_have_faces_their_portrait_or_their_surname() {
    let site = sample();
    // 丁卫松 gets a portrait; the others keep none.
    site.write(
        "content/profiles/ding-weisong.md",
        &profile(
            "丁卫松",
            "[{title: 省劳模, year: 2015}]",
            "长兴县",
            "portrait: /photos/ding.jpg\nportrait_alt: 丁卫松在车间\n",
        ),
    );
    site.write_bytes("static/photos/ding.jpg", &gradient_jpeg(600, 800));
    site.build_ok();

    // The home page opens with the people, in hall-of-fame order: faces or surnames.
    let home = site.html("/");
    let hall = site.html("/profiles/");
    let mut hall_names = texts(&hall, ".card-profile .card-title");
    hall_names.extend(texts(
        &site.html("/profiles/page/2/"),
        ".card-profile .card-title",
    ));
    let names = texts(&home, ".faces .face-name");
    assert_eq!(names, hall_names);
    assert_eq!(
        texts(&home, ".faces .face-name, .faces .monogram"),
        // 单丽华 (全国) first; 安然 and 丁卫松 (省级, by pinyin), the second with his
        // portrait; 欧阳明 (县级) under his compound surname.
        vec!["单", "单丽华", "安", "安然", "丁卫松", "欧阳", "欧阳明"]
    );
    let face_imgs = attrs(&home, ".faces img", "src");
    assert_eq!(face_imgs.len(), 1, "{face_imgs:?}");
    assert!(
        face_imgs[0].contains("/photos/ding-") && face_imgs[0].contains("sq"),
        "the square crop: {face_imgs:?}"
    );

    // A profile page without a portrait shows the surname in its place, one with a portrait the photo.
    let ouyang = site.html("/profiles/ouyang-ming/");
    assert_eq!(texts(&ouyang, ".portrait .monogram"), vec!["欧阳"]);
    let ding = site.html("/profiles/ding-weisong/");
    assert!(select(&ding, ".portrait .monogram").is_empty());
    assert_eq!(attrs(&ding, ".portrait img", "alt"), vec!["丁卫松在车间"]);
    // The same name has the same colour on every page: the hall's card and the profile.
    let hall2 = site.html("/profiles/page/2/");
    let card_class = select(&hall, ".card-profile")
        .into_iter()
        .chain(select(&hall2, ".card-profile"))
        .find(|c| c.text().any(|t| t.contains("欧阳明")))
        .and_then(|c| {
            let sel = scraper::Selector::parse(".monogram").expect("selector");
            c.select(&sel)
                .next()
                .and_then(|m| m.value().attr("class").map(str::to_string))
        })
        .expect("欧阳明's card has a monogram");
    assert!(card_class.contains("monogram-"), "{card_class}");
    assert_eq!(
        attrs(&ouyang, ".portrait .monogram", "class"),
        vec![card_class]
    );
}

#[test]
fn an_exhibition_is_a_preface_hall_then_numbered_halls_along_a_route() {
    let site = sample();
    site.write_bytes(
        "content/exhibitions/yunzhan/medal.jpg",
        &gradient_jpeg(900, 600),
    );
    site.write(
        "content/exhibitions/yunzhan/index.md",
        "---\ntitle: 长兴劳模云展馆\nhalls:\n  - title: 劳模风采\n    intro: 第一厅的导语。\n    exhibits:\n      - {profile: 单丽华}\n      - {profile: cao-gao}\n      - {story: laomo-lin}\n  - title: 奖章与证书\n    exhibits:\n      - {image: medal.jpg, caption: 一枚奖章, alt: 奖章}\n      - {profile: ding-weisong}\n---\n前言写在这里。\n",
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));

    // The exhibition's own page is the 序厅: the preface and a map of the halls.
    let lobby = site.html("/exhibitions/yunzhan/");
    assert_eq!(texts(&lobby, ".exhibition-header .kicker"), vec!["序厅"]);
    assert_eq!(
        texts(&lobby, ".hall-map .hall-number"),
        vec!["第一展厅", "第二展厅"]
    );
    assert_eq!(
        texts(&lobby, ".hall-map strong"),
        vec!["劳模风采", "奖章与证书"]
    );
    // The draft 曹高 is no exhibit: two in the first hall, not three.
    assert_eq!(texts(&lobby, ".hall-map-count"), vec!["2件展品", "2件展品"]);
    assert_eq!(
        attrs(&lobby, ".hall-map li a", "href"),
        vec![
            "/sub/exhibitions/yunzhan/hall-1/",
            "/sub/exhibitions/yunzhan/hall-2/"
        ]
    );

    // A hall: full-width panels numbered hall-exhibit, and the way on.
    let first = site.html("/exhibitions/yunzhan/hall-1/");
    assert_eq!(texts(&first, "h1"), vec!["劳模风采"]);
    assert_eq!(
        texts(&first, ".panel .exhibit-number"),
        vec!["展品 1-1", "展品 1-2"]
    );
    assert_eq!(
        texts(&first, ".panel h2"),
        vec!["单丽华", "劳模林里种下新绿"]
    );
    assert_eq!(
        texts(&first, ".hall-steps [aria-current=page]"),
        vec!["第一展厅 劳模风采"]
    );
    assert_eq!(
        attrs(&first, ".route a", "href"),
        vec![
            "/sub/exhibitions/yunzhan/",
            "/sub/exhibitions/yunzhan/hall-2/"
        ]
    );
    assert_eq!(
        texts(&first, ".route [rel=next] .route-title"),
        vec!["第二展厅 奖章与证书"]
    );
    let title = texts(&first, "title");
    assert!(
        title[0].starts_with("第一展厅 劳模风采 - 长兴劳模云展馆"),
        "{title:?}"
    );

    // The last hall leads back to the 序厅; its photo is a panel with its caption.
    let last = site.html("/exhibitions/yunzhan/hall-2/");
    assert_eq!(
        texts(&last, ".panel-figure figcaption"),
        vec!["展品 2-1 一枚奖章"]
    );
    assert_eq!(
        texts(&last, ".route [rel=next] .route-dir"),
        vec!["参观结束，回到序厅 →"]
    );
    assert_eq!(
        attrs(&last, ".route [rel=prev]", "href"),
        vec!["/sub/exhibitions/yunzhan/hall-1/"]
    );
    let sitemap = site.text("/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/sub/exhibitions/yunzhan/hall-2/</loc>"));
}

#[test]
fn the_initials_bar_covers_the_whole_hall_of_fame() {
    let site = sample();
    site.build_ok();
    // paginate: 2 → 单丽华 and 安然 on page 1, 丁卫松 and 欧阳明 on page 2.
    let page1 = site.html("/profiles/");
    assert_eq!(texts(&page1, ".initials a"), vec!["A", "D", "O", "S"]);
    assert_eq!(
        attrs(&page1, ".initials a", "href"),
        vec![
            "#initial-A",
            "/sub/profiles/page/2/#initial-D",
            "/sub/profiles/page/2/#initial-O",
            "#initial-S"
        ]
    );
    let page2 = site.html("/profiles/page/2/");
    assert_eq!(
        attrs(&page2, ".initials a", "href"),
        vec![
            "/sub/profiles/#initial-A",
            "#initial-D",
            "#initial-O",
            "/sub/profiles/#initial-S"
        ]
    );
    // Each anchor is there to land on.
    assert_eq!(attrs(&page2, "#initial-D .card-title a", "href").len(), 1);
}

#[test]
fn no_space_is_written_before_a_full_width_bracket() {
    // A full-width （ carries its own space: a space before it shows as a double gap.
    let site = sample();
    site.write(
        "content/stories/fenghui.md",
        "---\ntitle: 峰会\ndate: 2019-05\ndate_note: 具体日期待查\nlocation: 长兴\n---\n正文。\n",
    );
    site.build_ok();
    let story = site.html("/stories/fenghui/");
    let meta = texts(&story, ".page-header .meta").join("");
    assert!(meta.contains("2019年5月（具体日期待查）"), "{meta:?}");
    let regions = site.html("/regions/");
    let list = texts(&regions, "main li").join("|");
    assert!(list.contains("（湖州市）"), "{list}");
    assert!(!list.contains(" （") && !list.contains("\n（"), "{list}");
}
