//! `laomo book COLLECTION [-o FILE.pdf]`: a collection typeset as a book. The cover,
//! the 前言 from the collection's own body, a table of contents, one chapter per story
//! in reading order (parts as part titles), and the photo credits at the back; the
//! theme's `templates/print/book.typ` decides how each looks.

use super::PhotoList;
use super::markup::{self, Embeds};
use super::world::{PrintWorld, file_id};
use crate::config::Paper;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link::Site;
use crate::model::{Details, Image, Kind, Page, PageId};
use rust_i18n::t;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The theme file a book starts from.
pub const TEMPLATE: &str = "print/book.typ";

/// What was written.
pub struct Printed {
    pub file: PathBuf,
    pub title: String,
    pub pages: usize,
    pub chapters: usize,
}

#[derive(Serialize)]
struct BookData {
    site: SiteData,
    title: String,
    subtitle: Option<String>,
    /// book, series or newsletter, as the front matter says.
    kind: Option<String>,
    publisher: Option<String>,
    published: Option<String>,
    cover: Option<String>,
    url: String,
    /// The 前言: the collection's own body, when it has one.
    preface: Option<String>,
    paper: Paper,
    fonts: FontData,
    parts: Vec<PartData>,
    credits: Vec<Credit>,
}

#[derive(Serialize)]
struct SiteData {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct FontData {
    serif: Vec<String>,
    sans: Vec<String>,
}

#[derive(Serialize)]
struct PartData {
    title: Option<String>,
    date: Option<String>,
    chapters: Vec<Chapter>,
}

#[derive(Serialize)]
struct Person {
    name: String,
    honors: Vec<String>,
    portrait: Option<String>,
}

#[derive(Serialize, Default)]
struct Chapter {
    kind: &'static str,
    title: String,
    url: String,
    date: Option<String>,
    location: Option<String>,
    association: Option<String>,
    category: Option<String>,
    /// A profile's own facts.
    name: Option<String>,
    honors: Vec<String>,
    organization: Option<String>,
    occupation: Option<String>,
    region: Option<String>,
    portrait: Option<String>,
    /// The people a story is about.
    people: Vec<Person>,
    cover: Option<Photo>,
    photos: Vec<Photo>,
    /// The body, as a Typst file of the document: `include` it.
    body: String,
}

#[derive(Serialize, Clone)]
struct Photo {
    src: String,
    caption: Option<String>,
    /// Height over width, so the template can print an upright photo narrower.
    ratio: f64,
}

fn ratio(img: &Image) -> f64 {
    match (img.width, img.height) {
        (Some(w), Some(h)) if w > 0 => f64::from(h) / f64::from(w),
        _ => 0.75,
    }
}

#[derive(Serialize)]
struct Credit {
    /// The chapter (or 封面) the photo is in.
    place: String,
    /// What the photo shows: its caption or description.
    photo: String,
    file: String,
    /// Who took or gave it: the editor's `credit:`, else the photo's own EXIF.
    credit: Option<String>,
}

/// The collection `query` names, or an error listing the collections there are.
/// Typesets the collection `query` into `out` (default: `SLUG.pdf` here).
pub fn book(
    root: &Path,
    query: &str,
    out: Option<&Path>,
    drafts: bool,
    diags: &mut Diagnostics,
) -> Option<Printed> {
    let mut stages = crate::build::Stages::new();
    let sources = super::load_site(root, drafts, diags)?;
    stages.done("load");
    let id = sources
        .find(query, Kind::Collection, &sources.site.collections, "book")
        .map_err(|d| diags.push(d))
        .ok()?;
    let site = &sources.site;
    let page = site.page(id);
    let Details::Collection(collection) = &page.details else {
        return None;
    };
    let fonts = super::fonts(&site.config.print)
        .map_err(|d| diags.push(d))
        .ok()?;
    let main = file_id(&format!("/{TEMPLATE}"))?;
    let mut world = PrintWorld::new(fonts.clone(), main);
    super::add_templates(&mut world, &sources.theme);
    let paper = collection.paper;
    let mut photos = PhotoList::default();
    let mut credits = Vec::new();
    let mut bodies = Bodies {
        site,
        world: &mut world,
        diags,
        count: 0,
    };

    let cover = collection.cover.as_ref().map(|img| {
        credits.push(credit(&t!("book.cover"), img));
        photos.name(img, paper.width)
    });
    let preface = bodies.body(id, &mut photos, paper.text_width(), &mut credits);
    let mut parts = Vec::new();
    let mut chapters = 0;
    for (n, stories) in site.links[id].parts.iter().enumerate() {
        let part = collection.parts.get(n);
        let mut list = Vec::new();
        for &story in stories {
            let mut chapter = chapter(site, story, &mut photos, paper, &mut credits);
            chapter.body = bodies
                .body(story, &mut photos, paper.text_width(), &mut credits)
                .unwrap_or_default();
            list.push(chapter);
        }
        chapters += list.len();
        parts.push(PartData {
            title: part.and_then(|p| p.title.clone()),
            date: part.and_then(|p| p.date).map(|d| d.chinese()),
            chapters: list,
        });
    }
    let data = BookData {
        site: SiteData {
            title: site.config.title.clone(),
            url: site.config.base_url.clone(),
        },
        title: page.title.clone(),
        subtitle: collection.subtitle.clone(),
        kind: collection.kind.clone(),
        publisher: collection.publisher.clone(),
        published: collection.published.map(|d| d.chinese()),
        cover,
        url: site.config.permalink(&page.path),
        preface,
        paper,
        fonts: FontData {
            serif: fonts.chinese_serif.clone(),
            sans: fonts.chinese_sans.clone(),
        },
        parts,
        credits,
    };
    stages.done("bodies");
    photos.make(
        &sources.root,
        site.config.images.max_pixels,
        &mut world,
        diags,
    );
    stages.done("photos");
    if diags.has_errors() {
        return None;
    }
    world.add_file(
        "/laomo/book.json",
        serde_json::to_vec(&data).unwrap_or_default(),
    );
    let (pdf, pages) = super::typeset(&world, diags, &mut stages)?;
    let file = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{}.pdf", page.slug)));
    super::write_pdf(&file, &pdf, diags).then_some(Printed {
        file,
        title: page.title.clone(),
        pages,
        chapters,
    })
}

fn credit(place: &str, img: &Image) -> Credit {
    Credit {
        place: place.to_string(),
        photo: img.caption.clone().unwrap_or_else(|| img.alt.clone()),
        file: img
            .source
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        credit: img
            .credit
            .clone()
            .or_else(|| crate::imageproc::print::exif_credit(&img.source)),
    }
}

fn honors_of(site: &Site, page: &Page) -> Vec<String> {
    let Some(p) = page.profile() else {
        return Vec::new();
    };
    p.honors
        .iter()
        .filter_map(|h| {
            let name = &site.config.honors.get(h.honor)?.name;
            Some(match h.year {
                // The printed text is Chinese whatever language laomo speaks.
                Some(y) => format!("{name}（{y}年）"),
                None => name.clone(),
            })
        })
        .collect()
}

fn association_name(site: &Site, id: Option<PageId>) -> Option<String> {
    let page = site.page(id?);
    page.association().map(|a| a.name.clone())
}

/// A chapter's facts; its body is added by [`Bodies::body`].
fn chapter(
    site: &Site,
    id: PageId,
    photos: &mut PhotoList,
    paper: Paper,
    credits: &mut Vec<Credit>,
) -> Chapter {
    let page = site.page(id);
    let links = &site.links[id];
    let text = paper.text_width();
    let photo = |img: &Image, mm: f64, photos: &mut PhotoList, credits: &mut Vec<Credit>| {
        credits.push(credit(&page.title, img));
        Photo {
            src: photos.name(img, mm),
            caption: img.caption.clone(),
            ratio: ratio(img),
        }
    };
    let mut c = Chapter {
        title: page.title.clone(),
        url: site.config.permalink(&page.path),
        date: page.date.map(|d| d.chinese()),
        association: association_name(site, links.association),
        ..Chapter::default()
    };
    match &page.details {
        Details::Profile(p) => {
            c.kind = "profile";
            c.name = Some(p.name.clone());
            c.honors = honors_of(site, page);
            c.organization = p.organization.clone();
            c.occupation = p.occupation.clone();
            c.region = Some(p.region.clone()).filter(|r| !r.is_empty());
            c.portrait = p
                .portrait
                .as_ref()
                .map(|img| photo(img, text * 0.4, photos, credits).src);
            c.photos = p
                .gallery
                .iter()
                .map(|img| photo(img, text, photos, credits))
                .collect();
        }
        Details::Story(s) => {
            c.kind = "story";
            c.location = s.location.clone();
            c.category = s.category.clone();
            c.cover = s
                .cover
                .as_ref()
                .map(|img| photo(img, text, photos, credits));
            c.photos = s
                .gallery
                .iter()
                .map(|img| photo(img, text, photos, credits))
                .collect();
            c.people = links
                .people
                .iter()
                .map(|&p| {
                    let person = site.page(p);
                    Person {
                        name: person
                            .profile()
                            .map(|x| x.name.clone())
                            .unwrap_or_else(|| person.title.clone()),
                        honors: honors_of(site, person),
                        portrait: person
                            .profile()
                            .and_then(|x| x.portrait.as_ref())
                            .map(|img| photos.name(img, text * 0.25)),
                    }
                })
                .collect();
        }
        _ => c.kind = "page",
    }
    c
}

/// Writes each page's body into the world as a Typst file of its own.
struct Bodies<'a> {
    site: &'a Site,
    world: &'a mut PrintWorld,
    diags: &'a mut Diagnostics,
    count: usize,
}

