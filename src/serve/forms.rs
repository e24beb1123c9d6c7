//! Editing in the preview, on this computer only: a form for a new profile, built from
//! the site's own vocabulary (honors from site.yaml, regions, associations), that
//! writes the same file `laomo new` and `laomo import roster` write. Hugo and Zola
//! leave this to third-party content systems; an association's editor gets it here.

use super::state::ServeState;
use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::model::Details;
use crate::roster::person::Person;
use crate::roster::plan;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rust_i18n::t;
use std::sync::Arc;

pub(super) const NEW_PROFILE: &str = "/__laomo/new/profile";
/// `/__laomo/edit/profile/SLUG`.
pub(super) const EDIT_PROFILE: &str = "/__laomo/edit/profile/{slug}";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the form offers: the site's honors, regions and associations.
struct Choices {
    honors: Vec<String>,
    regions: Vec<String>,
    associations: Vec<(String, String)>,
}

fn choices(state: &ServeState, config: &Config) -> Choices {
    let mut regions: Vec<String> = Vec::new();
    for (parent, children) in &config.regions {
        for r in std::iter::once(parent).chain(children) {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
    }
    let associations = state
        .current
        .read()
        .ok()
        .and_then(|g| g.clone())
        .map(|g| {
            let site = g.renderer.site();
            site.associations
                .iter()
                .map(|&i| (site.pages[i].slug.clone(), site.pages[i].title.clone()))
                .collect()
        })
        .unwrap_or_default();
    Choices {
        honors: config.honors.iter().map(|h| h.name.clone()).collect(),
        regions,
        associations,
    }
}

/// The values typed, kept when the form comes back with a mistake.
#[derive(Default)]
struct Typed {
    fields: Vec<(String, String)>,
}

impl Typed {
    fn get(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Where a form is sent and what it says about itself.
struct FormKind<'a> {
    action: &'a str,
    heading: &'a str,
    intro: &'a str,
}

const NEW: FormKind<'static> = FormKind {
    action: NEW_PROFILE,
    heading: "新建劳模页面",
    intro: "保存后，laomo 在 <code>content/profiles/</code> 里写一个文件，和 <code>laomo new profile</code> 写的一样，以后也可以直接改这个文件。这个表单只在本机的预览里有，不会发布到网站上。",
};

fn page(choices: &Choices, typed: &Typed, errors: &[String], kind: &FormKind) -> String {
    let option = |value: &str, label: &str, chosen: bool| {
        format!(
            "<option value=\"{}\"{}>{}</option>",
            escape(value),
            if chosen { " selected" } else { "" },
            escape(label)
        )
    };
    let honors_typed = typed.all("honor");
    let years_typed = typed.all("year");
    let mut honor_rows = String::new();
    for i in 0..honors_typed.len().max(2) + 1 {
        let chosen = honors_typed.get(i).copied().unwrap_or("");
        let mut options = option("", "（不填）", chosen.is_empty());
        for h in &choices.honors {
            options.push_str(&option(h, h, h == chosen));
        }
        // A title the file holds that is not in the vocabulary stays visible.
        if !chosen.is_empty() && !choices.honors.iter().any(|h| h == chosen) {
            options.push_str(&option(chosen, chosen, true));
        }
        honor_rows.push_str(&format!(
            "<div class=\"row\"><label>称号 <select name=\"honor\">{options}</select></label> <label>年份 <input name=\"year\" inputmode=\"numeric\" size=\"6\" value=\"{}\"></label></div>\n",
            escape(years_typed.get(i).copied().unwrap_or(""))
        ));
    }
    let region = if choices.regions.is_empty() {
        format!(
            "<input name=\"region\" required value=\"{}\">",
            escape(typed.get("region"))
        )
    } else {
        let mut options = option("", "（请选择）", typed.get("region").is_empty());
        for r in &choices.regions {
            options.push_str(&option(r, r, r == typed.get("region")));
        }
        let typed_region = typed.get("region");
        if !typed_region.is_empty() && !choices.regions.iter().any(|r| r == typed_region) {
            options.push_str(&option(typed_region, typed_region, true));
        }
        format!("<select name=\"region\" required>{options}</select>")
    };
    let mut associations = option("", "（无）", typed.get("association").is_empty());
    for (slug, title) in &choices.associations {
        associations.push_str(&option(slug, title, slug == typed.get("association")));
    }
    let typed_association = typed.get("association");
    if !typed_association.is_empty()
        && !choices
            .associations
            .iter()
            .any(|(s, _)| s == typed_association)
    {
        associations.push_str(&option(typed_association, typed_association, true));
    }
    let errors = if errors.is_empty() {
        String::new()
    } else {
        format!(
            "<div class=\"errors\" role=\"alert\"><p>没有保存，请改正：</p><ul>{}</ul></div>",
            errors
                .iter()
                .map(|e| format!("<li>{}</li>", escape(e)))
                .collect::<String>()
        )
    };
    let text = |key: &str, label: &str| {
        format!(
            "<label>{label} <input name=\"{key}\" value=\"{}\"></label>",
            escape(typed.get(key))
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{heading} - laomo 预览</title>\
<style>body{{font:16px/1.7 system-ui,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:0;background:#f7f3ec;color:#1d1f22}}main{{max-width:40rem;margin:0 auto;padding:1rem}}form{{display:grid;gap:.9rem}}label{{display:grid;gap:.2rem}}.row{{display:flex;gap:.75rem;flex-wrap:wrap}}.row label{{flex:1 1 10rem}}input,select,textarea{{font:inherit;padding:.45rem .6rem;border:1px solid #b9ad9a;border-radius:.4rem;background:#fff;color:inherit}}fieldset{{border:1px solid #ddd4c6;border-radius:.5rem;display:grid;gap:.5rem}}.check{{display:flex;gap:.5rem;align-items:center}}button{{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#a81f1a;color:#fff;justify-self:start}}.errors{{background:#fde8e6;border:1px solid #a81f1a;border-radius:.5rem;padding:.25rem 1rem}}</style></head>\
<body><main><h1>{heading}</h1><p>{intro}</p>{errors}\
<form method=\"post\" action=\"{action}\">\
<label>姓名（必填） <input name=\"name\" required value=\"{name}\"></label>\
<fieldset><legend>荣誉（至少一项，称号来自 site.yaml）</legend>{honor_rows}</fieldset>\
<label>地区（必填） {region}</label>\
<label>所属协会 <select name=\"association\">{associations}</select></label>\
{organization}{occupation}{industry}\
<label>事迹 <textarea name=\"body\" rows=\"8\">{body}</textarea></label>\
<label class=\"check\"><input type=\"checkbox\" name=\"draft\" value=\"1\"{draft}> 存为草稿（草稿不发布，写完后再去掉）</label>\
<button type=\"submit\">保存</button></form></main></body></html>\n",
        name = escape(typed.get("name")),
        organization = text("organization", "工作单位"),
        occupation = text("occupation", "职业"),
        industry = text("industry", "行业"),
        body = escape(typed.get("body")),
        draft = if typed.get("draft").is_empty() {
            ""
        } else {
            " checked"
        },
        heading = kind.heading,
        intro = kind.intro,
        action = escape(kind.action),
    )
}

fn load_config(state: &ServeState) -> Option<Config> {
    Config::load(&state.root, &mut Diagnostics::new())
}

pub(super) async fn new_profile_form(State(state): State<Arc<ServeState>>) -> Response {
    let Some(config) = load_config(&state) else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            t!("serve.form_no_config").into_owned(),
        )
            .into_response();
    };
    Html(page(
        &choices(&state, &config),
        &Typed::default(),
        &[],
        &NEW,
    ))
    .into_response()
}

/// The person a form describes, or what to fix.
fn person_of(config: &Config, typed: &Typed) -> Result<Person, Vec<String>> {
    let mut errors = Vec::new();
    let name: String = typed.get("name").split_whitespace().collect();
    if name.is_empty() {
        errors.push("请填写姓名。".to_string());
    }
    let mut person = Person {
        name: name.clone(),
        ..Person::default()
    };
    let years = typed.all("year");
    for (i, honor) in typed.all("honor").into_iter().enumerate() {
        if honor.trim().is_empty() {
            continue;
        }
        let Some(h) = config.honor(honor) else {
            errors.push(format!("称号“{honor}”不在 site.yaml 的荣誉词表里。"));
            continue;
        };
        let year_text = years.get(i).copied().unwrap_or("").trim();
        let year = if year_text.is_empty() {
            None
        } else {
            let cell = crate::roster::table::Cell {
                text: year_text.to_string(),
                date: None,
            };
            match crate::roster::person::year_of(&cell) {
                Some(y) => Some(y),
                None => {
                    errors.push(format!("“{year_text}”不是年份，请写 2015 这样的四位数。"));
                    None
                }
            }
        };
        person.honors.push((h.name.clone(), year));
    }
    if person.honors.is_empty() {
        errors.push("请至少选一项荣誉。".to_string());
    }
    let region = typed.get("region").trim();
    if region.is_empty() {
        errors.push("请选择地区。".to_string());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let optional = |key: &str| {
        let v = typed.get(key).trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    person.region = Some(region.to_string());
    person.association = optional("association");
    person.organization = optional("organization");
    person.occupation = optional("occupation");
    person.industry = optional("industry");
    person.story = optional("body");
    Ok(person)
}

/// A form sent from a page of this preview: another site's page could otherwise make
/// the editor's browser post to it.
fn same_origin(headers: &HeaderMap) -> bool {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or("");
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    !host.is_empty() && origin == format!("http://{host}")
}

pub(super) async fn save_new_profile(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            format!("{}\n", t!("serve.forbidden")),
        )
            .into_response();
    }
    let Some(config) = load_config(&state) else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            t!("serve.form_no_config").into_owned(),
        )
            .into_response();
    };
    let typed = Typed { fields };
    let choices = choices(&state, &config);
    let person = match person_of(&config, &typed) {
        Ok(p) => p,
        Err(errors) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(page(&choices, &typed, &errors, &NEW)),
            )
                .into_response();
        }
    };
    let name = person.name.clone();
    let draft = !typed.get("draft").is_empty();

    // The address: the name's pinyin, or the next free one for a namesake.
    let dir = state.root.join("content").join("profiles");
    let taken_slugs: Vec<String> = state
        .current
        .read()
        .ok()
        .and_then(|g| g.clone())
        .map(|g| {
            let site = g.renderer.site();
            site.pages
                .iter()
                .filter(|p| matches!(p.details, Details::Profile(_)))
                .map(|p| p.slug.clone())
                .collect()
        })
        .unwrap_or_default();
    let taken = |s: &str| {
        taken_slugs.iter().any(|t| t == s)
            || dir.join(format!("{s}.md")).exists()
            || dir.join(s).join("index.md").exists()
    };
    let default_slug = crate::pinyin::read_name(&name).name_slug();
    let slug = if taken(&default_slug) {
        (2..)
            .map(|n| format!("{default_slug}-{n}"))
            .find(|s| !taken(s))
            .unwrap_or_default()
    } else {
        default_slug.clone()
    };
    let owned: Vec<&'static str> = plan::OWNED
        .iter()
        .copied()
        .filter(|k| *k != "private")
        .collect();
    let mut text = plan::new_profile_text(&slug, &default_slug, &person, &owned);
    if draft {
        text.insert_str(4, "draft: true\n");
    }
    let file = dir.join(format!("{slug}.md"));
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        use std::io::Write;
        std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&file)?
            .write_all(text.as_bytes())
    });
    if let Err(e) = written {
        let errors =
            vec![t!("scaffold.cannot_write", path = file.display(), error = e).into_owned()];
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(page(&choices, &typed, &errors, &NEW)),
        )
            .into_response();
    }
    // Built now, so the page is there when the browser follows the redirect.
    let rebuilt = state.clone();
    let _ = tokio::task::spawn_blocking(move || rebuilt.rebuild(true)).await;
    let shown = format!("content/profiles/{slug}.md");
    if draft && !state.drafts {
        return Html(format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>已保存草稿</title></head><body><main><h1>已保存草稿</h1><p>已写入 <code>{}</code>。草稿不在预览中显示；要预览草稿，请用 <code>laomo serve --drafts</code>。</p><p><a href=\"{NEW_PROFILE}\">再新建一位</a></p></main></body></html>\n",
            escape(&shown)
        ))
        .into_response();
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/profiles/{slug}/"))],
    )
        .into_response()
}

