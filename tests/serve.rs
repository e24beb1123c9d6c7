//! `laomo serve` end to end: a real server on a free port, real HTTP requests.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 GET, so the path reaches the server exactly as written.
fn get(port: u16, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    get_as(port, "127.0.0.1", path, extra, Duration::from_secs(10))
}

fn body(port: u16, path: &str) -> String {
    String::from_utf8_lossy(&get(port, path, "").2).to_string()
}

fn wait_for(mut cond: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn sample() -> Site {
    let site = Site::new(&[
        (
            "content/profiles/a.md",
            &profile("丁卫松", "[{title: 全国劳动模范}]", "长兴县", ""),
        ),
        (
            "content/stories/s/index.md",
            "---\ntitle: 植树\ndate: 2018\ncover: c.png\n---\n原来的正文。\n",
        ),
        ("content/about.md", "---\ntitle: 关于\n---\n关于。\n"),
        ("static/files/说明 书.txt", "说明"),
        ("static/v.mp4", &"0123456789".repeat(100)),
    ]);
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::new(40, 30))
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    site.write_bytes("content/stories/s/c.png", &png.into_inner());
    site
}

#[test]
fn serves_pages_files_and_a_404_with_the_right_headers() {
    let site = sample();
    let server = Server::start(&site);
    let p = server.port;
    let (status, head, html) = get(p, "/profiles/ding-weisong/", "");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains("<h1>丁卫松</h1>") && html.contains("/__laomo/reload.js"),
        "{html}"
    );
    let (status, head, _) = get(p, "/profiles/ding-weisong", "");
    assert_eq!(status, 308, "directory without slash redirects: {head}");
    let (status, head, _) = get(p, "/css/site.css", "");
    assert!(
        status == 200 && head.contains("text/css; charset=utf-8"),
        "{head}"
    );
    let page = body(p, "/stories/s/");
    let webp = page
        .split('"')
        .find(|s| s.ends_with(".webp") || s.contains(".webp "))
        .map(|s| s.split(' ').next().unwrap_or("").to_string())
        .expect("a webp file");
    let (status, head, _) = get(p, &webp, "");
    assert!(
        status == 200 && head.contains("image/webp"),
        "{webp}: {head}"
    );
    let (status, head, bytes) = get(p, "/v.mp4", "Range: bytes=10-19\r\n");
    assert_eq!(status, 206, "{head}");
    assert_eq!(bytes, b"0123456789");
    let (status, _, _) = get(p, "/files/%E8%AF%B4%E6%98%8E%20%E4%B9%A6.txt", "");
    assert_eq!(status, 200, "Chinese and spaces in static file names");
    let (status, _, body404) = get(p, "/nowhere/", "");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body404).contains("页面不存在"));
    assert!(!site.public().exists(), "serve never writes public/");
}

#[test]
fn nothing_outside_the_site_output_can_be_fetched() {
    let site = sample();
    let server = Server::start(&site);
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/static/../site.yaml",
        "/..%2fsite.yaml",
        "//etc/passwd",
        "/content/about.md",
        "/site.yaml",
        "/static/v.mp4",
        "/stories/s/c.png",
        "/stories/s/index.md",
        "/.laomo-cache/",
        "/%00",
    ] {
        let (status, _, body) = get(server.port, path, "");
        assert!(status == 404 || status == 400, "{path} gave {status}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("base_url") && !text.contains("root:"),
            "{path} leaked: {text}"
        );
    }
}

