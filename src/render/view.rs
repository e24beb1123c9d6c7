//! What templates see. Each view borrows from the `Site`; docs/templates.md lists
//! every field, so theme authors never have to read this file.

use super::key_bytes::Hashed;
use crate::imageproc::encode::Format;
use crate::imageproc::{Photos, Processed, Variant, variant_path};
use crate::link::Site;
use crate::load::assets::url_path;
use crate::model::*;
use serde::Serialize;
use tera::Value;

/// A link to another page, with what a card shows about it.
#[derive(Serialize)]
pub struct Card<'a> {
    pub kind: Kind,
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
    pub summary: &'a str,
    pub date: Option<Date>,
    /// Portrait, cover or logo.
    pub image: Option<ImageView>,
    /// A person without a portrait: the surname on a colour of its own.
    pub monogram: Option<Monogram>,
    /// Profiles: the highest honor, its level, the region, the pinyin initial.
    pub honor: Option<&'a str>,
    pub level: Option<&'a str>,
    pub region: Option<&'a str>,
    pub initial: Option<String>,
    pub pinyin: String,
    pub industry: Option<&'a str>,
    pub era: Option<&'a str>,
    pub organization: Option<&'a str>,
    /// Every honor's name, for filtering.
    pub honors: Vec<&'a str>,
    /// Stories: category and location.
    pub category: Option<&'a str>,
    pub location: Option<&'a str>,
}

/// The surname shown in place of a missing portrait, on one of the theme's colours
/// (`monogram-0` … `monogram-5`), the same for a name on every page and every build.
#[derive(Serialize, Clone)]
pub struct Monogram {
    pub text: String,
    pub tone: u8,
}

impl Monogram {
    pub const TONES: u8 = 6;

    pub fn of(name: &str) -> Monogram {
        // FNV-1a: stable across builds and platforms, unlike the std hasher.
        let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        Monogram {
            text: crate::pinyin::surname(name),
            tone: (hash % u32::from(Self::TONES)) as u8,
        }
    }
}

/// The picture that stands for a page on cards and when shared: a profile's portrait, a
/// story's cover (else its first gallery photo), an exhibition's or collection's cover,
/// an association's logo.
pub fn lead_image(p: &Page) -> Option<&Image> {
    match &p.details {
        crate::model::Details::Profile(pr) => pr.portrait.as_ref(),
        crate::model::Details::Story(s) => s.cover.as_ref().or(s.gallery.first()),
        crate::model::Details::Exhibition(e) => e.cover.as_ref(),
        crate::model::Details::Collection(c) => c.cover.as_ref(),
        crate::model::Details::Association(a) => a.logo.as_ref(),
        crate::model::Details::Page(_) => None,
    }
}

/// Builds the card of page `i`; the renderer does this once per page (see [`ViewCx`]).
pub fn build_card<'a>(site: &'a Site, photos: &Photos, i: PageId) -> Card<'a> {
    let p = &site.pages[i];
    let c = &site.config;
    let mut card = Card {
        kind: p.kind,
        slug: &p.slug,
        title: &p.title,
        url: c.url(&p.path),
        summary: &p.summary,
        date: p.date,
        image: None,
        monogram: None,
        honor: None,
        level: None,
        region: None,
        initial: None,
        pinyin: p.reading.plain(),
        industry: None,
        era: None,
        organization: None,
        honors: Vec::new(),
        category: None,
        location: None,
    };
    match &p.details {
        crate::model::Details::Profile(pr) => {
            card.image = lead_image(p).map(|x| image_view(site, photos, x));
            if card.image.is_none() {
                card.monogram = Some(Monogram::of(&p.title));
            }
            let top = pr.honors.first().and_then(|h| c.honors.get(h.honor));
            card.honor = top.map(|h| h.name.as_str());
            card.level = top.map(|h| h.level.as_str());
            card.region = Some(&pr.region);
            card.initial = Some(p.reading.initial().to_string());
            card.industry = pr.industry.as_deref();
            card.era = pr.era.as_deref();
            card.organization = pr.organization.as_deref();
            card.honors = pr
                .honors
                .iter()
                .filter_map(|h| c.honors.get(h.honor))
                .map(|h| h.name.as_str())
                .collect();
        }
        crate::model::Details::Story(s) => {
            card.image = lead_image(p).map(|x| image_view(site, photos, x));
            card.category = s.category.as_deref();
            card.location = s.location.as_deref();
        }
        crate::model::Details::Exhibition(_) | crate::model::Details::Collection(_) => {
            card.image = lead_image(p).map(|x| image_view(site, photos, x))
        }
        crate::model::Details::Association(a) => {
            card.image = lead_image(p).map(|x| image_view(site, photos, x));
            card.region = a.region.as_deref();
        }
        crate::model::Details::Page(_) => {}
    }
    card
}

