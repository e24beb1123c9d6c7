//! The profile forms: a new profile, and changing one the site has. Both write the
//! front matter `laomo import roster` writes, so a hand-made, an imported and a
//! form-made profile look alike.

use super::{
    Sent, Typed, body_and_draft, cannot_write, draft_saved, escape, form_page, input, load_config,
    no_config, options, rebuild_now, refuse_cross_site, rejected, see_other,
};
use crate::config::Config;
use crate::model::Details;
use crate::roster::person::Person;
use crate::roster::plan;
use crate::serve::state::ServeState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use rust_i18n::t;
use std::sync::Arc;

pub(in crate::serve) const NEW_PROFILE: &str = "/__laomo/new/profile";
/// `/__laomo/edit/profile/SLUG`.
pub(in crate::serve) const EDIT_PROFILE: &str = "/__laomo/edit/profile/{slug}";

/// The profile keys the form holds: the person's, less tags and private values, which a
/// form in a browser should not carry about (they stay as the file has them).
fn form_keys() -> impl Iterator<Item = &'static str> {
    plan::OWNED
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "tags" | "private"))
}

/// What the form offers: the site's honors, regions and associations.
struct Choices {
    honors: Vec<String>,
    regions: Vec<String>,
    associations: Vec<(String, String)>,
}

