//! The story form: title, date as typed, the people in it by name (checked against the
//! site's profiles), category, place, association and body.

use super::{
    Sent, Typed, body_and_draft, cannot_write, draft_saved, escape, form_page, input, options,
    rebuild_now, refuse_cross_site, rejected, see_other,
};
use crate::model::Details;
use crate::roster::plan;
use crate::serve::state::ServeState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

/// `/__laomo/new/story`.
pub(in crate::serve) const NEW_STORY: &str = "/__laomo/new/story";

fn story_page(state: &ServeState, typed: &Typed, errors: &[String]) -> String {
    let mut names: Vec<String> = Vec::new();
    let mut categories: Vec<String> = Vec::new();
    if let Some(g) = state.current.read().ok().and_then(|g| g.clone()) {
        let s = g.renderer.site();
        names = s
            .hall_of_fame
            .iter()
            .map(|&i| s.pages[i].title.clone())
            .collect();
        if let Some(t) = s.taxonomy(crate::model::TaxonomyKind::Categories) {
            categories = t.terms.iter().map(|x| x.name.clone()).collect();
        }
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
    let associations = super::associations(state);
    let fields = format!(
        "{title}{date}{people}{names}{category}{categories}{location}\
<label>所属协会 <select name=\"association\">{association}</select></label>\
<label>封面照片（JPEG、PNG 或 WebP，可以不选） <input type=\"file\" name=\"cover\" accept=\"image/jpeg,image/png,image/webp\"></label>{body}",
        title = input(typed, "title", "标题（必填）", " required"),
        date = input(
            typed,
            "date",
            "日期（必填，如 2024-03 或 2024-03-12）",
            " required"
        ),
        people = input(
            typed,
            "people",
            "涉及的劳模（姓名，用顿号隔开）",
            " list=\"laomo-names\""
        ),
        names = list("laomo-names", &names),
        category = input(
            typed,
            "category",
            "类别（如 宣讲、进校园、志愿服务）",
            " list=\"laomo-categories\""
        ),
        categories = list("laomo-categories", &categories),
        location = input(typed, "location", "地点", ""),
        association = options(
            "（无）",
            associations.iter().map(|(s, t)| (s.as_str(), t.as_str())),
            typed.get("association"),
        ),
        body = body_and_draft(typed, "正文", 10),
    );
    form_page(
        "新建事迹页面",
        "保存后，laomo 在 <code>content/stories/</code> 里写一个文件，和 <code>laomo new story</code> 写的一样。这个表单只在本机的预览里有，不会发布到网站上。",
        errors,
        NEW_STORY,
        &fields,
    )
}

pub(in crate::serve) async fn new_story_form(State(state): State<Arc<ServeState>>) -> Response {
    Html(story_page(&state, &Typed::default(), &[])).into_response()
}

pub(in crate::serve) async fn save_new_story(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    sent: Sent,
) -> Response {
    if let Some(refused) = refuse_cross_site(&headers) {
        return refused;
    }
    let typed = &sent.typed;
    let mut errors: Vec<String> = sent.photo_error.iter().cloned().collect();
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
        return rejected(StatusCode::BAD_REQUEST, story_page(&state, typed, &errors));
    }
    let mut text = String::from("---\n");
    if typed.is_draft() {
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
    let body = typed.body();
    if !body.trim().is_empty() {
        text.push_str(body.trim_end());
        text.push('\n');
    }
    let dir = state.root.join("content").join("stories");
    let slug = crate::scaffold::free_slug(&crate::pinyin::file_slug(&title), |s| {
        crate::scaffold::slug_on_disk(&dir, s)
    });
    // With a cover photo the story is a bundle, its folder holding both.
    let file = match &sent.photo {
        Some(_) => dir.join(&slug).join("index.md"),
        None => dir.join(format!("{slug}.md")),
    };
    // The build's own rules have the last word (a body's shortcodes, say); the photo's
    // key is added after, its file not being there yet.
    if let Some(config) = super::load_config(&state) {
        let problems =
            super::schema::check(&state.root, &config, &file, sent.photo.is_some(), &text);
        if !problems.is_empty() {
            return rejected(
                StatusCode::BAD_REQUEST,
                story_page(&state, typed, &problems),
            );
        }
    }
    let written = super::write_with_photo(&file, &text, sent.photo.as_ref().map(|p| ("cover", p)));
    if let Err(e) = written {
        return rejected(
            StatusCode::INTERNAL_SERVER_ERROR,
            story_page(&state, typed, &cannot_write(&file, e)),
        );
    }
    rebuild_now(&state).await;
    if typed.is_draft() && !state.drafts {
        return draft_saved(
            &file
                .strip_prefix(&state.root)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/"),
            NEW_STORY,
            "再新建一篇",
        );
    }
    see_other(format!("/stories/{slug}/"))
}