/// What views need: the site, and every page's card built once, so the thousands of
/// lists that mention a page clone it instead of building it again.
pub struct ViewCx<'a> {
    pub site: &'a Site,
    pub photos: &'a Photos,
    pub cards: &'a PerPage<CardSlot>,
    /// Whether the views are rendered (cards with Tera values) or only hashed.
    pub values: bool,
}

/// A page's card as lists use it: its hash, and its Tera value once a rendered page
/// needs it (a build after an edit renders few pages, and hashes every card).
#[derive(Default)]
pub struct CardSlot {
    hash: std::sync::OnceLock<Hashed>,
    value: std::sync::OnceLock<Value>,
}

/// One empty slot per page: each card is built the first time a list needs it, so
/// `laomo serve` does not build 15,000 cards to show one page.
pub fn card_slots(site: &Site) -> PerPage<CardSlot> {
    site.pages.map(|_| CardSlot::default())
}

impl ViewCx<'_> {
    pub fn image(&self, img: &Image) -> ImageView {
        image_view(self.site, self.photos, img)
    }
}

/// A set of files of one photo at several widths, for `srcset`.
#[derive(Serialize, Clone, Debug)]
pub struct Sources {
    /// The file to use as `src`: the widest up to 960 pixels.
    pub src: String,
    pub width: u32,
    pub height: u32,
    /// `a-480.jpg 480w, a-960.jpg 960w` in the fallback format (JPEG, or PNG when transparent).
    pub srcset: String,
    /// The same widths as WebP.
    pub webp_srcset: String,
    /// MIME type of `src`.
    pub mime: &'static str,
}

/// A photo as templates see it: resized files, their size, and text for people.
#[derive(Serialize, Clone, Debug)]
pub struct ImageView {
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub srcset: String,
    pub webp_srcset: String,
    pub mime: &'static str,
    /// A reasonable default for `sizes`: full width on phones, the text column on screens.
    pub sizes: &'static str,
    pub alt: String,
    pub caption: Option<String>,
    /// Average colour, `#rrggbb`, as a placeholder while the photo loads.
    pub color: Option<String>,
    /// Square crop (portraits only), for cards.
    pub square: Option<Sources>,
}