fn choices(state: &ServeState, config: &Config) -> Choices {
    let regions = super::regions(config);
    Choices {
        honors: config.honors.iter().map(|h| h.name.clone()).collect(),
        regions,
        associations: super::associations(state),
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

fn edit_kind(action: &str) -> FormKind<'_> {
    FormKind {
        action,
        heading: "修改劳模页面",
        intro: "保存后只改信息区里这些项和正文，文件里的其他内容（照片、标签、说明文字）保持原样。这个表单只在本机的预览里有，不会发布到网站上。",
    }
}

fn page(choices: &Choices, typed: &Typed, errors: &[String], kind: &FormKind) -> String {
    let honors_typed = typed.all("honor");
    let years_typed = typed.all("year");
    let mut honor_rows = String::new();
    // One empty row more than filled in, and at least three.
    for i in 0..honors_typed.len().max(2) + 1 {
        let honors = options(
            "（不填）",
            choices.honors.iter().map(|h| (h.as_str(), h.as_str())),
            honors_typed.get(i).copied().unwrap_or(""),
        );
        honor_rows.push_str(&format!(
            "<div class=\"row\"><label>称号 <select name=\"honor\">{honors}</select></label> <label>年份 <input name=\"year\" inputmode=\"numeric\" size=\"6\" value=\"{}\"></label></div>\n",
            escape(years_typed.get(i).copied().unwrap_or(""))
        ));
    }
    let region = if choices.regions.is_empty() {
        input(typed, "region", "地区（必填）", " required")
    } else {
        format!(
            "<label>地区（必填） <select name=\"region\" required>{}</select></label>",
            options(
                "（请选择）",
                choices.regions.iter().map(|r| (r.as_str(), r.as_str())),
                typed.get("region"),
            )
        )
    };
    let associations = options(
        "（无）",
        choices
            .associations
            .iter()
            .map(|(s, t)| (s.as_str(), t.as_str())),
        typed.get("association"),
    );
    let fields = format!(
        "{name}<fieldset><legend>荣誉（至少一项，称号来自 site.yaml）</legend>{honor_rows}</fieldset>\
{region}<label>所属协会 <select name=\"association\">{associations}</select></label>\
{organization}{occupation}{industry}\
<label>照片（JPEG、PNG 或 WebP，可以不选；选了就用它作这一位的照片） <input type=\"file\" name=\"portrait\" accept=\"image/jpeg,image/png,image/webp\"></label>{body}",
        name = input(typed, "name", "姓名（必填）", " required"),
        organization = input(typed, "organization", "工作单位", ""),
        occupation = input(typed, "occupation", "职业", ""),
        industry = input(typed, "industry", "行业", ""),
        body = body_and_draft(typed, "事迹", 8),
    );
    form_page(kind.heading, kind.intro, errors, kind.action, &fields)
}

pub(in crate::serve) async fn new_profile_form(State(state): State<Arc<ServeState>>) -> Response {
    let Some(config) = load_config(&state) else {
        return no_config();
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

/// The person of a form, with a photo that could not be taken counted as a mistake.
fn checked(config: &Config, sent: &Sent) -> Result<Person, Vec<String>> {
    let person = person_of(config, &sent.typed);
    let mut errors = match (&sent.photo_error, person) {
        (None, Ok(person)) => return Ok(person),
        (None, Err(errors)) => errors,
        (Some(e), Ok(_)) => vec![e.clone()],
        (Some(e), Err(mut errors)) => {
            errors.push(e.clone());
            errors
        }
    };
    if sent.photo.is_some() {
        // A browser never fills a file field in again: say so, or the photo is lost.
        errors.push("照片没有保存：改正后请重新选择照片。".to_string());
    }
    Err(errors)
}

pub(in crate::serve) async fn save_new_profile(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    sent: Sent,
) -> Response {
    if let Some(refused) = refuse_cross_site(&headers) {
        return refused;
    }
    let Some(config) = load_config(&state) else {
        return no_config();
    };
    let choices = choices(&state, &config);
    let person = match checked(&config, &sent) {
        Ok(p) => p,
        Err(errors) => {
            return rejected(
                StatusCode::BAD_REQUEST,
                page(&choices, &sent.typed, &errors, &NEW),
            );
        }
    };
    let typed = &sent.typed;

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
    let default_slug = crate::pinyin::read_name(&person.name).name_slug();
    let slug = crate::scaffold::free_slug(&default_slug, |s| {
        taken_slugs.iter().any(|t| t == s) || crate::scaffold::slug_on_disk(&dir, s)
    });
    let owned: Vec<&'static str> = plan::OWNED
        .iter()
        .copied()
        .filter(|k| *k != "private")
        .collect();
    let mut text = plan::new_profile_text(&slug, &default_slug, &person, &owned);
    if typed.is_draft() {
        text.insert_str(4, "draft: true\n");
    }
    // The build's own rules have the last word (a body's shortcodes, say); the photo's
    // key is added after, its file not being there yet.
    let planned = match &sent.photo {
        Some(_) => dir.join(&slug).join("index.md"),
        None => dir.join(format!("{slug}.md")),
    };
    let problems = super::check(&state.root, &config, &planned, sent.photo.is_some(), &text);
    if !problems.is_empty() {
        return rejected(
            StatusCode::BAD_REQUEST,
            page(&choices, typed, &problems, &NEW),
        );
    }
    // With a photo the profile is a bundle, its folder holding both: the photo first,
    // so the page never names a file that is not there yet.
    let (file, written) = match &sent.photo {
        None => {
            let file = dir.join(format!("{slug}.md"));
            let written = crate::scaffold::write_new_page(&file, &text);
            (file, written)
        }
        Some(photo) => {
            let bundle = dir.join(&slug);
            let name = format!("portrait.{}", photo.ext);
            let text = super::with_key(&text, "portrait", &name);
            let file = bundle.join("index.md");
            let written = std::fs::create_dir_all(&bundle)
                .and_then(|()| crate::util::fs::replace_whole(&bundle.join(&name), &photo.bytes))
                .and_then(|()| crate::scaffold::write_new_page(&file, &text));
            (file, written)
        }
    };
    if let Err(e) = written {
        return rejected(
            StatusCode::INTERNAL_SERVER_ERROR,
            page(&choices, typed, &cannot_write(&file, e), &NEW),
        );
    }
    rebuild_now(&state).await;
    if typed.is_draft() && !state.drafts {
        return draft_saved(&super::shown_path(&state, &file), NEW_PROFILE, "再新建一位");
    }
    see_other(format!("/profiles/{slug}/"))
}

/// The file of the profile at `slug` in the current build.
fn profile_file(state: &ServeState, slug: &str) -> Option<std::path::PathBuf> {
    let g = state.current.read().ok()?.clone()?;
    let site = g.renderer.site();
    site.pages
        .iter()
        // The site's own pages only: a source site's files are its editors' to change.
        .find(|p| p.slug == slug && p.origin.is_none() && matches!(p.details, Details::Profile(_)))
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
    for key in form_keys().filter(|k| *k != "honors") {
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

fn no_profile(slug: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        t!("serve.form_no_profile", slug = slug).into_owned(),
    )
        .into_response()
}

pub(in crate::serve) async fn edit_profile_form(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Response {
    let (Some(config), Some(file)) = (load_config(&state), profile_file(&state, &slug)) else {
        return no_profile(&slug);
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return no_profile(&slug);
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

pub(in crate::serve) async fn save_profile(
    State(state): State<Arc<ServeState>>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    headers: HeaderMap,
    sent: Sent,
) -> Response {
    if let Some(refused) = refuse_cross_site(&headers) {
        return refused;
    }
    let (Some(config), Some(file)) = (load_config(&state), profile_file(&state, &slug)) else {
        return no_profile(&slug);
    };
    let typed = &sent.typed;
    let action = format!("/__laomo/edit/profile/{slug}");
    let person = match checked(&config, &sent) {
        Ok(p) => p,
        Err(errors) => {
            return rejected(
                StatusCode::BAD_REQUEST,
                page(
                    &choices(&state, &config),
                    typed,
                    &errors,
                    &edit_kind(&action),
                ),
            );
        }
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return no_profile(&slug);
    };
    // The keys the form holds, replaced in place; an emptied one removed.
    let owned: Vec<&str> = form_keys().collect();
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
    blocks.push((
        "draft",
        if typed.is_draft() {
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
    if let Ok(split) = crate::load::source::split_front_matter(&new) {
        let start = new.len() - split.body.len();
        new = format!("{}\n{}\n", &new[..start], typed.body().trim_end());
    }
    let saved = match &sent.photo {
        None => crate::util::fs::replace_whole(&file, new.as_bytes()).map(|()| file.clone()),
        Some(photo) => super::save_with_photo(&file, &new, "portrait", photo),
    };
    let saved = match saved {
        Ok(saved) => saved,
        Err(e) => {
            return rejected(
                StatusCode::INTERNAL_SERVER_ERROR,
                page(
                    &choices(&state, &config),
                    typed,
                    &cannot_write(&file, e),
                    &edit_kind(&action),
                ),
            );
        }
    };
    state.cache.forget(&file);
    state.cache.forget(&saved);
    rebuild_now(&state).await;
    // The address may have changed with the name: the new page is where the file says.
    let slug_now = crate::pinyin::read_name(&person.name).name_slug();
    let target = profile_file(&state, &slug)
        .map(|_| slug.clone())
        .unwrap_or(slug_now);
    see_other(format!("/profiles/{target}/"))
}
