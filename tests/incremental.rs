//! A build after an edit reuses what earlier builds made (the load stage's store, the
//! manifest); whatever it reuses, its output must be the output of a build from
//! nothing. A site is edited in random ways, built after each edit, and compared with
//! a clean build of a copy of its files.

mod common;
use common::*;
use std::path::Path;

/// A small generator of edits (xorshift): the same seed gives the same sequence, so a
/// failure names the seed that reproduces it (`LAOMO_EDIT_SEED=…`).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const NAMES: &[&str] = &["丁卫松", "王伟", "曹高", "林小红", "张建国", "李梅"];
const HONORS: &[&str] = &["全国劳动模范", "浙江省劳动模范", "长兴县劳动模范"];

fn story(title: &str, person: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-03-12\npeople: [{person}]\n---\n\n{body}\n")
}

/// Every input file of the site at `root` (no output, no cache), with its path from it.
fn input_files(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    let tops = [
        "site.yaml",
        "content",
        "static",
        "templates",
        "themes",
        "i18n",
    ];
    tops.iter()
        .flat_map(|top| walkdir::WalkDir::new(root.join(top)))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("inside");
            (rel.to_string_lossy().into_owned(), e.path().to_path_buf())
        })
        .collect()
}

/// The inputs of a site, copied into a new folder.
fn clean_copy(from: &Path) -> Site {
    let copy = Site::new(&[]);
    for (rel, path) in input_files(from) {
        copy.write_bytes(&rel, &std::fs::read(path).expect("read"));
    }
    copy
}

fn edit(site: &Site, dice: &mut Dice, step: usize, stories: &mut Vec<String>) -> String {
    let person = |dice: &mut Dice| format!("p{}", dice.below(NAMES.len()));
    match dice.below(10) {
        0 | 1 => {
            let s = &stories[dice.below(stories.len())];
            site.write(
                &format!("content/stories/{s}.md"),
                &story(
                    &format!("劳模宣讲第{step}场"),
                    &person(dice),
                    &format!("第{step}次修改：劳模宣讲进校园。"),
                ),
            );
            format!("changed story {s}")
        }
        2 => {
            let p = dice.below(NAMES.len());
            let name = NAMES[dice.below(NAMES.len())];
            let honor = HONORS[dice.below(HONORS.len())];
            site.write(
                &format!("content/profiles/p{p}.md"),
                &profile(
                    &format!("{name}{step}"),
                    &format!("[{{title: {honor}, year: 20{:02}}}]", step % 30),
                    "长兴县",
                    &format!("slug: p{p}\nportrait: /photos/face.jpg\n"),
                ),
            );
            format!("renamed profile p{p} and gave it {honor}")
        }
        3 => {
            let s = format!("s{step}");
            site.write(
                &format!("content/stories/{s}.md"),
                &story("新的活动", &person(dice), "劳模走进车间。"),
            );
            stories.push(s.clone());
            format!("added story {s}")
        }
        4 if stories.len() > 1 => {
            let s = stories.remove(dice.below(stories.len()));
            std::fs::remove_file(site.root().join(format!("content/stories/{s}.md"))).expect("rm");
            format!("deleted story {s}")
        }
        5 => {
            let i = dice.below(stories.len());
            let to = format!("r{step}");
            std::fs::rename(
                site.root()
                    .join(format!("content/stories/{}.md", stories[i])),
                site.root().join(format!("content/stories/{to}.md")),
            )
            .expect("rename");
            let said = format!("renamed story {} to {to}", stories[i]);
            stories[i] = to;
            said
        }
        6 => {
            site.write(
                "templates/profile.html",
                &format!("{{% extends \"base.html\" %}}\n{{% block main %}}\n<h1>{{{{ page.title }}}}</h1><p>模板第{step}版</p>\n{{% endblock main %}}\n"),
            );
            "changed a template".into()
        }
        7 => {
            let yaml = std::fs::read_to_string(site.root().join("site.yaml")).expect("read");
            let title = yaml.lines().next().unwrap_or_default().to_string();
            site.write(
                "site.yaml",
                &yaml.replacen(&title, &format!("title: 测试劳模馆{step}"), 1),
            );
            "changed site.yaml".into()
        }
        8 => {
            let (w, h) = (40 + 8 * dice.below(8) as u32, 30 + 8 * dice.below(8) as u32);
            site.write_bytes("static/photos/face.jpg", &gradient_jpeg(w, h));
            format!("replaced the photo with one of {w}×{h}")
        }
        _ => {
            // A mistake that fails the build, or its mending.
            let broken = site.root().join("content/stories/broken.md");
            if broken.exists() {
                std::fs::remove_file(&broken).expect("rm");
                "removed the broken story".into()
            } else {
                site.write(
                    "content/stories/broken.md",
                    "---\ntitle: 坏了\npeople: [nobody]\n---\n正文\n",
                );
                "added a story naming nobody".into()
            }
        }
    }
}