fn sources(site: &Site, img: &Image, p: &Processed, crop: Crop) -> Option<Sources> {
    let mut all: Vec<&Variant> = p.meta.variants.iter().filter(|v| v.crop == crop).collect();
    all.sort_by_key(|v| v.width);
    let fallback: Vec<&Variant> = all
        .iter()
        .filter(|v| v.format != Format::Webp)
        .copied()
        .collect();
    let webp: Vec<&Variant> = all
        .iter()
        .filter(|v| v.format == Format::Webp)
        .copied()
        .collect();
    let url = |v: &Variant| url_path(&site.config.url(&variant_path(img, p, v)));
    let set = |vs: &[&Variant]| {
        vs.iter()
            .map(|v| format!("{} {}w", url(v), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let main = fallback
        .iter()
        .rev()
        .find(|v| v.width <= 960)
        .or(fallback.first())?;
    Some(Sources {
        src: url(main),
        width: main.width,
        height: main.height,
        srcset: set(&fallback),
        webp_srcset: set(&webp),
        mime: main.format.mime(),
    })
}

pub fn image_view(site: &Site, photos: &Photos, img: &Image) -> ImageView {
    let processed = photos.get(img);
    let whole = processed.and_then(|p| sources(site, img, p, Crop::Whole));
    ImageView {
        src: whole
            .as_ref()
            .map(|w| w.src.clone())
            .unwrap_or_else(|| img.src.clone()),
        width: whole.as_ref().map(|w| w.width).or(img.width),
        height: whole.as_ref().map(|w| w.height).or(img.height),
        srcset: whole.as_ref().map(|w| w.srcset.clone()).unwrap_or_default(),
        webp_srcset: whole
            .as_ref()
            .map(|w| w.webp_srcset.clone())
            .unwrap_or_default(),
        mime: whole.as_ref().map(|w| w.mime).unwrap_or("image/jpeg"),
        sizes: "(max-width: 48rem) 100vw, 42rem",
        alt: img.alt.clone(),
        caption: img.caption.clone(),
        color: processed.map(|p| p.meta.color.clone()),
        square: processed.and_then(|p| sources(site, img, p, Crop::Square)),
    }
}

/// Page `i`'s card: its hash, and its Tera value when the views are for rendering.
pub fn card(v: &ViewCx, i: PageId) -> Hashed {
    let slot = &v.cards[i];
    if !v.values {
        return slot
            .hash
            .get_or_init(|| Hashed::of(&build_card(v.site, v.photos, i)))
            .clone();
    }
    // Both from one build of the card when neither is there yet (a first build).
    let mut hashed = None;
    let value = slot.value.get_or_init(|| {
        let view = build_card(v.site, v.photos, i);
        hashed = Some(slot.hash.get_or_init(|| Hashed::of(&view)));
        Value::from_serializable(&view)
    });
    let hashed = hashed.unwrap_or_else(|| {
        slot.hash
            .get_or_init(|| Hashed::of(&build_card(v.site, v.photos, i)))
    });
    hashed.with_value(value.clone())
}

pub fn cards(v: &ViewCx, ids: &[PageId]) -> Vec<Hashed> {
    ids.iter().map(|&i| card(v, i)).collect()
}

/// A term as a link: `{name, url}`.
#[derive(Serialize, Clone)]
pub struct TermLink {
    pub name: String,
    pub url: String,
}

pub fn term_link(site: &Site, taxonomy: TaxonomyKind, name: &str) -> Option<TermLink> {
    let t = site.taxonomy(taxonomy)?;
    let term = t.terms.iter().find(|x| x.name == name)?;
    Some(TermLink {
        name: term.name.clone(),
        url: site.config.url(&term.path),
    })
}

#[derive(Serialize, Clone)]
pub struct HonorView<'a> {
    pub name: &'a str,
    pub level: &'a str,
    pub year: Option<i32>,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct NavView {
    pub collection: Hashed,
    pub prev: Option<Hashed>,
    pub next: Option<Hashed>,
    pub position: usize,
    pub total: usize,
}

#[derive(Serialize)]
pub struct ExhibitView<'a> {
    /// `profile`, `story`, `image` or `video`.
    pub kind: &'static str,
    /// Its place in the hall, from 1: exhibit 2 of hall 3 is labelled 3-2.
    pub number: usize,
    pub card: Option<Hashed>,
    pub image: Option<ImageView>,
    pub video: Option<&'a Media>,
    pub caption: Option<&'a str>,
}

/// A stop on the route through an exhibition: the 序厅 (the exhibition's own page,
/// number 0) or one of its halls.
#[derive(Serialize, Clone)]
pub struct RouteStop<'a> {
    pub number: usize,
    pub numeral: String,
    pub title: &'a str,
    pub url: String,
}

/// One hall of an exhibition, which has a page of its own (`hall-2/`).
#[derive(Serialize)]
pub struct HallView<'a> {
    /// From 1, with its Chinese numeral for 第一展厅.
    pub number: usize,
    pub numeral: String,
    pub title: &'a str,
    pub intro: Option<&'a str>,
    pub url: String,
    /// Its QR code, for the label at the entrance of a physical hall.
    pub qr: String,
    /// The first picture among its exhibits, for the map of halls in the 序厅.
    pub image: Option<ImageView>,
    pub exhibits: Vec<ExhibitView<'a>>,
    /// The stops before and after it: the 序厅 comes before the first hall.
    pub prev: Option<RouteStop<'a>>,
    pub next: Option<RouteStop<'a>>,
}