#[test]
fn edits_are_served_and_errors_show_an_overlay() {
    let site = sample();
    let server = Server::start(&site);
    let p = server.port;
    let first = body(p, "/about/");
    assert!(first.contains("<h1>关于</h1>"), "{first}");
    site.write(
        "content/about.md",
        "---\ntitle: 关于我们\n---\n新的正文。\n",
    );
    wait_for(
        || body(p, "/about/").contains("<h1>关于我们</h1>"),
        "the edit",
    );

    // A broken file: the last good page stays, and the event stream reports the error.
    site.write("content/about.md", "---\ntitle: [坏\n---\n");
    let mut s = TcpStream::connect(("127.0.0.1", p)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        s,
        "GET /__laomo/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("write");
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !got.contains("event: error") && Instant::now() < deadline {
        if let Ok(n) = s.read(&mut buf) {
            got.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(
        got.contains("event: error") && got.contains("content/about.md:2:"),
        "{got}"
    );
    // The failed rebuild has run (the stream says so): the last good page is still served.
    assert!(
        body(p, "/about/").contains("<h1>关于我们</h1>"),
        "last good build still served"
    );

    // Renamed page: the old URL goes away.
    std::fs::remove_file(site.root().join("content/about.md")).expect("rm");
    site.write("content/guanyu.md", "---\ntitle: 关于\n---\n");
    wait_for(
        || get(p, "/about/", "").0 == 404 && get(p, "/guanyu/", "").0 == 200,
        "the rename",
    );
}

#[test]
fn pages_that_come_and_go_between_edits_are_served() {
    // The preview keeps its walk of content/ while only known files change: a file
    // that comes or goes after edits must still be found, or be gone.
    let site = sample();
    let server = Server::start(&site);
    let p = server.port;
    site.write("content/about.md", "---\ntitle: 关于一\n---\n一。\n");
    wait_for(
        || body(p, "/about/").contains("<h1>关于一</h1>"),
        "the first edit",
    );
    site.write("content/about.md", "---\ntitle: 关于二\n---\n二。\n");
    wait_for(
        || body(p, "/about/").contains("<h1>关于二</h1>"),
        "the second edit",
    );

    site.write(
        "content/stories/xuanjiang.md",
        "---\ntitle: 劳模宣讲进校园\ndate: 2024-05-01\n---\n宣讲。\n",
    );
    wait_for(
        || body(p, "/stories/xuanjiang/").contains("劳模宣讲进校园"),
        "a new story",
    );
    wait_for(
        || body(p, "/stories/").contains("/stories/xuanjiang/"),
        "the new story listed",
    );
    site.write(
        "content/stories/xuanjiang.md",
        "---\ntitle: 劳模宣讲进社区\ndate: 2024-05-01\n---\n宣讲。\n",
    );
    wait_for(
        || body(p, "/stories/xuanjiang/").contains("劳模宣讲进社区"),
        "the new story edited",
    );

    // A new bundle: a folder with its index.md.
    site.write(
        "content/profiles/wang-fang/index.md",
        &profile("王芳", "[{title: 全国劳动模范}]", "长兴县", ""),
    );
    wait_for(
        || get(p, "/profiles/wang-fang/", "").0 == 200,
        "a new profile bundle",
    );

    std::fs::remove_file(site.root().join("content/stories/xuanjiang.md")).expect("rm");
    wait_for(
        || {
            get(p, "/stories/xuanjiang/", "").0 == 404
                && !body(p, "/stories/").contains("/stories/xuanjiang/")
        },
        "the deleted story gone",
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let site = sample();
    let mut server = Server::start(&site);
    let pid = server.child.id() as i32;
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_has_the_search_index() {
    let site = sample();
    let server = Server::start(&site);
    let (status, _, meta) = get(server.port, "/search/meta.json", "");
    assert_eq!(status, 200);
    assert!(
        String::from_utf8_lossy(&meta).contains("\"docs\":2"),
        "{}",
        String::from_utf8_lossy(&meta)
    );
    let (status, _, html) = get(server.port, "/search/", "");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&html).contains("id=\"search\""));
}

#[test]
fn other_host_names_are_refused_and_private_lines_never_streamed() {
    let site = sample();
    let server = Server::start(&site);
    let short = Duration::from_secs(10);
    // A page elsewhere whose name points at 127.0.0.1 (DNS rebinding) gets nothing.
    for path in ["/", "/__laomo/events", "/profiles/"] {
        let (status, _, body) = get_as(server.port, "evil.example.com", path, "", short);
        assert_eq!(status, 403, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("丁卫松"), "{path}");
    }
    assert_eq!(get_as(server.port, "localhost:8080", "/", "", short).0, 200);
    // An error inside `private:`: the stream reports it without quoting the line.
    site.write(
        "content/profiles/ding-weisong.md",
        "---\nname: 丁卫松\nhonors: [{title: 全国劳动模范}]\nregion: 长兴县\nprivate:\n  phone: 13800000000\n  phone: 13900000000\n---\n正文。\n",
    );
    let mut stream = String::new();
    wait_for(
        || {
            let (_, _, body) = get_as(
                server.port,
                "127.0.0.1",
                "/__laomo/events",
                "",
                Duration::from_millis(700),
            );
            stream = String::from_utf8_lossy(&body).to_string();
            stream.contains("written twice")
        },
        "the error in the event stream",
    );
    assert!(stream.contains("ding-weisong.md:7:3"), "{stream}");
    assert!(
        !stream.contains("1390000") && !stream.contains("1380000"),
        "{stream}"
    );
}

/// A raw form POST, with an Origin header when given.
fn post(port: u16, path: &str, origin: Option<&str>, body: &str) -> (u16, String, Vec<u8>) {
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    let extra = format!(
        "{origin}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        body.len()
    );
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{extra}\r\n{body}"
    )
    .expect("write");
    response(s)
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn a_new_profile_form_writes_the_file_laomo_new_would() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    // The form offers the site's own honors and regions.
    let page = body(port, "/__laomo/new/profile");
    assert!(
        page.contains("<option value=\"浙江省劳动模范\">浙江省劳动模范</option>"),
        "{page}"
    );
    assert!(
        page.contains("<option value=\"安吉县\">安吉县</option>"),
        "{page}"
    );

    let origin = format!("http://127.0.0.1:{port}");
    let good = form(&[
        ("name", "王 伟"),
        ("honor", "浙江省劳动模范"),
        ("year", "2019年"),
        ("honor", ""),
        ("year", ""),
        ("region", "安吉县"),
        ("organization", "安吉茶场"),
        ("body", "王伟种了三十年茶。"),
    ]);
    let file = site.root().join("content/profiles/wang-wei.md");

    // Posted from another site's page: refused, nothing written.
    let (status, _, _) = post(
        port,
        "/__laomo/new/profile",
        Some("http://evil.example"),
        &good,
    );
    assert_eq!(status, 403);
    let (status, _, _) = post(port, "/__laomo/new/profile", None, &good);
    assert_eq!(status, 403);
    assert!(!file.exists());

    // A mistake: the form comes back with what was typed and what to fix.
    let bad = form(&[
        ("name", "王伟"),
        ("honor", ""),
        ("year", ""),
        ("region", "安吉县"),
    ]);
    let (status, _, html) = post(port, "/__laomo/new/profile", Some(&origin), &bad);
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("请至少选一项荣誉。"), "{html}");
    assert!(
        html.contains("name=\"name\" required value=\"王伟\""),
        "{html}"
    );
    assert!(!file.exists());

    // Saved: the same file `laomo new` and an import write, and the page is there.
    let (status, head, _) = post(port, "/__laomo/new/profile", Some(&origin), &good);
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /profiles/wang-wei/"), "{head}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("written"),
        "---\nname: 王伟\nhonors:\n  - {title: 浙江省劳动模范, year: 2019}\nregion: 安吉县\norganization: 安吉茶场\n---\n\n王伟种了三十年茶。\n"
    );
    let (status, _, html) = get(port, "/profiles/wang-wei/", "");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&html).contains("王伟种了三十年茶。"));

    // A second 王伟 gets the next address.
    let (status, head, _) = post(port, "/__laomo/new/profile", Some(&origin), &good);
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /profiles/wang-wei-2/"), "{head}");
    assert!(
        std::fs::read_to_string(site.root().join("content/profiles/wang-wei-2.md"))
            .expect("second")
            .contains("\nslug: wang-wei-2\n")
    );
}