/// Builds, and says how many files the load stage loaded (not taken from its store).
fn build_counting_loads(site: &Site) -> (std::process::Output, Option<usize>) {
    let out = laomo()
        .env("LAOMO_TIMINGS", "1")
        .args(["build", "--root"])
        .arg(site.root())
        .current_dir(site.root())
        .output()
        .expect("run laomo");
    let loaded = stderr(&out).lines().find_map(|l| {
        let (head, _) = l.strip_prefix("timing: stored")?.split_once(" loaded")?;
        head.rsplit(' ').next()?.parse().ok()
    });
    (out, loaded)
}

/// How many pages a build rendered (the others it kept as they were).
fn rendered(build: &std::process::Output) -> usize {
    stderr(build)
        .lines()
        .find_map(|l| {
            let (n, _) = l.strip_prefix("timing: pages")?.trim().split_once(' ')?;
            n.parse().ok()
        })
        .expect("the count of rendered pages")
}

/// The same messages, but for where each site is and what its photo cache held.
fn said(o: &std::process::Output, site: &Site) -> String {
    stderr(o)
        .replace(&site.root().display().to_string(), "SITE")
        .lines()
        .filter(|l| !l.starts_with("photos: ") && !l.starts_with("timing: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The same files with the same bytes under both folders.
fn same_files(a: &Path, b: &Path, what: &str) {
    let (a, b) = (files_under(a), files_under(b));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{what}: {path} differs from a clean build's");
    }
}

/// Sets every file of the site back ten seconds.
fn saved_a_while_ago(root: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    for (_, path) in input_files(root) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(then))
            .expect("set the time");
    }
}

fn run_edits(seed: u64, steps: usize) {
    let site = Site::new(&[]);
    for (i, name) in NAMES.iter().enumerate() {
        site.write(
            &format!("content/profiles/p{i}.md"),
            &profile(
                name,
                &format!("[{{title: {}}}]", HONORS[i % HONORS.len()]),
                "长兴县",
                &format!("slug: p{i}\nportrait: /photos/face.jpg\n"),
            ),
        );
    }
    site.write_bytes("static/photos/face.jpg", &gradient_jpeg(48, 36));
    // A page whose warning comes from the load stage: every build must show it again,
    // whether the page was loaded or taken from the store.
    site.write(
        "content/stories/unfinished.md",
        "---\ntitle: 未写完的报道\ndate: 2024-01-02\n---\n\n在这里写报道的正文。\n",
    );
    // The stories edits pick from (not the unfinished one, which stays as it is).
    let mut stories = Vec::new();
    for i in 0..3 {
        let s = format!("a{i}");
        site.write(
            &format!("content/stories/{s}.md"),
            &story(
                "劳模林里又添新绿",
                &format!("p{i}"),
                "植树节这天，劳模们来到劳模林。",
            ),
        );
        stories.push(s);
    }
    let mut dice = Dice(seed);
    let mut done = Vec::new();
    for step in 0..steps {
        if step > 0 {
            done.push(edit(&site, &mut dice, step, &mut stories));
        }
        // Saved a while ago, as an editor's files are by the time they build (a file
        // saved in the last two seconds is loaded again next build, to be safe).
        saved_a_while_ago(site.root());
        let (incremental, stored) = build_counting_loads(&site);
        // After a story's text changed, that story is loaded and every other page taken
        // from the store (but a page with a mistake, which is never kept).
        if done.last().is_some_and(|d| d.starts_with("changed story")) {
            let broken = usize::from(site.root().join("content/stories/broken.md").exists());
            assert_eq!(
                stored,
                Some(1 + broken),
                "{done:?}\n{}",
                stderr(&incremental)
            );
        }
        let clean = clean_copy(site.root());
        let fresh = clean.build();
        let what = format!("seed {seed}, after: {done:?}");
        assert_eq!(
            incremental.status.code(),
            fresh.status.code(),
            "{what}\n{}",
            stderr(&incremental)
        );
        // The same messages, but for where each site is and what its photo cache held.
        assert_eq!(said(&incremental, &site), said(&fresh, &clean), "{what}");
        assert!(
            stderr(&incremental).contains("在这里写"),
            "{what}: the placeholder's warning\n{}",
            stderr(&incremental)
        );
        if fresh.status.success() {
            same_files(&site.public(), &clean.public(), &what);
        }
    }
    // What the store keeps: a record for each Markdown file, and those of files since
    // changed or gone only while they are under a quarter of the pack (records:
    // 32-byte key, u64 length, data; src/load/stored.rs).
    let _ = std::fs::remove_file(site.root().join("content/stories/broken.md"));
    site.build_ok();
    let pack = std::fs::read(site.root().join(".laomo-cache/loads.pack")).expect("pack");
    let mut rest = &pack[b"laomo-loads 2\n".len()..];
    let mut records = 0;
    while rest.len() >= 40 {
        let len = u64::from_le_bytes(rest[32..40].try_into().expect("8 bytes")) as usize;
        rest = &rest[40 + len..];
        records += 1;
    }
    assert!(rest.is_empty());
    let pages = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert!(
        records >= pages && records * 3 < pages * 5,
        "{records} records for {pages} pages, seed {seed}, after: {done:?}"
    );
}