/// The file of the profile at `slug` in the current build.
fn profile_file(state: &ServeState, slug: &str) -> Option<std::path::PathBuf> {
    let g = state.current.read().ok()?.clone()?;
    let site = g.renderer.site();
    site.pages
        .iter()
        .find(|p| p.slug == slug && matches!(p.details, Details::Profile(_)))
        .map(|p| state.root.join(&p.source))
}

/// What a profile's file says, as the form's fields.
fn typed_from_file(text: &str, config: &Config) -> Typed {
    let mut fields: Vec<(String, String)> = Vec::new();
    let Ok(split) = crate::load::source::split_front_matter(text) else {
        return Typed::default();
    };
    let fm: serde_json::Map<String, serde_json::Value> = split
        .front_matter
        .and_then(|y| serde_saphyr::from_str::<serde_json::Value>(y).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let text_of = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    for key in [
        "name",
        "region",
        "association",
        "organization",
        "occupation",
        "industry",
    ] {
        if let Some(v) = fm.get(key) {
            fields.push((key.to_string(), text_of(v)));
        }
    }
    for h in fm
        .get("honors")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let (title, year) = match h {
            serde_json::Value::Object(m) => (
                m.get("title").map(text_of).unwrap_or_default(),
                m.get("year").map(text_of).unwrap_or_default(),
            ),
            other => (text_of(other), String::new()),
        };
        // An alias (省劳模) is shown as the vocabulary's name it stands for.
        let title = config.honor(&title).map_or(title, |h| h.name.clone());
        fields.push(("honor".into(), title));
        fields.push(("year".into(), year));
    }
    if fm.get("draft").and_then(|d| d.as_bool()) == Some(true) {
        fields.push(("draft".into(), "1".into()));
    }
    fields.push(("body".into(), split.body.trim().to_string()));
    Typed { fields }
}

