//! The data behind the hall of fame's in-page filter (`/profiles/filter.json`).
//!
//! The hall of fame is paginated, so a filter that only hid cards on the current page
//! would miss most people. The script fetches this file once, when a visitor first picks
//! a filter: every profile in hall order, and for each facet the positions of its
//! members. The same terms are plain pages, so nothing depends on the script.

use super::Renderer;
use crate::model::Kind;
use serde::Serialize;

#[derive(Serialize)]
struct HallFilter<'a> {
    facets: Vec<Facet>,
    /// `[name, url, top honor, region, level, organization, src, srcset]`, in hall order.
    people: Vec<[&'a str; 8]>,
}

#[derive(Serialize)]
struct Facet {
    key: &'static str,
    name: String,
    /// `[name, url, positions in people]`.
    terms: Vec<(String, String, Vec<u32>)>,
}

impl Renderer {
    /// The hall-of-fame filter data as JSON.
    pub fn hall_filter_json(&self) -> String {
        let site = &self.site;
        let mut position = site.pages.map(|_| u32::MAX);
        for (n, &i) in site.hall_of_fame.iter().enumerate() {
            position[i] = n as u32;
        }
        let views = self.views();
        let cards: Vec<super::view::Card> = site
            .hall_of_fame
            .iter()
            .map(|&i| super::view::build_card(site, views.photos, i))
            .collect();
        // The square crop when there is one: the in-page cards show portraits square.
        let pictures: Vec<(String, String)> = cards
            .iter()
            .map(|c| match &c.image {
                Some(img) => match &img.square {
                    Some(sq) => (sq.src.clone(), sq.srcset.clone()),
                    None => (img.src.clone(), img.srcset.clone()),
                },
                None => (String::new(), String::new()),
            })
            .collect();
        let people = cards
            .iter()
            .zip(&pictures)
            .map(|(c, (src, srcset))| {
                [
                    c.title,
                    c.url.as_str(),
                    c.honor.unwrap_or(""),
                    c.region.unwrap_or(""),
                    c.level.unwrap_or(""),
                    c.organization.unwrap_or(""),
                    src.as_str(),
                    srcset.as_str(),
                ]
            })
            .collect();
        let facets = self
            .filters()
            .into_iter()
            .filter_map(|f| {
                let t = site.taxonomies.iter().find(|t| t.kind.key() == f.key)?;
                let terms = t
                    .terms
                    .iter()
                    .filter_map(|term| {
                        let members: Vec<u32> = term
                            .pages
                            .iter()
                            .filter(|&&i| site.pages[i].kind == Kind::Profile)
                            .map(|&i| position[i])
                            .filter(|&n| n != u32::MAX)
                            .collect();
                        (!members.is_empty())
                            .then(|| (term.name.clone(), site.config.url(&term.path), members))
                    })
                    .collect();
                Some(Facet {
                    key: f.key,
                    name: f.name,
                    terms,
                })
            })
            .collect();
        serde_json::to_string(&HallFilter { facets, people }).unwrap_or_default()
    }
}
