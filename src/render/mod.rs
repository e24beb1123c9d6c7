//! Stage 3, render: every page of the linked `Site` through its Tera template.
//! Pages are rendered in parallel and handed to the writer as they are done, so the
//! whole site is never held in memory at once. Each page's context is hashed as it is
//! built ([`context`]); a page whose key the writer already holds is not rendered.

pub mod context;
pub mod feeds;
mod hall_filter;
pub mod key_bytes;
pub mod share_card;
pub mod theme;
pub mod view;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link::Site;
use crate::load::shortcode;
use crate::model::{Details, Kind, PageId, TaxonomyKind};
use context::{OutputKey, PageContext};
use key_bytes::Hashed;
use rayon::prelude::*;
use rust_i18n::t;
use serde::Serialize;
use std::sync::Mutex;
use tera::{Kwargs, State, Tera, TeraResult, Value};
use theme::Theme;
use view::*;

/// Everything a render stage produces goes through this: site path and bytes.
pub trait Sink: Sync {
    fn emit(&self, site_path: &str, bytes: &[u8]) -> std::io::Result<()>;

    /// Whether the file at `site_path` already holds what `key` makes: then it is not
    /// made again. A sink that keeps nothing holds nothing.
    fn holds(&self, _site_path: &str, _key: &OutputKey) -> bool {
        false
    }

    /// Writes `bytes`, made from `key`, so that a later build [`holds`](Sink::holds) them.
    fn emit_made(&self, site_path: &str, _key: &OutputKey, bytes: &[u8]) -> std::io::Result<()> {
        self.emit(site_path, bytes)
    }

    /// Whether the sink may hold any page at all: if not, a page's key is learnt as it
    /// is rendered, not composed once for the key and again for the page.
    fn holds_any(&self) -> bool {
        false
    }
}

/// The pages of a render: the site paths written, and how many of them were kept as
/// the sink held them.
pub struct RenderReport {
    pub paths: Vec<String>,
    pub kept: usize,
}

/// Whether a composed context gets Tera values, to be rendered, or only its key.
#[derive(Clone, Copy)]
enum Values {
    Yes,
    No,
}

/// What a job renders: a template and its context, or bytes made without a template.
enum Composed<'a> {
    Template {
        name: &'a str,
        ctx: PageContext,
        /// Names the page in a message; called only when there is one.
        what: Box<dyn FnOnce() -> String + 'a>,
    },
    Bytes(Vec<u8>),
}

impl<'a> Composed<'a> {
    fn template(name: &'a str, ctx: PageContext, what: impl FnOnce() -> String + 'a) -> Self {
        Composed::Template {
            name,
            ctx,
            what: Box::new(what),
        }
    }
}

/// Loads and checks all templates; template syntax errors are diagnostics with positions.
pub fn engine(
    site: &Site,
    theme: &Theme,
    share_cards: &std::sync::Arc<crate::share::card::Cards>,
    diags: &mut Diagnostics,
) -> Option<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    // `fit(text, size, width, lines)` in the share templates: the text in lines no
    // wider than `width` at `size` px, with "…" where it does not fit.
    let cards = share_cards.clone();
    tera.register_function(
        "fit",
        move |kw: Kwargs, _: &State| -> TeraResult<Vec<String>> {
            let text: String = kw.get("text")?.unwrap_or_default();
            let size: f64 = kw.must_get("size")?;
            let width: f64 = kw.must_get("width")?;
            let lines: usize = kw.get("lines")?.unwrap_or(1);
            let fonts = cards.fonts().map_err(tera::Error::message)?;
            Ok(fonts.fit(&text, size as f32, width as f32, lines))
        },
    );
    let base = site.config.base_path.clone();
    tera.register_function("url", move |kw: Kwargs, _: &State| -> TeraResult<String> {
        let path: String = kw.must_get("path")?;
        if path.contains("://") || path.starts_with('#') {
            return Ok(path);
        }
        Ok(crate::load::assets::url_path(&format!(
            "{base}{}",
            path.trim_start_matches('/')
        )))
    });
    // Typst templates (print/*.typ) are Typst's, not Tera's: `{#` is no comment there.
    let names: Vec<(String, String)> = theme
        .templates
        .iter()
        .filter(|(n, _)| !n.ends_with(".typ"))
        .map(|(n, (text, _))| (n.clone(), text.clone()))
        .collect();
    if let Err(e) = tera.add_raw_templates(names) {
        diags.push(template_error(theme, &e, &t!("render.cannot_load")));
        return None;
    }
    Some(tera)
}

