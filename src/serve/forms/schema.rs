//! The forms of the kinds an association makes now and then — an association, a
//! collection (a book, a series, newsletter issues), an exhibition (云展馆) — built from
//! one table of each kind's keys (CONTENT.md's "Kinds"). The page is checked by the
//! build's own loader before it is written, so the form says what the build would say.
//!
//! Lists that hold other pages (a collection's stories, an exhibition's halls) are
//! typed one per line by title or name, as editors think of them, and written as the
//! slugs the files use.

use super::{
    Sent, Typed, body_and_draft, cannot_write, check, draft_saved, escape, form_page, input,
    load_config, no_config, options, rebuild_now, refuse_cross_site, rejected, see_other,
    shown_path,
};
use crate::config::Config;
use crate::model::{Details, Kind};
use crate::roster::plan;
use crate::serve::state::ServeState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

/// `/__laomo/new/{kind}` for the kinds here.
pub(in crate::serve) const NEW_PAGE: &str = "/__laomo/new/{kind}";
/// `/__laomo/edit/{kind}/{slug}`: changing a page the site has.
pub(in crate::serve) const EDIT_PAGE: &str = "/__laomo/edit/{kind}/{slug}";

/// What a field holds and how it is asked for.
enum Input {
    Text,
    /// Text with the given suggestions (an open list).
    Suggest(&'static [&'static str]),
    /// A whole number.
    Number,
    /// A date as editors write it: `2016-10`, `2016年10月` (made `2016-10`).
    Date,
    /// One of (value, label).
    Fixed(&'static [(&'static str, &'static str)]),
    /// An association of the site, by slug.
    Association,
    /// A region of site.yaml.
    Region,
    /// The name of an association of the site, as text (a collection's publisher).
    AssociationName,
    /// `true` when ticked, absent otherwise.
    Check,
    /// A photo sent with the form, saved beside the page under the key's name.
    Photo,
    /// People of the site by name, split at 、，, or spaces: a list of profile slugs.
    People,
    /// Text with the site's categories as suggestions.
    Category,
    /// Stories, one title (or slug) a line: a list of slugs.
    Stories,
    /// Halls: `## title` lines, then one person or story a line.
    Halls,
}

struct Field {
    key: &'static str,
    label: &'static str,
    input: Input,
    required: bool,
}

const fn field(key: &'static str, label: &'static str, input: Input) -> Field {
    Field {
        key,
        label,
        input,
        required: false,
    }
}

const fn required(key: &'static str, label: &'static str, input: Input) -> Field {
    Field {
        key,
        label,
        input,
        required: true,
    }
}

/// One kind's form.
struct Schema {
    kind: Kind,
    /// The last part of the form's address: `/__laomo/new/{route}`.
    route: &'static str,
    /// The folder under content/ and the first part of the page's address (none for
    /// plain pages, which sit in content/ itself).
    section: &'static str,
    noun: &'static str,
    /// The key that names the page, its file name made from it.
    title: &'static str,
    fields: &'static [Field],
    body_label: &'static str,
}