#[test]
fn a_profile_edited_in_the_form_keeps_what_the_form_does_not_show() {
    let site = sample();
    site.write(
        "content/profiles/shan.md",
        "---\n# 内部说明：照片待补\nname: 单丽华\nhonors:\n  - {title: 省劳模, year: 2018}\nregion: 安吉县\norganization: 安吉茶场\ntags: [茶叶]\n---\n\n原来的事迹。\n",
    );
    let server = Server::start(&site);
    let port = server.port;
    // The preview's script offers the forms on the pages of every kind.
    let script = body(port, "/__laomo/reload.js");
    assert!(
        script.contains(
            "var m = true && location.pathname.match(/^\\/(profiles|stories|associations|collections|exhibitions)\\/"
        ),
        "{script}"
    );
    assert!(script.contains("\"Edit this page\""), "{script}");
    let page = body(port, "/__laomo/edit/profile/shan-lihua");
    // The alias in the file shows as the vocabulary's name, with its year.
    assert!(page.contains("value=\"单丽华\""), "{page}");
    assert!(
        page.contains("<option value=\"浙江省劳动模范\" selected>"),
        "{page}"
    );
    assert!(
        page.contains("name=\"year\" inputmode=\"numeric\" size=\"6\" value=\"2018\""),
        "{page}"
    );
    assert!(page.contains(">原来的事迹。</textarea>"), "{page}");
    assert_eq!(get(port, "/__laomo/edit/profile/nobody", "").0, 404);

    let origin = format!("http://127.0.0.1:{port}");
    let changed = form(&[
        ("name", "单丽华"),
        ("honor", "全国劳动模范"),
        ("year", "2020"),
        ("honor", "浙江省劳动模范"),
        ("year", "2018"),
        ("region", "安吉县"),
        ("organization", "安吉茶场二分场"),
        ("body", "新的事迹。\r\n第二段。"),
    ]);
    let (status, head, _) = post(
        port,
        "/__laomo/edit/profile/shan-lihua",
        Some(&origin),
        &changed,
    );
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /profiles/shan-lihua/"), "{head}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/profiles/shan.md")).expect("read"),
        "---\n# 内部说明：照片待补\nname: 单丽华\nhonors:\n  - {title: 全国劳动模范, year: 2020}\n  - {title: 浙江省劳动模范, year: 2018}\nregion: 安吉县\norganization: 安吉茶场二分场\ntags: [茶叶]\n---\n\n新的事迹。\n第二段。\n"
    );
    let (_, _, html) = get(port, "/profiles/shan-lihua/", "");
    assert!(String::from_utf8_lossy(&html).contains("新的事迹。"));
}

