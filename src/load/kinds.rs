//! Turning one file into a `Page` of its kind: front matter checked field by field,
//! body rendered, photos found. All problems in a file are reported together.

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
use std::path::Path;

/// Per-file state: the sources for positions and the diagnostics found so far.
struct FileCx<'a> {
    site: &'a SiteRoot,
    config: &'a Config,
    rel: String,
    text: &'a str,
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
        let mut d = self.yaml.error_at(at, msg).hint(hint);
        d.severity = crate::diagnostic::Severity::Warning;
        self.diags.push(d);
    }

    fn reference(&self, kind: Kind, field: &'static str, sp: &Sp<String>) -> Reference {
        let position = self.yaml.position_of(sp);
        Reference {
            kind,
            slug: sp.value.trim().to_string(),
            source_line: position.and_then(|p| self.lines.shared(p.line)),
            position,
            field,
        }
    }

    fn date(&mut self, sp: &Sp<Scalar>, field: &str) -> Option<Date> {
        let parsed = match &sp.value {
            Scalar::Int(y) => Date::from_year(*y),
            Scalar::Text(t) => Date::parse(t),
            Scalar::Float(f) => Err(format!("`{f}` is not a date: write 2018-03, with a hyphen")),
            Scalar::Bool(_) => Err("a date cannot be true or false".to_string()),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(msg) => {
                self.err(
                    sp,
                    format!("`{field}`: {msg}"),
                    "dates are YYYY, YYYY-MM or YYYY-MM-DD, e.g. date: 2018-03-12",
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
                self.err(sp, format!("`{field}`: {msg}"), hint);
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
            if let Some(i) = self.image(&g.value.src, "gallery", alt, g.value.caption.clone()) {
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
                format!("`{field}` is empty"),
                format!("write a value after `{field}:`"),
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
                format!("slug `{}` is not valid", sp.value),
                format!(
                    "slugs are lowercase ASCII letters, digits and hyphens, e.g. slug: {fixed}"
                ),
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
        return Err(Diagnostic::error("the file is empty").in_file(&rel).hint(
            "write the front matter between `---` lines, or delete the file (see `laomo new`)",
        ));
    }
    decode(bytes).map_err(|m| Diagnostic::error(m).in_file(&rel))
}

/// The front matter opens with `---` but never closes: pointed at line 1.
fn unclosed_front_matter(message: String, rel: &str, text: &str) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(rel)
        .at(Position::new(1, 1))
        .spanning(3)
        .hint("end the front matter with a line of three hyphens: ---")
        .with_source(text)
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
    let rel = site.rel(path);
    let text = match read(site, path) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let split = match split_front_matter(&text) {
        Ok(s) => s,
        Err(m) => return (None, vec![unclosed_front_matter(m, &rel, &text)]),
    };
    let kind = kind_of(site, path);
    let dir = path.parent().unwrap_or(&site.content).to_path_buf();
    let stem = stem_of(path, bundle);
    let yaml_text = split.front_matter.unwrap_or("");
    if split.front_matter.is_none() && kind != Kind::Page {
        let d = Diagnostic::error(format!("{} needs front matter, but this file has none", kind.noun()))
            .in_file(&rel)
            .at(Position::new(1, 1))
            .hint("start the file with a `---` line, the YAML fields, and another `---` line (see `laomo new`)")
            .with_source(&text);
        return (None, vec![d]);
    }
    let mut cx = FileCx {
        site,
        config,
        rel: rel.clone(),
        text: &text,
        lines: crate::diagnostic::LineIndex::new(&text),
        yaml: YamlSource {
            file: "",
            file_text: &text,
            yaml: yaml_text,
            first_line: split.yaml_first_line,
            what: kind.noun(),
        },
        dir: &dir,
        path: String::new(),
        diags: Vec::new(),
    };
    let rel_for_yaml = rel.clone();
    cx.yaml.file = &rel_for_yaml;

    let (expanded, sc_diags) = shortcode::expand(split.body, &rel, split.body_first_line);
    cx.diags.extend(sc_diags);
    let rendered = markdown::render(&expanded.markdown, &config.base_path);

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
    let mut calls = expanded.calls;
    resolve_shortcode_files(&mut cx, &mut calls, &b.details);
    let inline_images =
        resolve_inline_images(&mut cx, &rendered, &expanded.markdown, &expanded.line_map);

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
        assets,
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

fn section_path(kind: Kind, slug: &str) -> String {
    format!("/{}/{}/", kind.section(), slug)
}

fn profile(cx: &mut FileCx, _stem: &str) -> Option<Built> {
    let fm: ProfileFm = parse(cx, PROFILE_KEYS)?;
    let name = cx.required_text(&fm.name, "name");
    let reading = match &fm.pinyin {
        Some(p) if !p.value.trim().is_empty() => pinyin::read_override(&p.value, &name),
        _ => pinyin::read_name(&name),
    };
    let slug = cx
        .slug_override(&fm.slug)
        .unwrap_or_else(|| reading.name_slug());
    if slug.is_empty() {
        cx.err(
            &fm.name,
            format!("no slug can be made from the name `{name}`"),
            "add `slug:` with lowercase ASCII letters, e.g. slug: ding-weisong",
        );
    }
    cx.path = section_path(Kind::Profile, &slug);

    let mut honors = Vec::new();
    if fm.honors.value.is_empty() {
        cx.err(
            &fm.honors,
            "a profile needs at least one honor",
            "e.g. honors: [{title: 浙江省劳动模范, year: 2015}]",
        );
    }
    for h in &fm.honors.value {
        let title = h.value.title.value.trim();
        let Some(honor) = cx.config.honor(title) else {
            let names = cx.config.honors.iter().flat_map(|h| {
                std::iter::once(h.name.as_str()).chain(h.aliases.iter().map(String::as_str))
            });
            let hint = match nearest(title, names) {
                Some(n) => {
                    let canonical = cx
                        .config
                        .honor(n)
                        .map(|h| h.name.clone())
                        .unwrap_or_else(|| n.to_string());
                    format!("did you mean {canonical}? Titles come from `honors:` in site.yaml")
                }
                None => {
                    "use a title from `honors:` in site.yaml, or add this title there".to_string()
                }
            };
            let d = cx
                .yaml
                .error_at(&h.value.title, format!("unknown honor title `{title}`"))
                .spanning(title.chars().count())
                .hint(hint);
            cx.diags.push(d);
            continue;
        };
        let year = match &h.value.year {
            Some(y) => match cx.date(y, "year") {
                Some(d) if d.month.is_none() => Some(d.year),
                Some(d) => {
                    cx.err(
                        y,
                        "`year` takes a year only",
                        format!("write year: {}", d.year),
                    );
                    Some(d.year)
                }
                None => None,
            },
            None => None,
        };
        honors.push(ProfileHonor {
            honor: honor.rank,
            year,
        });
    }
    // Highest honor first, then the earliest year.
    honors.sort_by_key(|h| (h.honor, h.year));

    let region = cx.required_text(&fm.region, "region");
    let era = match &fm.era {
        Some(e) => {
            let known: Vec<&str> = cx.config.eras.iter().map(|e| e.name.as_str()).collect();
            if !known.is_empty() && !known.contains(&e.value.as_str()) {
                let hint = match nearest(&e.value, known.iter().copied()) {
                    Some(n) => format!("did you mean {n}? Eras come from `eras:` in site.yaml"),
                    None => format!("use one of: {}", known.join(", ")),
                };
                cx.err(e, format!("unknown era `{}`", e.value), hint);
            }
            Some(e.value.clone())
        }
        None => honors
            .iter()
            .filter_map(|h| h.year)
            .min()
            .and_then(|y| cx.config.era_for_year(y))
            .map(|e| e.name.clone()),
    };
    let association = fm
        .association
        .as_ref()
        .map(|a| cx.reference(Kind::Association, "association", a));
    let portrait = fm
        .portrait
        .as_ref()
        .and_then(|p| cx.image(p, "portrait", Some(format!("{name}的照片")), None));
    let gallery = cx.gallery(&fm.gallery, &name);
    Some(Built {
        slug,
        title: name.clone(),
        draft: fm.draft,
        date: None,
        summary: fm.summary,
        extra: fm.extra,
        reading,
        details: Details::Profile(Profile {
            name,
            honors,
            region,
            association,
            organization: fm.organization,
            occupation: fm.occupation,
            industry: fm.industry,
            era,
            tags: fm.tags.0,
            portrait,
            gallery,
        }),
    })
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
            format!("no slug can be made from the file name `{stem}`"),
            "add `slug:` with lowercase ASCII letters, digits and hyphens",
        );
    }
    s
}

fn story(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: StoryFm = parse(cx, STORY_KEYS)?;
    let title = cx.required_text(&fm.title, "title");
    let slug = title_slug(cx, &fm.slug, stem, &fm.title);
    cx.path = section_path(Kind::Story, &slug);
    let date = cx.date(&fm.date, "date");
    let end_date = fm.end_date.as_ref().and_then(|e| cx.date(e, "end_date"));
    if let (Some(d), Some(e), Some(sp)) = (date, end_date, fm.end_date.as_ref())
        && e.sort_key() < d.sort_key()
    {
        cx.err(
            sp,
            format!("`end_date` {} is before `date` {}", e.iso(), d.iso()),
            "swap them, or correct the end date",
        );
    }
    let association = fm
        .association
        .as_ref()
        .map(|a| cx.reference(Kind::Association, "association", a));
    let people = fm
        .people
        .iter()
        .map(|p| cx.reference(Kind::Profile, "people", p))
        .collect();
    let cover = fm
        .cover
        .as_ref()
        .and_then(|c| cx.image(c, "cover", Some(title.clone()), None));
    let gallery = cx.gallery(&fm.gallery, &title);
    let figures = fm
        .figures
        .map(|f| {
            f.0.into_iter()
                .map(|(label, v)| Figure {
                    label,
                    is_number: matches!(v.value, Scalar::Int(_) | Scalar::Float(_)),
                    value: v.value.as_text(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Story(Story {
            end_date,
            date_note: fm.date_note,
            association,
            people,
            category: fm.category,
            tags: fm.tags.0,
            location: fm.location,
            cover,
            gallery,
            figures,
        }),
    })
}

fn exhibition(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: ExhibitionFm = parse(cx, EXHIBITION_KEYS)?;
    let title = cx.required_text(&fm.title, "title");
    let slug = title_slug(cx, &fm.slug, stem, &fm.title);
    cx.path = section_path(Kind::Exhibition, &slug);
    let date = fm.date.as_ref().and_then(|d| cx.date(d, "date"));
    let association = fm
        .association
        .as_ref()
        .map(|a| cx.reference(Kind::Association, "association", a));
    let cover = fm
        .cover
        .as_ref()
        .and_then(|c| cx.image(c, "cover", Some(title.clone()), None));
    let mut halls = Vec::new();
    for h in &fm.halls {
        let mut exhibits = Vec::new();
        for x in &h.value.exhibits {
            let e = &x.value;
            let set = [
                e.profile.is_some(),
                e.story.is_some(),
                e.image.is_some(),
                e.video.is_some(),
            ];
            if set.iter().filter(|b| **b).count() != 1 {
                cx.err(
                    x,
                    "an exhibit needs exactly one of `profile`, `story`, `image` or `video`",
                    "write each exhibit as its own list item, e.g. - {profile: ding-weisong}",
                );
                continue;
            }
            if e.poster.is_some() && e.video.is_none() {
                cx.err(
                    x,
                    "`poster` belongs to a video exhibit",
                    "remove `poster`, or make this a video: {video: v.mp4, poster: p.jpg}",
                );
            }
            if let Some(p) = &e.profile {
                exhibits.push(Exhibit::Profile(cx.reference(Kind::Profile, "profile", p)));
            } else if let Some(s) = &e.story {
                exhibits.push(Exhibit::Story(cx.reference(Kind::Story, "story", s)));
            } else if let Some(i) = &e.image {
                let alt = e.alt.clone().or_else(|| e.caption.clone());
                if let Some(img) = cx.image(i, "image", alt, e.caption.clone()) {
                    exhibits.push(Exhibit::Image(img));
                }
            } else if let Some(v) = &e.video {
                let video = match assets::media(
                    cx.site,
                    &cx.config.base_path,
                    cx.dir,
                    &cx.path,
                    &v.value,
                ) {
                    Ok(m) => m,
                    Err((msg, hint)) => {
                        cx.err(v, format!("`video`: {msg}"), hint);
                        continue;
                    }
                };
                let poster = e
                    .poster
                    .as_ref()
                    .and_then(|p| cx.image(p, "poster", e.caption.clone(), None));
                exhibits.push(Exhibit::Video {
                    video,
                    poster,
                    caption: e.caption.clone(),
                });
            }
        }
        halls.push(Hall {
            title: h.value.title.clone(),
            intro: h.value.intro.clone(),
            exhibits,
        });
    }
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Exhibition(Exhibition {
            association,
            featured: fm.featured,
            cover,
            halls,
        }),
    })
}

fn collection(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: CollectionFm = parse(cx, COLLECTION_KEYS)?;
    let title = cx.required_text(&fm.title, "title");
    let slug = title_slug(cx, &fm.slug, stem, &fm.title);
    cx.path = section_path(Kind::Collection, &slug);
    if let Some(k) = &fm.kind
        && !["book", "series", "newsletter"].contains(&k.value.as_str())
    {
        let hint = match nearest(&k.value, ["book", "series", "newsletter"]) {
            Some(n) => format!("did you mean `{n}`? kind is book, series or newsletter"),
            None => "kind is book (书), series (丛书) or newsletter (简报)".into(),
        };
        cx.err(k, format!("unknown collection kind `{}`", k.value), hint);
    }
    let published = fm.published.as_ref().and_then(|d| cx.date(d, "published"));
    let cover = fm
        .cover
        .as_ref()
        .and_then(|c| cx.image(c, "cover", Some(title.clone()), None));
    let parts = match (&fm.stories, &fm.parts) {
        (Some(_), Some(p)) if !p.is_empty() => {
            cx.err(
                &fm.title,
                "a collection has either `stories:` or `parts:`, not both",
                "move the stories into a part, or remove `parts:`",
            );
            Vec::new()
        }
        (Some(s), _) => vec![Part {
            title: None,
            date: None,
            stories: s
                .iter()
                .map(|x| cx.reference(Kind::Story, "stories", x))
                .collect(),
        }],
        (None, Some(p)) => p
            .iter()
            .map(|part| Part {
                title: Some(part.value.title.clone()),
                date: part.value.date.as_ref().and_then(|d| cx.date(d, "date")),
                stories: part
                    .value
                    .stories
                    .iter()
                    .map(|x| cx.reference(Kind::Story, "stories", x))
                    .collect(),
            })
            .collect(),
        (None, None) => {
            cx.warn(
                &fm.title,
                "this collection lists no stories",
                "add `stories: [slug-a, slug-b]` in reading order, or `parts:`",
            );
            Vec::new()
        }
    };
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date: published,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Collection(Collection {
            kind: fm.kind.map(|k| k.value),
            published,
            publisher: fm.publisher,
            cover,
            parts,
        }),
    })
}