const SCHEMAS: &[Schema] = &[
    Schema {
        kind: Kind::Story,
        route: "story",
        section: "stories",
        noun: "事迹",
        title: "title",
        fields: &[
            required("title", "标题（必填）", Input::Text),
            required(
                "date",
                "日期（必填，如 2024-03 或 2024-03-12）",
                Input::Date,
            ),
            field("people", "涉及的劳模（姓名，用顿号隔开）", Input::People),
            field(
                "category",
                "类别（如 宣讲、进校园、志愿服务）",
                Input::Category,
            ),
            field("location", "地点", Input::Text),
            field("association", "所属协会", Input::Association),
            field(
                "cover",
                "封面照片（JPEG、PNG 或 WebP，可以不选）",
                Input::Photo,
            ),
        ],
        body_label: "正文",
    },
    Schema {
        kind: Kind::Association,
        route: "association",
        section: "associations",
        noun: "协会",
        title: "name",
        fields: &[
            required("name", "名称（必填，如 长兴县劳动模范协会）", Input::Text),
            field("short_name", "简称", Input::Text),
            field(
                "kind",
                "类型",
                Input::Suggest(&["协会", "工会", "联合会", "促进会"]),
            ),
            field("parent", "上级协会", Input::Association),
            field("founded", "成立时间（如 2016-10）", Input::Date),
            field("region", "地区", Input::Region),
            field("members", "会员人数（数字或文字，如 360多）", Input::Text),
            field("logo", "标志（PNG、JPEG 或 WebP，可以不选）", Input::Photo),
        ],
        body_label: "简介",
    },
    Schema {
        kind: Kind::Collection,
        route: "collection",
        section: "collections",
        noun: "文集",
        title: "title",
        fields: &[
            required("title", "书名或栏目名（必填）", Input::Text),
            field(
                "kind",
                "类型",
                Input::Fixed(&[
                    ("book", "一本书"),
                    ("series", "系列"),
                    ("newsletter", "简报、会刊"),
                ]),
            ),
            field("published", "出版时间（如 2021 或 2021-05）", Input::Date),
            field("publisher", "出版单位", Input::AssociationName),
            field("cover", "封面（JPEG、PNG 或 WebP，可以不选）", Input::Photo),
            field(
                "stories",
                "收录的事迹（每行一篇，写标题；按阅读顺序）",
                Input::Stories,
            ),
        ],
        body_label: "前言",
    },
    Schema {
        kind: Kind::Exhibition,
        route: "exhibition",
        section: "exhibitions",
        noun: "云展馆",
        title: "title",
        fields: &[
            required("title", "展馆名称（必填）", Input::Text),
            field("date", "开馆时间（如 2022-05）", Input::Date),
            field("association", "主办协会", Input::Association),
            field("featured", "放在首页推荐", Input::Check),
            field("summary", "一句话介绍", Input::Text),
            field("cover", "封面（JPEG、PNG 或 WebP，可以不选）", Input::Photo),
            field(
                "halls",
                "展厅和展品：以 ## 开头的一行是展厅名，下面每行一件展品，写劳模姓名或事迹标题",
                Input::Halls,
            ),
        ],
        body_label: "前言",
    },
    Schema {
        kind: Kind::Page,
        route: "page",
        section: "",
        noun: "普通",
        title: "title",
        fields: &[
            required("title", "标题（必填，如 关于我们、联系方式）", Input::Text),
            field("summary", "一句话介绍", Input::Text),
            field("date", "日期（可不填）", Input::Date),
            field(
                "menu_order",
                "在导航栏中的位置（数字，小的在前；不填就不放进导航栏）",
                Input::Number,
            ),
        ],
        body_label: "正文",
    },
];

impl Schema {
    /// The key a photo sent with the form is saved under.
    fn photo_key(&self) -> &'static str {
        self.fields
            .iter()
            .find(|f| matches!(f.input, Input::Photo))
            .map_or("cover", |f| f.key)
    }
}

fn schema(kind: &str) -> Option<&'static Schema> {
    SCHEMAS.iter().find(|s| s.route == kind)
}

/// What the site offers the fields: its associations, regions, profiles and stories.
struct Offer {
    associations: Vec<(String, String)>,
    regions: Vec<String>,
    /// (slug, title) of every profile and every story.
    profiles: Vec<(String, String)>,
    stories: Vec<(String, String)>,
    categories: Vec<String>,
}

fn offer(state: &ServeState, config: &Config) -> Offer {
    let regions = super::regions(config);
    let (mut profiles, mut stories, mut categories) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(g) = state.current.read().ok().and_then(|g| g.clone()) {
        if let Some(t) = g
            .renderer
            .site()
            .taxonomy(crate::model::TaxonomyKind::Categories)
        {
            categories = t.terms.iter().map(|x| x.name.clone()).collect();
        }
        for p in g.renderer.site().pages.iter() {
            let entry = (p.slug.clone(), p.title.clone());
            match p.details {
                Details::Profile(_) => profiles.push(entry),
                Details::Story(_) => stories.push(entry),
                _ => {}
            }
        }
    }
    Offer {
        associations: super::associations(state),
        regions,
        profiles,
        stories,
        categories,
    }
}

