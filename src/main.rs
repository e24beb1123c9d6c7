#![forbid(unsafe_code)]
//! The command line. Parsing only: every command's work lives in the library.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use laomo::build::{BuildOptions, build};
use laomo::diagnostic::Diagnostics;
use laomo::scaffold;
use rust_i18n::t;
use std::path::PathBuf;
use std::process::ExitCode;

// The binary's texts come from the library's catalogue, locales/laomo.yml.
rust_i18n::i18n!("locales", fallback = "en");

// Building a site allocates millions of small strings on every core; mimalloc's
// per-thread heaps make that markedly cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// laomo builds model-worker (劳模) showcase sites from Markdown.
#[derive(Parser)]
#[command(name = "laomo", version, about, long_about = None)]
struct Cli {
    /// The language of messages: zh-CN (default) or en.
    #[arg(long, global = true, value_parser = ["zh-CN", "en"])]
    lang: Option<String>,
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
        /// Build even when nothing changed since the last build, reading every file and rendering every page again.
        #[arg(long)]
        force: bool,
        /// Leave out a source site (`sources:`) that has errors, instead of stopping.
        #[arg(long)]
        skip_broken_sources: bool,
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
    /// Import an association's roster spreadsheet (.xlsx, .xls, .ods, .csv) as profiles.
    Import {
        /// What to import: roster (名录).
        what: Table,
        /// The spreadsheet, e.g. 名录.xlsx.
        file: PathBuf,
        /// A mapping file naming what each column holds.
        #[arg(long)]
        map: Option<PathBuf>,
        /// Show what would be created and changed, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leave out private columns instead of keeping them under private:.
        #[arg(long)]
        drop_private: bool,
        /// Import the good rows and list the bad ones.
        #[arg(long)]
        skip_bad: bool,
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Export the published roster as a spreadsheet (.xlsx or .csv).
    Export {
        /// What to export: roster (名录).
        what: Table,
        /// The file to write: 名录.xlsx or 名录.csv.
        out: PathBuf,
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Draw a page's poster (photo, name, honors, QR code) as a PNG.
    Poster {
        /// The page: its file, address, slug or title.
        page: String,
        /// The PNG to write [default: SLUG-poster.png in this folder].
        #[arg(short = 'o', long = "output")]
        poster_file: Option<PathBuf>,
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Typeset a collection as a print-ready PDF book.
    Book {
        /// The collection: its file, address, slug or title.
        collection: String,
        /// The PDF to write [default: SLUG.pdf in this folder].
        #[arg(short = 'o', long = "output")]
        pdf: Option<PathBuf>,
        /// Print draft stories too.
        #[arg(long)]
        drafts: bool,
        /// The site folder (with site.yaml) [default: this folder or the nearest above it with one].
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Set an exhibition's exhibit labels (title, honor, caption, QR code) on A4 sheets.
    Labels {
        /// The exhibition: its file, address, slug or title.
        exhibition: String,
        /// The PDF to write [default: SLUG-labels.pdf in this folder].
        #[arg(short = 'o', long = "output")]
        labels_file: Option<PathBuf>,
        /// Label draft pages too.
        #[arg(long)]
        drafts: bool,
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

/// What `import` and `export` read or write.
#[derive(Clone, Copy, ValueEnum)]
enum Table {
    Roster,
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
        eprintln!("{}\n", t!("diag.hidden", count = n, file = file));
    }
}

/// Prints what went wrong, then the one line saying what was made: the end of every
/// command that makes one file (a roster, a poster, a book, labels).
fn report_made<T, S: std::fmt::Display>(
    diags: &Diagnostics,
    made: Option<T>,
    say: impl FnOnce(T) -> S,
) -> ExitCode {
    print_diagnostics(diags);
    match made {
        Some(m) => {
            println!("{}", say(m));
            ExitCode::SUCCESS
        }
        None => ExitCode::FAILURE,
    }
}

/// The site to work on, or the message that there is none (before any work is done).
fn site_root(root: Option<PathBuf>) -> Result<PathBuf, ExitCode> {
    laomo::config::Config::locate(root.as_deref()).map_err(|d| {
        eprintln!("{d}");
        ExitCode::FAILURE
    })
}

/// `--lang` as given, read before clap so that the help itself is in that language.
fn lang_flag() -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_string());
        }
        if a == "--lang" {
            return args.next();
        }
    }
    None
}

/// The help in the user's language: clap's own headings and flags included.
fn localized(cmd: clap::Command) -> clap::Command {
    let zh = &*rust_i18n::locale() == laomo::util::lang::CHINESE;
    let heading = |a: clap::Arg| {
        if !zh {
            a
        } else if a.is_positional() {
            a.help_heading("参数")
        } else {
            a.help_heading("选项")
        }
    };
    let arg_help = |cmd: clap::Command, ids: &[&str]| {
        ids.iter().fold(cmd, |c, id| {
            c.mut_arg(*id, |a| {
                let a = a.help(t!(format!("cli.arg.{id}")).to_string());
                // The Chinese help lists the kinds itself, with what each one is.
                heading(if zh && *id == "kind" {
                    a.hide_possible_values(true)
                } else {
                    a
                })
            })
        })
    };
    let chinese = |c: clap::Command| {
        if !zh {
            return c;
        }
        c.help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}")
            .subcommand_help_heading("命令")
            .next_help_heading("选项")
            .disable_help_flag(true)
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(clap::ArgAction::Help)
                    .help("显示帮助"),
            )
    };
    let mut cmd = chinese(cmd.about(t!("cli.about").to_string())).mut_arg("lang", |a| {
        heading(
            a.help(t!("cli.arg.lang").to_string())
                .hide_possible_values(true),
        )
    });
    if zh {
        cmd = cmd
            .disable_version_flag(true)
            .arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help("显示版本"),
            )
            .disable_help_subcommand(true);
    }
    for (name, args) in [
        (
            "build",
            &[
                "root",
                "output",
                "drafts",
                "base_url",
                "force",
                "skip_broken_sources",
            ][..],
        ),
        ("check", &["root", "drafts"]),
        ("serve", &["root", "port", "bind", "open", "drafts"]),
        ("new", &["kind", "name", "slug", "root"]),
        ("init", &["dir"]),
        (
            "import",
            &[
                "what",
                "file",
                "map",
                "dry_run",
                "drop_private",
                "skip_bad",
                "root",
            ],
        ),
        ("export", &["what", "out", "root"]),
        ("poster", &["page", "poster_file", "root"]),
        ("book", &["collection", "pdf", "drafts", "root"]),
        ("labels", &["exhibition", "labels_file", "drafts", "root"]),
    ] {
        cmd = cmd.mut_subcommand(name, |c| {
            let c = c.about(t!(format!("cli.{name}.about")).to_string());
            chinese(arg_help(c, args))
        });
    }
    cmd
}

