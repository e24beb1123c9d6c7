//! Answering the browser: pages rendered on request, published files, the event
//! stream that reloads the page or shows errors, and only for local host names.

use crate::build::Published;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use rust_i18n::t;
use std::convert::Infallible;
use std::sync::Arc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;

use super::state::{Generation, Message, ServeState};

pub(super) const RELOAD_SCRIPT: &str = r#"(function () {
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "laomo-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:#161616;color:#f5f5f5;overflow:auto;padding:1rem;font:15px/1.6 ui-monospace,\"Noto Sans Mono CJK SC\",\"Sarasa Mono SC\",Menlo,Consolas,\"PingFang SC\",\"Microsoft YaHei\",monospace";
      document.body.appendChild(overlay);
    }
    overlay.innerHTML = "";
    var h = document.createElement("h2");
    h.textContent = __HEADING__;
    h.style.cssText = "font:bold 16px sans-serif;color:#ff8a80;margin:0 0 1rem";
    var pre = document.createElement("pre");
    pre.textContent = text;
    // Wrapped, not scrolled sideways: the preview is also read on a 390 px phone.
    pre.style.cssText = "white-space:pre-wrap;overflow-wrap:anywhere;margin:0";
    overlay.appendChild(h);
    overlay.appendChild(pre);
  }
  // On a page of the site's kinds, a way into its form (offered only on this computer).
  var kinds = { profiles: "profile", stories: "story", associations: "association", collections: "collection", exhibitions: "exhibition" };
  var m = __EDITING__ && location.pathname.match(/^\/(profiles|stories|associations|collections|exhibitions)\/([^\/]+)\/$/);
  if (m) {
    var edit = document.createElement("a");
    edit.href = "/__laomo/edit/" + kinds[m[1]] + "/" + m[2];
    edit.textContent = __EDIT_LABEL__;
    edit.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483646;background:#a81f1a;color:#fff;padding:.5rem 1rem;border-radius:999px;font:15px/1.4 sans-serif;text-decoration:none;box-shadow:0 2px 6px rgba(0,0,0,.3)";
    document.body.appendChild(edit);
  }
  var source = new EventSource("/__laomo/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("error", function (e) { if (e.data) show(JSON.parse(e.data)); });
})();

"#;

pub(super) fn inject(html: &[u8]) -> Vec<u8> {
    let tag = b"<script src=\"/__laomo/reload.js\"></script>";
    let lower = String::from_utf8_lossy(html).to_ascii_lowercase();
    match lower.rfind("</body>") {
        Some(i) => {
            let mut out = Vec::with_capacity(html.len() + tag.len());
            out.extend_from_slice(&html[..i]);
            out.extend_from_slice(tag);
            out.extend_from_slice(&html[i..]);
            out
        }
        None => [html, tag.as_slice()].concat(),
    }
}

/// The media type of a site path, by its extension (mime_guess's table); text is
/// declared UTF-8, which is what laomo writes.
pub(super) fn mime_for(path: &str) -> mime::Mime {
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    let textual = guess.type_() == mime::TEXT
        || matches!(
            guess.essence_str(),
            "application/javascript" | "application/xml" | "image/svg+xml"
        );
    if textual && guess.get_param(mime::CHARSET).is_none() {
        format!("{guess}; charset=utf-8").parse().unwrap_or(guess)
    } else {
        guess
    }
}

/// `/a%20b/` → `/a b/`; None for anything that is not a plain site path.
pub(super) fn site_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    let clean = path.starts_with('/')
        && !path.contains('\0')
        && !path.contains('\\')
        && !path.split('/').any(|seg| seg == ".." || seg == ".");
    clean.then_some(path)
}

