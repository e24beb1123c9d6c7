//! Editing in the preview, on this computer only: forms built from the site's own
//! vocabulary (honors from site.yaml, regions, associations, the people in the hall)
//! that write the same files `laomo new` and `laomo import roster` write. Hugo and Zola
//! leave this to third-party content systems; an association's editor gets it here.
//!
//! `profile` holds the profile forms, `schema` those of every other kind, built from a
//! table of their keys; this module holds what every form shares:
//! the page around it, the mistakes listed above it, the cross-site check, the answer
//! after a draft is saved.

mod profile;
mod schema;

pub(super) use profile::{
    EDIT_PROFILE, NEW_PROFILE, edit_profile_form, new_profile_form, save_new_profile, save_profile,
};
pub(super) use schema::{
    EDIT_PAGE, NEW_PAGE, edit_page_form, new_page_form, save_new_page, save_page,
};

use super::state::ServeState;
use crate::config::Config;
use crate::diagnostic::Diagnostics;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rust_i18n::t;
use std::sync::Arc;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The values typed, kept when the form comes back with a mistake.
#[derive(Default)]
pub(in crate::serve) struct Typed {
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

    fn is_draft(&self) -> bool {
        !self.get("draft").is_empty()
    }

    /// The body as typed, with the line ends browsers send (CRLF) made plain.
    fn body(&self) -> String {
        self.get("body").replace("\r\n", "\n")
    }
}

/// The largest photo a form takes: a phone's photo is 3–12 MB.
pub(super) const MAX_PHOTO_BYTES: usize = 40 * 1024 * 1024;

/// A photo sent with a form.
pub(in crate::serve) struct Photo {
    bytes: Vec<u8>,
    /// `jpg`, `png` or `webp`, from the bytes, not from the name it was sent under.
    ext: &'static str,
}

/// What a form sent: its fields and, from a form with a file field, the photo chosen
/// (or what is wrong with it, shown on the form again).
pub(in crate::serve) struct Sent {
    typed: Typed,
    photo: Option<Photo>,
    photo_error: Option<String>,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Sent {
    type Rejection = Response;

    /// Either encoding a browser sends: `multipart/form-data` when the form can carry a
    /// photo, `application/x-www-form-urlencoded` otherwise.
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let axum::Form(fields) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            return Ok(Sent {
                typed: Typed { fields },
                photo: None,
                photo_error: None,
            });
        }
        let mut form = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut sent = Sent {
            typed: Typed::default(),
            photo: None,
            photo_error: None,
        };
        while let Some(field) = form
            .next_field()
            .await
            .map_err(IntoResponse::into_response)?
        {
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(IntoResponse::into_response)?;
            match file_name {
                Some(file) => {
                    if bytes.is_empty() {
                        continue; // no photo chosen
                    }
                    let ext = match image::guess_format(&bytes) {
                        Ok(image::ImageFormat::Jpeg) => Some("jpg"),
                        Ok(image::ImageFormat::Png) => Some("png"),
                        Ok(image::ImageFormat::WebP) => Some("webp"),
                        _ => None,
                    };
                    match ext {
                        // The one photo field of each form.
                        Some(ext) if matches!(name.as_str(), "portrait" | "cover" | "logo") => {
                            sent.photo = Some(Photo {
                                bytes: bytes.to_vec(),
                                ext,
                            })
                        }
                        _ => {
                            sent.photo_error = Some(format!(
                                "“{file}”不是 JPEG、PNG 或 WebP 照片，没有保存。请换一张照片（手机拍的照片一般是 JPEG）。"
                            ))
                        }
                    }
                }
                None => sent
                    .typed
                    .fields
                    .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
        Ok(sent)
    }
}

fn load_config(state: &ServeState) -> Option<Config> {
    Config::load(&state.root, &mut Diagnostics::new())
}

fn no_config() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        t!("serve.form_no_config").into_owned(),
    )
        .into_response()
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