fn template_error(theme: &Theme, e: &tera::Error, what: &str) -> Diagnostic {
    let report = e.to_string();
    // Tera names templates by their name; editors need the file it came from.
    let mut files: Vec<String> = theme
        .templates
        .iter()
        .filter(|(name, _)| report.contains(name.as_str()))
        .map(|(_, (_, label))| label.clone())
        .collect();
    files.dedup();
    let mut d = Diagnostic::error(t!("render.error", what = what, report = report.trim_end()));
    if let Some(f) = files.first() {
        d = d.in_file(f.clone());
    }
    d.hint(t!("render.error.hint"))
}

#[derive(Serialize)]
struct MenuView {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base: &'a str,
    language: &'a str,
    menu: Vec<MenuView>,
    taxonomies: Vec<TermLink>,
    feed_url: String,
    /// 主办, 承办, contact and record numbers for the footer.
    publisher: &'a crate::config::Publisher,
    /// The logo's URL, with the base path.
    logo: Option<String>,
    extra: &'a serde_json::Value,
}

/// `share` in templates: what `<link rel=canonical>` and the Open Graph tags say.
#[derive(Serialize)]
struct Share {
    /// Absolute; none for the 404 page, which has no address of its own.
    url: Option<String>,
    /// `article` for a page, `website` for listings.
    kind: &'static str,
    /// A page's title; listings use their own `<title>`.
    title: Option<String>,
    description: String,
    image: Option<ShareImage>,
    /// The square card, absolute: the thumbnail WeChat takes from the page.
    square: Option<String>,
}

#[derive(Serialize)]
struct ShareImage {
    url: String,
    width: Option<u32>,
    height: Option<u32>,
    alt: String,
}

#[derive(Clone)]
enum Job {
    Home,
    Hall(usize),
    Listing(Kind, usize),
    Page(PageId),
    /// Hall `n` (from 1) of an exhibition, on a page of its own.
    ExhibitionHall(PageId, usize),
    Section(String),
    TaxonomyIndex(usize),
    Term(usize, usize, usize),
    NotFound,
    Search,
    /// The address of a profile merged into another page (a federation's one person
    /// in two sources), leading to it.
    Moved(usize),
}

/// A page that sends the browser on to `to`: at once, without a theme (there is
/// nothing to show), and marked so search engines index only the page it leads to.
fn moved_page(site: &Site, to: PageId) -> String {
    let c = &site.config;
    let page = site.page(to);
    let escape = feeds::escape_xml;
    let href = escape(&crate::load::assets::url_path(&c.url(&page.path)));
    let canonical = escape(&crate::load::assets::url_path_full(
        &c.permalink(&page.path),
    ));
    let title = escape(&page.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         </head>\n<body>\n<p><a href=\"{href}\">{title}</a></p>\n</body>\n</html>\n",
        lang = escape(&c.language),
    )
}

/// Where hall `number` of the exhibition at `exhibition` is: `/exhibitions/x/hall-2/`.
pub fn hall_path(exhibition: &str, number: usize) -> String {
    format!("{exhibition}hall-{number}/")
}

/// Everything rendering needs, owned, so that `laomo serve` can keep one per build
/// and render any page on request.
pub struct Renderer {
    site: Site,
    photos: crate::imageproc::Photos,
    cards: crate::model::PerPage<view::CardSlot>,
    /// Fonts and cache of the share cards (see [`share_card`]).
    share_cards: std::sync::Arc<crate::share::card::Cards>,
    tera: Tera,
    theme: Theme,
    global: PageContext,
    /// Each pinyin initial in the hall of fame, A to Z, with the page (from 1) of its first
    /// person in hall order.
    hall_initials: Vec<(char, usize)>,
    /// The share cards' key hashers, per template (see `card_hasher`).
    card_hashers: std::sync::OnceLock<Vec<(&'static str, blake3::Hasher)>>,
    /// Site path → the job that renders it, built on first use.
    by_path: std::sync::OnceLock<std::collections::HashMap<String, Job>>,
}

impl Renderer {
    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn photos(&self) -> &crate::imageproc::Photos {
        &self.photos
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    pub fn share_cards(&self) -> &crate::share::card::Cards {
        &self.share_cards
    }

    /// Views with Tera values, to be rendered.
    fn views(&self) -> ViewCx<'_> {
        self.views_for(Values::Yes)
    }

    fn views_for(&self, values: Values) -> ViewCx<'_> {
        ViewCx {
            site: &self.site,
            photos: &self.photos,
            cards: &self.cards,
            values: matches!(values, Values::Yes),
        }
    }

