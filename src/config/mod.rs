//! `site.yaml`: the site's settings and its honor vocabulary.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::yaml::{Sp, YamlSource};
use indexmap::IndexMap;
use rust_i18n::t;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const SITE_FILE: &str = "site.yaml";

pub mod paper;
pub mod publisher;
pub mod sources;
pub use paper::Paper;
pub use publisher::Publisher;
pub use sources::SourceSite;

const SITE_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "description",
    "honors",
    "eras",
    "regions",
    "term_slugs",
    "paginate",
    "summary_chars",
    "images",
    "menu",
    "publisher",
    "share",
    "print",
    "sources",
    "same_person",
    "extra",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    title: String,
    base_url: Sp<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    theme: Option<Sp<String>>,
    #[serde(default)]
    description: Option<String>,
    /// Optional: a site of stories only needs none; each profile's titles are checked against it.
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    honors: Vec<Sp<HonorFile>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    eras: Vec<Sp<EraFile>>,
    #[serde(default)]
    regions: IndexMap<String, Vec<String>>,
    #[serde(default)]
    term_slugs: IndexMap<String, Sp<String>>,
    #[serde(default)]
    paginate: Option<Sp<i64>>,
    #[serde(default)]
    summary_chars: Option<Sp<i64>>,
    #[serde(default)]
    images: Option<Sp<ImageSettingsFile>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    menu: Vec<MenuItem>,
    #[serde(default)]
    publisher: Option<publisher::PublisherFile>,
    #[serde(default)]
    share: Option<ShareFile>,
    #[serde(default)]
    print: Option<paper::PrintFile>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    sources: Vec<Sp<sources::SourceFile>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    same_person: Vec<Sp<String>>,
    #[serde(default)]
    extra: Option<serde_json::Value>,
}

/// `share:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareFile {
    #[serde(default)]
    cards: Option<bool>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    fonts: Vec<Sp<String>>,
}