impl Bodies<'_> {
    /// The world's path of `id`'s body, `None` when it has none.
    fn body(
        &mut self,
        id: PageId,
        photos: &mut PhotoList,
        text_mm: f64,
        credits: &mut Vec<Credit>,
    ) -> Option<String> {
        let page = self.site.page(id);
        let file = page.file();
        let text = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(crate::load::source::decode)
        {
            Ok(t) => t,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(t!("book.cannot_read", error = e)).in_file(&page.source),
                );
                return None;
            }
        };
        let markdown = crate::load::kinds::expanded_body(&text, &page.source)?;
        if markdown.trim().is_empty() {
            return None;
        }
        let mut embeds = PageEmbeds {
            site: self.site,
            id,
            photos,
            text_mm,
            credits,
        };
        let typst = markup::write(crate::load::markdown::events(&markdown), &mut embeds);
        self.count += 1;
        let path = format!("/laomo/body/{}.typ", self.count);
        // Bodies call the theme's helpers (`photo`, `person`, `gallery`) for what they place.
        let source = format!("#import \"/print/body.typ\": *\n{typst}");
        self.world.add_source(
            &path,
            source,
            t!("book.body_of", file = page.source).into_owned(),
        );
        Some(path)
    }
}

/// A page's photos, shortcodes and links as the book prints them.
struct PageEmbeds<'a> {
    site: &'a Site,
    id: PageId,
    photos: &'a mut PhotoList,
    text_mm: f64,
    credits: &'a mut Vec<Credit>,
}

