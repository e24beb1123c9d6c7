//! Turning one file into a `Page` of its kind: front matter checked field by field,
//! body rendered, photos found. All problems in a file are reported together.

mod association;
mod body;
mod collection;
mod exhibition;
mod plain;
mod profile;
mod story;

use association::association;
use body::{bundle_assets, resolve_inline_images, resolve_shortcode_files, site_links};
use collection::collection;
use exhibition::exhibition;
use plain::plain_page;
use profile::profile;
use story::story;

use super::assets;

use super::front_matter::*;

use super::markdown;

use super::shortcode::{self, ShortcodeCall};

use super::source::{decode, split_front_matter};

use super::{SiteRoot, kind_of};

use crate::config::Config;

use crate::diagnostic::{Diagnostic, Position, nearest};

use crate::model::*;

use crate::pinyin::{self, Reading};

use crate::yaml::{Scalar, Sp, YamlSource};

use rust_i18n::t;
use std::path::Path;

/// Per-file state: the sources for positions and the diagnostics found so far.
struct FileCx<'a> {
    site: &'a SiteRoot,
    config: &'a Config,
    rel: String,
    lines: crate::diagnostic::LineIndex<'a>,
    yaml: YamlSource<'a>,
    dir: &'a Path,
    path: String,
    diags: Vec<Diagnostic>,
}

impl FileCx<'_> {
    fn err<T>(&mut self, at: &Sp<T>, msg: impl Into<String>, hint: impl Into<String>) {
        let d = self.yaml.error_at(at, msg).hint(hint);
        self.diags.push(d);
    }

    fn warn<T>(&mut self, at: &Sp<T>, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.push(self.yaml.warning_at(at, msg).hint(hint));
    }

    fn reference(&self, kind: Kind, field: &'static str, sp: &Sp<String>) -> Reference {
        let position = self.yaml.position_of(sp);
        Reference {
            kind,
            slug: sp.value.trim().to_string(),
            source_line: position.and_then(|p| self.lines.shared(p.line)),
            position,
            field: field.into(),
        }
    }

    fn date(&mut self, sp: &Sp<Scalar>, field: &str) -> Option<Date> {
        let parsed = match &sp.value {
            Scalar::Int(y) => Date::from_year(*y),
            Scalar::Text(t) => Date::parse(t),
            Scalar::Float(_) => Err(String::new()),
            Scalar::Bool(_) => Err(t!("load.date.bool").into_owned()),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(msg) => {
                // As written in the file: YAML reads `2018.10` as the number 2018.1.
                let written = self
                    .yaml
                    .position_of(sp)
                    .and_then(|p| {
                        let line = self.lines.line(p.line)?;
                        let rest: String = line.chars().skip(p.column - 1).collect();
                        let token: String = rest
                            .chars()
                            .take_while(|c| !matches!(c, ',' | ']' | '}' | '#'))
                            .collect();
                        Some(token.trim().trim_matches(['"', '\'']).to_string())
                    })
                    .unwrap_or_else(|| sp.value.as_text());
                let hint = match Date::suggest(&written) {
                    Some(iso) => t!("load.date.did_you_mean", field = field, iso = iso),
                    None => t!("load.date.hint"),
                };
                let msg = match sp.value {
                    Scalar::Float(_) => t!("load.date.number", written = written).into_owned(),
                    _ => msg,
                };
                self.err(
                    sp,
                    t!("load.date.error", field = field, message = msg),
                    hint,
                );
                None
            }
        }
    }

    fn image(
        &mut self,
        sp: &Sp<String>,
        field: &str,
        alt: Option<String>,
        caption: Option<String>,
    ) -> Option<Image> {
        match assets::image(
            self.site,
            &self.config.base_path,
            self.dir,
            &self.path,
            &sp.value,
            alt,
            caption,
        ) {
            Ok(mut i) => {
                let position = self.yaml.position_of(sp);
                i.origin = ImageOrigin {
                    page: self.rel.clone(),
                    field: field.to_string(),
                    source_line: position.and_then(|p| self.lines.shared(p.line)),
                    position,
                };
                Some(i)
            }
            Err((msg, hint)) => {
                self.err(sp, t!("load.field", field = field, message = msg), hint);
                None
            }
        }
    }

    fn gallery(&mut self, entries: &[Sp<GalleryEntry>], default_alt: &str) -> Vec<Image> {
        let mut out = Vec::new();
        for g in entries {
            let alt = g
                .value
                .alt
                .clone()
                .or_else(|| g.value.caption.clone())
                .or_else(|| Some(default_alt.to_string()));
            if let Some(mut i) = self.image(&g.value.src, "gallery", alt, g.value.caption.clone()) {
                i.credit = g.value.credit.clone();
                out.push(i);
            }
        }
        out
    }

    fn required_text(&mut self, sp: &Sp<String>, field: &str) -> String {
        let v = sp.value.trim().to_string();
        if v.is_empty() {
            self.err(
                sp,
                t!("load.empty_field", field = field),
                t!("load.empty_field.hint", field = field),
            );
        }
        v
    }

    fn slug_override(&mut self, sp: &Option<Sp<String>>) -> Option<String> {
        let sp = sp.as_ref()?;
        if pinyin::is_valid_slug(&sp.value) {
            Some(sp.value.clone())
        } else {
            let fixed = pinyin::normalize_slug(&pinyin::read_text(&sp.value).text_slug());
            self.err(
                sp,
                t!("load.bad_slug", slug = sp.value),
                t!("load.bad_slug.hint", fixed = fixed),
            );
            Some(fixed)
        }
    }
}

