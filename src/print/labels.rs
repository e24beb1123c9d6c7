//! `laomo labels EXHIBITION [-o FILE.pdf]`: the labels beside the exhibits of a physical
//! hall, on A4 sheets with cut marks. Each label carries the exhibit's number as the
//! 云展馆 numbers it (2-3: the third exhibit of the second hall), its title, the person's
//! highest honor, a short caption and a QR code that opens its page on the site.

use super::world::{PrintWorld, file_id};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::link::Site;
use crate::model::{Details, Exhibit, Kind, Page};
use rust_i18n::t;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The theme file the labels start from.
pub const TEMPLATE: &str = "print/labels.typ";
/// A label's caption, in characters: what reads at arm's length beside an exhibit.
const CAPTION_CHARS: usize = 60;

pub struct Printed {
    pub file: PathBuf,
    pub title: String,
    pub labels: usize,
    pub pages: usize,
}

#[derive(Serialize)]
struct LabelsData {
    title: String,
    url: String,
    association: Option<String>,
    fonts: FontData,
    labels: Vec<Label>,
}

#[derive(Serialize)]
struct FontData {
    serif: Vec<String>,
    sans: Vec<String>,
}

#[derive(Serialize)]
struct Label {
    /// `2-3`: hall 2, exhibit 3, as the hall's page numbers it.
    number: String,
    hall: String,
    /// profile, story, image or video.
    kind: &'static str,
    title: String,
    /// A profile's highest honor (with its year), a story's date.
    honor: Option<String>,
    caption: Option<String>,
    url: String,
    /// The QR code of `url`, an SVG file of the document.
    qr: String,
}

/// The exhibition `query` names, or an error listing those there are.
fn top_honor(site: &Site, page: &Page) -> Option<String> {
    let p = page.profile()?;
    let h = p.honors.iter().min_by_key(|h| h.honor)?;
    let name = &site.config.honors.get(h.honor)?.name;
    Some(match h.year {
        // The printed text is Chinese whatever language laomo speaks.
        Some(y) => format!("{name}（{y}年）"),
        None => name.clone(),
    })
}

fn short(text: &str) -> Option<String> {
    let s = crate::load::markdown::summarize(text, CAPTION_CHARS);
    (!s.trim().is_empty()).then_some(s)
}

/// Sets the labels of exhibition `query` into `out` (default: `SLUG-labels.pdf` here).
pub fn labels(
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
        .find(query, Kind::Exhibition, &sources.site.exhibitions, "labels")
        .map_err(|d| diags.push(d))
        .ok()?;
    let site = &sources.site;
    let page = site.page(id);
    let Details::Exhibition(exhibition) = &page.details else {
        return None;
    };
    let fonts = super::fonts(&site.config.print)
        .map_err(|d| diags.push(d))
        .ok()?;
    let main = file_id(&format!("/{TEMPLATE}"))?;
    let mut world = PrintWorld::new(fonts.clone(), main);
    super::add_templates(&mut world, &sources.theme);
    let targets = &site.links[id].exhibits;
    let mut labels = Vec::new();
    for (hi, hall) in exhibition.halls.iter().enumerate() {
        let hall_path = crate::render::hall_path(&page.path, hi + 1);
        // Numbered as the hall's page numbers them: exhibits whose page is a draft
        // are left out, the rest without a gap.
        let mut number = 0;
        for (xi, exhibit) in hall.exhibits.iter().enumerate() {
            let target = targets.get(hi).and_then(|t| t.get(xi)).copied().flatten();
            let (kind, title, honor, caption, url) = match exhibit {
                Exhibit::Profile(_) | Exhibit::Story(_) => {
                    let Some(t) = target else { continue };
                    let p = site.page(t);
                    let (kind, title, honor) = match p.profile() {
                        Some(pr) => ("profile", pr.name.clone(), top_honor(site, p)),
                        None => ("story", p.title.clone(), p.date.map(|d| d.chinese())),
                    };
                    (
                        kind,
                        title,
                        honor,
                        short(&p.summary),
                        site.config.permalink(&p.path),
                    )
                }
                Exhibit::Image(img) => {
                    let title = img.caption.clone().unwrap_or_else(|| img.alt.clone());
                    ("image", title, None, None, String::new())
                }
                Exhibit::Video { caption, .. } => (
                    "video",
                    caption
                        .clone()
                        .unwrap_or_else(|| t!("labels.video").into_owned()),
                    None,
                    None,
                    String::new(),
                ),
            };
            number += 1;
            // A photo or a video has no page of its own: its place in the hall's page.
            let url = if url.is_empty() {
                format!("{}#exhibit-{number}", site.config.permalink(&hall_path))
            } else {
                url
            };
            let Some(svg) = crate::share::qr_svg(&url) else {
                diags.push(
                    Diagnostic::error(t!("labels.url_too_long", url = url)).in_file(&page.source),
                );
                continue;
            };
            let qr = format!("/laomo/qr/{}.svg", labels.len());
            world.add_file(&qr, svg.into_bytes());
            labels.push(Label {
                number: format!("{}-{number}", hi + 1),
                hall: hall.title.clone(),
                kind,
                title,
                honor,
                caption,
                url,
                qr,
            });
        }
    }
    if labels.is_empty() {
        diags.push(
            Diagnostic::error(t!("labels.none", title = page.title))
                .in_file(&page.source)
                .hint(t!("labels.none.hint")),
        );
    }
    if diags.has_errors() {
        return None;
    }
    let count = labels.len();
    let data = LabelsData {
        title: page.title.clone(),
        url: site.config.permalink(&page.path),
        association: site.links[id]
            .association
            .and_then(|a| site.page(a).association().map(|a| a.name.clone())),
        fonts: FontData {
            serif: fonts.chinese_serif.clone(),
            sans: fonts.chinese_sans.clone(),
        },
        labels,
    };
    world.add_file(
        "/laomo/labels.json",
        serde_json::to_vec(&data).unwrap_or_default(),
    );
    let (pdf, pages) = super::typeset(&world, diags, &mut stages)?;
    let file = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{}-labels.pdf", page.slug)));
    super::write_pdf(&file, &pdf, diags).then_some(Printed {
        file,
        title: page.title.clone(),
        labels: count,
        pages,
    })
}