/// How pages are shared: whether each gets a share card, and the fonts to draw them
/// with (the computer's own when none are named).
#[derive(Debug, Clone)]
pub struct ShareSettings {
    /// `None` when site.yaml does not say: cards are drawn when the computer has a
    /// Chinese font, and a build without one warns instead of failing.
    pub cards: Option<bool>,
    /// Font files or folders, resolved against the site folder.
    pub fonts: Vec<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HonorFile {
    id: String,
    name: String,
    level: String,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EraFile {
    name: String,
    #[serde(default)]
    until: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    #[serde(default = "default_quality")]
    pub quality: u8,
    #[serde(default = "default_max_pixels")]
    pub max_pixels: u64,
}

/// `images:` as written, each value with its place for errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageSettingsFile {
    #[serde(default)]
    widths: Option<Sp<Vec<Sp<i64>>>>,
    #[serde(default)]
    quality: Option<Sp<i64>>,
    #[serde(default)]
    max_pixels: Option<Sp<i64>>,
}

/// The widest photo laomo writes: wider than any screen's need at 2× density.
const MAX_WIDTH: i64 = 8192;

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}
fn default_quality() -> u8 {
    82
}
fn default_max_pixels() -> u64 {
    100_000_000
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: default_widths(),
            quality: default_quality(),
            max_pixels: default_max_pixels(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
}

/// One title in the honor vocabulary. Its rank is its position: 0 is the highest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Honor {
    pub id: String,
    pub name: String,
    pub level: String,
    pub aliases: Vec<String>,
    pub rank: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Era {
    pub name: String,
    pub until: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of base_url, `/laomo/` or `/`: every internal link starts with it.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub description: String,
    pub honors: Vec<Honor>,
    /// Levels in the order they first appear in the vocabulary.
    pub levels: Vec<String>,
    pub eras: Vec<Era>,
    /// Parent region -> its parts.
    pub regions: IndexMap<String, Vec<String>>,
    pub term_slugs: BTreeMap<String, String>,
    pub paginate: usize,
    pub summary_chars: usize,
    pub images: ImageSettings,
    pub menu: Vec<MenuItem>,
    pub publisher: Publisher,
    pub share: ShareSettings,
    pub print: PrintSettings,
    /// Other laomo sites shown in this one (`sources:`), in the order written.
    pub sources: Vec<SourceSite>,
    /// When two profiles of different sources without `id:` are one person.
    pub same_person: Vec<sources::PersonField>,
    /// Set from the command line (`--skip-broken-sources`), never from site.yaml: a
    /// source with errors is left out instead of stopping the build.
    pub skip_broken_sources: bool,
    pub extra: serde_json::Value,
}

/// How books and labels are printed (`print:`): the paper, and fonts beside the
/// computer's own.
#[derive(Debug, Clone, Default)]
pub struct PrintSettings {
    pub paper: Paper,
    pub fonts: Vec<PathBuf>,
}

impl Config {
    /// Finds an honor by name, alias or id.
    pub fn honor(&self, title: &str) -> Option<&Honor> {
        let t = title.trim();
        self.honors
            .iter()
            .find(|h| h.name == t || h.id == t || h.aliases.iter().any(|a| a == t))
    }

    /// The honor an unknown title most likely means, for "did you mean": titles are
    /// compared as people write them (劳模 for 劳动模范, 省级 for 省, 称号 left out), then
    /// by one containing the other (省劳动模范 in 浙江省劳动模范), then by edit distance.
    pub fn nearest_honor(&self, title: &str) -> Option<&Honor> {
        fn norm(s: &str) -> String {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            let s = s
                .trim_start_matches("荣获")
                .trim_start_matches("获得")
                .trim_start_matches("授予");
            s.replace("劳模", "劳动模范")
                .replace("级", "")
                .replace("荣誉称号", "")
                .replace("称号", "")
        }
        let wrong = norm(title);
        if wrong.is_empty() {
            return None;
        }
        let names = |h: &'_ Honor| -> Vec<String> {
            std::iter::once(&h.name)
                .chain(&h.aliases)
                .map(|n| norm(n))
                .collect()
        };
        if let Some(h) = self.honors.iter().find(|h| names(h).contains(&wrong)) {
            return Some(h);
        }
        let containing: Vec<&Honor> = self
            .honors
            .iter()
            .filter(|h| {
                names(h)
                    .iter()
                    .any(|n| n.contains(wrong.as_str()) || wrong.contains(n.as_str()))
            })
            .collect();
        if let [one] = containing[..] {
            return Some(one);
        }
        let all: Vec<(String, &Honor)> = self
            .honors
            .iter()
            .flat_map(|h| names(h).into_iter().map(move |n| (n, h)))
            .collect();
        let best = crate::diagnostic::nearest(&wrong, all.iter().map(|(n, _)| n.as_str()))?;
        all.iter().find(|(n, _)| n == best).map(|(_, h)| *h)
    }

    /// The era a year falls in (`until` is inclusive).
    pub fn era_for_year(&self, year: i32) -> Option<&Era> {
        self.eras
            .iter()
            .find(|e| e.until.is_none_or(|u| i64::from(year) <= u))
    }

    /// Absolute URL for a site path such as `/profiles/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// An absolute URL for a root-relative one that already has the base path:
    /// `/laomo/a.jpg` → `https://example.org/laomo/a.jpg`.
    pub fn absolute(&self, url: &str) -> String {
        let origin = self
            .base_url
            .strip_suffix(&self.base_path)
            .unwrap_or(self.base_url.trim_end_matches('/'));
        format!("{origin}{url}")
    }

    /// Root-relative URL with the base path: `/laomo/profiles/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The site a command works on. Given `--root`, that folder, which must hold a
    /// site.yaml; otherwise the nearest folder up from the current one that does, so an
    /// editor whose terminal is in content/profiles/ still builds the whole site.
    pub fn locate(root: Option<&Path>) -> Result<PathBuf, Diagnostic> {
        let is_site = |dir: &Path| dir.join(SITE_FILE).is_file();
        let start = match root {
            Some(r) if is_site(r) => return Ok(r.to_path_buf()),
            Some(r) => r.to_path_buf(),
            None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        };
        let above = start
            .canonicalize()
            .ok()
            .and_then(|abs| abs.ancestors().find(|d| is_site(d)).map(Path::to_path_buf));
        match (root, above) {
            (None, Some(site)) => Ok(site),
            (Some(r), above) => {
                let d = Diagnostic::error(t!("site.none_in", dir = r.display()));
                Err(match above {
                    Some(site) => d.hint(t!("site.none_in.above", site = site.display())),
                    None if !r.exists() => d.hint(t!("site.none_in.missing", dir = r.display())),
                    None => d.hint(t!("site.none_in.hint")),
                })
            }
            (None, None) => Err(
                Diagnostic::error(t!("site.none_here", dir = start.display()))
                    .hint(t!("site.none_here.hint")),
            ),
        }
    }

    pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
        let path = root.join(SITE_FILE);
        // Missing: the error below says how to make a site. Too large: refused unread.
        let read = match std::fs::metadata(&path) {
            Ok(_) => match crate::util::text::read_limited(&path) {
                Ok(bytes) => Ok(bytes),
                Err(m) => {
                    diags.push(Diagnostic::error(m).in_file(SITE_FILE));
                    return None;
                }
            },
            Err(e) => Err(e),
        };
        let text = match read {
            Ok(bytes) => match crate::util::text::decode(bytes) {
                Ok(t) => t,
                Err(msg) => {
                    diags.push(Diagnostic::error(msg).in_file(SITE_FILE));
                    return None;
                }
            },
            Err(e) => {
                diags.push(
                    Diagnostic::error(t!("config.read", file = SITE_FILE, error = e))
                        .in_file(SITE_FILE)
                        .hint(t!("config.read.hint")),
                );
                return None;
            }
        };
        let site_noun = t!("kind.site_yaml");
        let src = YamlSource {
            file: SITE_FILE,
            file_text: &text,
            yaml: &text,
            first_line: 0,
            what: &site_noun,
        };
        let traps = src.traps();
        let trapped = traps.iter().any(Diagnostic::is_error);
        diags.extend(traps);
        if trapped {
            return None;
        }
        let raw: SiteFile = match src.parse(SITE_KEYS) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        Some(Self::check(raw, root, &src, diags))
    }

    fn check(raw: SiteFile, root: &Path, src: &YamlSource, diags: &mut Diagnostics) -> Config {
        let mut base_url = raw.base_url.value.trim().to_string();
        let base_ok = (base_url.starts_with("http://") || base_url.starts_with("https://"))
            && base_url
                .split("://")
                .nth(1)
                .is_some_and(|h| !h.is_empty() && !h.starts_with('/'));
        if !base_ok {
            diags.push(
                src.error_at(&raw.base_url, t!("config.base_url", url = base_url))
                    .hint(t!("config.base_url.hint")),
            );
            base_url = "http://localhost/".into();
        }
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let base_path = base_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_else(|| "/".into());

        let mut honors: Vec<Honor> = Vec::new();
        let mut levels: Vec<String> = Vec::new();
        for h in &raw.honors {
            let v = &h.value;
            let clash = honors.iter().find(|o| {
                let mine: Vec<&str> = std::iter::once(v.name.as_str())
                    .chain(std::iter::once(v.id.as_str()))
                    .chain(v.aliases.iter().map(String::as_str))
                    .collect();
                mine.iter()
                    .any(|m| *m == o.name || *m == o.id || o.aliases.iter().any(|a| a == m))
            });
            if let Some(o) = clash {
                diags.push(
                    src.error_at(h, t!("config.honor_clash", name = v.name, other = o.name))
                        .hint(t!("config.honor_clash.hint")),
                );
                continue;
            }
            if !crate::pinyin::is_valid_slug(&v.id) {
                diags.push(
                    src.error_at(h, t!("config.honor_id", id = v.id))
                        .hint(t!("config.honor_id.hint")),
                );
            }
            if !levels.contains(&v.level) {
                levels.push(v.level.clone());
            }
            honors.push(Honor {
                id: v.id.clone(),
                name: v.name.clone(),
                level: v.level.clone(),
                aliases: v.aliases.clone(),
                rank: honors.len(),
            });
        }

        let mut eras = Vec::new();
        let mut last_until = i64::MIN;
        for (i, e) in raw.eras.iter().enumerate() {
            match e.value.until {
                Some(u) if u <= last_until => diags.push(
                    src.error_at(e, t!("config.era_order", name = e.value.name))
                        .hint(t!("config.era_order.hint")),
                ),
                None if i + 1 != raw.eras.len() => diags.push(
                    src.error_at(e, t!("config.era_open", name = e.value.name))
                        .hint(t!("config.era_open.hint")),
                ),
                _ => {}
            }
            last_until = e.value.until.unwrap_or(i64::MAX);
            eras.push(Era {
                name: e.value.name.clone(),
                until: e.value.until,
            });
        }

        let mut term_slugs = BTreeMap::new();
        for (term, slug) in &raw.term_slugs {
            if !crate::pinyin::is_valid_slug(&slug.value) {
                diags.push(
                    src.error_at(slug, t!("config.term_slug", slug = slug.value, term = term))
                        .hint(t!("config.term_slug.hint")),
                );
            }
            term_slugs.insert(term.clone(), slug.value.clone());
        }

        let positive =
            |v: &Option<Sp<i64>>, name: &str, default: usize, diags: &mut Diagnostics| -> usize {
                match v {
                    None => default,
                    Some(s) if s.value >= 1 => s.value as usize,
                    Some(s) => {
                        diags.push(
                            src.error_at(s, t!("config.positive", name = name, value = s.value))
                                .hint(t!("config.positive.hint", name = name, default = default)),
                        );
                        default
                    }
                }
            };
        let paginate = positive(&raw.paginate, "paginate", 60, diags);
        let summary_chars = positive(&raw.summary_chars, "summary_chars", 120, diags);

        let theme = match raw.theme {
            Some(t) => {
                if t.value.contains(['/', '\\']) || t.value.starts_with('.') || t.value.is_empty() {
                    diags.push(
                        src.error_at(&t, t!("config.theme", theme = t.value))
                            .hint(t!("config.theme.hint")),
                    );
                    "showcase".into()
                } else {
                    t.value
                }
            }
            None => "showcase".into(),
        };

        Config {
            title: raw.title,
            base_url,
            base_path,
            language: raw.language.unwrap_or_else(|| "zh-CN".into()),
            theme,
            description: raw.description.unwrap_or_default(),
            honors,
            levels,
            eras,
            regions: raw.regions,
            term_slugs,
            paginate,
            summary_chars,
            images: image_settings(raw.images, src, diags),
            menu: raw.menu,
            publisher: publisher::check(raw.publisher, root, src, diags),
            share: share_settings(raw.share, root, src, diags),
            print: print_settings(raw.print, root, src, diags),
            same_person: sources::same_person(&raw.same_person, src, diags),
            skip_broken_sources: false,
            sources: sources::check(raw.sources, root, src, diags),
            extra: raw.extra.unwrap_or(serde_json::Value::Null),
        }
    }
}