#[test]
fn a_new_story_form_names_people_as_editors_do() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let page = body(port, "/__laomo/new/story");
    assert!(page.contains("<option value=\"丁卫松\">"), "{page}");
    let origin = format!("http://127.0.0.1:{port}");
    let bad = form(&[
        ("title", "宣讲"),
        ("date", "去年"),
        ("people", "丁卫松、王五"),
    ]);
    let (status, _, html) = post(port, "/__laomo/new/story", Some(&origin), &bad);
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 400);
    assert!(html.contains("本站没有名叫“王五”的劳模页面。"), "{html}");
    assert!(html.contains("“去年”不是日期"), "{html}");

    let good = form(&[
        ("title", "劳模宣讲进校园"),
        ("date", "2024年3月"),
        ("people", "丁卫松"),
        ("category", "宣讲"),
        ("body", "劳模走进长兴的中小学。"),
    ]);
    let (status, head, _) = post(port, "/__laomo/new/story", Some(&origin), &good);
    assert_eq!(status, 303, "{head}");
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("location")
        .trim()
        .to_string();
    let slug = location
        .trim_start_matches("/stories/")
        .trim_end_matches('/')
        .to_string();
    assert_eq!(
        std::fs::read_to_string(site.root().join(format!("content/stories/{slug}.md")))
            .expect("written"),
        "---\ntitle: 劳模宣讲进校园\ndate: 2024-03\npeople: [ding-weisong]\ncategory: 宣讲\n---\n\n劳模走进长兴的中小学。\n"
    );
    let (status, _, html) = get(port, &location, "");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&html).contains("劳模走进长兴的中小学。"));
}