fn datalist(id: &str, items: impl Iterator<Item = String>) -> String {
    format!(
        "<datalist id=\"{id}\">{}</datalist>",
        items
            .map(|x| format!("<option value=\"{}\">", escape(&x)))
            .collect::<String>()
    )
}

/// What a form does: make a page, or change the page at `slug`, whose file is `file`
/// and whose keys `kept` the form cannot show (they stay as the file has them).
enum Mode<'a> {
    New,
    Edit {
        slug: &'a str,
        file: &'a str,
        kept: &'a [&'static str],
    },
}

fn form(schema: &Schema, offer: &Offer, typed: &Typed, errors: &[String], mode: &Mode) -> String {
    let mut html = String::new();
    for f in schema.fields {
        let req = if f.required { " required" } else { "" };
        let label = f.label;
        let key = f.key;
        let value = typed.get(key);
        if let Mode::Edit { file, kept, .. } = mode
            && kept.contains(&key)
        {
            html.push_str(&format!(
                "<p class=\"kept\">{}：文件里的写法（导语、照片或视频展品、分辑）这个表单显示不了，请直接改 <code>{}</code>；保存表单不会改动它。</p>",
                label_of(f),
                escape(file)
            ));
            continue;
        }
        html.push_str(&match &f.input {
            Input::Text => input(typed, key, label, req),
            // A phone's number pad has no "-": dates are typed on the full keyboard.
            Input::Date => input(typed, key, label, ""),
            Input::Number => input(typed, key, label, " inputmode=\"numeric\""),
            Input::Suggest(list) => format!(
                "{}{}",
                input(typed, key, label, &format!(" list=\"laomo-{key}\"")),
                datalist(&format!("laomo-{key}"), list.iter().map(|s| s.to_string()))
            ),
            Input::AssociationName => format!(
                "{}{}",
                input(typed, key, label, &format!(" list=\"laomo-{key}\"")),
                datalist(
                    &format!("laomo-{key}"),
                    offer.associations.iter().map(|(_, t)| t.clone())
                )
            ),
            Input::People => format!(
                "{}{}",
                input(typed, key, label, &format!(" list=\"laomo-{key}\"")),
                datalist(
                    &format!("laomo-{key}"),
                    offer.profiles.iter().map(|(_, t)| t.clone())
                )
            ),
            Input::Category => format!(
                "{}{}",
                input(typed, key, label, &format!(" list=\"laomo-{key}\"")),
                datalist(&format!("laomo-{key}"), offer.categories.iter().cloned())
            ),
            Input::Fixed(list) => format!(
                "<label>{label} <select name=\"{key}\">{}</select></label>",
                options("（不填）", list.iter().copied(), value)
            ),
            Input::Association => format!(
                "<label>{label} <select name=\"{key}\">{}</select></label>",
                options(
                    "（无）",
                    offer
                        .associations
                        .iter()
                        .map(|(s, t)| (s.as_str(), t.as_str())),
                    value
                )
            ),
            Input::Region if offer.regions.is_empty() => input(typed, key, label, ""),
            Input::Region => format!(
                "<label>{label} <select name=\"{key}\">{}</select></label>",
                options(
                    "（不填）",
                    offer.regions.iter().map(|r| (r.as_str(), r.as_str())),
                    value
                )
            ),
            Input::Check => format!(
                "<label class=\"check\"><input type=\"checkbox\" name=\"{key}\" value=\"1\"{}> {label}</label>",
                if value.is_empty() { "" } else { " checked" }
            ),
            Input::Photo => format!(
                "<label>{label} <input type=\"file\" name=\"{key}\" accept=\"image/jpeg,image/png,image/webp\"></label>"
            ),
            Input::Stories | Input::Halls => format!(
                "<label>{label} <textarea name=\"{key}\" rows=\"8\">{}</textarea></label>",
                escape(value)
            ),
        });
    }
    html.push_str(&body_and_draft(typed, schema.body_label, 6));
    match mode {
        Mode::New => form_page(
            &format!("新建{}页面", schema.noun),
            &format!(
                "保存后，laomo 在 <code>{}</code> 里写一个文件，和手写的一样，以后也可以直接改这个文件。这个表单只在本机的预览里有，不会发布到网站上。",
                folder_shown(schema)
            ),
            errors,
            &NEW_PAGE.replace("{kind}", schema.route),
            &html,
        ),
        Mode::Edit { slug, file, .. } => form_page(
            &format!("修改{}页面", schema.noun),
            &format!(
                "保存后只改 <code>{}</code> 里这些项和正文，文件里的其他内容（说明文字、照片、标签）保持原样。这个表单只在本机的预览里有，不会发布到网站上。",
                escape(file)
            ),
            errors,
            &edit_action(schema, slug),
            &html,
        ),
    }
}