pub(super) fn html_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, inject(&body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub(super) async fn page(State(state): State<Arc<ServeState>>, req: Request) -> Response {
    let raw = req.uri().path().to_string();
    let Some(path) = site_path(&raw) else {
        return not_found(&state).await;
    };
    let current = state
        .current
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let Some(generation) = current else {
        let error = state
            .error
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default();
        let title = crate::render::feeds::escape_xml(&t!("serve.failed_page.title"));
        let body = format!(
            "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><pre>{}</pre></body></html>",
            &*rust_i18n::locale(),
            crate::render::feeds::escape_xml(&error)
        );
        return html_response(StatusCode::SERVICE_UNAVAILABLE, body.into_bytes());
    };
    let key = if path.ends_with("/index.html") {
        path.trim_end_matches("index.html").to_string()
    } else {
        path.clone()
    };
    if let Some(body) = render_cached(&generation, &key).await {
        return match body {
            Ok(b) => html_response(StatusCode::OK, b.to_vec()),
            Err(text) => html_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "<!DOCTYPE html><html><body><pre>{}</pre></body></html>",
                    crate::render::feeds::escape_xml(&text)
                )
                .into_bytes(),
            ),
        };
    }
    if !key.ends_with('/')
        && generation
            .renderer
            .render_path(&format!("{key}/"))
            .is_some()
    {
        let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("{raw}/")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    if path == crate::build::HALL_FILTER && !generation.renderer.site().hall_of_fame.is_empty() {
        let g = generation.clone();
        let json = tokio::task::spawn_blocking(move || {
            g.hall_filter
                .get_or_init(|| g.renderer.hall_filter_json())
                .clone()
        })
        .await
        .unwrap_or_default();
        return ([(header::CONTENT_TYPE, "application/json")], json).into_response();
    }
    if path.starts_with("/search/") && path.ends_with(".json") {
        let g = generation.clone();
        let index = tokio::task::spawn_blocking(move || {
            g.search
                .get_or_init(|| {
                    crate::search::build(g.renderer.site())
                        .into_iter()
                        .collect()
                })
                .get(&path)
                .cloned()
        })
        .await
        .ok()
        .flatten();
        return match index {
            Some(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
            None => not_found(&state).await,
        };
    }
    match generation.files.get(&path) {
        Some(Published::File(src) | Published::Cached(src)) => {
            let mime = mime_for(&path);
            let service = tower_http::services::ServeFile::new_with_mime(src, &mime);
            match service.oneshot(req).await {
                Ok(r) => r.map(Body::new),
                Err(_) => not_found(&state).await,
            }
        }
        Some(generated) => match generated.generated(&generation.renderer) {
            Ok(Some(bytes)) => (
                [(header::CONTENT_TYPE, mime_for(&path).to_string())],
                bytes.into_owned(),
            )
                .into_response(),
            Ok(None) => not_found(&state).await,
            // A card that cannot be drawn: said in the terminal, a 404 in the browser.
            Err(d) => {
                eprintln!("{d}");
                not_found(&state).await
            }
        },
        None => not_found(&state).await,
    }
}

pub(super) async fn render_cached(
    g: &Arc<Generation>,
    key: &str,
) -> Option<Result<Arc<Vec<u8>>, String>> {
    if let Some(hit) = g.rendered.lock().ok().and_then(|m| m.get(key).cloned()) {
        return Some(Ok(hit));
    }
    let g2 = g.clone();
    let key2 = key.to_string();
    let result = tokio::task::spawn_blocking(move || g2.renderer.render_path(&key2))
        .await
        .ok()??;
    Some(match result {
        Ok(bytes) => {
            let bytes = Arc::new(bytes);
            if let Ok(mut m) = g.rendered.lock() {
                m.insert(key.to_string(), bytes.clone());
            }
            Ok(bytes)
        }
        Err(d) => Err(d.to_string()),
    })
}

pub(super) async fn not_found(state: &Arc<ServeState>) -> Response {
    let current = state
        .current
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let body = match current {
        Some(g) => match render_cached(&g, "/404.html").await {
            Some(Ok(b)) => b.to_vec(),
            _ => b"<!DOCTYPE html><title>404</title><h1>404</h1>".to_vec(),
        },
        None => b"<!DOCTYPE html><title>404</title><h1>404</h1>".to_vec(),
    };
    html_response(StatusCode::NOT_FOUND, body)
}

pub(super) async fn events(
    State(state): State<Arc<ServeState>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let rx = state.events.subscribe();
    let initial = state
        .error
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let first = tokio_stream::iter(initial.map(|e| {
        Ok(Event::default()
            .event("error")
            .data(serde_json::to_string(&e).unwrap_or_default()))
    }));
    let rest = BroadcastStream::new(rx).filter_map(|m| m.ok()).map(|m| {
        Ok(match m {
            Message::Reload => Event::default().event("reload").data("1"),
            Message::Error(e) => Event::default()
                .event("error")
                .data(serde_json::to_string(&e).unwrap_or_default()),
        })
    });
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

/// Answers only requests addressed to this machine by IP or as `localhost`. A web page
/// elsewhere could otherwise point its own name at 127.0.0.1 (DNS rebinding) and read
/// the preview and its event stream, which quotes the editor's files.
pub(super) async fn only_local_hosts(
    State(bound): State<Arc<String>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    // The name given to --bind is the editor's own choice, so it is answered too.
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if host_is_local(host) || name.eq_ignore_ascii_case(&bound) {
        next.run(req).await
    } else {
        (
            StatusCode::FORBIDDEN,
            format!("{}\n", t!("serve.forbidden")),
        )
            .into_response()
    }
}

/// `localhost`, `*.localhost`, or an IP address (v4 or bracketed v6), with any port.
pub(super) fn host_is_local(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((v6, port)) if port.is_empty() || port.starts_with(':') => {
                return v6.parse::<std::net::Ipv6Addr>().is_ok();
            }
            _ => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
}

pub(super) async fn reload_js(State(state): State<Arc<ServeState>>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        reload_script(state.editing),
    )
}

/// The reload script, with the overlay's heading in the language of the messages and
/// the edit link when the forms are offered.
pub(super) fn reload_script(editing: bool) -> String {
    let heading = serde_json::to_string(&t!("serve.overlay.heading")).unwrap_or_default();
    let edit = serde_json::to_string(&t!("serve.edit_page")).unwrap_or_default();
    RELOAD_SCRIPT
        .replace("__HEADING__", &heading)
        .replace("__EDITING__", if editing { "true" } else { "false" })
        .replace("__EDIT_LABEL__", &edit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_come_from_the_extension() {
        let cases = [
            ("/css/site.css", "text/css; charset=utf-8"),
            ("/js/search.js", "text/javascript; charset=utf-8"),
            ("/search/meta.json", "application/json"),
            ("/favicon.svg", "image/svg+xml; charset=utf-8"),
            ("/stories/s/a-960.webp", "image/webp"),
            ("/stories/s/program.pdf", "application/pdf"),
            ("/stories/s/clip.mp4", "video/mp4"),
            ("/stories/s/clip.vtt", "text/vtt; charset=utf-8"),
            ("/stories/s/no-extension", "application/octet-stream"),
        ];
        for (path, want) in cases {
            assert_eq!(mime_for(path).to_string(), want, "{path}");
        }
    }

    #[test]
    fn only_local_host_names_are_served() {
        for ok in [
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "192.168.1.20:8080",
            "LOCALHOST",
            "preview.localhost:1111",
            "10.0.0.2",
        ] {
            assert!(host_is_local(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example.com:1111",
            "127.0.0.1.evil.com",
            "localhost.evil.com",
            "[::1].evil.com",
            "[nope]:1",
        ] {
            assert!(!host_is_local(bad), "{bad}");
        }
    }

    #[test]
    fn only_plain_site_paths() {
        assert_eq!(site_path("/a%20b/").as_deref(), Some("/a b/"));
        assert_eq!(site_path("/%E5%8A%B3/").as_deref(), Some("/劳/"));
        assert_eq!(site_path("/../etc/passwd"), None);
        assert_eq!(site_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(site_path("/a/%2E%2E/b"), None);
        assert_eq!(site_path("/a\\b"), None);
        assert_eq!(site_path("/%zz"), None);
    }
}