fn edit_kind(action: &str) -> FormKind<'_> {
    FormKind {
        action,
        heading: "修改劳模页面",
        intro: "保存后只改信息区里这些项和正文，文件里的其他内容（照片、标签、说明文字）保持原样。这个表单只在本机的预览里有，不会发布到网站上。",
    }
}

pub(super) async fn edit_profile_form(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Response {
    let (Some(config), Some(file)) = (load_config(&state), profile_file(&state, &slug)) else {
        return (
            StatusCode::NOT_FOUND,
            t!("serve.form_no_profile", slug = slug).into_owned(),
        )
            .into_response();
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return (
            StatusCode::NOT_FOUND,
            t!("serve.form_no_profile", slug = slug).into_owned(),
        )
            .into_response();
    };
    let action = format!("/__laomo/edit/profile/{slug}");
    Html(page(
        &choices(&state, &config),
        &typed_from_file(&text, &config),
        &[],
        &edit_kind(&action),
    ))
    .into_response()
}

pub(super) async fn save_profile(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            format!("{}\n", t!("serve.forbidden")),
        )
            .into_response();
    }
    let (Some(config), Some(file)) = (load_config(&state), profile_file(&state, &slug)) else {
        return (
            StatusCode::NOT_FOUND,
            t!("serve.form_no_profile", slug = slug).into_owned(),
        )
            .into_response();
    };
    let typed = Typed { fields };
    let action = format!("/__laomo/edit/profile/{slug}");
    let person = match person_of(&config, &typed) {
        Ok(p) => p,
        Err(errors) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(page(
                    &choices(&state, &config),
                    &typed,
                    &errors,
                    &edit_kind(&action),
                )),
            )
                .into_response();
        }
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return (
            StatusCode::NOT_FOUND,
            t!("serve.form_no_profile", slug = slug).into_owned(),
        )
            .into_response();
    };
    // The keys the form holds, replaced in place; an emptied one removed.
    let owned = [
        "name",
        "honors",
        "region",
        "association",
        "organization",
        "occupation",
        "industry",
    ];
    let values = plan::values(&person, &owned);
    let mut blocks: Vec<(&str, String)> = owned
        .iter()
        .map(|k| {
            (
                *k,
                values
                    .get(k)
                    .map_or(String::new(), |v| plan::yaml_block(k, v)),
            )
        })
        .collect();
    let draft = !typed.get("draft").is_empty();
    blocks.push((
        "draft",
        if draft {
            "draft: true\n".into()
        } else {
            String::new()
        },
    ));
    let Some(mut new) = plan::set_keys(&text, &blocks) else {
        return (
            StatusCode::BAD_REQUEST,
            t!("serve.form_no_profile", slug = slug).into_owned(),
        )
            .into_response();
    };
    // The body after the front matter, as typed (browsers send CRLF).
    if let Ok(split) = crate::load::source::split_front_matter(&new) {
        let start = new.len() - split.body.len();
        let body = typed.get("body").replace("\r\n", "\n");
        new = format!("{}\n{}\n", &new[..start], body.trim_end());
    }
    let tmp = file.with_extension("laomo-tmp");
    if let Err(e) = std::fs::write(&tmp, &new).and_then(|()| std::fs::rename(&tmp, &file)) {
        let errors =
            vec![t!("scaffold.cannot_write", path = file.display(), error = e).into_owned()];
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(page(
                &choices(&state, &config),
                &typed,
                &errors,
                &edit_kind(&action),
            )),
        )
            .into_response();
    }
    // The watcher will hear of the change too, but the page must be current now.
    state.cache.forget(&file);
    let rebuilt = state.clone();
    let _ = tokio::task::spawn_blocking(move || rebuilt.rebuild(true)).await;
    // The address may have changed with the name: the new page is where the file says.
    let slug_now = crate::pinyin::read_name(&person.name).name_slug();
    let target = profile_file(&state, &slug)
        .map(|_| slug.clone())
        .unwrap_or(slug_now);
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/profiles/{target}/"))],
    )
        .into_response()
}