/// A raw `multipart/form-data` POST from this preview: text fields, then one file.
fn post_multipart(
    port: u16,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> (u16, String, Vec<u8>) {
    let boundary = "----laomo-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, file_name, bytes) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .expect("write");
    s.write_all(&body).expect("body");
    response(s)
}

#[test]
fn a_photo_sent_with_the_profile_form_goes_into_the_pages_bundle() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let page = body(port, "/__laomo/new/profile");
    assert!(
        page.contains("enctype=\"multipart/form-data\"")
            && page.contains("type=\"file\" name=\"portrait\""),
        "{page}"
    );
    let fields = [
        ("name", "钱塘"),
        ("honor", "浙江省劳动模范"),
        ("year", "2020"),
        ("region", "安吉县"),
        ("body", "钱塘的事迹。"),
    ];
    // Not a photo: the form comes back saying so, nothing written.
    let (status, _, html) = post_multipart(
        port,
        "/__laomo/new/profile",
        &fields,
        ("portrait", "简历.docx", b"PK\x03\x04 not a photo"),
    );
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 400, "{html}");
    assert!(
        html.contains("“简历.docx”不是 JPEG、PNG 或 WebP 照片"),
        "{html}"
    );
    assert!(html.contains("value=\"钱塘\""), "{html}");
    assert!(!site.root().join("content/profiles/qian-tang").exists());

    // A photo: the profile is a bundle with it, and the page shows it.
    let jpeg = gradient_jpeg(600, 800);
    let (status, head, _) = post_multipart(
        port,
        "/__laomo/new/profile",
        &fields,
        ("portrait", "IMG_0001.JPG", &jpeg),
    );
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /profiles/qian-tang/"), "{head}");
    let bundle = site.root().join("content/profiles/qian-tang");
    assert_eq!(
        std::fs::read(bundle.join("portrait.jpg")).expect("photo saved"),
        jpeg
    );
    let text = std::fs::read_to_string(bundle.join("index.md")).expect("page saved");
    assert!(text.contains("\nportrait: portrait.jpg\n"), "{text}");
    let html = body(port, "/profiles/qian-tang/");
    assert!(
        html.contains("/profiles/qian-tang/portrait-"),
        "the page shows the resized photo: {html}"
    );

    // An existing single-file profile sent with a photo becomes a bundle, its text kept.
    site.write(
        "content/profiles/shan.md",
        "---\n# 内部说明\nname: 单丽华\nhonors:\n  - {title: 省劳模, year: 2018}\nregion: 安吉县\ntags: [茶叶]\n---\n\n原来的事迹。\n",
    );
    wait_for(
        || get(port, "/profiles/shan-lihua/", "").0 == 200,
        "the new profile",
    );
    let (status, head, _) = post_multipart(
        port,
        "/__laomo/edit/profile/shan-lihua",
        &[
            ("name", "单丽华"),
            ("honor", "浙江省劳动模范"),
            ("year", "2018"),
            ("region", "安吉县"),
            ("body", "原来的事迹。"),
        ],
        ("portrait", "photo.png", &png_bytes()),
    );
    assert_eq!(status, 303, "{head}");
    assert!(!site.root().join("content/profiles/shan.md").exists());
    let moved = std::fs::read_to_string(site.root().join("content/profiles/shan/index.md"))
        .expect("moved into a bundle");
    assert!(
        moved.contains("# 内部说明")
            && moved.contains("tags: [茶叶]")
            && moved.contains("\nportrait: portrait.png\n"),
        "{moved}"
    );
    assert!(
        site.root()
            .join("content/profiles/shan/portrait.png")
            .is_file()
    );
}

fn png_bytes() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// The 303's address, from a response head.
fn location(head: &str) -> String {
    head.lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("location")
        .trim()
        .to_string()
}

#[test]
fn an_exhibition_form_makes_halls_of_the_people_and_stories_named() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let page = body(port, "/__laomo/new/exhibition");
    assert!(page.contains("<h1>新建云展馆页面</h1>"), "{page}");
    assert!(page.contains("<textarea name=\"halls\""), "{page}");
    let origin = format!("http://127.0.0.1:{port}");
    let bad = form(&[
        ("title", "劳模工匠云展馆"),
        ("date", "前年"),
        ("halls", "丁卫松\n## 新时代的领跑者\n王五\n植树"),
    ]);
    let (status, _, html) = post(port, "/__laomo/new/exhibition", Some(&origin), &bad);
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 400);
    assert!(html.contains("开馆时间：“前年”不是日期"), "{html}");
    assert!(html.contains("展品“丁卫松”前面还没有展厅"), "{html}");
    assert!(
        html.contains("本站没有叫“王五”的劳模，也没有这个标题的事迹。"),
        "{html}"
    );
    // What was typed is still there to fix.
    assert!(html.contains("## 新时代的领跑者\n王五"), "{html}");
    assert!(!site.root().join("content/exhibitions").exists());

    let good = form(&[
        ("title", "劳模工匠云展馆"),
        ("date", "2022年5月"),
        ("featured", "1"),
        (
            "halls",
            "## 新时代的领跑者\r\n丁卫松\r\n\r\n植树\r\n## 第二展厅\r\ns",
        ),
        ("body", "走进展馆，认识身边的劳模。"),
    ]);
    let (status, head, _) = post(port, "/__laomo/new/exhibition", Some(&origin), &good);
    assert_eq!(status, 303, "{head}");
    let at = location(&head);
    let slug = at.trim_start_matches("/exhibitions/").trim_end_matches('/');
    assert_eq!(
        std::fs::read_to_string(site.root().join(format!("content/exhibitions/{slug}.md")))
            .expect("written"),
        "---\ntitle: 劳模工匠云展馆\ndate: 2022-05\nfeatured: true\nhalls:\n  - title: 新时代的领跑者\n    exhibits:\n      - {profile: ding-weisong}\n      - {story: s}\n  - title: 第二展厅\n    exhibits:\n      - {story: s}\n---\n\n走进展馆，认识身边的劳模。\n"
    );
    assert!(body(port, &at).contains("新时代的领跑者"));
    // The first hall shows the person and the story named in it.
    let hall = body(port, &format!("{at}hall-1/"));
    assert!(hall.contains("丁卫松") && hall.contains("植树"), "{hall}");
}