fn read(site: &SiteRoot, path: &Path) -> Result<String, Diagnostic> {
    let rel = site.rel(path);
    let bytes =
        super::source::read_limited(path).map_err(|m| Diagnostic::error(m).in_file(&rel))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Diagnostic::error(t!("load.empty_file"))
            .in_file(&rel)
            .hint(t!("load.empty_file.hint")));
    }
    decode(bytes).map_err(|m| Diagnostic::error(m).in_file(&rel))
}

/// The front matter opens with `---` but never closes: pointed at line 1.
fn unclosed_front_matter(message: String, rel: &str, text: &str) -> Diagnostic {
    // Closed, but with a fence typed in full-width dashes: point at that line.
    if let Some(n) = text
        .lines()
        .skip(1)
        .position(crate::yaml::traps::is_lookalike_fence)
    {
        return lookalike_fence(rel, text, n + 2);
    }
    Diagnostic::error(message)
        .in_file(rel)
        .at(Position::new(1, 1))
        .spanning(3)
        .hint(t!("load.unclosed.hint"))
        .with_source(text)
}

/// A front-matter fence written `－－－` or `———`, which YAML and Markdown do not know.
fn lookalike_fence(rel: &str, text: &str, line: usize) -> Diagnostic {
    let shown = text.lines().nth(line - 1).unwrap_or("").trim();
    Diagnostic::error(t!("traps.fence", line = line, shown = shown))
        .in_file(rel)
        .at(Position::new(line, 1))
        .spanning(shown.chars().count())
        .hint(t!("traps.fence.hint"))
        .with_source(text)
}

/// Line 1 looks like a fence but is not one: the file would otherwise be read as
/// having no front matter at all.
fn lookalike_opening(rel: &str, text: &str) -> Option<Diagnostic> {
    let first = text.lines().next()?;
    crate::yaml::traps::is_lookalike_fence(first).then(|| lookalike_fence(rel, text, 1))
}

pub fn stem_of(path: &Path, bundle: bool) -> String {
    let p = if bundle {
        path.parent().unwrap_or(path)
    } else {
        path
    };
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if bundle {
        name
    } else {
        name.rsplit_once('.')
            .map(|(s, _)| s.to_string())
            .unwrap_or(name)
    }
}

pub fn load_page(
    site: &SiteRoot,
    config: &Config,
    path: &Path,
    bundle: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    match read(site, path) {
        Ok(text) => load_page_text(site, config, path, bundle, text),
        Err(d) => (None, vec![d]),
    }
}

/// [`load_page`] of `text` as if it were the file at `path`: the preview's forms check
/// a page with the build's own rules before they write it.
/// A page file's body with its shortcodes as markers, numbered as the loaded page's
/// `shortcodes`: what outputs other than the web page (the printed book) start from.
pub fn expanded_body(text: &str, rel: &str) -> Option<String> {
    let split = split_front_matter(text).ok()?;
    Some(
        shortcode::expand(split.body, rel, split.body_first_line)
            .0
            .markdown,
    )
}