/// The refusal of a post from another origin, or `None` when it may go on.
fn refuse_cross_site(headers: &HeaderMap) -> Option<Response> {
    (!same_origin(headers)).then(|| {
        (
            StatusCode::FORBIDDEN,
            format!("{}\n", t!("serve.forbidden")),
        )
            .into_response()
    })
}

/// The regions of site.yaml, each once, parents before their children.
fn regions(config: &Config) -> Vec<String> {
    let mut regions: Vec<String> = Vec::new();
    for (parent, children) in &config.regions {
        for r in std::iter::once(parent).chain(children) {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
    }
    regions
}

/// The associations of the current build, as (slug, name).
fn associations(state: &ServeState) -> Vec<(String, String)> {
    state
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
        .unwrap_or_default()
}

/// `<option>`s for a choice among (value, label) pairs, after one for "none". A value
/// the file holds that is not among them stays visible and chosen, so saving the form
/// unchanged keeps it.
fn options<'a>(
    none: &str,
    choices: impl IntoIterator<Item = (&'a str, &'a str)>,
    chosen: &str,
) -> String {
    let option = |value: &str, label: &str, selected: bool| {
        format!(
            "<option value=\"{}\"{}>{}</option>",
            escape(value),
            if selected { " selected" } else { "" },
            escape(label)
        )
    };
    let mut html = option("", none, chosen.is_empty());
    let mut found = false;
    for (value, label) in choices {
        found |= value == chosen;
        html.push_str(&option(value, label, value == chosen));
    }
    if !chosen.is_empty() && !found {
        html.push_str(&option(chosen, chosen, true));
    }
    html
}

/// A labelled one-line field holding what was typed.
fn input(typed: &Typed, key: &str, label: &str, extra: &str) -> String {
    format!(
        "<label>{label} <input name=\"{key}\"{extra} value=\"{}\"></label>",
        escape(typed.get(key))
    )
}

/// The body field and the draft box, the same on every form.
fn body_and_draft(typed: &Typed, label: &str, rows: u32) -> String {
    format!(
        "<label>{label} <textarea name=\"body\" rows=\"{rows}\">{}</textarea></label>\
<label class=\"check\"><input type=\"checkbox\" name=\"draft\" value=\"1\"{}> 存为草稿（草稿不发布，写完后再去掉）</label>",
        escape(typed.get("body")),
        if typed.is_draft() { " checked" } else { "" }
    )
}

const STYLE: &str = "body{font:16px/1.7 system-ui,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:0;background:#f7f3ec;color:#1d1f22}main{max-width:40rem;margin:0 auto;padding:1rem}form{display:grid;gap:.9rem}label{display:grid;gap:.2rem}.row{display:flex;gap:.75rem;flex-wrap:wrap}.row label{flex:1 1 10rem}input,select,textarea{font:inherit;padding:.45rem .6rem;border:1px solid #b9ad9a;border-radius:.4rem;background:#fff;color:inherit}fieldset{border:1px solid #ddd4c6;border-radius:.5rem;display:grid;gap:.5rem}.check{display:flex;gap:.5rem;align-items:center}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#a81f1a;color:#fff;justify-self:start}.errors{background:#fde8e6;border:1px solid #a81f1a;border-radius:.5rem;padding:.25rem 1rem}.preview h2{font-size:1rem;margin:1.5rem 0 .4rem}.preview iframe{width:100%;height:24rem;border:1px solid #ddd4c6;border-radius:.5rem;background:#fff}@media(min-width:64rem){main{max-width:78rem}.editor{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem;align-items:start}.preview{position:sticky;top:1rem}.preview h2{margin-top:0}.preview iframe{height:calc(100vh - 5rem)}}";

/// The forms of the preview, linked from the top of each.
const NEW_LINKS: &str = "<a href=\"/__laomo/new/profile\">劳模</a> · <a href=\"/__laomo/new/story\">事迹</a> · <a href=\"/__laomo/new/association\">协会</a> · <a href=\"/__laomo/new/collection\">文集</a> · <a href=\"/__laomo/new/exhibition\">云展馆</a> · <a href=\"/__laomo/new/page\">普通页面</a>";