    pub fn new(
        site: Site,
        photos: crate::imageproc::Photos,
        tera: Tera,
        theme: Theme,
        share_cards: std::sync::Arc<crate::share::card::Cards>,
    ) -> Renderer {
        let c = &site.config;
        let menu = c
            .menu
            .iter()
            .map(|m| MenuView {
                name: m.name.clone(),
                url: if m.url.contains("://") {
                    m.url.clone()
                } else {
                    c.url(&m.url)
                },
            })
            .collect();
        let sv = SiteView {
            title: &c.title,
            description: &c.description,
            base_url: &c.base_url,
            base: &c.base_path,
            language: &c.language,
            menu,
            taxonomies: site
                .taxonomies
                .iter()
                .filter(|t| !t.terms.is_empty())
                .map(|t| TermLink {
                    name: label(&theme, &format!("taxonomy.{}", t.kind.key()), t.kind.name()),
                    url: c.url(&t.path),
                })
                .collect(),
            feed_url: c.url("/atom.xml"),
            publisher: &c.publisher,
            logo: c.publisher.logo.as_deref().map(|l| c.url(l)),
            extra: &c.extra,
        };
        // Everything a page's bytes depend on besides its context: the templates, the
        // base path `url()` puts in front, the fonts `fit()` measures with.
        let mut seed = Vec::new();
        for (name, (text, _)) in &theme.templates {
            for part in [name.as_bytes(), text.as_bytes()] {
                seed.extend_from_slice(&(part.len() as u64).to_le_bytes());
                seed.extend_from_slice(part);
            }
        }
        seed.extend_from_slice(c.base_path.as_bytes());
        seed.push(0);
        seed.extend_from_slice(share_cards.font_key().as_bytes());
        let mut global = PageContext::seeded(&seed);
        global.insert("site", &sv);
        global.insert("t", &theme.strings);
        let global = global.sealed();
        let cards = view::card_slots(&site);
        let mut hall_initials: Vec<(char, usize)> = Vec::new();
        for (k, &i) in site.hall_of_fame.iter().enumerate() {
            let letter = site.pages[i].reading.initial();
            if !hall_initials.iter().any(|&(l, _)| l == letter) {
                hall_initials.push((letter, k / c.paginate.max(1) + 1));
            }
        }
        hall_initials.sort();
        Renderer {
            hall_initials,
            site,
            photos,
            cards,
            share_cards,
            tera,
            theme,
            global,
            card_hashers: std::sync::OnceLock::new(),
            by_path: std::sync::OnceLock::new(),
        }
    }

    fn jobs(&self) -> Vec<Job> {
        let s = &self.site;
        let per = s.config.paginate;
        let mut jobs = vec![Job::Home, Job::NotFound, Job::Search];
        let hall_pages = s.hall_of_fame.len().div_ceil(per).max(1);
        jobs.extend((1..=hall_pages).map(Job::Hall));
        for kind in [
            Kind::Story,
            Kind::Exhibition,
            Kind::Collection,
            Kind::Association,
        ] {
            let n = self.listing(kind).len().div_ceil(per).max(1);
            jobs.extend((1..=n).map(|k| Job::Listing(kind, k)));
        }
        jobs.extend(s.pages.ids().map(Job::Page));
        for &i in &s.exhibitions {
            if let Details::Exhibition(e) = &s.pages[i].details {
                jobs.extend((1..=e.halls.len()).map(|n| Job::ExhibitionHall(i, n)));
            }
        }
        let kind_sections: Vec<&str> = Kind::all_sections().iter().map(|k| k.section()).collect();
        let mut sections: Vec<&String> = s
            .intros
            .keys()
            .filter(|k| !k.is_empty() && !kind_sections.contains(&k.as_str()))
            .collect();
        sections.sort();
        jobs.extend(sections.into_iter().map(|k| Job::Section(k.clone())));
        for (ti, t) in s.taxonomies.iter().enumerate() {
            if t.terms.is_empty() {
                continue;
            }
            jobs.push(Job::TaxonomyIndex(ti));
            for (xi, term) in t.terms.iter().enumerate() {
                let n = term.pages.len().div_ceil(per).max(1);
                jobs.extend((1..=n).map(|k| Job::Term(ti, xi, k)));
            }
        }
        jobs.extend((0..s.moved.len()).map(Job::Moved));
        jobs
    }

    fn listing(&self, kind: Kind) -> &[PageId] {
        match kind {
            Kind::Story => &self.site.stories,
            Kind::Exhibition => &self.site.exhibitions,
            Kind::Collection => &self.site.collections,
            Kind::Association => &self.site.associations,
            Kind::Profile => &self.site.hall_of_fame,
            Kind::Page => &self.site.plain_pages,
        }
    }

    /// The route table: the site path of a job's first page (`/profiles/`, a term's
    /// `/regions/chang-xing/`). With [`Self::job_path`] the one source of output paths.
    fn job_base(&self, job: &Job) -> String {
        let s = &self.site;
        match job {
            Job::Home => "/".into(),
            Job::NotFound => "/404.html".into(),
            Job::Search => "/search/".into(),
            Job::Hall(_) => format!("/{}/", Kind::Profile.section()),
            Job::Listing(kind, _) => format!("/{}/", kind.section()),
            Job::Page(i) => s.pages[*i].path.clone(),
            Job::ExhibitionHall(i, n) => hall_path(&s.pages[*i].path, *n),
            Job::Section(section) => format!("/{section}/"),
            Job::TaxonomyIndex(ti) => s.taxonomies[*ti].path.clone(),
            Job::Term(ti, xi, _) => s.taxonomies[*ti].terms[*xi].path.clone(),
            Job::Moved(k) => s.moved[*k].0.clone(),
        }
    }