impl Config {
    /// `--base-url` from the command line, checked like the one in site.yaml.
    pub fn set_base_url(&mut self, url: &str, diags: &mut Diagnostics) {
        let u = url.trim();
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            diags.push(
                Diagnostic::error(t!("config.base_url_flag", url = u))
                    .hint(t!("config.base_url_flag.hint")),
            );
            return;
        }
        let mut base = u.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        self.base_path = base
            .split("://")
            .nth(1)
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_else(|| "/".into());
        self.base_url = base;
    }
}

/// Checks `print:`: a paper, margin or type size laomo cannot read is an error at its
/// line; a font path that does not exist too.
fn print_settings(
    raw: Option<paper::PrintFile>,
    root: &Path,
    src: &YamlSource,
    diags: &mut Diagnostics,
) -> PrintSettings {
    let Some(raw) = raw else {
        return PrintSettings::default();
    };
    let paper = match paper::apply(Paper::default(), &raw) {
        Ok(p) => p,
        Err(e) => {
            let d = match (e.at, e.at_size) {
                (Some(at), _) => src.error_at(at, e.message),
                (None, Some(at)) => src.error_at(at, e.message),
                (None, None) => Diagnostic::error(e.message).in_file(SITE_FILE),
            };
            diags.push(d.hint(e.hint));
            Paper::default()
        }
    };
    let fonts = font_paths(&raw.fonts, root, src, diags, "config.print_font");
    PrintSettings { paper, fonts }
}