#[test]
fn collection_and_association_forms_write_pages_the_build_accepts() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let origin = format!("http://127.0.0.1:{port}");
    // A story that is not there, and a body the build would refuse (an unknown
    // shortcode): both said on the form, nothing written.
    let bad = form(&[
        ("title", "劳模——新时代的领跑者"),
        ("kind", "book"),
        ("stories", "植树\n不存在的文章"),
        ("body", "{{< 不存在 >}}"),
    ]);
    let (status, _, html) = post(port, "/__laomo/new/collection", Some(&origin), &bad);
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 400);
    assert!(
        html.contains("本站没有标题为“不存在的文章”的事迹。"),
        "{html}"
    );
    // The build's own loader has the last word: its message, on the form.
    let (status, _, html) = post(
        port,
        "/__laomo/new/collection",
        Some(&origin),
        &form(&[("title", "劳模文集"), ("body", "{{< 不存在 >}}")]),
    );
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 400);
    assert!(
        html.contains("<li>this shortcode cannot be read: expected `name(…)`"),
        "{html}"
    );
    assert!(!site.root().join("content/collections").exists());
    let good = form(&[
        ("title", "劳模——新时代的领跑者"),
        ("kind", "book"),
        ("published", "2021"),
        ("publisher", "长兴县劳动模范协会"),
        ("stories", "植树"),
        ("body", "这本书收录了劳模的故事。"),
    ]);
    let (status, head, _) = post(port, "/__laomo/new/collection", Some(&origin), &good);
    assert_eq!(status, 303, "{head}");
    let at = location(&head);
    let slug = at.trim_start_matches("/collections/").trim_end_matches('/');
    assert_eq!(
        std::fs::read_to_string(site.root().join(format!("content/collections/{slug}.md")))
            .expect("written"),
        "---\ntitle: 劳模——新时代的领跑者\nkind: book\npublished: 2021\npublisher: 长兴县劳动模范协会\nstories: [s]\n---\n\n这本书收录了劳模的故事。\n"
    );
    assert!(body(port, &at).contains("植树"));

    // An association with its logo: a bundle holding both.
    let (status, head, _) = post_multipart(
        port,
        "/__laomo/new/association",
        &[
            ("name", "长兴县劳动模范协会"),
            ("founded", "2016.10"),
            ("members", "360多"),
        ],
        ("logo", "标志.png", &png_bytes()),
    );
    assert_eq!(status, 303, "{head}");
    let at = location(&head);
    let slug = at
        .trim_start_matches("/associations/")
        .trim_end_matches('/');
    let bundle = site.root().join(format!("content/associations/{slug}"));
    assert_eq!(
        std::fs::read_to_string(bundle.join("index.md")).expect("written"),
        "---\nlogo: logo.png\nname: 长兴县劳动模范协会\nfounded: 2016-10\nmembers: 360多\n---\n\n"
    );
    assert_eq!(
        std::fs::read(bundle.join("logo.png")).expect("logo"),
        png_bytes()
    );
    assert!(body(port, &at).contains("长兴县劳动模范协会"));
}

#[test]
fn the_body_preview_renders_markdown_and_only_for_this_preview() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let origin = format!("http://127.0.0.1:{port}");
    let sent = form(&[("body", "钱塘在**茶场**干了三十年。\n\n![采茶](cha.jpg)")]);
    let (status, _, html) = post(port, "/__laomo/preview", Some(&origin), &sent);
    let html = String::from_utf8_lossy(&html).to_string();
    assert_eq!(status, 200);
    assert!(
        html.contains("<p>钱塘在<strong>茶场</strong>干了三十年。</p>"),
        "{html}"
    );
    assert!(
        html.contains("data-photo=\"cha.jpg\"") && !html.contains("laomo-img"),
        "{html}"
    );
    // Another site's page cannot use the editor's browser to reach it.
    let (status, _, _) = post(port, "/__laomo/preview", Some("http://example.com"), &sent);
    assert_eq!(status, 403);
    // Every form with a body field shows the panel.
    for form_path in [
        "/__laomo/new/profile",
        "/__laomo/new/story",
        "/__laomo/new/exhibition",
    ] {
        assert!(
            body(port, form_path).contains("<iframe title=\"正文预览\">"),
            "{form_path}"
        );
    }
}