/// `/__laomo/new/story`.
pub(super) const NEW_STORY: &str = "/__laomo/new/story";

/// The story form: title, date, the people in it by name, category, place, body.
fn story_page(state: &ServeState, typed: &Typed, errors: &[String]) -> String {
    let site = state.current.read().ok().and_then(|g| g.clone());
    let mut names: Vec<String> = Vec::new();
    let mut categories: Vec<String> = Vec::new();
    let mut associations: Vec<(String, String)> = Vec::new();
    if let Some(g) = &site {
        let s = g.renderer.site();
        names = s
            .hall_of_fame
            .iter()
            .map(|&i| s.pages[i].title.clone())
            .collect();
        if let Some(t) = s.taxonomy(crate::model::TaxonomyKind::Categories) {
            categories = t.terms.iter().map(|x| x.name.clone()).collect();
        }
        associations = s
            .associations
            .iter()
            .map(|&i| (s.pages[i].slug.clone(), s.pages[i].title.clone()))
            .collect();
    }
    let list = |id: &str, items: &[String]| {
        format!(
            "<datalist id=\"{id}\">{}</datalist>",
            items
                .iter()
                .map(|x| format!("<option value=\"{}\">", escape(x)))
                .collect::<String>()
        )
    };
    let mut association_options = format!(
        "<option value=\"\"{}>（无）</option>",
        if typed.get("association").is_empty() {
            " selected"
        } else {
            ""
        }
    );
    for (slug, title) in &associations {
        association_options.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>",
            escape(slug),
            if slug == typed.get("association") {
                " selected"
            } else {
                ""
            },
            escape(title)
        ));
    }
    let errors = if errors.is_empty() {
        String::new()
    } else {
        format!(
            "<div class=\"errors\" role=\"alert\"><p>没有保存，请改正：</p><ul>{}</ul></div>",
            errors
                .iter()
                .map(|e| format!("<li>{}</li>", escape(e)))
                .collect::<String>()
        )
    };
    let input = |key: &str, label: &str, extra: &str| {
        format!(
            "<label>{label} <input name=\"{key}\"{extra} value=\"{}\"></label>",
            escape(typed.get(key))
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>新建事迹页面 - laomo 预览</title><style>{STYLE}</style></head>\
<body><main><h1>新建事迹页面</h1><p>保存后，laomo 在 <code>content/stories/</code> 里写一个文件，和 <code>laomo new story</code> 写的一样。这个表单只在本机的预览里有，不会发布到网站上。</p>{errors}\
<form method=\"post\" action=\"{NEW_STORY}\">{title}{date}{people}{names}{category}{categories}{location}\
<label>所属协会 <select name=\"association\">{association_options}</select></label>\
<label>正文 <textarea name=\"body\" rows=\"10\">{body}</textarea></label>\
<label class=\"check\"><input type=\"checkbox\" name=\"draft\" value=\"1\"{draft}> 存为草稿（草稿不发布，写完后再去掉）</label>\
<button type=\"submit\">保存</button></form></main></body></html>\n",
        title = input("title", "标题（必填）", " required"),
        date = input(
            "date",
            "日期（必填，如 2024-03 或 2024-03-12）",
            " required"
        ),
        people = input(
            "people",
            "涉及的劳模（姓名，用顿号隔开）",
            " list=\"laomo-names\""
        ),
        names = list("laomo-names", &names),
        category = input(
            "category",
            "类别（如 宣讲、进校园、志愿服务）",
            " list=\"laomo-categories\""
        ),
        categories = list("laomo-categories", &categories),
        location = input("location", "地点", ""),
        body = escape(typed.get("body")),
        draft = if typed.get("draft").is_empty() {
            ""
        } else {
            " checked"
        },
    )
}