/// A whole form page: heading, what saving does, the mistakes to fix, the fields.
fn form_page(heading: &str, intro: &str, errors: &[String], action: &str, fields: &str) -> String {
    // A form with a file field sends the photo along: only multipart can carry it.
    let enctype = if fields.contains("type=\"file\"") {
        " enctype=\"multipart/form-data\""
    } else {
        ""
    };
    let preview = if fields.contains("<textarea name=\"body\"") {
        PREVIEW_PANEL
    } else {
        ""
    };
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
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{heading} - laomo 预览</title><style>{STYLE}</style></head>\
<body><main><nav aria-label=\"新建\"><p>新建：{NEW_LINKS}</p></nav><h1>{heading}</h1><p>{intro}</p>{errors}\
<div class=\"editor\"><form method=\"post\" action=\"{}\"{enctype}>{fields}<button type=\"submit\">保存</button></form>{preview}</div></main></body></html>\n",
        escape(action)
    )
}

/// `POST /__laomo/preview`: the body field's Markdown as the site renders it, shown
/// beside the form as the editor types.
pub(in crate::serve) const PREVIEW: &str = "/__laomo/preview";

/// The panel beside the body field: the rendered body in the site's own stylesheet,
/// in a frame so the form's style and the site's do not mix.
const PREVIEW_PANEL: &str = "<section class=\"preview\" aria-labelledby=\"laomo-preview-title\"><h2 id=\"laomo-preview-title\">正文预览</h2><iframe title=\"正文预览\"></iframe></section>\
<script>(function(){var t=document.querySelector('textarea[name=body]'),f=document.querySelector('.preview iframe');if(!t||!f)return;var timer,n=0;\
function show(){var mine=++n;fetch('/__laomo/preview',{method:'POST',headers:{'Content-Type':'application/x-www-form-urlencoded'},body:'body='+encodeURIComponent(t.value)}).then(function(r){return r.text()}).then(function(h){if(mine!==n)return;\
f.srcdoc='<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>正文预览</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head><body><main id=\"main\"><article class=\"story\"><section class=\"content\">'+h+'</section></article></main></body></html>'})}\
t.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(show,250)});show()})();</script>";

pub(in crate::serve) async fn preview_body(
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(refused) = refuse_cross_site(&headers) {
        return refused;
    }
    let typed = Typed { fields };
    let rendered = crate::load::markdown::render(&typed.body(), "/");
    // Photos of the page are resized only by a build: named here, not drawn.
    let mut html = rendered.html;
    for (n, (name, _)) in rendered.images.iter().enumerate() {
        let drawn = format!("src=\"\" data-photo=\"{}\"", escape(name));
        html = html.replace(&format!("src=\"laomo-img:{n}\""), &drawn);
    }
    Html(html).into_response()
}

/// The form again, with what to fix above it.
fn rejected(status: StatusCode, page: String) -> Response {
    (status, Html(page)).into_response()
}

/// What to say after saving a draft: the preview does not show drafts unless asked.
fn draft_saved(shown: &str, again: &str, again_label: &str) -> Response {
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>已保存草稿 - laomo 预览</title><style>{STYLE}</style></head><body><main><h1>已保存草稿</h1><p>已写入 <code>{}</code>。草稿不在预览中显示；要预览草稿，请用 <code>laomo serve --drafts</code>。</p><p><a href=\"{}\">{}</a></p></main></body></html>\n",
        escape(shown),
        escape(again),
        escape(again_label)
    ))
    .into_response()
}