#[derive(Serialize)]
pub struct PartView<'a> {
    pub title: Option<&'a str>,
    pub date: Option<Date>,
    pub stories: Vec<Hashed>,
}

/// Kind-specific fields of a page, next to the common ones in `page`.
#[derive(Serialize, Default)]
pub struct Details<'a> {
    // Profile
    pub name: Option<&'a str>,
    /// Highest first.
    pub honors: Vec<HonorView<'a>>,
    /// The same honors by year, oldest first (undated ones last), for a timeline.
    pub timeline: Vec<HonorView<'a>>,
    pub region: Option<TermLink>,
    pub organization: Option<&'a str>,
    pub occupation: Option<&'a str>,
    pub industry: Option<TermLink>,
    pub era: Option<TermLink>,
    pub portrait: Option<ImageView>,
    /// In place of a missing portrait.
    pub monogram: Option<Monogram>,
    pub gallery: Vec<ImageView>,
    /// The body already shows the gallery with `{{ gallery() }}`: templates leave it out.
    pub gallery_in_body: bool,
    pub tags: Vec<TermLink>,
    // Story
    pub end_date: Option<Date>,
    pub date_note: Option<&'a str>,
    pub category: Option<TermLink>,
    pub location: Option<&'a str>,
    pub cover: Option<ImageView>,
    pub figures: Vec<&'a Figure>,
    pub people: Vec<Hashed>,
    pub navigation: Vec<NavView>,
    // Exhibition
    pub featured: bool,
    pub halls: Vec<HallView<'a>>,
    // Collection
    pub collection_kind: Option<&'a str>,
    pub subtitle: Option<&'a str>,
    pub published: Option<Date>,
    pub publisher: Option<&'a str>,
    pub parts: Vec<PartView<'a>>,
    pub story_count: usize,
    // Association
    pub short_name: Option<&'a str>,
    pub association_kind: Option<&'a str>,
    pub founded: Option<Date>,
    pub members: Option<&'a str>,
    pub logo: Option<ImageView>,
    pub parent: Option<Hashed>,
    pub children: Vec<Hashed>,
    pub profile_count: usize,
    // Backlinks
    pub association: Option<Hashed>,
    pub stories: Vec<Hashed>,
    pub exhibitions: Vec<Hashed>,
    pub collections: Vec<Hashed>,
    pub profiles: Vec<Hashed>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub kind: Kind,
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub summary: &'a str,
    pub date: Option<Date>,
    pub draft: bool,
    pub extra: &'a serde_json::Value,
    /// Its QR code (`qr.svg` beside the page), on profiles, stories and exhibitions.
    pub qr: Option<String>,
    #[serde(flatten)]
    pub details: Details<'a>,
}