/// The font files or folders a list names, relative to the site; one that does not
/// exist is an error at its line, with the message of `key` (`config.share_font`).
fn font_paths(
    listed: &[Sp<String>],
    root: &Path,
    src: &YamlSource,
    diags: &mut Diagnostics,
    key: &str,
) -> Vec<PathBuf> {
    let mut fonts = Vec::new();
    for f in listed {
        let path = root.join(f.value.trim());
        if path.exists() {
            fonts.push(path);
        } else {
            diags.push(
                src.error_at(f, t!(key, path = f.value))
                    .hint(t!(format!("{key}.hint"))),
            );
        }
    }
    fonts
}

/// Checks `share:`: a font path that does not exist is an error at its line.
fn share_settings(
    raw: Option<ShareFile>,
    root: &Path,
    src: &YamlSource,
    diags: &mut Diagnostics,
) -> ShareSettings {
    let Some(raw) = raw else {
        return ShareSettings {
            cards: None,
            fonts: Vec::new(),
        };
    };
    let fonts = font_paths(&raw.fonts, root, src, diags, "config.share_font");
    ShareSettings {
        // Naming fonts asks for cards as clearly as `cards: true` does.
        cards: raw.cards.or((!fonts.is_empty()).then_some(true)),
        fonts,
    }
}