fn edit_action(schema: &Schema, slug: &str) -> String {
    EDIT_PAGE
        .replace("{kind}", schema.route)
        .replace("{slug}", slug)
}

/// `content/associations/`, or `content/` for plain pages.
fn folder_shown(schema: &Schema) -> String {
    if schema.section.is_empty() {
        "content/".into()
    } else {
        format!("content/{}/", schema.section)
    }
}

fn unknown_kind(kind: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!(
            "没有“{kind}”这种页面的表单。可以新建：profile（劳模）、story（事迹）、association（协会）、collection（文集）、exhibition（云展馆）、page（普通页面，如“关于我们”）。\n"
        ),
    )
        .into_response()
}

pub(in crate::serve) async fn new_page_form(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path(kind): axum::extract::Path<String>,
) -> Response {
    let Some(schema) = schema(&kind) else {
        return unknown_kind(&kind);
    };
    let Some(config) = load_config(&state) else {
        return no_config();
    };
    Html(form(
        schema,
        &offer(&state, &config),
        &Typed::default(),
        &[],
        &Mode::New,
    ))
    .into_response()
}

/// The page a line names: `pages` holds (slug, title); a title is matched first, then
/// a slug. Two pages of one title are a mistake to be told, with their slugs.
fn page_named<'a>(
    pages: &'a [(String, String)],
    line: &str,
) -> Result<Option<&'a str>, Vec<&'a str>> {
    let titled: Vec<&str> = pages
        .iter()
        .filter(|(_, t)| t == line)
        .map(|(s, _)| s.as_str())
        .collect();
    match titled.len() {
        1 => Ok(Some(titled[0])),
        0 => Ok(pages
            .iter()
            .find(|(s, _)| s == line)
            .map(|(s, _)| s.as_str())),
        _ => Err(titled),
    }
}

/// One exhibit line: a person or a story of the site, as `{profile: slug}` or
/// `{story: slug}`.
fn exhibit(offer: &Offer, line: &str) -> Result<String, String> {
    let person = page_named(&offer.profiles, line);
    let story = page_named(&offer.stories, line);
    match (person, story) {
        (Ok(Some(p)), Ok(None)) => Ok(format!("{{profile: {p}}}")),
        (Ok(None), Ok(Some(s))) => Ok(format!("{{story: {s}}}")),
        (Ok(None), Ok(None)) => Err(format!(
            "本站没有叫“{line}”的劳模，也没有这个标题的事迹。请照网站上的写法写姓名或标题。"
        )),
        (Err(many), _) | (_, Err(many)) => Err(format!(
            "叫“{line}”的页面不止一个（{}），请改写其中一个的网址名。",
            many.join("、")
        )),
        (Ok(Some(p)), Ok(Some(s))) => Err(format!(
            "“{line}”既是劳模 {p} 也是事迹 {s} 的标题，请改写成网址名（{p} 或 {s}）。"
        )),
    }
}