    /// The site path a job renders, without rendering it: the base, then `page/N/`.
    fn job_path(&self, job: &Job) -> String {
        let base = self.job_base(job);
        match job {
            Job::Hall(n) | Job::Listing(_, n) | Job::Term(_, _, n) => pager_path(&base, *n),
            _ => base,
        }
    }

    /// Every site path that is a rendered page.
    pub fn page_paths(&self) -> Vec<String> {
        self.jobs().iter().map(|j| self.job_path(j)).collect()
    }

    /// Renders the page at `path` (`/profiles/` or `/404.html`), for `laomo serve`,
    /// which renders only what a browser asks for.
    pub fn render_path(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        let map = self.by_path.get_or_init(|| {
            self.jobs()
                .into_iter()
                .map(|j| (self.job_path(&j), j))
                .collect()
        });
        let job = map.get(path)?;
        Some(self.render_job(job))
    }

    /// Renders every page into `sink`; a page whose file the sink already holds (same
    /// template, same context) is not rendered again.
    pub fn render_all(&self, sink: &dyn Sink, diags: &mut Diagnostics) -> RenderReport {
        let jobs = self.jobs();
        let may_hold = sink.holds_any();
        let problems = Mutex::new(Vec::new());
        let kept = std::sync::atomic::AtomicUsize::new(0);
        let paths: Vec<String> = jobs
            .par_iter()
            .filter_map(|job| {
                let path = self.job_path(job);
                let written = (|| {
                    // The key first, without Tera values, where the sink may hold it.
                    if may_hold
                        && let Composed::Template { name, ctx, .. } =
                            self.compose(job, Values::No)?
                        && sink.holds(&path, &ctx.key(name))
                    {
                        kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        return Ok(());
                    }
                    match self.compose(job, Values::Yes)? {
                        Composed::Template { name, ctx, what } => {
                            let html = self.render(name, &ctx, what)?;
                            sink.emit_made(&path, &ctx.key(name), &html)
                                .map_err(Diagnostic::write_failed)
                        }
                        Composed::Bytes(bytes) => {
                            sink.emit(&path, &bytes).map_err(Diagnostic::write_failed)
                        }
                    }
                })();
                match written {
                    Ok(()) => Some(path),
                    Err(d) => {
                        problems.lock().unwrap_or_else(|p| p.into_inner()).push(d);
                        None
                    }
                }
            })
            .collect();
        diags.extend(problems.into_inner().unwrap_or_default());
        RenderReport {
            kept: kept.into_inner(),
            paths,
        }
    }

    /// Renders straight into bytes: pages go to disk as they are, with no UTF-8 re-check.
    /// `what` names the page for a message, and is only called when there is one.
    fn render(
        &self,
        template: &str,
        ctx: &PageContext,
        what: impl FnOnce() -> String,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(32 * 1024);
        let Some(ctx) = ctx.context() else {
            // Composed with `Values::No`: a mistake in laomo, not in the site.
            return Err(Diagnostic::error(format!(
                "laomo: {} was composed without values and cannot be rendered",
                what()
            )));
        };
        self.tera.render_to(template, ctx, &mut out).map_err(|e| {
            template_error(
                &self.theme,
                &e,
                &t!("render.cannot_render", what = what(), template = template),
            )
        })?;
        Ok(out)
    }

    fn intro(&self, section: &str, ctx: &mut PageContext) -> Result<(), Diagnostic> {
        if let Some(intro) = self.site.intros.get(section) {
            let html = self.expand_shortcodes(
                &intro.content,
                &intro.shortcodes,
                &intro.inline_images,
                self.site
                    .intro_targets
                    .get(section)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
                None,
                &intro.source,
            )?;
            ctx.insert("intro_title", &intro.title);
            ctx.insert("intro_summary", &intro.summary);
            ctx.insert_value("intro", Value::safe_string(&html));
        } else {
            ctx.insert("intro_title", &None::<String>);
            ctx.insert("intro_summary", &None::<String>);
            ctx.insert_value("intro", Value::safe_string(""));
        }
        Ok(())
    }

