//! `laomo serve`: a live preview. The site is built in memory and each page is
//! rendered when a browser asks for it, so a rebuild after a save only re-reads the
//! changed file and re-links the site; the page then renders in milliseconds.
//!
//! Only what the site publishes can be fetched: requests are looked up in the build's
//! table of site paths, never joined onto a folder, so `..`, encoded dots, absolute
//! paths and symlinks lead nowhere. The reload script is added to served pages only;
//! `laomo build` never writes it.

use crate::build::{self, Published, Stages};
use crate::diagnostic::Diagnostics;
use crate::load::LoadCache;
use crate::render::Renderer;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub drafts: bool,
}

/// One successful build, as served.
struct Generation {
    renderer: Renderer,
    files: BTreeMap<String, Published>,
    /// The search index, built when a browser first asks for it.
    search: std::sync::OnceLock<HashMap<String, String>>,
    /// The hall-of-fame filter data, likewise.
    hall_filter: std::sync::OnceLock<String>,
    rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

#[derive(Clone, Debug)]
enum Message {
    Reload,
    Error(String),
}

struct ServeState {
    root: PathBuf,
    base_url: String,
    drafts: bool,
    current: RwLock<Option<Arc<Generation>>>,
    /// The diagnostics of the last failed build, shown over the page until a good one.
    error: RwLock<Option<String>>,
    events: broadcast::Sender<Message>,
    cache: LoadCache,
    /// One rebuild at a time.
    building: Mutex<()>,
}

const RELOAD_SCRIPT: &str = r#"(function () {
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "laomo-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.94);color:#fff;overflow:auto;padding:1.5rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      document.body.appendChild(overlay);
    }
    overlay.innerHTML = "";
    var h = document.createElement("h2");
    h.textContent = "构建失败：显示的是上一次成功的版本。修正后保存即可刷新。";
    h.style.cssText = "font:bold 16px sans-serif;color:#ff8a80;margin:0 0 1rem";
    var pre = document.createElement("pre");
    pre.textContent = text;
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    overlay.appendChild(h);
    overlay.appendChild(pre);
  }
  var source = new EventSource("/__laomo/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("error", function (e) { if (e.data) show(JSON.parse(e.data)); });
})();
"#;

fn inject(html: &[u8]) -> Vec<u8> {
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

impl ServeState {
    /// Builds the site into memory; on failure keeps the last good build and reports.
    /// `full`: templates or settings may have changed, so check the templates again.
    fn rebuild(&self, full: bool) -> bool {
        let _guard = self.building.lock().unwrap_or_else(|p| p.into_inner());
        let started = std::time::Instant::now();
        let mut diags = Diagnostics::new();
        let mut stages = Stages::new();
        let prepared = build::prepare(
            &self.root,
            self.drafts,
            Some(&self.base_url),
            Some(&self.cache),
            true,
            &mut diags,
            &mut stages,
        );
        let generation = prepared.and_then(|(renderer, site_root)| {
            // Rendering every page once would cost seconds on a big site; instead the
            // templates are checked on the 404 page and the rest render on request.
            let paths = renderer.page_paths();
            if full && let Some(Err(d)) = renderer.render_path("/404.html") {
                diags.push(d);
            }
            stages.done("check");
            let files = build::published_files(&renderer, &site_root, &paths);
            stages.done("files");
            (!diags.has_errors()).then(|| Generation {
                files,
                renderer,
                search: std::sync::OnceLock::new(),
                hall_filter: std::sync::OnceLock::new(),
                rendered: Mutex::new(HashMap::new()),
            })
        });
        for d in diags.sorted() {
            eprintln!("{d}");
        }
        match generation {
            Some(g) if !diags.has_errors() => {
                let pages = g.renderer.site().pages.len();
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(g));
                *self.error.write().unwrap_or_else(|p| p.into_inner()) = None;
                eprintln!(
                    "rebuilt {pages} pages in {} ms",
                    started.elapsed().as_millis()
                );
                let _ = self.events.send(Message::Reload);
                true
            }
            _ => {
                let text = overlay_text(&self.root, &diags);
                eprintln!("error: the build failed; still serving the last good build");
                *self.error.write().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
                let _ = self.events.send(Message::Error(text));
                false
            }
        }
    }
}