/// The YAML of one field, or what is wrong with what was typed.
fn yaml_of(f: &Field, offer: &Offer, value: &str, errors: &mut Vec<String>) -> Option<String> {
    let key = f.key;
    let lines = || value.lines().map(str::trim).filter(|l| !l.is_empty());
    match f.input {
        Input::Photo => None,
        Input::Check => (!value.is_empty()).then(|| format!("{key}: true\n")),
        Input::Date => {
            let written = value.trim();
            if written.is_empty() {
                return None;
            }
            match crate::model::date::Date::parse(written) {
                Ok(_) => Some(format!("{key}: {written}\n")),
                // 2016年10月 is what people type: taken as the date it means.
                Err(_) => match crate::model::date::Date::suggest(written) {
                    Some(d) => Some(format!("{key}: {d}\n")),
                    None => {
                        errors.push(format!(
                            "{}：“{written}”不是日期，请写 2016、2016-10 或 2016-10-08。",
                            label_of(f)
                        ));
                        None
                    }
                },
            }
        }
        Input::People => {
            let mut slugs = Vec::new();
            for name in crate::roster::person::split_list(value) {
                match page_named(&offer.profiles, &name) {
                    Ok(Some(s)) => slugs.push(s.to_string()),
                    Ok(None) => errors.push(format!("本站没有名叫“{name}”的劳模页面。")),
                    Err(many) => errors.push(format!(
                        "名叫“{name}”的劳模不止一位（{}），请改写成其中一位的网址名。",
                        many.join("、")
                    )),
                }
            }
            (!slugs.is_empty()).then(|| format!("{key}: [{}]\n", slugs.join(", ")))
        }
        Input::Stories => {
            let mut slugs = Vec::new();
            for line in lines() {
                match page_named(&offer.stories, line) {
                    Ok(Some(s)) => slugs.push(s.to_string()),
                    Ok(None) => errors.push(format!(
                        "本站没有标题为“{line}”的事迹。请照网站上的标题写，每行一篇。"
                    )),
                    Err(many) => errors.push(format!(
                        "标题为“{line}”的事迹不止一篇（{}），请改写成其中一篇的网址名。",
                        many.join("、")
                    )),
                }
            }
            (!slugs.is_empty()).then(|| format!("{key}: [{}]\n", slugs.join(", ")))
        }
        Input::Halls => {
            let mut yaml = String::new();
            let mut open = false;
            for line in lines() {
                if let Some(title) = line.strip_prefix('#') {
                    let title = title.trim_start_matches('#').trim();
                    yaml.push_str(&format!(
                        "  - title: {}\n    exhibits:\n",
                        plan::scalar(title)
                    ));
                    open = true;
                    continue;
                }
                if !open {
                    errors.push(format!(
                        "展品“{line}”前面还没有展厅：先写一行展厅名，以 ## 开头，如“## 新时代的领跑者”。"
                    ));
                    open = true;
                    continue;
                }
                match exhibit(offer, line) {
                    Ok(x) => yaml.push_str(&format!("      - {x}\n")),
                    Err(e) => errors.push(e),
                }
            }
            (!yaml.is_empty()).then(|| format!("{key}:\n{yaml}"))
        }
        Input::Number => {
            let v = value.trim();
            if v.is_empty() {
                return None;
            }
            match v.parse::<i64>() {
                Ok(n) => Some(format!("{key}: {n}\n")),
                Err(_) => {
                    errors.push(format!(
                        "{}：“{v}”不是数字，请写 1、2、3 这样的整数。",
                        label_of(f)
                    ));
                    None
                }
            }
        }
        // Chosen or typed, a posted value is quoted where YAML would misread it: a value
        // with a line break must not add keys of its own.
        Input::Text
        | Input::Suggest(_)
        | Input::AssociationName
        | Input::Category
        | Input::Fixed(_)
        | Input::Association
        | Input::Region => {
            let v = value.trim();
            (!v.is_empty()).then(|| format!("{key}: {}\n", plan::scalar(v)))
        }
    }
}

