//! Share cards and posters as the theme draws them: the page's data as the SVG
//! templates see it (`templates/share/*.svg`), drawn to PNG by [`crate::share::card`]
//! and kept in the cache by a hash of everything the picture is made from.

use super::Renderer;
use crate::diagnostic::Diagnostic;
use crate::model::{Details, Kind, PageId};
use crate::share::card::Shape;
use rust_i18n::t;
use serde::Serialize;
use std::path::PathBuf;
use tera::Context;

/// Bump when the drawing changes in a way the templates and data do not show.
const CARD_VERSION: &str = "laomo-card-2";
pub const POSTER_TEMPLATE: &str = "share/poster.svg";
/// Portrait, for WeChat moments and notice boards.
pub const POSTER_SIZE: (u32, u32) = (1080, 1920);

/// `card` in the share templates. Only what is published on the page: no private
/// value, and photos only as the pipeline's resized, metadata-free files.
#[derive(Serialize)]
struct ShareCardView<'a> {
    /// `profile`, `story`, `exhibition`, `collection` or `association`.
    kind: Kind,
    title: &'a str,
    /// The highest honor of a profile.
    honor: Option<&'a str>,
    /// Every honor of a profile, highest first, with its year: "2020年 全国劳动模范".
    honors: Vec<String>,
    association: Option<&'a str>,
    /// What sits under the title besides the honor: a story's date and category, an
    /// exhibition's or collection's kind.
    detail: Option<String>,
    /// The page's summary: on the poster only, so a card is not drawn again for an
    /// edit of the body that it does not show.
    summary: Option<&'a str>,
    site: &'a str,
    /// The site's host name, printed small: where the picture leads.
    host: String,
    url: String,
    /// The first character of the title, drawn large when there is no photo.
    monogram: String,
    image: Option<CardImage>,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct CardImage {
    /// A file of the photo cache, absolute.
    href: String,
    width: u32,
    height: u32,
}

/// `qr` in the poster template: the page's QR code as one SVG path.
#[derive(Serialize)]
struct QrView {
    /// Modules across, quiet zone included; the path is drawn in those units.
    size: usize,
    d: String,
}

impl Renderer {
    /// Whether page `id` gets share cards.
    pub fn has_share_card(&self, id: PageId) -> bool {
        self.share_cards.enabled
            && matches!(
                self.site.pages[id].kind,
                Kind::Profile
                    | Kind::Story
                    | Kind::Exhibition
                    | Kind::Collection
                    | Kind::Association
            )
    }