/// The errors as the browser overlay shows them: a line quoted from a `private:` block
/// is left out, since any page the browser has open can read the event stream.
fn overlay_text(root: &Path, diags: &Diagnostics) -> String {
    let mut private: HashMap<String, Vec<std::ops::RangeInclusive<usize>>> = HashMap::new();
    diags
        .sorted()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let mut d = d.clone();
            if let (Some(file), Some(p)) = (&d.file, d.position) {
                let ranges = private.entry(file.clone()).or_insert_with(|| {
                    std::fs::read_to_string(root.join(file))
                        .map(|t| crate::load::front_matter::private_lines(&t))
                        // Unreadable now: quote nothing of it.
                        .unwrap_or_else(|_| vec![0..=usize::MAX])
                });
                if ranges.iter().any(|r| r.contains(&p.line)) {
                    d.source_line = None;
                }
            }
            d.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files whose change needs a rebuild: not the output, the caches, or editors' temp files.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    let Some(first) = parts.next() else {
        return false;
    };
    if !matches!(
        first.as_str(),
        "content" | "templates" | "themes" | "static" | "site.yaml" | "i18n"
    ) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    !crate::load::is_ignored_name(&name)
}

fn watch(state: Arc<ServeState>) -> notify_debouncer_full::notify::Result<impl Drop> {
    use notify_debouncer_full::notify::RecursiveMode;
    use notify_debouncer_full::{DebounceEventResult, new_debouncer};
    let root = state.root.clone();
    // Stands for "re-read everything" when the watcher lost events.
    let rescan = root.join("site.yaml");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    // Editors save by writing a temp file and renaming it; a folder of photos copied
    // in is hundreds of events. The debouncer turns each burst into one batch.
    let mut debouncer = new_debouncer(
        Duration::from_millis(30),
        None,
        move |result: DebounceEventResult| {
            if let Ok(events) = result {
                // Reading a file is an event too (the build reads them all): only changes count.
                let mut paths: Vec<PathBuf> = events
                    .iter()
                    .filter(|e| !e.kind.is_access() && !e.kind.is_other())
                    .flat_map(|e| e.paths.iter().cloned())
                    .collect();
                // Events were lost (too many at once): everything must be re-read.
                if events.iter().any(|e| e.need_rescan()) {
                    paths.push(rescan.clone());
                }
                if paths.is_empty() {
                    return;
                }
                let _ = tx.send(paths);
            }
        },
    )?;
    // Only the site's own folders: the output, caches and target/ can hold tens of
    // thousands of folders that would each cost a watch.
    debouncer.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in ["content", "templates", "themes", "static", "i18n"] {
        let d = root.join(dir);
        if d.is_dir() {
            debouncer.watch(&d, RecursiveMode::Recursive)?;
        }
    }
    std::thread::spawn(move || {
        while let Ok(mut paths) = rx.recv() {
            // Take whatever else arrived meanwhile, so one rebuild covers it all.
            while let Ok(more) = rx.try_recv() {
                paths.extend(more);
            }
            let changed: Vec<PathBuf> = paths
                .into_iter()
                .filter(|p| relevant(&state.root, p))
                .collect();
            if changed.is_empty() {
                continue;
            }
            // A text edit re-reads that file; anything else (site.yaml, a photo, a
            // template) may change how every page reads, so all are re-read.
            let only_markdown = changed.iter().all(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && p.starts_with(state.root.join("content"))
            });
            if only_markdown {
                for p in &changed {
                    state.cache.forget(p);
                }
            } else {
                state.cache.clear();
            }
            // A bug in any stage must not kill the watcher: the editor would save and
            // see nothing happen, without a word. Say so in the terminal and the page.
            let full = !only_markdown;
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.rebuild(full)))
                .is_err()
            {
                state.cache.clear();
                let text = "error: laomo failed with an internal error while rebuilding (a bug in laomo, please report it); still serving the last good build".to_string();
                eprintln!("{text}");
                *state.error.write().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
                let _ = state.events.send(Message::Error(text));
            }
        }
    });
    Ok(debouncer)
}