#[test]
fn a_plain_page_form_and_the_loader_checking_the_story_and_profile_forms() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let origin = format!("http://127.0.0.1:{port}");
    let page = |pairs: &[(&str, &str)]| {
        let (status, head, html) = post(port, "/__laomo/new/page", Some(&origin), &form(pairs));
        (status, head, String::from_utf8_lossy(&html).to_string())
    };
    // A title with nothing to read an address from.
    let (status, _, html) = page(&[("title", "！！！")]);
    assert_eq!(status, 400);
    assert!(
        html.contains("从“！！！”读不出网址名：标题里要有汉字、字母或数字。"),
        "{html}"
    );
    let (status, _, html) = page(&[("title", "联系我们"), ("menu_order", "二")]);
    assert_eq!(status, 400);
    assert!(html.contains("“二”不是数字"), "{html}");
    let (status, head, _) = page(&[
        ("title", "联系我们"),
        ("menu_order", "3"),
        ("body", "电话：0572-1234567"),
    ]);
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /lian-xi-wo-men/"), "{head}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/lian-xi-wo-men.md")).expect("written"),
        "---\ntitle: 联系我们\nmenu_order: 3\n---\n\n电话：0572-1234567\n"
    );
    assert!(body(port, "/lian-xi-wo-men/").contains("0572-1234567"));

    // A body the build would refuse never reaches the disk from the other forms either.
    let bad_body = "{{< 不存在 >}}";
    let (status, _, html) = post(
        port,
        "/__laomo/new/story",
        Some(&origin),
        &form(&[("title", "宣讲"), ("date", "2024-03"), ("body", bad_body)]),
    );
    assert_eq!(status, 400);
    assert!(
        String::from_utf8_lossy(&html).contains("this shortcode cannot be read"),
        "{}",
        String::from_utf8_lossy(&html)
    );
    let (status, _, html) = post(
        port,
        "/__laomo/new/profile",
        Some(&origin),
        &form(&[
            ("name", "钱塘"),
            ("honor", "浙江省劳动模范"),
            ("year", "2020"),
            ("region", "安吉县"),
            ("body", bad_body),
        ]),
    );
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&html));
    assert!(String::from_utf8_lossy(&html).contains("this shortcode cannot be read"));
    assert!(!site.root().join("content/stories/xuan-jiang.md").exists());
    assert!(!site.root().join("content/profiles/qian-tang.md").exists());
}

#[test]
fn a_story_sent_with_a_cover_photo_becomes_a_bundle_showing_it() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    assert!(body(port, "/__laomo/new/story").contains("type=\"file\" name=\"cover\""));
    let jpeg = gradient_jpeg(800, 600);
    let (status, head, _) = post_multipart(
        port,
        "/__laomo/new/story",
        &[
            ("title", "劳模林里种下新绿"),
            ("date", "2018-03"),
            ("body", "植树节前夕，劳模们来到劳模林。"),
        ],
        ("cover", "IMG_2018.JPG", &jpeg),
    );
    assert_eq!(status, 303, "{head}");
    let at = location(&head);
    let slug = at.trim_start_matches("/stories/").trim_end_matches('/');
    let bundle = site.root().join(format!("content/stories/{slug}"));
    assert_eq!(
        std::fs::read(bundle.join("cover.jpg")).expect("cover"),
        jpeg
    );
    assert_eq!(
        std::fs::read_to_string(bundle.join("index.md")).expect("page"),
        "---\ncover: cover.jpg\ntitle: 劳模林里种下新绿\ndate: 2018-03\n---\n\n植树节前夕，劳模们来到劳模林。\n"
    );
    let html = body(port, &at);
    assert!(html.contains(&format!("/stories/{slug}/cover-")), "{html}");
}