    fn share_card_view(&self, id: PageId, (width, height): (u32, u32)) -> ShareCardView<'_> {
        let site = &self.site;
        let c = &site.config;
        let p = &site.pages[id];
        let association = site.links[id]
            .association
            .map(|a| site.pages[a].title.as_str());
        let mut view = ShareCardView {
            kind: p.kind,
            title: &p.title,
            honor: None,
            honors: Vec::new(),
            association,
            detail: None,
            summary: None,
            site: &c.title,
            host: c
                .base_url
                .split("://")
                .nth(1)
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string(),
            url: c.permalink(&p.path),
            monogram: p.title.chars().next().map(String::from).unwrap_or_default(),
            image: super::view::lead_image(p).and_then(|img| self.card_image(img, (width, height))),
            width,
            height,
        };
        match &p.details {
            Details::Profile(pr) => {
                view.honor = pr
                    .honors
                    .first()
                    .and_then(|h| c.honors.get(h.honor))
                    .map(|h| h.name.as_str());
                view.honors = pr
                    .honors
                    .iter()
                    .filter_map(|h| {
                        let name = &c.honors.get(h.honor)?.name;
                        Some(match h.year {
                            Some(y) => format!("{y}年 {name}"),
                            None => name.clone(),
                        })
                    })
                    .collect();
            }
            Details::Story(s) => {
                let parts: Vec<String> = p
                    .date
                    .map(|d| d.chinese())
                    .into_iter()
                    .chain(s.category.clone())
                    .chain(s.location.clone())
                    .collect();
                view.detail = (!parts.is_empty()).then(|| parts.join(" · "));
            }
            Details::Exhibition(e) => {
                view.detail = Some(format!("云展馆 · {}个展厅", e.halls.len()));
            }
            Details::Collection(_) => view.detail = Some("文集".into()),
            Details::Association(a) => view.detail = a.region.clone(),
            Details::Page(_) => {}
        }
        view
    }

    /// The photo file a card of `size` draws: a JPEG (or, for a transparent one, PNG)
    /// of the whole photo, the smallest at least 480 px wide and four fifths of the
    /// card's shorter side high (a 630 px card's photo beside the text, a poster's
    /// square one); drawn near its own size, it is neither blurred nor slow to scale.
    fn card_image(&self, img: &crate::model::Image, (w, h): (u32, u32)) -> Option<CardImage> {
        use crate::imageproc::encode::Format;
        let processed = self.photos.get(img)?;
        let mut whole: Vec<_> = processed
            .meta
            .variants
            .iter()
            .filter(|v| v.crop == crate::model::Crop::Whole && v.format != Format::Webp)
            .collect();
        // JPEG where there is one; a transparent photo or logo has only PNG files.
        let jpeg = whole.iter().any(|v| v.format == Format::Jpeg);
        whole.retain(|v| !jpeg || v.format == Format::Jpeg);
        whole.sort_by_key(|v| v.width);
        let high = w.min(h) * 4 / 5;
        let v = whole
            .iter()
            .find(|v| v.width >= 480 && v.height >= high)
            .or(whole.last())?;
        Some(CardImage {
            href: processed.dir.join(&v.file).to_string_lossy().into_owned(),
            width: v.width,
            height: v.height,
        })
    }

    /// The share card of page `id` as a PNG file in the cache, drawn only when
    /// something it shows has changed since it was last drawn.
    pub fn share_card_file(&self, id: PageId, shape: Shape) -> Result<PathBuf, Diagnostic> {
        let size = shape.size();
        let view = self.share_card_view(id, size);
        self.draw(
            shape.template(),
            size,
            |ctx| ctx.insert("card", &view),
            &view,
            &format!("{}{}", self.site.pages[id].path, shape.file_name()),
        )
    }

    /// The cache key of page `id`'s share card, without drawing or looking for it.
    pub fn share_card_key(&self, id: PageId, shape: Shape) -> String {
        let view = self.share_card_view(id, shape.size());
        self.card_key(shape.template(), &view)
    }

    /// The poster of page `id`: a portrait PNG with its QR code, as a cache file.
    pub fn poster_file(&self, id: PageId) -> Result<PathBuf, Diagnostic> {
        let mut view = self.share_card_view(id, POSTER_SIZE);
        view.summary = Some(&self.site.pages[id].summary);
        let qr = crate::share::qr_path_data(&view.url).map(|(size, d)| QrView { size, d });
        self.draw(
            POSTER_TEMPLATE,
            POSTER_SIZE,
            |ctx| {
                ctx.insert("card", &view);
                ctx.insert("qr", &qr);
            },
            &(&view, &qr),
            &format!("{}poster.png", self.site.pages[id].path),
        )
    }

    /// A picture's cache key: what it is drawn from, with its template and fonts.
    fn card_key(&self, template: &str, data: &impl Serialize) -> String {
        let mut hasher = self.card_hasher(template);
        hasher.update(&serde_json::to_vec(data).unwrap_or_default());
        hasher.finalize().to_hex().to_string()
    }

    /// The card key's hasher after what every card of `template` shares: the version,
    /// the fonts and the share templates, hashed once per build instead of per card.
    fn card_hasher(&self, template: &str) -> blake3::Hasher {
        let prefix = |template: &str| {
            let mut hasher = blake3::Hasher::new();
            hasher.update(CARD_VERSION.as_bytes());
            hasher.update(template.as_bytes());
            hasher.update(self.share_cards.font_key().as_bytes());
            for (name, (text, _)) in self.theme.templates.range("share/".to_string()..) {
                if !name.starts_with("share/") {
                    break;
                }
                hasher.update(name.as_bytes());
                hasher.update(text.as_bytes());
            }
            hasher
        };
        let known = self.card_hashers.get_or_init(|| {
            [
                Shape::Wide.template(),
                Shape::Square.template(),
                POSTER_TEMPLATE,
            ]
            .into_iter()
            .map(|t| (t, prefix(t)))
            .collect()
        });
        match known.iter().find(|(t, _)| *t == template) {
            Some((_, hasher)) => hasher.clone(),
            None => prefix(template),
        }
    }

    /// Renders `template` with what `fill` puts in, then draws it; `data` is what the
    /// picture is made from, hashed with the templates and fonts for the cache key.
    fn draw(
        &self,
        template: &str,
        size: (u32, u32),
        fill: impl FnOnce(&mut Context),
        data: &impl Serialize,
        shown: &str,
    ) -> Result<PathBuf, Diagnostic> {
        let key = self.card_key(template, data);
        let cannot_keep = |path: &std::path::Path, e: std::io::Error| {
            Diagnostic::error(t!(
                "photo.cannot_write_cache",
                path = path.display(),
                error = e
            ))
        };
        self.share_cards.cached(
            &key,
            || {
                let fonts = self
                    .share_cards
                    .fonts()
                    .map_err(|e| Diagnostic::error(e).hint(t!("share.no_cjk_font.hint")))?;
                let mut ctx = Context::new();
                fill(&mut ctx);
                ctx.insert("font", fonts.family());
                let svg = self
                    .tera
                    .render(template, &ctx)
                    .map_err(|e| super::template_error(&self.theme, &e, shown))?;
                fonts
                    .rasterize(&svg, size, std::path::Path::new("/"))
                    .map_err(|e| {
                        Diagnostic::error(t!("share.card_failed", path = shown, error = e))
                            .hint(t!("share.card_failed.hint"))
                    })
            },
            cannot_keep,
        )
    }
}