pub fn page_view<'a>(v: &ViewCx<'a>, i: PageId) -> PageView<'a> {
    let site = v.site;
    let p = &site.pages[i];
    let l = &site.links[i];
    let c = &site.config;
    let mut d = Details {
        association: l.association.map(|a| card(v, a)),
        stories: cards(v, &l.stories),
        exhibitions: cards(v, &l.exhibitions),
        collections: cards(v, &l.collections),
        ..Default::default()
    };
    d.gallery_in_body = p.shortcodes.iter().any(|c| c.name == "gallery");
    match &p.details {
        crate::model::Details::Profile(pr) => {
            d.name = Some(&pr.name);
            d.honors = pr
                .honors
                .iter()
                .filter_map(|h| {
                    let honor = c.honors.get(h.honor)?;
                    Some(HonorView {
                        name: &honor.name,
                        level: &honor.level,
                        year: h.year,
                        url: term_link(site, TaxonomyKind::Honors, &honor.name).map(|t| t.url),
                    })
                })
                .collect();
            d.timeline = d.honors.clone();
            d.timeline.sort_by_key(|h| h.year.unwrap_or(i32::MAX));
            d.region = term_link(site, TaxonomyKind::Regions, &pr.region);
            d.organization = pr.organization.as_deref();
            d.occupation = pr.occupation.as_deref();
            d.industry = pr
                .industry
                .as_deref()
                .and_then(|x| term_link(site, TaxonomyKind::Industries, x));
            d.era = pr
                .era
                .as_deref()
                .and_then(|x| term_link(site, TaxonomyKind::Eras, x));
            d.portrait = pr.portrait.as_ref().map(|x| v.image(x));
            if d.portrait.is_none() {
                d.monogram = Some(Monogram::of(&p.title));
            }
            d.gallery = pr.gallery.iter().map(|x| v.image(x)).collect();
            d.tags = pr
                .tags
                .iter()
                .filter_map(|t| term_link(site, TaxonomyKind::Tags, t))
                .collect();
        }
        crate::model::Details::Story(s) => {
            d.end_date = s.end_date;
            d.date_note = s.date_note.as_deref();
            d.category = s
                .category
                .as_deref()
                .and_then(|x| term_link(site, TaxonomyKind::Categories, x));
            d.location = s.location.as_deref();
            d.cover = s.cover.as_ref().map(|x| v.image(x));
            d.gallery = s.gallery.iter().map(|x| v.image(x)).collect();
            d.figures = s.figures.iter().collect();
            d.tags = s
                .tags
                .iter()
                .filter_map(|t| term_link(site, TaxonomyKind::Tags, t))
                .collect();
            d.people = cards(v, &l.people);
            d.navigation = l
                .collection_nav
                .iter()
                .map(|n| NavView {
                    collection: card(v, n.collection),
                    prev: n.prev.map(|x| card(v, x)),
                    next: n.next.map(|x| card(v, x)),
                    position: n.position,
                    total: n.total,
                })
                .collect();
        }
        crate::model::Details::Exhibition(e) => {
            d.featured = e.featured;
            d.cover = e.cover.as_ref().map(|x| v.image(x));
            d.halls = hall_views(v, i, e);
        }
        crate::model::Details::Collection(col) => {
            d.collection_kind = col.kind.as_deref();
            d.subtitle = col.subtitle.as_deref();
            d.published = col.published;
            d.publisher = col.publisher.as_deref();
            d.cover = col.cover.as_ref().map(|x| v.image(x));
            d.parts = col
                .parts
                .iter()
                .zip(&l.parts)
                .map(|(part, ids)| PartView {
                    title: part.title.as_deref(),
                    date: part.date,
                    stories: cards(v, ids),
                })
                .collect();
            d.story_count = l.parts.iter().map(Vec::len).sum();
        }
        crate::model::Details::Association(a) => {
            d.name = Some(&a.name);
            d.short_name = a.short_name.as_deref();
            d.association_kind = a.kind.as_deref();
            d.founded = a.founded;
            d.members = a.members.as_deref();
            d.logo = a.logo.as_ref().map(|x| v.image(x));
            d.region = a.region.as_deref().map(|r| {
                term_link(site, TaxonomyKind::Regions, r).unwrap_or(TermLink {
                    name: r.to_string(),
                    url: String::new(),
                })
            });
            d.parent = l.parent.map(|x| card(v, x));
            d.children = cards(v, &l.children);
            d.profiles = cards(v, &l.profiles);
            d.profile_count = l.profiles.len();
        }
        crate::model::Details::Page(_) => {}
    }
    PageView {
        kind: p.kind,
        slug: &p.slug,
        title: &p.title,
        url: c.url(&p.path),
        permalink: c.permalink(&p.path),
        summary: &p.summary,
        date: p.date,
        draft: p.draft,
        extra: &p.extra,
        qr: crate::share::has_qr(p.kind).then(|| c.url(&crate::share::qr_path(&p.path))),
        details: d,
    }
}

#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// Pagination of a listing: `/profiles/`, `/profiles/page/2/`, …
#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
    /// Index (0-based) of the first item on this page in the whole listing.
    pub first_item: usize,
    pub total_items: usize,
}