pub fn load_page_text(
    site: &SiteRoot,
    config: &Config,
    path: &Path,
    bundle: bool,
    text: String,
) -> (Option<Page>, Vec<Diagnostic>) {
    let rel = site.rel(path);
    let split = match split_front_matter(&text) {
        Ok(s) => s,
        Err(m) => return (None, vec![unclosed_front_matter(m, &rel, &text)]),
    };
    if split.front_matter.is_none()
        && let Some(d) = lookalike_opening(&rel, &text)
    {
        return (None, vec![d]);
    }
    let kind = kind_of(site, path);
    let dir = path.parent().unwrap_or(&site.content).to_path_buf();
    let stem = stem_of(path, bundle);
    let yaml_text = split.front_matter.unwrap_or("");
    if split.front_matter.is_none() && kind != Kind::Page {
        let d = Diagnostic::error(t!("load.no_front_matter", what = kind.noun()))
            .in_file(&rel)
            .at(Position::new(1, 1))
            .hint(t!("load.no_front_matter.hint"))
            .with_source(&text);
        return (None, vec![d]);
    }
    let noun = kind.noun();
    let mut cx = FileCx {
        site,
        config,
        rel: rel.clone(),
        lines: crate::diagnostic::LineIndex::new(&text),
        yaml: YamlSource {
            file: "",
            file_text: &text,
            yaml: yaml_text,
            first_line: split.yaml_first_line,
            what: &noun,
        },
        dir: &dir,
        path: String::new(),
        diags: Vec::new(),
    };
    let rel_for_yaml = rel.clone();
    cx.yaml.file = &rel_for_yaml;
    // The input method's traps first: parsing a file with them only adds puzzles.
    let traps = cx.yaml.traps();
    let trapped = traps.iter().any(Diagnostic::is_error);
    cx.diags.extend(traps);
    if trapped {
        return (None, cx.diags);
    }

    let (expanded, sc_diags) = shortcode::expand(split.body, &rel, split.body_first_line);
    cx.diags.extend(sc_diags);
    let rendered = markdown::render_in(&expanded.markdown, &config.base_path, &|p| {
        site.link_path(p)
    });

    let built = match kind {
        Kind::Profile => profile(&mut cx, &stem),
        Kind::Story => story(&mut cx, &stem),
        Kind::Exhibition => exhibition(&mut cx, &stem),
        Kind::Collection => collection(&mut cx, &stem),
        Kind::Association => association(&mut cx, &stem),
        Kind::Page => plain_page(&mut cx, &stem, path, bundle),
    };
    let Some(b) = built else {
        return (None, cx.diags);
    };
    if !b.draft {
        cx.diags.extend(super::unfinished::check(
            split.body,
            split.body_first_line + 1,
            &rel,
        ));
    }
    let mut calls = expanded.calls;
    resolve_shortcode_files(&mut cx, &mut calls, &b.details);
    let inline_images =
        resolve_inline_images(&mut cx, &rendered, &expanded.markdown, &expanded.line_map);
    let body_links = site_links(&cx, &rendered, &expanded.markdown, &expanded.line_map);

    let summary = b
        .summary
        .filter(|s| !s.trim().is_empty())
        .or(rendered
            .summary_before_more
            .map(|s| markdown::summarize(&s, usize::MAX)))
        .unwrap_or_else(|| markdown::summarize(&rendered.plain, config.summary_chars));
    let assets = if bundle {
        bundle_assets(site, &dir, &cx.path, &mut cx.diags)
    } else {
        Vec::new()
    };
    let diags = std::mem::take(&mut cx.diags);
    let page_path = cx.path.clone();
    drop(cx);
    let page = Page {
        kind,
        source: rel,
        origin: site.origin.as_ref().map(|o| o.name.clone()),
        slug: b.slug,
        path: page_path,
        title: b.title,
        draft: b.draft,
        date: b.date,
        summary,
        search_text: markdown::summarize(&rendered.plain, SEARCH_TEXT_CHARS),
        content: rendered.html,
        shortcodes: calls,
        inline_images,
        extra: b.extra.unwrap_or(serde_json::Value::Null),
        reading: b.reading,
        attachments: assets,
        site_links: body_links,
        dir,
        details: b.details,
    };
    (Some(page), diags)
}