    /// How the page presents itself when shared or found: canonical URL, Open Graph.
    fn share(&self, job: &Job, path: &str) -> Share {
        let c = &self.site.config;
        let mut share = Share {
            url: (!matches!(job, Job::NotFound)).then(|| c.permalink(path)),
            kind: "website",
            title: None,
            description: c.description.clone(),
            image: None,
            square: None,
        };
        if let Job::Page(id) | Job::ExhibitionHall(id, _) = job {
            // From the page itself: its card may never be built (serve renders one page).
            let page = self.site.page(*id);
            let top_honor = page
                .profile()
                .and_then(|p| p.honors.first())
                .and_then(|h| c.honors.get(h.honor));
            share.kind = "article";
            share.title = Some(match (job, &page.details) {
                (Job::ExhibitionHall(_, n), Details::Exhibition(e)) => format!(
                    "{} · {}",
                    page.title,
                    e.halls.get(n - 1).map_or("", |h| h.title.as_str())
                ),
                _ => page.title.clone(),
            });
            share.description = match top_honor {
                Some(h) => format!("{} · {}", h.name, page.summary),
                None => page.summary.clone(),
            };
            if self.has_share_card(*id) {
                // The page's own share card: its name, honor and photo, drawn to fit.
                use crate::share::card::Shape;
                let (width, height) = Shape::Wide.size();
                share.image = Some(ShareImage {
                    url: c.permalink(&format!("{}{}", page.path, Shape::Wide.file_name())),
                    width: Some(width),
                    height: Some(height),
                    alt: page.title.clone(),
                });
                share.square =
                    Some(c.permalink(&format!("{}{}", page.path, Shape::Square.file_name())));
                return share;
            }
            // Shared links need a JPEG or PNG: WeChat and Weibo do not show WebP.
            share.image = view::lead_image(page)
                .map(|img| view::image_view(&self.site, &self.photos, img))
                .filter(|i| i.mime != "image/webp")
                .map(|i| ShareImage {
                    url: c.absolute(&i.src),
                    width: i.width,
                    height: i.height,
                    alt: i.alt,
                });
        }
        share
    }

    /// Renders one job; its path comes from the route table, never from here.
    fn render_job(&self, job: &Job) -> Result<Vec<u8>, Diagnostic> {
        match self.compose(job, Values::Yes)? {
            Composed::Template { name, ctx, what } => self.render(name, &ctx, what),
            Composed::Bytes(bytes) => Ok(bytes),
        }
    }