/// Checks `images:`: a setting that would write no photo, an empty one, or an
/// unreadable one is an error at its line, and the default is used meanwhile.
fn image_settings(
    raw: Option<Sp<ImageSettingsFile>>,
    src: &YamlSource,
    diags: &mut Diagnostics,
) -> ImageSettings {
    let mut out = ImageSettings::default();
    let Some(raw) = raw else {
        return out;
    };
    let raw = raw.value;
    if let Some(widths) = raw.widths {
        if widths.value.is_empty() {
            diags.push(
                src.error_at(&widths, t!("config.images.widths_empty"))
                    .hint(t!("config.images.widths_empty.hint")),
            );
        } else {
            let mut ok: Vec<u32> = Vec::new();
            for w in &widths.value {
                if (16..=MAX_WIDTH).contains(&w.value) {
                    ok.push(w.value as u32);
                } else {
                    diags.push(
                        src.error_at(w, t!("config.images.width", width = w.value))
                            .hint(t!("config.images.width.hint", max = MAX_WIDTH)),
                    );
                }
            }
            ok.sort_unstable();
            ok.dedup();
            if !ok.is_empty() {
                out.widths = ok;
            }
        }
    }
    if let Some(q) = raw.quality {
        if (1..=100).contains(&q.value) {
            out.quality = q.value as u8;
        } else {
            diags.push(
                src.error_at(&q, t!("config.images.quality", value = q.value))
                    .hint(t!("config.images.quality.hint")),
            );
        }
    }
    if let Some(m) = raw.max_pixels {
        if (1_000_000..=1_000_000_000).contains(&m.value) {
            out.max_pixels = m.value as u64;
        } else {
            diags.push(
                src.error_at(&m, t!("config.images.max_pixels", value = m.value))
                    .hint(t!("config.images.max_pixels.hint")),
            );
        }
    }
    out
}