/// The media type of a site path, by its extension (mime_guess's table); text is
/// declared UTF-8, which is what laomo writes.
fn mime_for(path: &str) -> mime::Mime {
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
fn site_path(raw: &str) -> Option<String> {
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

fn html_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, inject(&body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn page(State(state): State<Arc<ServeState>>, req: Request) -> Response {
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
        let body = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败</title></head><body><h1>构建失败</h1><pre>{}</pre></body></html>",
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
        Some(Published::File(src)) => {
            let mime = mime_for(&path);
            let service = tower_http::services::ServeFile::new_with_mime(src, &mime);
            match service.oneshot(req).await {
                Ok(r) => r.map(Body::new),
                Err(_) => not_found(&state).await,
            }
        }
        Some(Published::Bytes(b)) => (
            [(header::CONTENT_TYPE, mime_for(&path).to_string())],
            b.to_vec(),
        )
            .into_response(),
        Some(Published::Text(t)) => (
            [(header::CONTENT_TYPE, mime_for(&path).to_string())],
            t.clone(),
        )
            .into_response(),
        None => not_found(&state).await,
    }
}

async fn render_cached(g: &Arc<Generation>, key: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
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

async fn not_found(state: &Arc<ServeState>) -> Response {
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

async fn events(
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
async fn only_local_hosts(req: Request, next: axum::middleware::Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if host_is_local(host) {
        next.run(req).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "laomo serve answers only http://localhost, 127.0.0.1 or this machine's IP address\n",
        )
            .into_response()
    }
}

/// `localhost`, `*.localhost`, or an IP address (v4 or bracketed v6), with any port.
fn host_is_local(host: &str) -> bool {
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

async fn reload_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        RELOAD_SCRIPT,
    )
}

pub fn serve(opts: ServeOptions) -> Result<(), String> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder {}: {e}", opts.root.display()))?;
    let host = if opts.bind.contains(':') {
        format!("[{}]", opts.bind)
    } else {
        opts.bind.clone()
    };
    // Listen first: with --port 0 the system picks the port, and links need it.
    let addr = format!("{host}:{}", opts.port);
    let std_listener = std::net::TcpListener::bind(&addr).map_err(|e| {
        format!("cannot listen on {addr}: {e}; is another laomo serve running? try --port")
    })?;
    let port = std_listener.local_addr().map_err(|e| e.to_string())?.port();
    std_listener
        .set_nonblocking(true)
        .map_err(|e| e.to_string())?;
    let base_url = format!("http://{host}:{port}/");
    let (sender, _) = broadcast::channel(16);
    let state = Arc::new(ServeState {
        root,
        base_url: base_url.clone(),
        drafts: opts.drafts,
        current: RwLock::new(None),
        error: RwLock::new(None),
        events: sender,
        cache: LoadCache::watched(),
        building: Mutex::new(()),
    });
    state.rebuild(true);
    let _watcher =
        watch(state.clone()).map_err(|e| format!("cannot watch the site folder: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let app = Router::new()
            .route("/__laomo/events", get(events))
            .route("/__laomo/reload.js", get(reload_js))
            .fallback(page)
            .layer(axum::middleware::from_fn(only_local_hosts))
            .with_state(state);
        // The Ctrl-C handler is in place before the address is printed, so a signal
        // sent as soon as the server is up still stops it cleanly.
        let shutdown = shutdown_signal()?;
        let listener =
            tokio::net::TcpListener::from_std(std_listener).map_err(|e| e.to_string())?;
        println!("serving the site at {base_url} (Ctrl-C to stop)");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        if opts.open {
            open_browser(&base_url);
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| e.to_string())
    })?;
    // stdout may be gone (a closed pipe): saying goodbye must not fail.
    let _ = writeln!(std::io::stdout(), "stopped");
    Ok(())
}

#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
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