    /// What a job renders, up to the template: its context, which is its key.
    fn compose<'a>(&'a self, job: &'a Job, values: Values) -> Result<Composed<'a>, Diagnostic> {
        let s = &self.site;
        let c = &s.config;
        let per = c.paginate;
        let views = self.views_for(values);
        let mut ctx = match values {
            Values::Yes => self.global.for_page(),
            Values::No => self.global.for_key(),
        };
        let base = self.job_base(job);
        let path = self.job_path(job);
        ctx.insert("current_path", &c.url(&path));
        ctx.insert("share", &self.share(job, &path));
        match job {
            Job::Home => {
                self.intro("", &mut ctx)?;
                let by_level: Vec<LevelCount> = s
                    .level_groups
                    .iter()
                    .map(|g| LevelCount {
                        level: &g.level,
                        count: g.profiles.len(),
                        url: term_link(s, TaxonomyKind::Levels, &g.level).map(|t| t.url),
                    })
                    .collect();
                ctx.insert(
                    "figures",
                    &HomeFigures {
                        profiles: s.hall_of_fame.len(),
                        by_level,
                        stories: s.stories.len(),
                        exhibitions: s.exhibitions.len(),
                        collections: s.collections.len(),
                        associations: s.associations.len(),
                    },
                );
                // The wall of people the home page opens with, in hall-of-fame order.
                ctx.insert(
                    "people",
                    &cards(&views, &s.hall_of_fame[..s.hall_of_fame.len().min(12)]),
                );
                ctx.insert(
                    "latest_stories",
                    &cards(&views, &s.stories[..s.stories.len().min(6)]),
                );
                let featured: Vec<PageId> = s
                    .exhibitions
                    .iter()
                    .copied()
                    .filter(
                        |&i| matches!(&s.pages[i].details, Details::Exhibition(e) if e.featured),
                    )
                    .collect();
                ctx.insert("featured_exhibitions", &cards(&views, &featured));
                ctx.insert("collections", &cards(&views, &s.collections));
                ctx.insert("associations", &cards(&views, &s.associations));
                Ok(Composed::template("index.html", ctx, || {
                    t!("render.what.home").into_owned()
                }))
            }
            // No theme: the page only sends the browser on.
            Job::Moved(k) => Ok(Composed::Bytes(moved_page(s, s.moved[*k].1).into_bytes())),
            Job::Search => Ok(Composed::template("search.html", ctx, || {
                t!("render.what.search").into_owned()
            })),
            Job::NotFound => Ok(Composed::template("404.html", ctx, || {
                t!("render.what.not_found").into_owned()
            })),
            Job::Hall(n) => {
                self.intro("profiles", &mut ctx)?;
                let total = s.hall_of_fame.len().div_ceil(per).max(1);
                let start = (n - 1) * per;
                let slice = &s.hall_of_fame
                    [start.min(s.hall_of_fame.len())..(start + per).min(s.hall_of_fame.len())];
                let mut groups: Vec<HallGroup> = Vec::new();
                let mut seen_initials: Vec<char> = Vec::new();
                for &i in slice {
                    let level = crate::link::top_level(c, &s.pages[i]).unwrap_or("");
                    if groups.last().is_none_or(|g| g.level != level) {
                        groups.push(HallGroup {
                            level,
                            url: term_link(s, TaxonomyKind::Levels, level).map(|t| t.url),
                            profiles: Vec::new(),
                        });
                    }
                    let initial = s.pages[i].reading.initial();
                    let anchor = (!seen_initials.contains(&initial)).then(|| {
                        seen_initials.push(initial);
                        format!("initial-{initial}")
                    });
                    if let Some(g) = groups.last_mut() {
                        g.profiles.push(HallEntry {
                            card: card(&views, i),
                            anchor,
                        });
                    }
                }
                // The A–Z bar covers the whole hall: each letter leads to the first person
                // with that initial, on whichever page of the hall they are.
                let initials: Vec<InitialLink> = self
                    .hall_initials
                    .iter()
                    .map(|&(letter, page)| InitialLink {
                        letter: letter.to_string(),
                        anchor: if page == *n {
                            format!("#initial-{letter}")
                        } else {
                            format!("{}#initial-{letter}", c.url(&pager_path(&base, page)))
                        },
                        here: page == *n,
                    })
                    .collect();
                ctx.insert("groups", &groups);
                ctx.insert("initials", &initials);
                ctx.insert(
                    "paginator",
                    &paginator(s, &base, *n, total, per, s.hall_of_fame.len()),
                );
                ctx.insert("filters", &self.filters());
                Ok(Composed::template("profiles.html", ctx, || {
                    t!("render.what.hall").into_owned()
                }))
            }
            Job::Listing(kind, n) => {
                self.intro(kind.section(), &mut ctx)?;
                let all = self.listing(*kind);
                let total = all.len().div_ceil(per).max(1);
                let start = ((n - 1) * per).min(all.len());
                ctx.insert("section", kind.section());
                ctx.insert(
                    "section_name",
                    &label(
                        &self.theme,
                        &format!("section.{}", kind.section()),
                        kind.title(),
                    ),
                );
                ctx.insert(
                    "items",
                    &cards(&views, &all[start..(start + per).min(all.len())]),
                );
                ctx.insert("paginator", &paginator(s, &base, *n, total, per, all.len()));
                Ok(Composed::template("section.html", ctx, || {
                    t!("render.what.listing", section = kind.section()).into_owned()
                }))
            }
            Job::Page(i) => {
                let p = &s.pages[*i];
                let template = match p.kind {
                    Kind::Profile => "profile.html",
                    Kind::Story => "story.html",
                    Kind::Exhibition => "exhibition.html",
                    Kind::Collection => "collection.html",
                    Kind::Association => "association.html",
                    Kind::Page => "page.html",
                };
                let html = self.expand_shortcodes(
                    &p.content,
                    &p.shortcodes,
                    &p.inline_images,
                    &s.links[*i].shortcode_targets,
                    Some(*i),
                    &p.source,
                )?;
                ctx.insert("page", &page_view(&views, *i));
                ctx.insert_value("content", Value::safe_string(&html));
                Ok(Composed::template(template, ctx, || p.source.to_string()))
            }
            Job::ExhibitionHall(i, n) => {
                let p = &s.pages[*i];
                let page = page_view(&views, *i);
                ctx.insert("hall", &page.details.halls.get(n - 1));
                ctx.insert("page", &page);
                Ok(Composed::template("exhibition_hall.html", ctx, move || {
                    t!(
                        "render.what.hall_of_exhibition",
                        number = n,
                        page = p.source
                    )
                    .into_owned()
                }))
            }
            Job::Section(section) => {
                self.intro(section, &mut ctx)?;
                let prefix = &base;
                let children: Vec<PageId> = s
                    .plain_pages
                    .iter()
                    .copied()
                    .filter(|&i| {
                        s.pages[i].path.starts_with(prefix.as_str()) && s.pages[i].path != *prefix
                    })
                    .collect();
                ctx.insert("section", section);
                ctx.insert("section_name", section);
                ctx.insert("items", &cards(&views, &children));
                ctx.insert(
                    "paginator",
                    &paginator(s, prefix, 1, 1, per, children.len()),
                );
                Ok(Composed::template("section.html", ctx, move || {
                    t!("render.what.section", section = section).into_owned()
                }))
            }
            Job::TaxonomyIndex(ti) => {
                let t = &s.taxonomies[*ti];
                ctx.insert(
                    "taxonomy",
                    &TaxonomyView {
                        key: t.kind.key(),
                        name: label(
                            &self.theme,
                            &format!("taxonomy.{}", t.kind.key()),
                            t.kind.name(),
                        ),
                        url: c.url(&t.path),
                    },
                );
                let terms: Vec<TermView> =
                    t.terms.iter().map(|x| self.term_view(t.kind, x)).collect();
                ctx.insert("terms", &terms);
                Ok(Composed::template("taxonomy.html", ctx, || {
                    t!("render.what.taxonomy", key = t.kind.key()).into_owned()
                }))
            }
            Job::Term(ti, xi, n) => {
                let t = &s.taxonomies[*ti];
                let term = &t.terms[*xi];
                let total = term.pages.len().div_ceil(per).max(1);
                let start = ((n - 1) * per).min(term.pages.len());
                let slice = &term.pages[start..(start + per).min(term.pages.len())];
                let (profiles, stories): (Vec<PageId>, Vec<PageId>) = slice
                    .iter()
                    .partition(|&&i| s.pages[i].kind == Kind::Profile);
                ctx.insert(
                    "taxonomy",
                    &TaxonomyView {
                        key: t.kind.key(),
                        name: label(
                            &self.theme,
                            &format!("taxonomy.{}", t.kind.key()),
                            t.kind.name(),
                        ),
                        url: c.url(&t.path),
                    },
                );
                ctx.insert("term", &self.term_view(t.kind, term));
                ctx.insert("profiles", &cards(&views, &profiles));
                ctx.insert("stories", &cards(&views, &stories));
                ctx.insert(
                    "paginator",
                    &paginator(s, &base, *n, total, per, term.pages.len()),
                );
                Ok(Composed::template("term.html", ctx, || {
                    t!("render.what.term", name = term.name).into_owned()
                }))
            }
        }
    }