#[test]
fn builds_after_random_edits_match_builds_from_nothing() {
    let seeds: Vec<u64> = match std::env::var("LAOMO_EDIT_SEED") {
        Ok(s) => vec![s.parse().expect("a number")],
        Err(_) => vec![0x1a0_0b0a, 20261207],
    };
    for seed in seeds {
        run_edits(seed, 10);
    }
}

/// Every kind of page (bundles, shortcodes, exhibitions, collections, associations,
/// section introductions): the example site, one story edited, against a clean build.
#[test]
fn the_example_site_after_one_edit_matches_a_build_from_nothing() {
    let site = clean_copy(Path::new(env!("CARGO_MANIFEST_DIR")));
    saved_a_while_ago(site.root());
    let (first, _) = build_counting_loads(&site);
    assert!(first.status.success(), "{}", stderr(&first));
    let mut stories: Vec<_> = walkdir::WalkDir::new(site.root().join("content/stories"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "_index.md")
        .map(|e| e.into_path())
        .collect();
    stories.sort();
    let story = &stories[0];
    // Files put into the published site by hand: it becomes the staging folder at the
    // next build, and the one after must not publish them again (see write::listing).
    std::fs::write(site.public().join("about/stray.html"), "手工放入").expect("stray");
    std::fs::create_dir_all(site.public().join("hand-made/deeper")).expect("folder");
    std::fs::write(site.public().join("hand-made/deeper/x.txt"), "手工").expect("stray");
    // A link out of the site where a folder of it was: removed, never written or pruned
    // through.
    let outside = site.root().join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::write(outside.join("index.html"), "站外的文件").expect("outside file");
    std::fs::write(outside.join("other.txt"), "站外的文件").expect("outside file");
    std::fs::remove_dir_all(site.public().join("search")).expect("a folder");
    std::os::unix::fs::symlink(&outside, site.public().join("search")).expect("link");
    let text = std::fs::read_to_string(story).expect("read");
    std::fs::write(story, format!("{text}\n劳模宣讲进校园，又添一场。\n")).expect("edit");
    saved_a_while_ago(site.root());
    let (edited, loaded) = build_counting_loads(&site);
    assert!(edited.status.success(), "{}", stderr(&edited));
    assert_eq!(loaded, Some(1), "{}", stderr(&edited));
    // The staging folder is empty: every other page is the published one, linked; but
    // the search page, whose published file is now behind the link, is rendered.
    assert_eq!(
        rendered(&edited),
        2,
        "the story and the search page\n{}",
        stderr(&edited)
    );
    let clean = clean_copy(site.root());
    let fresh = clean.build();
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    assert_eq!(said(&edited, &site), said(&fresh, &clean));
    same_files(&site.public(), &clean.public(), "the example site");

    // Edited again: the staging folder now holds the build before last, whose pages
    // are known to the writer's record. Only the story's own page is rendered (its
    // card elsewhere shows title, summary and photo, not the text added at its end).
    // A page of the staging folder changed by hand, same size, is rendered again.
    let staging = site.root().join(".public.laomo-next");
    assert!(staging.join("about/stray.html").exists());
    std::fs::write(staging.join("stories/stray.html"), "手工放入").expect("stray");
    let tampered = staging.join("about/index.html");
    let html = std::fs::read(&tampered).expect("a page in the staging folder");
    std::fs::write(
        &tampered,
        html.iter()
            .map(|b| b.to_ascii_uppercase())
            .collect::<Vec<_>>(),
    )
    .expect("change it");
    std::fs::write(
        story,
        format!("{text}\n劳模宣讲进校园，又添一场。\n第二场在社区。\n"),
    )
    .expect("edit");
    saved_a_while_ago(site.root());
    let (again, _) = build_counting_loads(&site);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        rendered(&again),
        2,
        "the story and the page changed by hand\n{}",
        stderr(&again)
    );
    let clean = clean_copy(site.root());
    let fresh = clean.build();
    assert_eq!(said(&again, &site), said(&fresh, &clean));
    same_files(
        &site.public(),
        &clean.public(),
        "the example site, edited twice",
    );
    for f in ["index.html", "other.txt"] {
        assert_eq!(
            std::fs::read_to_string(outside.join(f)).ok().as_deref(),
            Some("站外的文件"),
            "{f} outside the site"
        );
    }
}