/// How much of a body the search index reads: enough for its opening, where names,
/// places and activities are introduced, without the whole text in memory.
const SEARCH_TEXT_CHARS: usize = 200;

struct Built {
    slug: String,
    title: String,
    draft: bool,
    date: Option<Date>,
    summary: Option<String>,
    extra: Option<serde_json::Value>,
    reading: Reading,
    details: Details,
}

fn parse<T: serde::de::DeserializeOwned>(cx: &mut FileCx, keys: &[&str]) -> Option<T> {
    match cx.yaml.parse::<T>(keys) {
        Ok(v) => Some(v),
        Err(d) => {
            cx.diags.push(d);
            None
        }
    }
}

impl FileCx<'_> {
    /// The address of a page of `kind`: `/profiles/ding-weisong/`, under the source's
    /// prefix for a page of a source site.
    fn section_path(&self, kind: Kind, slug: &str) -> String {
        self.site
            .site_path(&format!("/{}/{}/", kind.section(), slug))
    }
}

fn title_slug(
    cx: &mut FileCx,
    slug: &Option<Sp<String>>,
    stem: &str,
    title: &Sp<String>,
) -> String {
    let s = cx
        .slug_override(slug)
        .unwrap_or_else(|| pinyin::file_slug(stem));
    if s.is_empty() {
        cx.err(
            title,
            t!("load.no_slug", stem = stem),
            t!("load.no_slug.hint"),
        );
    }
    s
}

pub fn load_intro(
    site: &SiteRoot,
    config: &Config,
    path: &Path,
) -> (Option<SectionIntro>, Vec<Diagnostic>) {
    let rel = site.rel(path);
    let text = match read(site, path) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let split = match split_front_matter(&text) {
        Ok(s) => s,
        Err(m) => return (None, vec![unclosed_front_matter(m, &rel, &text)]),
    };
    if split.front_matter.is_none()
        && let Some(d) = lookalike_opening(&rel, &text)
    {
        return (None, vec![d]);
    }
    let section = path
        .parent()
        .and_then(|p| p.strip_prefix(&site.content).ok())
        .map(|p| {
            p.components()
                .map(|c| pinyin::file_slug(&c.as_os_str().to_string_lossy()))
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(&site.content).to_path_buf();
    let rel_for_yaml = rel.clone();
    let intro_noun = t!("kind.intro");
    let mut cx = FileCx {
        site,
        config,
        rel: rel.clone(),
        lines: crate::diagnostic::LineIndex::new(&text),
        yaml: YamlSource {
            file: &rel_for_yaml,
            file_text: &text,
            yaml: split.front_matter.unwrap_or(""),
            first_line: split.yaml_first_line,
            what: &intro_noun,
        },
        dir: &dir,
        path: if section.is_empty() {
            "/".to_string()
        } else {
            format!("/{section}/")
        },
        diags: Vec::new(),
    };
    let traps = cx.yaml.traps();
    if traps.iter().any(Diagnostic::is_error) {
        return (None, traps);
    }
    cx.diags.extend(traps);
    let fm: PageFm = match cx.yaml.parse(PAGE_KEYS) {
        Ok(f) => f,
        Err(d) => return (None, vec![d]),
    };
    let (expanded, sc) = shortcode::expand(split.body, &rel, split.body_first_line);
    cx.diags.extend(sc);
    let rendered = markdown::render_in(&expanded.markdown, &config.base_path, &|p| {
        site.link_path(p)
    });
    let mut calls = expanded.calls;
    resolve_shortcode_files(
        &mut cx,
        &mut calls,
        &Details::Page(PlainPage { menu_order: None }),
    );
    let inline_images =
        resolve_inline_images(&mut cx, &rendered, &expanded.markdown, &expanded.line_map);
    let diags = std::mem::take(&mut cx.diags);
    (
        Some(SectionIntro {
            section,
            source: rel,
            title: fm.title,
            summary: fm.summary,
            content: rendered.html,
            shortcodes: calls,
            inline_images,
            extra: fm.extra.unwrap_or(serde_json::Value::Null),
        }),
        diags,
    )
}