    fn term_view(&self, key: TaxonomyKind, t: &crate::link::Term) -> TermView {
        TermView {
            name: t.name.clone(),
            url: self.site.config.url(&t.path),
            count: t.pages.len(),
            parent: t
                .parent
                .as_deref()
                .and_then(|p| term_link(&self.site, key, p)),
            children: t
                .children
                .iter()
                .filter_map(|c| term_link(&self.site, key, c))
                .collect(),
        }
    }

    /// The hall-of-fame filters: every honor, level, region, era and industry in use.
    fn filters(&self) -> Vec<FilterView> {
        TaxonomyKind::PEOPLE
            .into_iter()
            .filter_map(|kind| {
                let t = self.site.taxonomy(kind)?;
                Some(FilterView {
                    key: t.kind.key(),
                    name: label(
                        &self.theme,
                        &format!("taxonomy.{}", t.kind.key()),
                        t.kind.name(),
                    ),
                    terms: t
                        .terms
                        .iter()
                        .filter(|x| {
                            x.pages
                                .iter()
                                .any(|&i| self.site.pages[i].kind == Kind::Profile)
                        })
                        .map(|x| self.term_view(kind, x))
                        .collect(),
                })
            })
            .filter(|f| !f.terms.is_empty())
            .collect()
    }

    /// Replaces shortcode markers with their templates' output.
    fn expand_shortcodes(
        &self,
        html: &str,
        calls: &[shortcode::ShortcodeCall],
        inline: &[Option<crate::model::Image>],
        targets: &[Option<PageId>],
        page: Option<PageId>,
        source: &str,
    ) -> Result<String, Diagnostic> {
        if calls.is_empty() && inline.is_empty() {
            return Ok(html.to_string());
        }
        let s = &self.site;
        // Markdown photos: the resized files, with their size so the page does not shift.
        let images: Vec<Option<String>> = inline
            .iter()
            .map(|img| {
                let v = self.views().image(img.as_ref()?);
                Some(format!(
                    "src=\"{}\" srcset=\"{}\" sizes=\"{}\"{} loading=\"lazy\" decoding=\"async\"",
                    v.src,
                    v.srcset,
                    v.sizes,
                    match (v.width, v.height) {
                        (Some(w), Some(h)) => format!(" width=\"{w}\" height=\"{h}\""),
                        _ => String::new(),
                    }
                ))
            })
            .collect();
        let mut rendered_calls = Vec::with_capacity(calls.len());
        for (n, call) in calls.iter().enumerate() {
            let mut ctx = self.global.clone();
            ctx.insert("args", &call.args);
            ctx.insert("image", &call.image.as_ref().map(|i| self.views().image(i)));
            ctx.insert("video", &call.video);
            let target = targets.get(n).copied().flatten();
            ctx.insert("profile", &target.map(|t| card(&self.views(), t)));
            let gallery: Vec<view::ImageView> = match page.map(|p| &s.pages[p].details) {
                Some(Details::Profile(p)) => {
                    p.gallery.iter().map(|i| self.views().image(i)).collect()
                }
                Some(Details::Story(st)) => {
                    st.gallery.iter().map(|i| self.views().image(i)).collect()
                }
                _ => Vec::new(),
            };
            ctx.insert("gallery", &gallery);
            let template = format!("shortcodes/{}.html", call.name);
            // A figure or video whose file could not be used was reported at load time.
            let file_missing = match call.name.as_str() {
                "figure" => call.image.is_none(),
                "video" => call.video.is_none(),
                _ => false,
            };
            let rendered = if (call.name == "profile" && target.is_none())
                || file_missing
                || !self.theme.templates.contains_key(&template)
            {
                // Unresolved, a draft, or unknown: already reported at load or link time.
                String::new()
            } else {
                let bytes = self.render(&template, &ctx, || {
                    t!("render.what.shortcode", source = source, name = call.name).into_owned()
                })?;
                String::from_utf8_lossy(&bytes).trim().to_string()
            };
            rendered_calls.push(rendered);
        }
        Ok(splice_markers(html, &images, &rendered_calls))
    }
}