#[test]
fn a_story_and_an_exhibition_are_changed_in_their_forms_keeping_what_the_forms_cannot_show() {
    let site = sample();
    site.write(
        "content/exhibitions/hall/index.md",
        "---\n# 馆里的实物照片在文件里写\ntitle: 劳模馆\nhalls:\n  - title: 第一展厅\n    exhibits:\n      - {profile: ding-weisong}\n      - {image: medal.png, caption: 奖章}\n---\n\n序言。\n",
    );
    site.write_bytes("content/exhibitions/hall/medal.png", &png_bytes());
    let server = Server::start(&site);
    let port = server.port;
    let origin = format!("http://127.0.0.1:{port}");

    // The story's form holds what its file says.
    let page = body(port, "/__laomo/edit/story/s");
    assert!(page.contains("<h1>修改事迹页面</h1>"), "{page}");
    assert!(
        page.contains("name=\"title\" required value=\"植树\""),
        "{page}"
    );
    assert!(page.contains(">原来的正文。</textarea>"), "{page}");
    let (status, head, _) = post(
        port,
        "/__laomo/edit/story/s",
        Some(&origin),
        &form(&[
            ("title", "植树节"),
            ("date", "2018年3月"),
            ("people", "丁卫松"),
            ("body", "新的正文。"),
        ]),
    );
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /stories/s/"), "{head}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/stories/s/index.md")).expect("story"),
        "---\ntitle: 植树节\ndate: 2018-03\ncover: c.png\npeople: [ding-weisong]\n---\n\n新的正文。\n"
    );
    assert!(body(port, "/stories/s/").contains("新的正文。"));

    // An exhibition with a photo among its exhibits: the halls are left to the file.
    let page = body(port, "/__laomo/edit/exhibition/hall");
    assert!(
        page.contains("<p class=\"kept\">展厅和展品：") && !page.contains("name=\"halls\""),
        "{page}"
    );
    let (status, head, _) = post(
        port,
        "/__laomo/edit/exhibition/hall",
        Some(&origin),
        &form(&[("title", "劳模工匠馆"), ("body", "序言。")]),
    );
    assert_eq!(status, 303, "{head}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/exhibitions/hall/index.md"))
            .expect("hall"),
        "---\n# 馆里的实物照片在文件里写\ntitle: 劳模工匠馆\nhalls:\n  - title: 第一展厅\n    exhibits:\n      - {profile: ding-weisong}\n      - {image: medal.png, caption: 奖章}\n---\n\n序言。\n"
    );
    // Halls of people and stories only: shown by name and title, and saved unchanged
    // they read back to the same pages.
    site.write(
        "content/exhibitions/plain.md",
        "---\ntitle: 展馆\nhalls:\n  - title: 第一展厅\n    exhibits:\n      - {profile: ding-weisong}\n      - {story: s}\n---\n\n序言。\n",
    );
    wait_for(
        || get(port, "/exhibitions/plain/", "").0 == 200,
        "the second exhibition",
    );
    let page = body(port, "/__laomo/edit/exhibition/plain");
    assert!(
        page.contains(">## 第一展厅\n丁卫松\n植树节\n</textarea>"),
        "{page}"
    );
    let (status, head, _) = post(
        port,
        "/__laomo/edit/exhibition/plain",
        Some(&origin),
        &form(&[
            ("title", "展馆"),
            ("halls", "## 第一展厅\n丁卫松\n植树节\n"),
            ("body", "序言。"),
        ]),
    );
    assert_eq!(status, 303, "{head}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("content/exhibitions/plain.md")).expect("plain"),
        "---\ntitle: 展馆\nhalls:\n  - title: 第一展厅\n    exhibits:\n      - {profile: ding-weisong}\n      - {story: s}\n---\n\n序言。\n"
    );

    // A page that is not there.
    let (status, _, _) = get(port, "/__laomo/edit/story/nobody", "");
    assert_eq!(status, 404);
}

#[test]
fn a_chosen_value_with_a_line_break_cannot_add_keys_to_the_file() {
    let site = sample();
    let server = Server::start(&site);
    let port = server.port;
    let origin = format!("http://127.0.0.1:{port}");
    // A select's value as another tool (or a hand-made request) could send it.
    let (status, head, _) = post(
        port,
        "/__laomo/new/association",
        Some(&origin),
        &form(&[("name", "测试协会"), ("region", "安吉县\ndraft: true")]),
    );
    assert_eq!(status, 303, "{head}");
    let at = location(&head);
    let slug = at
        .trim_start_matches("/associations/")
        .trim_end_matches('/');
    assert_eq!(
        std::fs::read_to_string(site.root().join(format!("content/associations/{slug}.md")))
            .expect("written"),
        "---\nname: 测试协会\nregion: \"安吉县\\ndraft: true\"\n---\n\n"
    );
}
