//! `laomo serve`: a live preview. The site is built in memory and each page is
//! rendered when a browser asks for it, so a rebuild after a save only re-reads the
//! changed file and re-links the site; the page then renders in milliseconds.
//!
//! Only what the site publishes can be fetched: requests are looked up in the build's
//! table of site paths, never joined onto a folder, so `..`, encoded dots, absolute
//! paths and symlinks lead nowhere. The reload script is added to served pages only;
//! `laomo build` never writes it.

mod forms;
mod http;
mod state;
mod watch;

use crate::load::LoadCache;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use rust_i18n::t;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::broadcast;

use state::ServeState;

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub drafts: bool,
}

pub fn serve(opts: ServeOptions) -> Result<(), String> {
    let root = opts.root.canonicalize().map_err(|e| {
        t!(
            "build.cannot_open_root",
            path = opts.root.display(),
            error = e
        )
        .into_owned()
    })?;
    let host = if opts.bind.contains(':') {
        format!("[{}]", opts.bind)
    } else {
        opts.bind.clone()
    };
    // Listen first: with --port 0 the system picks the port, and links need it.
    let addr = format!("{host}:{}", opts.port);
    let std_listener = std::net::TcpListener::bind(&addr)
        .map_err(|e| t!("serve.cannot_listen", addr = addr, error = e).into_owned())?;
    let port = std_listener.local_addr().map_err(|e| e.to_string())?.port();
    std_listener
        .set_nonblocking(true)
        .map_err(|e| e.to_string())?;
    let base_url = format!("http://{host}:{port}/");
    let (sender, _) = broadcast::channel(16);
    let state = Arc::new(ServeState {
        root,
        editing: local_only(&opts.bind),
        base_url: base_url.clone(),
        drafts: opts.drafts,
        current: RwLock::new(None),
        error: RwLock::new(None),
        events: sender,
        cache: LoadCache::watched(),
        building: Mutex::new(()),
    });
    state.rebuild(true);
    let _watcher = watch::watch(state.clone())
        .map_err(|e| t!("serve.cannot_watch", error = e).into_owned())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let editing = state.editing;
    runtime.block_on(async move {
        let mut app = Router::new()
            .route("/__laomo/events", get(http::events))
            .route("/__laomo/reload.js", get(http::reload_js));
        // Editing writes the editor's files: offered only when the preview listens on
        // this computer alone.
        if state.editing {
            // A phone's photo is larger than axum's 2 MB default for a request.
            let photo_limit = DefaultBodyLimit::max(forms::MAX_PHOTO_BYTES + 1024 * 1024);
            app = app
                .route(
                    forms::NEW_PROFILE,
                    get(forms::new_profile_form)
                        .post(forms::save_new_profile)
                        .layer(photo_limit),
                )
                .route(
                    forms::EDIT_PROFILE,
                    get(forms::edit_profile_form)
                        .post(forms::save_profile)
                        .layer(photo_limit),
                )
                .route(forms::PREVIEW, axum::routing::post(forms::preview_body))
                .route(
                    forms::EDIT_PAGE,
                    get(forms::edit_page_form)
                        .post(forms::save_page)
                        .layer(photo_limit),
                )
                .route(
                    forms::NEW_PAGE,
                    get(forms::new_page_form)
                        .post(forms::save_new_page)
                        .layer(photo_limit),
                );
        }
        let app = app
            .fallback(http::page)
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(opts.bind.clone()),
                http::only_local_hosts,
            ))
            .with_state(state);
        // The Ctrl-C handler is in place before the address is printed, so a signal
        // sent as soon as the server is up still stops it cleanly.
        let shutdown = shutdown_signal()?;
        let listener =
            tokio::net::TcpListener::from_std(std_listener).map_err(|e| e.to_string())?;
        println!("{}", t!("serve.serving", url = base_url));
        if editing {
            // A reader of the first line may have gone already: never fail on this one.
            let _ = writeln!(
                std::io::stdout(),
                "{}",
                t!(
                    "serve.form",
                    url = format!("{}{}", base_url.trim_end_matches('/'), forms::NEW_PROFILE)
                )
            );
        }
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
    let _ = writeln!(std::io::stdout(), "{}", t!("serve.stopped"));
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

/// Whether `--bind` leaves the preview reachable from this computer only.
fn local_only(bind: &str) -> bool {
    bind == "localhost"
        || bind
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