/// A field's label without its parenthesised notes, for messages.
fn label_of(f: &Field) -> &'static str {
    f.label.split('（').next().unwrap_or(f.label)
}

pub(in crate::serve) async fn save_new_page(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path(kind): axum::extract::Path<String>,
    headers: HeaderMap,
    sent: Sent,
) -> Response {
    if let Some(refused) = refuse_cross_site(&headers) {
        return refused;
    }
    let Some(schema) = schema(&kind) else {
        return unknown_kind(&kind);
    };
    let Some(config) = load_config(&state) else {
        return no_config();
    };
    let offer = offer(&state, &config);
    let typed = &sent.typed;
    let again = |errors: &[String]| {
        rejected(
            StatusCode::BAD_REQUEST,
            form(schema, &offer, typed, errors, &Mode::New),
        )
    };
    let mut errors: Vec<String> = sent.photo_error.iter().cloned().collect();
    let title = typed.get(schema.title).trim().to_string();
    let mut text = String::from("---\n");
    if typed.is_draft() {
        text.push_str("draft: true\n");
    }
    for (_, yaml) in blocks(schema, &offer, typed, &[], &mut errors) {
        text.push_str(&yaml);
    }
    text.push_str("---\n\n");
    let body = typed.body();
    if !body.trim().is_empty() {
        text.push_str(body.trim_end());
        text.push('\n');
    }
    if !errors.is_empty() {
        return again(&errors);
    }
    let dir = state.root.join("content").join(schema.section);
    let base = crate::pinyin::file_slug(&title);
    if base.is_empty() {
        return again(&[format!(
            "从“{title}”读不出网址名：{}里要有汉字、字母或数字。",
            label_of(
                schema
                    .fields
                    .iter()
                    .find(|f| f.key == schema.title)
                    .unwrap_or(&schema.fields[0])
            )
        )]);
    }
    // A folder of that name (a section: content/profiles/) holds the address too.
    let slug = crate::scaffold::free_slug(&base, |s| {
        crate::scaffold::slug_on_disk(&dir, s) || dir.join(s).exists()
    });
    // Checked as the build will read it (the photo's key is added after: its file is
    // not there yet, and its bytes were checked when it came).
    let file = match &sent.photo {
        Some(_) => dir.join(&slug).join("index.md"),
        None => dir.join(format!("{slug}.md")),
    };
    let problems = check(&state.root, &config, &file, sent.photo.is_some(), &text);
    if !problems.is_empty() {
        return again(&problems);
    }
    let key = schema.photo_key();
    let written = super::write_with_photo(&file, &text, sent.photo.as_ref().map(|p| (key, p)));
    if let Err(e) = written {
        return rejected(
            StatusCode::INTERNAL_SERVER_ERROR,
            form(schema, &offer, typed, &cannot_write(&file, e), &Mode::New),
        );
    }
    rebuild_now(&state).await;
    if typed.is_draft() && !state.drafts {
        let again = NEW_PAGE.replace("{kind}", &kind);
        return draft_saved(&shown_path(&state, &file), &again, "再新建一个");
    }
    see_other(address(schema, &slug))
}

/// The address of the page at `slug`.
fn address(schema: &Schema, slug: &str) -> String {
    if schema.section.is_empty() {
        format!("/{slug}/")
    } else {
        format!("/{}/{slug}/", schema.section)
    }
}

/// The front matter of the fields the form holds, as (key, YAML); an empty YAML for a
/// field left empty (a key to remove when changing a page). Photos and the `kept` keys
/// are not among them.
fn blocks(
    schema: &Schema,
    offer: &Offer,
    typed: &Typed,
    kept: &[&str],
    errors: &mut Vec<String>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for f in schema.fields {
        if matches!(f.input, Input::Photo) || kept.contains(&f.key) {
            continue;
        }
        let value = typed.get(f.key);
        if f.required && value.trim().is_empty() {
            errors.push(format!("请填写{}。", label_of(f)));
            continue;
        }
        out.push((f.key, yaml_of(f, offer, value, errors).unwrap_or_default()));
    }
    out
}