/// Site path of page `n` (1-based) of the listing at `base` (`/profiles/`).
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

pub fn paginator(
    site: &Site,
    base: &str,
    n: usize,
    total: usize,
    per_page: usize,
    total_items: usize,
) -> Paginator {
    let url = |k: usize| site.config.url(&pager_path(base, k));
    Paginator {
        current: n,
        total,
        prev: (n > 1).then(|| url(n - 1)),
        next: (n < total).then(|| url(n + 1)),
        pages: (1..=total)
            .map(|k| PagerLink {
                number: k,
                url: url(k),
                current: k == n,
            })
            .collect(),
        first_item: (n - 1) * per_page,
        total_items,
    }
}

/// The halls of exhibition `i`, each with its exhibits and its place on the route.
fn hall_views<'a>(v: &ViewCx<'a>, i: PageId, e: &'a Exhibition) -> Vec<HallView<'a>> {
    let site = v.site;
    let p = &site.pages[i];
    let targets = &site.links[i].exhibits;
    let target = |hi: usize, xi: usize| -> Option<PageId> {
        targets.get(hi).and_then(|t| t.get(xi)).copied().flatten()
    };
    let stop = |number: usize| -> RouteStop<'a> {
        if number == 0 {
            RouteStop {
                number,
                numeral: "序".into(),
                title: &p.title,
                url: site.config.url(&p.path),
            }
        } else {
            RouteStop {
                number,
                numeral: crate::util::cjk::numeral(number),
                title: &e.halls[number - 1].title,
                url: site.config.url(&super::hall_path(&p.path, number)),
            }
        }
    };
    e.halls
        .iter()
        .enumerate()
        .map(|(hi, h)| {
            let image = h.exhibits.iter().enumerate().find_map(|(xi, x)| match x {
                Exhibit::Image(img) => Some(v.image(img)),
                Exhibit::Video { poster, .. } => poster.as_ref().map(|x| v.image(x)),
                Exhibit::Profile(_) | Exhibit::Story(_) => target(hi, xi)
                    .and_then(|t| lead_image(&site.pages[t]))
                    .map(|x| v.image(x)),
            });
            // Exhibits whose page is a draft are left out, and the rest numbered
            // without a gap.
            let exhibits = h
                .exhibits
                .iter()
                .enumerate()
                .filter_map(|(xi, x)| {
                    let (kind, card) = match x {
                        Exhibit::Profile(_) => ("profile", Some(card(v, target(hi, xi)?))),
                        Exhibit::Story(_) => ("story", Some(card(v, target(hi, xi)?))),
                        Exhibit::Image(_) => ("image", None),
                        Exhibit::Video { .. } => ("video", None),
                    };
                    Some((kind, card, x))
                })
                .enumerate()
                .map(|(n, (kind, card, x))| {
                    let mut view = ExhibitView {
                        kind,
                        number: n + 1,
                        card,
                        image: None,
                        video: None,
                        caption: None,
                    };
                    match x {
                        Exhibit::Image(img) => {
                            view.image = Some(v.image(img));
                            view.caption = img.caption.as_deref();
                        }
                        Exhibit::Video {
                            video,
                            poster,
                            caption,
                        } => {
                            view.image = poster.as_ref().map(|x| v.image(x));
                            view.video = Some(video);
                            view.caption = caption.as_deref();
                        }
                        Exhibit::Profile(_) | Exhibit::Story(_) => {}
                    }
                    view
                })
                .collect();
            let number = hi + 1;
            HallView {
                number,
                numeral: crate::util::cjk::numeral(number),
                title: &h.title,
                intro: h.intro.as_deref(),
                url: site.config.url(&super::hall_path(&p.path, number)),
                qr: site
                    .config
                    .url(&crate::share::qr_path(&super::hall_path(&p.path, number))),
                image,
                exhibits,
                prev: Some(stop(number - 1)),
                next: (number < e.halls.len()).then(|| stop(number + 1)),
            }
        })
        .collect()
}
