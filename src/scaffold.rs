//! `laomo new` and `laomo init`: files an editor starts from, with comments in Chinese.

use crate::diagnostic::Diagnostic;
use crate::load::unfinished::PLACEHOLDER;
use crate::pinyin;
use rust_i18n::t;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug)]
pub enum NewKind {
    Profile,
    Story,
    Exhibition,
    Collection,
    Association,
}

impl NewKind {
    /// As typed after `laomo new`.
    fn command(self) -> &'static str {
        match self {
            NewKind::Profile => "profile",
            NewKind::Story => "story",
            NewKind::Exhibition => "exhibition",
            NewKind::Collection => "collection",
            NewKind::Association => "association",
        }
    }

    fn section(self) -> &'static str {
        match self {
            NewKind::Profile => "profiles",
            NewKind::Story => "stories",
            NewKind::Exhibition => "exhibitions",
            NewKind::Collection => "collections",
            NewKind::Association => "associations",
        }
    }
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn skeleton(kind: NewKind, name: &str) -> String {
    let q = yaml_quote(name);
    match kind {
        NewKind::Profile => format!(
            "---\n# 劳模风采：一人一个文件。带 # 的行是说明，可以删掉。\ndraft: true                  # 草稿：写完后删掉这一行，页面才会发布\nname: {q}                 # 姓名（必填）\nhonors:                      # 荣誉（必填，至少一项）：称号须在 site.yaml 的 honors 中\n  - {{title: 劳动模范, year: 2020}}\nregion: 某某县               # 地区（必填）\n# association: changxing     # 所属协会的 slug（可选）\n# organization: 某某集团     # 工作单位（可选）\n# occupation: 一线技术工人   # 职业（可选）\n# industry: 制造业           # 行业（可选）\n# tags: [技能传承]           # 标签（可选）\n# summary: 一句话简介        # 摘要（可选，否则从正文截取）\n# portrait: portrait.jpg     # 照片（可选，放在本文件旁边的文件夹里）\n# private: {{phone: 13800000000}}   # 内部信息：永远不会出现在网站上\n---\n\n{PLACEHOLDER}{name}的先进事迹。\n"
        ),
        NewKind::Story => format!(
            "---\n# 事迹与活动。带 # 的行是说明，可以删掉。\ndraft: true                  # 草稿：写完后删掉这一行，页面才会发布\ntitle: {q}                  # 标题（必填）\ndate: 2024-01                # 日期（必填）：2024、2024-01 或 2024-01-15\n# association: changxing     # 主办协会的 slug（可选）\n# people: [ding-weisong]     # 相关劳模的 slug（可选）\n# category: 宣讲             # 类别（可选）：宣讲、进校园、进企业、进社区……\n# location: 长兴县           # 地点（可选）\n# figures: {{场次: 50, 参与人次: 700}}   # 关键数字（可选），数字或文字\n# cover: cover.jpg           # 封面照片（可选）\n---\n\n{PLACEHOLDER}活动经过。\n"
        ),
        NewKind::Exhibition => format!(
            "---\n# 展览（云展馆）。正文是前言。\ndraft: true                  # 草稿：写完后删掉这一行，页面才会发布\ntitle: {q}                  # 标题（必填）\n# date: 2024-05              # 开展日期（可选）\n# featured: true             # 在首页推荐（可选）\nhalls:                       # 展厅，按顺序展示\n  - title: 展厅名称          # 页面上显示为“第一展厅 展厅名称”\n    intro: 一段导语\n    exhibits:                # 每件展品写 profile、story、image 或 video 其中之一\n      # - {{profile: ding-weisong}}\n      # - {{image: medal.jpg, caption: 奖章实物, alt: 一枚奖章}}\n---\n\n{PLACEHOLDER}展览前言。\n"
        ),
        NewKind::Collection => format!(
            "---\n# 文集：一本书、一套丛书或一期期简报，按阅读顺序列出事迹。\ndraft: true                  # 草稿：写完后删掉这一行，页面才会发布\ntitle: {q}                  # 标题（必填）\nkind: book                   # book（书）、series（丛书）或 newsletter（简报）\n# published: 2021            # 出版日期（可选）\n# publisher: 某某劳动模范协会 # 出版方（可选）\nstories: []                  # 事迹的 slug，按阅读顺序；或改用 parts: 分辑\n---\n\n{PLACEHOLDER}文集简介。\n"
        ),
        NewKind::Association => format!(
            "---\n# 协会：发布内容的组织。\ndraft: true                  # 草稿：写完后删掉这一行，页面才会发布\nname: {q}                   # 名称（必填）\n# short_name: 某某劳模协会   # 简称（可选）\n# kind: 协会                 # 类型（可选）：协会、工会……\n# parent: huzhou             # 上级协会的 slug（可选）\n# founded: 2016-10           # 成立时间（可选）\n# region: 长兴县             # 地区（可选）\n# members: 360多             # 会员人数，数字或文字（可选）\n---\n\n{PLACEHOLDER}协会简介。\n"
        ),
    }
}

