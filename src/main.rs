#![forbid(unsafe_code)]
//! The command line. Parsing only: every command's work lives in the library.

use clap::{Parser, Subcommand, ValueEnum};
use laomo::build::{BuildOptions, build};
use laomo::diagnostic::Diagnostics;
use laomo::scaffold;
use std::path::PathBuf;
use std::process::ExitCode;

// Building a site allocates millions of small strings on every core; mimalloc's
// per-thread heaps make that markedly cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// laomo builds model-worker (劳模) showcase sites from Markdown.
#[derive(Parser)]
#[command(name = "laomo", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (replaced only when the build succeeds).
    Build {
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Override base_url from site.yaml, e.g. for a preview host.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check the whole site and list every problem, writing nothing.
    Check {
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
        /// Also check pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Preview the site while editing: serve it and rebuild on every save.
    Serve {
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
        /// The port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on (loopback by default: only this computer).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new page with its front matter skeleton (never overwrites).
    New {
        /// What to create.
        kind: NewKind,
        /// The person's name or the page's title, e.g. 丁卫松.
        name: String,
        /// The page's address and file name [default: from the name's pinyin, e.g. ding-weisong].
        #[arg(long)]
        slug: Option<String>,
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Create a new site with a small sample in DIR.
    Init {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Profile,
    Story,
    Exhibition,
    Collection,
    Association,
}

fn print_diagnostics(d: &Diagnostics) {
    let (shown, hidden) = d.shown(laomo::diagnostic::SHOWN_PER_FILE);
    for item in shown {
        eprintln!("{item}");
    }
    for (file, n) in hidden {
        eprintln!("note: {n} more problem(s) in {file} are not shown; fix the ones above first\n");
    }
}

/// The site to work on, or the message that there is none (before any work is done).
fn site_root(root: Option<PathBuf>) -> Result<PathBuf, ExitCode> {
    laomo::config::Config::locate(root.as_deref()).map_err(|d| {
        eprintln!("{d}");
        ExitCode::FAILURE
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) | Err(code) => code,
    }
}

fn run(command: Command) -> Result<ExitCode, ExitCode> {
    Ok(match command {
        Command::Build {
            root,
            output,
            drafts,
            base_url,
        } => {
            let root = site_root(root)?;
            let report = build(&BuildOptions {
                root,
                output,
                drafts,
                base_url,
                write: true,
            });
            print_diagnostics(&report.diagnostics);
            let d = &report.diagnostics;
            if report.ok() && report.written {
                println!(
                    "built {} pages ({} files) into {} in {} ms{}",
                    report.pages,
                    report.files,
                    report.output.display(),
                    report.elapsed.as_millis(),
                    if d.warning_count() > 0 {
                        format!(", {} warning(s)", d.warning_count())
                    } else {
                        String::new()
                    }
                );
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "error: build failed with {} error(s) and {} warning(s); {} was left as it was",
                    d.error_count(),
                    d.warning_count(),
                    report.output.display()
                );
                ExitCode::FAILURE
            }
        }
        Command::Check { root, drafts } => {
            let root = site_root(root)?;
            let report = build(&BuildOptions {
                root,
                output: None,
                drafts,
                base_url: None,
                write: false,
            });
            print_diagnostics(&report.diagnostics);
            let d = &report.diagnostics;
            if report.ok() {
                println!(
                    "checked {} pages: no errors, {} warning(s)",
                    report.pages,
                    d.warning_count()
                );
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "error: found {} error(s) and {} warning(s)",
                    d.error_count(),
                    d.warning_count()
                );
                ExitCode::FAILURE
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => match laomo::serve::serve(laomo::serve::ServeOptions {
            root: site_root(root)?,
            port,
            bind,
            open,
            drafts,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::New {
            kind,
            name,
            slug,
            root,
        } => {
            let root = site_root(root)?;
            let kind = match kind {
                NewKind::Profile => scaffold::NewKind::Profile,
                NewKind::Story => scaffold::NewKind::Story,
                NewKind::Exhibition => scaffold::NewKind::Exhibition,
                NewKind::Collection => scaffold::NewKind::Collection,
                NewKind::Association => scaffold::NewKind::Association,
            };
            match scaffold::new_page(&root, kind, &name, slug.as_deref()) {
                Ok(path) => {
                    println!(
                        "created {} as a draft: preview it with `laomo serve --drafts`, and delete its `draft: true` line when it is ready to publish",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{d}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                println!(
                    "created a new site in {}; build it with: laomo build --root {}",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::FAILURE
            }
        },
    })
}