const STYLE: &str = "body{font:16px/1.7 system-ui,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:0;background:#f7f3ec;color:#1d1f22}main{max-width:40rem;margin:0 auto;padding:1rem}form{display:grid;gap:.9rem}label{display:grid;gap:.2rem}input,select,textarea{font:inherit;padding:.45rem .6rem;border:1px solid #b9ad9a;border-radius:.4rem;background:#fff;color:inherit}.check{display:flex;gap:.5rem;align-items:center}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#a81f1a;color:#fff;justify-self:start}.errors{background:#fde8e6;border:1px solid #a81f1a;border-radius:.5rem;padding:.25rem 1rem}";

pub(super) async fn new_story_form(State(state): State<Arc<ServeState>>) -> Response {
    Html(story_page(&state, &Typed::default(), &[])).into_response()
}

pub(super) async fn save_new_story(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            format!("{}\n", t!("serve.forbidden")),
        )
            .into_response();
    }
    let typed = Typed { fields };
    let mut errors = Vec::new();
    let title = typed.get("title").trim().to_string();
    if title.is_empty() {
        errors.push("请填写标题。".to_string());
    }
    let date_text = typed.get("date").trim();
    let date = match crate::model::date::Date::parse(date_text) {
        Ok(_) => date_text.to_string(),
        Err(_) => match crate::model::date::Date::suggest(date_text) {
            // 2018年5月 is what people type: taken as the date it means.
            Some(d) => d,
            None => {
                errors.push(format!(
                    "“{date_text}”不是日期，请写 2024、2024-03 或 2024-03-12。"
                ));
                String::new()
            }
        },
    };
    // People by name, as editors think of them; each must be a profile of the site.
    let site = state.current.read().ok().and_then(|g| g.clone());
    let mut people: Vec<String> = Vec::new();
    for name in crate::roster::person::split_list(typed.get("people")) {
        let slug = site.as_ref().and_then(|g| {
            let s = g.renderer.site();
            s.pages
                .iter()
                .find(|p| {
                    matches!(p.details, Details::Profile(_)) && (p.title == name || p.slug == name)
                })
                .map(|p| p.slug.clone())
        });
        match slug {
            Some(s) => people.push(s),
            None => errors.push(format!("本站没有名叫“{name}”的劳模页面。")),
        }
    }
    if !errors.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Html(story_page(&state, &typed, &errors)),
        )
            .into_response();
    }
    let mut text = String::from("---\n");
    if !typed.get("draft").is_empty() {
        text.push_str("draft: true\n");
    }
    text.push_str(&format!("title: {}\ndate: {date}\n", plan::scalar(&title)));
    for key in ["association", "category", "location"] {
        let v = typed.get(key).trim();
        if !v.is_empty() {
            text.push_str(&format!("{key}: {}\n", plan::scalar(v)));
        }
    }
    if !people.is_empty() {
        text.push_str(&format!("people: [{}]\n", people.join(", ")));
    }
    text.push_str("---\n\n");
    let body = typed.get("body").replace("\r\n", "\n");
    if !body.trim().is_empty() {
        text.push_str(body.trim_end());
        text.push('\n');
    }
    let dir = state.root.join("content").join("stories");
    let base = crate::pinyin::file_slug(&title);
    let taken =
        |s: &str| dir.join(format!("{s}.md")).exists() || dir.join(s).join("index.md").exists();
    let slug = if taken(&base) {
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|s| !taken(s))
            .unwrap_or_default()
    } else {
        base
    };
    let file = dir.join(format!("{slug}.md"));
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        use std::io::Write;
        std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&file)?
            .write_all(text.as_bytes())
    });
    if let Err(e) = written {
        let errors =
            vec![t!("scaffold.cannot_write", path = file.display(), error = e).into_owned()];
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(story_page(&state, &typed, &errors)),
        )
            .into_response();
    }
    let rebuilt = state.clone();
    let _ = tokio::task::spawn_blocking(move || rebuilt.rebuild(true)).await;
    if !typed.get("draft").is_empty() && !state.drafts {
        return Html(format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>已保存草稿</title></head><body><main><h1>已保存草稿</h1><p>已写入 <code>content/stories/{}.md</code>。草稿不在预览中显示；要预览草稿，请用 <code>laomo serve --drafts</code>。</p></main></body></html>\n",
            escape(&slug)
        ))
        .into_response();
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/stories/{slug}/"))],
    )
        .into_response()
}