/// Writes `content/KIND/SLUG.md`; refuses to overwrite an existing page.
pub fn new_page(
    root: &Path,
    kind: NewKind,
    name: &str,
    slug: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    let name = name.trim();
    let default_slug = match kind {
        NewKind::Profile => pinyin::read_name(name).name_slug(),
        _ => pinyin::file_slug(name),
    };
    let slug = match slug {
        Some(s) => {
            let s = s.trim();
            let ok = !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !s.starts_with('-')
                && !s.ends_with('-');
            if !ok {
                return Err(Diagnostic::error(t!("scaffold.bad_slug", slug = s))
                    .hint(t!("scaffold.bad_slug.hint")));
            }
            s.to_string()
        }
        None => default_slug.clone(),
    };
    if slug.is_empty() {
        return Err(Diagnostic::error(t!("scaffold.no_slug", name = name))
            .hint(t!("scaffold.no_slug.hint")));
    }
    let dir = root.join("content").join(kind.section());
    let file = dir.join(format!("{slug}.md"));
    if slug_on_disk(&dir, &slug) {
        let bundle = dir.join(&slug).join("index.md");
        let existing = if file.exists() { file } else { bundle };
        return Err(
            Diagnostic::error(t!("scaffold.exists", path = existing.display())).hint(t!(
                "scaffold.exists.hint",
                kind = kind.command(),
                name = name,
                free = free_slug(&slug, |s| slug_on_disk(&dir, s))
            )),
        );
    }
    let mut text = skeleton(kind, name);
    if slug != default_slug {
        // A profile's address comes from its name, not its file: a second 王伟 in
        // wang-wei-2.md needs `slug:` to be at wang-wei-2.
        let at = text
            .find("draft: true")
            .and_then(|i| text[i..].find('\n').map(|j| i + j + 1))
            .unwrap_or(4);
        text.insert_str(
            at,
            &format!("slug: {slug}                 # 网址（与同名的页面区分）\n"),
        );
    }
    write_new_page(&file, &text).map_err(|e| {
        Diagnostic::error(t!(
            "scaffold.cannot_write",
            path = file.display(),
            error = e
        ))
    })?;
    Ok(file)
}

/// Whether a page `SLUG` exists in a section folder, as a file or as a bundle.
pub fn slug_on_disk(section_dir: &Path, slug: &str) -> bool {
    section_dir.join(format!("{slug}.md")).exists()
        || section_dir.join(slug).join("index.md").exists()
}

/// `base` when it is free, else the first free of `base-2`, `base-3`…: two people may
/// share a name, and the second must not take the first one's address.
pub fn free_slug(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| base.to_string())
}

/// Writes a new page file, creating its folder; never over an existing file, even one
/// that appeared a moment ago (`create_new`), so an editor's work is never replaced.
pub fn write_new_page(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(file)?
        .write_all(text.as_bytes())
}

const SAMPLE_SITE: &str = "# 站点设置\ntitle: 某某县劳模风采馆\nbase_url: https://example.org/\nlanguage: zh-CN\ndescription: 弘扬劳模精神、劳动精神、工匠精神\nhonors:              # 荣誉词表，由高到低\n  - {id: national-model, name: 全国劳动模范, level: 全国, aliases: [全国劳模]}\n  - {id: province-model, name: 省劳动模范, level: 省级}\n  - {id: city-model, name: 市劳动模范, level: 市级}\n  - {id: county-model, name: 县劳动模范, level: 县级}\n  - {id: model-worker, name: 劳动模范, level: 其他}\neras:\n  - {name: 社会主义革命和建设时期, until: 1977}\n  - {name: 改革开放时期, until: 2011}\n  - {name: 新时代}\npaginate: 60\nsummary_chars: 120\nmenu:\n  - {name: 劳模风采, url: /profiles/}\n  - {name: 事迹, url: /stories/}\n  - {name: 协会, url: /associations/}\n";

const SAMPLE_ASSOCIATION: &str = "---\nname: 某某县劳动模范协会\nshort_name: 县劳模协会\nkind: 协会\nfounded: 2016-10\nregion: 某某县\nmembers: 300多\n---\n\n协会团结全县各级劳动模范，组织宣讲、带徒和志愿服务。\n";

const SAMPLE_PROFILE: &str = "---\nname: 王建国\nhonors:\n  - {title: 县劳动模范, year: 2019}\nregion: 某某县\nassociation: xian-xiehui\noccupation: 数控车工\nindustry: 制造业\n---\n\n王建国在车间一干就是二十年，带出了一批技术骨干。\n";

const SAMPLE_STORY: &str = "---\ntitle: 劳模宣讲进校园\ndate: 2024-03\nassociation: xian-xiehui\npeople: [wang-jianguo]\ncategory: 宣讲\nfigures: {场次: 12, 听众: 3000余人}\n---\n\n协会组织劳模走进中小学，讲述岗位上的奋斗故事。\n";

/// Creates a new site folder with a small sample.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::error(t!("scaffold.not_empty", path = dir.display()))
                .hint(t!("scaffold.not_empty.hint")),
        );
    }
    let files = [
        ("site.yaml", SAMPLE_SITE),
        (
            "content/_index.md",
            "---\ntitle: 首页\n---\n\n欢迎访问劳模风采馆。\n",
        ),
        ("content/associations/xian-xiehui.md", SAMPLE_ASSOCIATION),
        ("content/profiles/wang-jianguo.md", SAMPLE_PROFILE),
        ("content/stories/xuanjiang-jin-xiaoyuan.md", SAMPLE_STORY),
        ("static/.gitkeep", ""),
        (".gitignore", "/public\n/.public*\n/.laomo-cache\n"),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(t!(
                    "scaffold.cannot_create",
                    path = parent.display(),
                    error = e
                ))
            })?;
        }
        std::fs::write(&path, text).map_err(|e| {
            Diagnostic::error(t!(
                "scaffold.cannot_write",
                path = path.display(),
                error = e
            ))
        })?;
    }
    Ok(())
}