/// Replaces each `src="laomo-img:N"` and `<!--laomo:shortcode:N-->` marker in one pass
/// over the page: a page with 20,000 photos or calls stays linear.
fn splice_markers(html: &str, images: &[Option<String>], calls: &[String]) -> String {
    const IMG: &str = "src=\"laomo-img:";
    const CALL: &str = "<!--laomo:shortcode:";
    let extra: usize = images.iter().flatten().map(String::len).sum::<usize>()
        + calls.iter().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(html.len() + extra);
    // The next match of each marker, found again only once it has been passed.
    let mut next_img = html.find(IMG);
    let mut next_call = html.find(CALL);
    let mut at = 0;
    loop {
        let (start, is_img) = match (next_img, next_call) {
            (Some(i), Some(c)) if i < c => (i, true),
            (Some(i), None) => (i, true),
            (_, Some(c)) => (c, false),
            (None, None) => break,
        };
        let (prefix, close) = if is_img { (IMG, "\"") } else { (CALL, "-->") };
        let digits_at = start + prefix.len();
        let digits = html[digits_at..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let end = digits_at + digits;
        let n: Option<usize> = html[digits_at..end].parse().ok();
        let replacement = if html[end..].starts_with(close) {
            match (is_img, n) {
                (true, Some(n)) => images.get(n).and_then(|r| r.as_deref()),
                (false, Some(n)) => calls.get(n).map(String::as_str),
                _ => None,
            }
        } else {
            None
        };
        let resume = match replacement {
            Some(r) => {
                out.push_str(&html[at..start]);
                out.push_str(r);
                end + close.len()
            }
            None => {
                // Not a marker of ours (or a photo already reported): kept as it is.
                out.push_str(&html[at..digits_at]);
                digits_at
            }
        };
        at = resume;
        if is_img {
            next_img = html[at..].find(IMG).map(|i| i + at);
        } else {
            next_call = html[at..].find(CALL).map(|i| i + at);
        }
        // The other marker may have been inside the replaced span.
        if next_img.is_some_and(|i| i < at) {
            next_img = html[at..].find(IMG).map(|i| i + at);
        }
        if next_call.is_some_and(|c| c < at) {
            next_call = html[at..].find(CALL).map(|c| c + at);
        }
    }
    out.push_str(&html[at..]);
    out
}

/// A UI string from the theme's strings file, or the built-in default.
fn label(theme: &Theme, key: &str, default: &str) -> String {
    theme
        .strings
        .get(key)
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

#[derive(Serialize)]
struct LevelCount<'a> {
    level: &'a str,
    count: usize,
    url: Option<String>,
}

#[derive(Serialize)]
struct HomeFigures<'a> {
    profiles: usize,
    by_level: Vec<LevelCount<'a>>,
    stories: usize,
    exhibitions: usize,
    collections: usize,
    associations: usize,
}

#[derive(Serialize)]
struct HallEntry {
    card: Hashed,
    anchor: Option<String>,
}

#[derive(Serialize)]
struct HallGroup<'a> {
    level: &'a str,
    url: Option<String>,
    profiles: Vec<HallEntry>,
}

#[derive(Serialize)]
struct InitialLink {
    letter: String,
    anchor: String,
    /// The letter's first person is on this page.
    here: bool,
}

#[derive(Serialize)]
struct TaxonomyView {
    key: &'static str,
    name: String,
    url: String,
}

#[derive(Serialize)]
struct TermView {
    name: String,
    url: String,
    count: usize,
    parent: Option<TermLink>,
    children: Vec<TermLink>,
}

#[derive(Serialize)]
struct FilterView {
    key: &'static str,
    name: String,
    terms: Vec<TermView>,
}