/// Builds now, so the page is there when the browser follows the redirect (the watcher
/// will hear of the change too, a moment later).
async fn rebuild_now(state: &Arc<ServeState>) {
    // A form may have made a new file or folder, which no walk has seen yet.
    state.cache.forget_walks();
    let rebuilt = state.clone();
    let _ = tokio::task::spawn_blocking(move || rebuilt.rebuild(true)).await;
}

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Writes a new page `text` at `file`, and with a photo makes it a bundle: the photo
/// saved first beside it as `KEY.ext` (so the page never names a file not yet there),
/// then the page with `KEY: KEY.ext` as its first key.
fn write_with_photo(
    file: &std::path::Path,
    text: &str,
    photo: Option<(&str, &Photo)>,
) -> std::io::Result<()> {
    let Some((key, photo)) = photo else {
        return crate::scaffold::write_new_page(file, text);
    };
    let dir = file.parent().unwrap_or(std::path::Path::new("."));
    let name = format!("{key}.{}", photo.ext);
    let text = text.replacen("---\n", &format!("---\n{key}: {name}\n"), 1);
    std::fs::create_dir_all(dir)?;
    crate::util::fs::replace_whole(&dir.join(&name), &photo.bytes)?;
    crate::scaffold::write_new_page(file, &text)
}

/// The text with `key:` naming `name`, a file beside it.
fn with_key(text: &str, key: &str, name: &str) -> String {
    crate::roster::plan::set_keys(text, &[(key, format!("{key}: {name}\n"))])
        .unwrap_or_else(|| text.to_string())
}

/// Saves a changed page with a new photo under `key`. A bundle gets it in its folder.
/// A single file becomes a bundle (`wang-wei.md` → `wang-wei/index.md`), unless it
/// names other files beside it (a gallery, a cover, pictures in the body), which the
/// move would lose: then the photo goes beside it as `wang-wei-portrait.jpg`.
/// Returns the page's file now.
fn save_with_photo(
    file: &std::path::Path,
    text: &str,
    key: &str,
    photo: &Photo,
) -> std::io::Result<std::path::PathBuf> {
    let dir = file.parent().unwrap_or(std::path::Path::new("."));
    let bundle = file.file_name().is_some_and(|n| n == "index.md");
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let refers_beside = text.contains("](")
        || [
            "gallery:",
            "cover:",
            "logo:",
            "portrait:",
            "image:",
            "video:",
            "poster:",
        ]
        .iter()
        .any(|k| text.contains(k));
    if bundle || refers_beside {
        let name = if bundle {
            format!("{key}.{}", photo.ext)
        } else {
            format!("{stem}-{key}.{}", photo.ext)
        };
        crate::util::fs::replace_whole(&dir.join(&name), &photo.bytes)?;
        crate::util::fs::replace_whole(file, with_key(text, key, &name).as_bytes())?;
        return Ok(file.to_path_buf());
    }
    let folder = dir.join(&stem);
    let index = folder.join("index.md");
    let name = format!("{key}.{}", photo.ext);
    std::fs::create_dir_all(&folder)?;
    crate::util::fs::replace_whole(&folder.join(&name), &photo.bytes)?;
    crate::scaffold::write_new_page(&index, &with_key(text, key, &name))?;
    std::fs::remove_file(file)?;
    Ok(index)
}

/// The errors the build's loader finds in `text` as the page at `file`, as the form
/// shows them: the message and what to do.
fn check(
    root: &std::path::Path,
    config: &Config,
    file: &std::path::Path,
    bundle: bool,
    text: &str,
) -> Vec<String> {
    let Ok(site) = crate::load::SiteRoot::new(root) else {
        return Vec::new();
    };
    let (_, diags) =
        crate::load::kinds::load_page_text(&site, config, file, bundle, text.to_string());
    diags
        .into_iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| match d.hint {
            Some(h) => format!("{}（{h}）", d.message),
            None => d.message,
        })
        .collect()
}

/// The file's path as the editor sees it: `content/stories/a.md`.
fn shown_path(state: &ServeState, file: &std::path::Path) -> String {
    file.strip_prefix(&state.root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The message for a file that could not be written, shown on the form.
fn cannot_write(file: &std::path::Path, e: std::io::Error) -> Vec<String> {
    vec![t!("scaffold.cannot_write", path = file.display(), error = e).into_owned()]
}