/// The file of the page of `schema`'s kind at `slug` in the current build.
fn page_file(state: &ServeState, schema: &Schema, slug: &str) -> Option<std::path::PathBuf> {
    let g = state.current.read().ok()?.clone()?;
    let site = g.renderer.site();
    site.pages
        .iter()
        // The site's own pages only: a source site's files are its editors' to change.
        .find(|p| p.slug == slug && p.kind == schema.kind && p.origin.is_none())
        .map(|p| state.root.join(&p.source))
}

/// The title a slug is shown by in a field: the page's, when no other page of `pages`
/// has it (so it reads back to the same page); otherwise the slug itself.
fn shown_as(pages: &[(String, String)], slug: &str) -> String {
    match pages.iter().find(|(s, _)| s == slug) {
        Some((_, title)) if pages.iter().filter(|(_, t)| t == title).count() == 1 => title.clone(),
        _ => slug.to_string(),
    }
}

/// An exhibition's halls as the form writes them, or `None` when they hold what the
/// form cannot show (a hall's intro, photos and videos as exhibits).
fn halls_text(halls: &serde_json::Value, offer: &Offer) -> Option<String> {
    // A name the form reads back as this exhibit: unique among people and stories.
    let both: Vec<(String, String)> = offer
        .profiles
        .iter()
        .chain(&offer.stories)
        .cloned()
        .collect();
    let mut text = String::new();
    for hall in halls.as_array()? {
        let hall = hall.as_object()?;
        if hall.keys().any(|k| k != "title" && k != "exhibits") {
            return None;
        }
        text.push_str(&format!("## {}\n", hall.get("title")?.as_str()?));
        for x in hall
            .get("exhibits")
            .and_then(|x| x.as_array())
            .into_iter()
            .flatten()
        {
            let x = x.as_object()?;
            if x.len() != 1 {
                return None;
            }
            let (key, slug) = x.iter().next()?;
            let slug = slug.as_str()?;
            match key.as_str() {
                "profile" | "story" => text.push_str(&shown_as(&both, slug)),
                _ => return None,
            }
            text.push('\n');
        }
    }
    Some(text)
}