fn main() -> ExitCode {
    laomo::util::lang::set(laomo::util::lang::choose(lang_flag().as_deref()));
    let matches = localized(Cli::command()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
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
            force,
            skip_broken_sources,
        } => {
            let root = site_root(root)?;
            let report = build(&BuildOptions {
                root,
                output,
                drafts,
                base_url,
                write: true,
                force,
                skip_broken_sources,
            });
            print_diagnostics(&report.diagnostics);
            for warning in &report.replayed {
                eprintln!("{warning}");
            }
            let d = &report.diagnostics;
            if report.up_to_date {
                println!(
                    "{}",
                    t!(
                        "cli.up_to_date",
                        output = report.output.display(),
                        files = report.files,
                        ms = report.elapsed.as_millis()
                    )
                );
                ExitCode::SUCCESS
            } else if report.ok() && report.written {
                let (pages, files, output, ms, warnings) = (
                    report.pages,
                    report.files,
                    report.output.display(),
                    report.elapsed.as_millis(),
                    d.warning_count(),
                );
                if warnings > 0 {
                    println!(
                        "{}",
                        t!(
                            "cli.built_warnings",
                            pages = pages,
                            files = files,
                            output = output,
                            ms = ms,
                            warnings = warnings
                        )
                    );
                } else {
                    println!(
                        "{}",
                        t!(
                            "cli.built",
                            pages = pages,
                            files = files,
                            output = output,
                            ms = ms
                        )
                    );
                }
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{}",
                    t!(
                        "cli.build_failed",
                        errors = d.error_count(),
                        warnings = d.warning_count(),
                        output = report.output.display()
                    )
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
                force: false,
                skip_broken_sources: false,
            });
            print_diagnostics(&report.diagnostics);
            let d = &report.diagnostics;
            if report.ok() {
                println!(
                    "{}",
                    t!(
                        "cli.checked",
                        pages = report.pages,
                        warnings = d.warning_count()
                    )
                );
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{}",
                    t!(
                        "cli.check_failed",
                        errors = d.error_count(),
                        warnings = d.warning_count()
                    )
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
                eprintln!("{}", t!("cli.serve_error", message = e));
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
                    println!("{}", t!("cli.created_draft", path = path.display()));
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{d}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Import {
            what: Table::Roster,
            file,
            map,
            dry_run,
            drop_private,
            skip_bad,
            root,
        } => {
            let root = site_root(root)?;
            let report = laomo::roster::import(
                &root,
                &laomo::roster::ImportOptions {
                    file,
                    map,
                    dry_run,
                    drop_private,
                    skip_bad,
                },
            );
            print_diagnostics(&report.diags);
            for line in &report.lines {
                println!("{line}");
            }
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Export {
            what: Table::Roster,
            out,
            root,
        } => {
            let root = site_root(root)?;
            let mut diags = Diagnostics::new();
            let mut stages = laomo::build::Stages::new();
            let exported = laomo::build::prepare(
                &root,
                false,
                &Default::default(),
                None,
                true,
                &mut diags,
                &mut stages,
            )
            .and_then(|(renderer, _)| {
                laomo::roster::export::export(renderer.site(), &out, &mut diags)
            });
            report_made(&diags, exported, |n| {
                t!("roster.exported", count = n, file = out.display())
            })
        }
        Command::Poster {
            page,
            poster_file,
            root,
        } => {
            let root = site_root(root)?;
            let mut diags = Diagnostics::new();
            let drawn = laomo::poster::poster(&root, &page, poster_file.as_deref(), &mut diags);
            report_made(&diags, drawn, |p| {
                t!(
                    "poster.written",
                    page = p.page,
                    file = p.file.display(),
                    width = p.size.0,
                    height = p.size.1
                )
            })
        }
        Command::Book {
            collection,
            pdf,
            drafts,
            root,
        } => {
            let root = site_root(root)?;
            let mut diags = Diagnostics::new();
            let printed =
                laomo::print::book::book(&root, &collection, pdf.as_deref(), drafts, &mut diags);
            report_made(&diags, printed, |b| {
                t!(
                    "book.written",
                    title = b.title,
                    file = b.file.display(),
                    pages = b.pages,
                    chapters = b.chapters
                )
            })
        }
        Command::Labels {
            exhibition,
            labels_file,
            drafts,
            root,
        } => {
            let root = site_root(root)?;
            let mut diags = Diagnostics::new();
            let printed = laomo::print::labels::labels(
                &root,
                &exhibition,
                labels_file.as_deref(),
                drafts,
                &mut diags,
            );
            report_made(&diags, printed, |l| {
                t!(
                    "labels.written",
                    title = l.title,
                    file = l.file.display(),
                    labels = l.labels,
                    pages = l.pages
                )
            })
        }
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                println!("{}", t!("cli.created_site", dir = dir.display()));
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::FAILURE
            }
        },
    })
}