impl PageEmbeds<'_> {
    fn photo_call(&mut self, img: &Image, mm: f64) -> String {
        let page = self.site.page(self.id);
        self.credits.push(credit(&page.title, img));
        let src = self.photos.name(img, mm);
        let caption = img
            .caption
            .as_deref()
            .map(|c| format!("[{}]", markup::text(c)))
            .unwrap_or_else(|| "none".into());
        format!(
            "#photo({}, caption: {caption}, alt: {}, ratio: {:.3})\n\n",
            markup::string(&src),
            markup::string(&img.alt),
            ratio(img)
        )
    }
}

impl Embeds for PageEmbeds<'_> {
    fn photo(&mut self, n: usize, _alt: &str) -> String {
        let page = self.site.page(self.id);
        match page.inline_images.get(n).and_then(Option::as_ref) {
            Some(img) => {
                let img = img.clone();
                self.photo_call(&img, self.text_mm)
            }
            None => String::new(),
        }
    }

    fn shortcode(&mut self, n: usize) -> String {
        let site = self.site;
        let page = site.page(self.id);
        let Some(call) = page.shortcodes.get(n) else {
            return String::new();
        };
        match call.name.as_str() {
            "figure" => match &call.image {
                Some(img) => {
                    let img = img.clone();
                    self.photo_call(&img, self.text_mm)
                }
                None => String::new(),
            },
            "gallery" => {
                let gallery = match &page.details {
                    Details::Profile(p) => &p.gallery,
                    Details::Story(s) => &s.gallery,
                    _ => return String::new(),
                };
                let half = self.text_mm / 2.0;
                let items: Vec<String> = gallery
                    .clone()
                    .iter()
                    .map(|img| {
                        self.credits.push(credit(&page.title, img));
                        format!(
                            "(src: {}, caption: {})",
                            markup::string(&self.photos.name(img, half)),
                            img.caption
                                .as_deref()
                                .map(|c| format!("[{}]", markup::text(c)))
                                .unwrap_or_else(|| "none".into())
                        )
                    })
                    .collect();
                format!("#gallery(({},))\n\n", items.join(", "))
            }
            "video" => {
                let caption = call
                    .args
                    .get("caption")
                    .map(|c| format!("[{}]", markup::text(&c.as_text())))
                    .unwrap_or_else(|| "none".into());
                let still = match &call.image {
                    Some(img) => {
                        self.credits.push(credit(&page.title, img));
                        markup::string(&self.photos.name(img, self.text_mm))
                    }
                    None => "none".into(),
                };
                format!(
                    "#video(still: {still}, caption: {caption}, url: {})\n\n",
                    markup::string(&site.config.permalink(&page.path))
                )
            }
            "profile" => {
                let target = site.links[self.id]
                    .shortcode_targets
                    .get(n)
                    .copied()
                    .flatten();
                match target {
                    Some(p) => {
                        let person = site.page(p);
                        let honors: Vec<String> = honors_of(site, person)
                            .iter()
                            .map(|h| markup::string(h))
                            .collect();
                        format!(
                            "#person(name: {}, honors: ({}), url: {})\n\n",
                            markup::string(
                                &person
                                    .profile()
                                    .map(|x| x.name.clone())
                                    .unwrap_or_else(|| person.title.clone())
                            ),
                            if honors.is_empty() {
                                String::new()
                            } else {
                                format!("{},", honors.join(", "))
                            },
                            markup::string(&site.config.permalink(&person.path))
                        )
                    }
                    None => String::new(),
                }
            }
            _ => String::new(),
        }
    }

    fn link(&self, url: &str) -> Option<String> {
        if url.starts_with("http://") || url.starts_with("https://") {
            Some(url.to_string())
        } else if url.starts_with('/') && !url.starts_with("//") {
            Some(self.site.config.permalink(url))
        } else {
            None
        }
    }
}