/// What a page's file says, as the form's fields, and the keys the form cannot show.
fn typed_from_file(schema: &Schema, offer: &Offer, text: &str) -> (Typed, Vec<&'static str>) {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut kept: Vec<&'static str> = Vec::new();
    let Ok(split) = crate::load::source::split_front_matter(text) else {
        return (Typed::default(), kept);
    };
    let fm: serde_json::Map<String, serde_json::Value> = split
        .front_matter
        .and_then(|y| serde_saphyr::from_str::<serde_json::Value>(y).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    };
    for f in schema.fields {
        // A collection in parts: its stories are in `parts:`, which the form does not show.
        if matches!(f.input, Input::Stories) && fm.contains_key("parts") {
            kept.push(f.key);
            continue;
        }
        let Some(v) = fm.get(f.key) else {
            continue;
        };
        let shown = match (&f.input, v) {
            (Input::Photo, _) => continue,
            (Input::Check, v) => (v.as_bool() == Some(true)).then(|| "1".to_string()),
            (Input::People, v) => Some(
                list(v)
                    .iter()
                    .map(|s| shown_as(&offer.profiles, s))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            (Input::Stories, v) => Some(
                list(v)
                    .iter()
                    .map(|s| shown_as(&offer.stories, s))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            (Input::Halls, v) => halls_text(v, offer),
            (_, serde_json::Value::String(s)) => Some(s.clone()),
            (_, serde_json::Value::Number(n)) => Some(n.to_string()),
            (_, serde_json::Value::Bool(b)) => Some(b.to_string()),
            (_, serde_json::Value::Null) => Some(String::new()),
            _ => None,
        };
        match shown {
            Some(value) => fields.push((f.key.to_string(), value)),
            None => kept.push(f.key),
        }
    }
    if fm.get("draft").and_then(|d| d.as_bool()) == Some(true) {
        fields.push(("draft".into(), "1".into()));
    }
    fields.push(("body".into(), split.body.trim().to_string()));
    (Typed { fields }, kept)
}

fn no_page(schema: &Schema, slug: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!(
            "本站没有网址名为“{slug}”的{}页面（草稿要用 laomo serve --drafts 才能改）。\n",
            schema.noun
        ),
    )
        .into_response()
}

pub(in crate::serve) async fn edit_page_form(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path((kind, slug)): axum::extract::Path<(String, String)>,
) -> Response {
    let Some(schema) = schema(&kind) else {
        return unknown_kind(&kind);
    };
    let Some(config) = load_config(&state) else {
        return no_config();
    };
    let Some(file) = page_file(&state, schema, &slug) else {
        return no_page(schema, &slug);
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return no_page(schema, &slug);
    };
    let offer = offer(&state, &config);
    let (typed, kept) = typed_from_file(schema, &offer, &text);
    let mode = Mode::Edit {
        slug: &slug,
        file: &shown_path(&state, &file),
        kept: &kept,
    };
    Html(form(schema, &offer, &typed, &[], &mode)).into_response()
}

pub(in crate::serve) async fn save_page(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path((kind, slug)): axum::extract::Path<(String, String)>,
    headers: HeaderMap,
    sent: Sent,
) -> Response {
    if let Some(refused) = refuse_cross_site(&headers) {
        return refused;
    }
    let Some(schema) = schema(&kind) else {
        return unknown_kind(&kind);
    };
    let Some(config) = load_config(&state) else {
        return no_config();
    };
    let Some(file) = page_file(&state, schema, &slug) else {
        return no_page(schema, &slug);
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return no_page(schema, &slug);
    };
    let offer = offer(&state, &config);
    // What the form may change is decided by the file, not by what was sent.
    let (_, kept) = typed_from_file(schema, &offer, &text);
    let shown = shown_path(&state, &file);
    let mode = Mode::Edit {
        slug: &slug,
        file: &shown,
        kept: &kept,
    };
    let typed = &sent.typed;
    let again = |status: StatusCode, errors: &[String]| {
        rejected(status, form(schema, &offer, typed, errors, &mode))
    };
    let mut errors: Vec<String> = sent.photo_error.iter().cloned().collect();
    let mut keys = blocks(schema, &offer, typed, &kept, &mut errors);
    keys.push((
        "draft",
        if typed.is_draft() {
            "draft: true\n".into()
        } else {
            String::new()
        },
    ));
    if !errors.is_empty() {
        return again(StatusCode::BAD_REQUEST, &errors);
    }
    let Some(mut new) = plan::set_keys(&text, &keys) else {
        return no_page(schema, &slug);
    };
    if let Ok(split) = crate::load::source::split_front_matter(&new) {
        let start = new.len() - split.body.len();
        new = format!("{}\n{}\n", &new[..start], typed.body().trim_end());
    }
    let bundle = file.file_name().is_some_and(|n| n == "index.md");
    let problems = check(&state.root, &config, &file, bundle, &new);
    if !problems.is_empty() {
        return again(StatusCode::BAD_REQUEST, &problems);
    }
    let key = schema.photo_key();
    let saved = match &sent.photo {
        None => crate::util::fs::replace_whole(&file, new.as_bytes()).map(|()| file.clone()),
        Some(photo) => super::save_with_photo(&file, &new, key, photo),
    };
    let saved = match saved {
        Ok(saved) => saved,
        Err(e) => return again(StatusCode::INTERNAL_SERVER_ERROR, &cannot_write(&file, e)),
    };
    state.cache.forget(&file);
    state.cache.forget(&saved);
    rebuild_now(&state).await;
    see_other(address(schema, &slug))
}