fn association(cx: &mut FileCx, stem: &str) -> Option<Built> {
    let fm: AssociationFm = parse(cx, ASSOCIATION_KEYS)?;
    let name = cx.required_text(&fm.name, "name");
    let slug = title_slug(cx, &fm.slug, stem, &fm.name);
    cx.path = section_path(Kind::Association, &slug);
    let founded = fm.founded.as_ref().and_then(|d| cx.date(d, "founded"));
    let parent = fm
        .parent
        .as_ref()
        .map(|p| cx.reference(Kind::Association, "parent", p));
    let logo = fm
        .logo
        .as_ref()
        .and_then(|l| cx.image(l, "logo", Some(format!("{name}标志")), None));
    Some(Built {
        slug,
        reading: pinyin::read_text(&name),
        title: name.clone(),
        draft: fm.draft,
        date: founded,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Association(Association {
            name,
            short_name: fm.short_name,
            kind: fm.kind,
            parent,
            founded,
            region: fm.region,
            members: fm.members.map(|m| m.as_text()),
            logo,
        }),
    })
}

fn plain_page(cx: &mut FileCx, stem: &str, path: &Path, bundle: bool) -> Option<Built> {
    let fm: PageFm = if cx.yaml.yaml.is_empty() {
        PageFm::default()
    } else {
        parse(cx, PAGE_KEYS)?
    };
    let title = fm.title.clone().unwrap_or_else(|| stem.to_string());
    let slug = cx
        .slug_override(&fm.slug)
        .unwrap_or_else(|| pinyin::file_slug(stem));
    // Folders between content/ and the page become URL segments, in pinyin.
    let page_folder = if bundle {
        path.parent().and_then(Path::parent)
    } else {
        path.parent()
    };
    let mut segments: Vec<String> = page_folder
        .and_then(|f| f.strip_prefix(&cx.site.content).ok())
        .map(|r| {
            r.components()
                .map(|c| pinyin::file_slug(&c.as_os_str().to_string_lossy()))
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if slug.is_empty() {
        cx.diags.push(
            Diagnostic::error(format!("no URL can be made from the file name `{stem}`"))
                .in_file(&cx.rel)
                .hint("add `slug:` with lowercase ASCII letters, digits and hyphens"),
        );
    }
    segments.push(slug.clone());
    cx.path = format!("/{}/", segments.join("/"));
    let date = fm.date.as_ref().and_then(|d| cx.date(d, "date"));
    Some(Built {
        slug,
        reading: pinyin::read_text(&title),
        title,
        draft: fm.draft,
        date,
        summary: fm.summary,
        extra: fm.extra,
        details: Details::Page(PlainPage {
            menu_order: fm.menu_order,
        }),
    })
}

/// Figure and video shortcodes name files: find them now, while the page's folder is known.
fn resolve_shortcode_files(cx: &mut FileCx, calls: &mut [ShortcodeCall], details: &Details) {
    for call in calls.iter_mut() {
        let at = |msg: String, hint: String| {
            Diagnostic::error(msg)
                .in_file(&cx.rel)
                .at(call.position)
                .hint(hint)
                .with_source(cx.text)
        };
        match call.name.as_str() {
            "figure" => {
                let src = call
                    .args
                    .get("src")
                    .map(|a| a.as_text())
                    .unwrap_or_default();
                let caption = call.args.get("caption").map(|a| a.as_text());
                let alt = call
                    .args
                    .get("alt")
                    .map(|a| a.as_text())
                    .or_else(|| caption.clone());
                match assets::image(
                    cx.site,
                    &cx.config.base_path,
                    cx.dir,
                    &cx.path,
                    &src,
                    alt,
                    caption,
                ) {
                    Ok(i) => call.image = Some(with_origin(i, &cx.rel, "figure", call)),
                    Err((m, h)) => cx.diags.push(at(format!("figure: {m}"), h)),
                }
            }
            "video" => {
                let src = call
                    .args
                    .get("src")
                    .map(|a| a.as_text())
                    .unwrap_or_default();
                match assets::media(cx.site, &cx.config.base_path, cx.dir, &cx.path, &src) {
                    Ok(m) => call.video = Some(m),
                    Err((m, h)) => cx.diags.push(at(format!("video: {m}"), h)),
                }
                if let Some(p) = call.args.get("poster").map(|a| a.as_text()) {
                    match assets::image(
                        cx.site,
                        &cx.config.base_path,
                        cx.dir,
                        &cx.path,
                        &p,
                        None,
                        None,
                    ) {
                        Ok(i) => call.image = Some(with_origin(i, &cx.rel, "video poster", call)),
                        Err((m, h)) => cx.diags.push(at(format!("video poster: {m}"), h)),
                    }
                }
            }
            "gallery" => {
                let has = match details {
                    Details::Profile(p) => !p.gallery.is_empty(),
                    Details::Story(s) => !s.gallery.is_empty(),
                    _ => false,
                };
                if !has {
                    cx.diags.push(at(
                        "`{{ gallery() }}` shows the page's gallery, but this page has no `gallery:`".into(),
                        "add `gallery:` with photos to the front matter, or remove the shortcode".into(),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Photos placed with Markdown image syntax go through the photo pipeline too.
fn resolve_inline_images(
    cx: &mut FileCx,
    rendered: &markdown::Rendered,
    markdown: &str,
    line_map: &[usize],
) -> Vec<Option<Image>> {
    let (images, remote) = (&rendered.images, &rendered.remote_images);
    let md_lines = crate::diagnostic::LineIndex::new(markdown);
    let mut out = Vec::new();
    for (url, offset) in remote {
        let position = body_position(cx, &md_lines, line_map, *offset, url);
        let d = Diagnostic::error(format!("the image `{url}` is on another host"))
            .in_file(&cx.rel)
            .at(position)
            .spanning(url.chars().count())
            .hint("nothing on the site may load from another host: save the photo in the page's folder and write its name")
            .with_line(cx.lines.line(position.line));
        cx.diags.push(d);
    }
    for (url, offset) in images {
        let position = body_position(cx, &md_lines, line_map, *offset, url);
        let decoded = crate::util::url::percent_decode(url);
        match assets::image(
            cx.site,
            &cx.config.base_path,
            cx.dir,
            &cx.path,
            &decoded,
            None,
            None,
        ) {
            Ok(mut i) => {
                i.origin = ImageOrigin {
                    page: cx.rel.clone(),
                    field: "Markdown image".into(),
                    position: Some(position),
                    source_line: cx.lines.shared(position.line),
                };
                out.push(Some(i));
            }
            Err((m, h)) => {
                let d = Diagnostic::error(format!("image `{url}`: {m}"))
                    .in_file(&cx.rel)
                    .at(position)
                    .spanning(url.chars().count())
                    .hint(h)
                    .with_line(cx.lines.line(position.line));
                cx.diags.push(d);
                // Keep numbering aligned with the HTML markers.
                out.push(None);
            }
        }
    }
    out
}

/// Where a Markdown image URL found at `offset` of the expanded body is, in the file:
/// the line through the expansion's line map (shortcodes may have split a line), the
/// column (in characters) from where the URL appears on that line.
fn body_position(
    cx: &FileCx,
    md_lines: &crate::diagnostic::LineIndex,
    line_map: &[usize],
    offset: usize,
    url: &str,
) -> Position {
    let md_line = md_lines.line_of(offset);
    let line = line_map
        .get(md_line - 1)
        .or(line_map.last())
        .copied()
        .unwrap_or(1);
    let column = cx
        .lines
        .line(line)
        .and_then(|l| l.find(url).map(|b| l[..b].chars().count() + 1))
        .unwrap_or(1);
    Position::new(line, column)
}

fn with_origin(mut i: Image, page: &str, field: &str, call: &ShortcodeCall) -> Image {
    i.origin = ImageOrigin {
        page: page.to_string(),
        field: field.to_string(),
        position: Some(call.position),
        source_line: Some(call.source_line.clone()),
    };
    i
}

/// A bundle's attachments (PDFs, subtitles, video and audio: an allow-list) are
/// published beside the page. Photos never are: only the pipeline's resized,
/// metadata-free copies of the ones a page uses. Other files stay private, with a
/// warning, so that an editor's notes or a RAW photo never reach the site.
fn bundle_assets(
    site: &SiteRoot,
    dir: &Path,
    page_path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !super::is_ignored_name(&e.file_name().to_string_lossy()))
    {
        let Ok(e) = entry else { continue };
        if !e.file_type().is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy().to_lowercase();
        if name.ends_with(".md") {
            continue;
        }
        if !assets::is_attachment(&name) {
            if !assets::looks_like_photo(e.path(), &name) {
                diags.push(
                    Diagnostic::warning("this file is not published")
                        .in_file(site.rel(e.path()))
                        .hint(format!(
                            "a page's folder publishes only photos the page uses (resized) and files of these types: {}, {}; move notes and documents out of content/ or keep them as they are",
                            assets::ATTACHMENT_EXTENSIONS.join(", "),
                            assets::MEDIA_EXTENSIONS.join(", ")
                        )),
                );
            }
            continue;
        }
        match e.path().canonicalize() {
            Ok(c) if c.starts_with(&site.canonical) => {}
            _ => continue,
        }
        if let Ok(rel) = e.path().strip_prefix(dir) {
            out.push((
                e.path().to_path_buf(),
                format!("{page_path}{}", rel.to_string_lossy().replace('\\', "/")),
            ));
        }
    }
    out
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
    let mut cx = FileCx {
        site,
        config,
        rel: rel.clone(),
        text: &text,
        lines: crate::diagnostic::LineIndex::new(&text),
        yaml: YamlSource {
            file: &rel_for_yaml,
            file_text: &text,
            yaml: split.front_matter.unwrap_or(""),
            first_line: split.yaml_first_line,
            what: "an _index.md page",
        },
        dir: &dir,
        path: if section.is_empty() {
            "/".to_string()
        } else {
            format!("/{section}/")
        },
        diags: Vec::new(),
    };
    let fm: PageFm = match cx.yaml.parse(PAGE_KEYS) {
        Ok(f) => f,
        Err(d) => return (None, vec![d]),
    };
    let (expanded, sc) = shortcode::expand(split.body, &rel, split.body_first_line);
    cx.diags.extend(sc);
    let rendered = markdown::render(&expanded.markdown, &config.base_path);
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
