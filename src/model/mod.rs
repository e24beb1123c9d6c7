//! The site's content as loaded from files: pages of each kind with their checked
//! front matter and rendered Markdown. Cross-page references are still slugs here;
//! the link stage resolves them.

pub mod date;
pub mod shortcode;

pub use date::Date;

use crate::diagnostic::Position;
use crate::pinyin::Reading;
use serde::Serialize;
use shortcode::ShortcodeCall;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Profile,
    Story,
    Exhibition,
    Collection,
    Association,
    Page,
}

impl Kind {
    /// The content folder (and URL section) of each kind.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Profile => "profiles",
            Kind::Story => "stories",
            Kind::Exhibition => "exhibitions",
            Kind::Collection => "collections",
            Kind::Association => "associations",
            Kind::Page => "",
        }
    }

    pub fn from_section(s: &str) -> Kind {
        match s {
            "profiles" => Kind::Profile,
            "stories" => Kind::Story,
            "exhibitions" => Kind::Exhibition,
            "collections" => Kind::Collection,
            "associations" => Kind::Association,
            _ => Kind::Page,
        }
    }

    /// How an editor calls it, for messages.
    /// What a file of this kind is, in messages: "a profile", 劳模页面.
    pub fn noun(self) -> String {
        let key = match self {
            Kind::Profile => "kind.profile",
            Kind::Story => "kind.story",
            Kind::Exhibition => "kind.exhibition",
            Kind::Collection => "kind.collection",
            Kind::Association => "kind.association",
            Kind::Page => "kind.page",
        };
        rust_i18n::t!(key).into_owned()
    }

    /// The listing's default heading, when its `_index.md` gives none.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Profile => "劳模风采",
            Kind::Story => "事迹与活动",
            Kind::Exhibition => "展览",
            Kind::Collection => "文集",
            Kind::Association => "协会",
            Kind::Page => "页面",
        }
    }

    pub fn all_sections() -> [Kind; 5] {
        [
            Kind::Profile,
            Kind::Story,
            Kind::Exhibition,
            Kind::Collection,
            Kind::Association,
        ]
    }
}

/// The classifications pages are listed by; each has its pages under `/{key}/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxonomyKind {
    Honors,
    Levels,
    Regions,
    Eras,
    Industries,
    Categories,
    Tags,
}

impl TaxonomyKind {
    /// In the order the site lists them.
    pub const ALL: [TaxonomyKind; 7] = [
        TaxonomyKind::Honors,
        TaxonomyKind::Levels,
        TaxonomyKind::Regions,
        TaxonomyKind::Eras,
        TaxonomyKind::Industries,
        TaxonomyKind::Categories,
        TaxonomyKind::Tags,
    ];

    /// The hall of fame's filters: the taxonomies that classify people.
    pub const PEOPLE: [TaxonomyKind; 5] = [
        TaxonomyKind::Honors,
        TaxonomyKind::Levels,
        TaxonomyKind::Regions,
        TaxonomyKind::Eras,
        TaxonomyKind::Industries,
    ];

    /// The URL section and the theme's label key (`taxonomy.regions`).
    pub fn key(self) -> &'static str {
        match self {
            TaxonomyKind::Honors => "honors",
            TaxonomyKind::Levels => "levels",
            TaxonomyKind::Regions => "regions",
            TaxonomyKind::Eras => "eras",
            TaxonomyKind::Industries => "industries",
            TaxonomyKind::Categories => "categories",
            TaxonomyKind::Tags => "tags",
        }
    }

    /// The name shown when the theme gives none.
    pub fn name(self) -> &'static str {
        match self {
            TaxonomyKind::Honors => "荣誉称号",
            TaxonomyKind::Levels => "荣誉级别",
            TaxonomyKind::Regions => "地区",
            TaxonomyKind::Eras => "时期",
            TaxonomyKind::Industries => "行业",
            TaxonomyKind::Categories => "活动类别",
            TaxonomyKind::Tags => "标签",
        }
    }
}

/// A page's place in the linked site's page list. A type of its own, so a position in
/// some other list (a term's pages, a pager's slice) cannot be taken for a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(u32);

impl PageId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One value per page, in the site's page order, looked up by `PageId`.
#[derive(Debug, Clone, Default)]
pub struct PerPage<T>(Vec<T>);

impl<T> PerPage<T> {
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = PageId> + use<T> {
        // The page list is built from files on disk: far fewer than 2^32.
        (0..self.0.len() as u32).map(PageId)
    }

    pub fn iter_ids(&self) -> impl Iterator<Item = (PageId, &T)> {
        self.ids().zip(self.0.iter())
    }

    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> PerPage<U> {
        PerPage(self.0.iter().map(f).collect())
    }

    // No `Deref` to a slice: that would let a bare `usize` index the list again.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> From<Vec<T>> for PerPage<T> {
    fn from(v: Vec<T>) -> Self {
        assert!(
            u32::try_from(v.len()).is_ok(),
            "more pages than PageId can count"
        );
        PerPage(v)
    }
}

impl<T> std::ops::Index<PageId> for PerPage<T> {
    type Output = T;
    fn index(&self, id: PageId) -> &T {
        &self.0[id.index()]
    }
}

impl<T> std::ops::IndexMut<PageId> for PerPage<T> {
    fn index_mut(&mut self, id: PageId) -> &mut T {
        &mut self.0[id.index()]
    }
}

/// Which part of a photo a resized file shows. The serialized names are the file-name
/// prefixes (`sq480.webp`), kept so cache entries written before the enum stay valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub enum Crop {
    /// The whole photo, at its own aspect ratio.
    #[serde(rename = "")]
    Whole,
    /// A square from the middle, nearer the top: portraits on cards.
    #[serde(rename = "sq")]
    Square,
}

impl Crop {
    /// The prefix of the file name in a cache entry and of the published variant.
    pub fn prefix(self) -> &'static str {
        match self {
            Crop::Whole => "",
            Crop::Square => "sq",
        }
    }
}

/// A photo a page uses. Width and height come from the file so pages never shift.
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    /// Root-relative URL including the base path.
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: String,
    pub caption: Option<String>,
    /// Who took or gave the photo, as the editor wrote it (`credit:` of a gallery entry).
    pub credit: Option<String>,
    /// Site path the file is written to.
    #[serde(skip)]
    pub output: String,
    #[serde(skip)]
    pub source: PathBuf,
    /// Where the editor named this photo, for messages from the photo pipeline.
    #[serde(skip)]
    pub origin: ImageOrigin,
}

#[derive(Debug, Clone, Default)]
pub struct ImageOrigin {
    /// Site-relative source file of the page.
    pub page: String,
    /// The front-matter key or shortcode, e.g. `portrait`, `gallery`, `figure`.
    pub field: String,
    pub position: Option<Position>,
    pub source_line: Option<crate::diagnostic::SourceLine>,
}

/// A media file other than a photo (video), copied as is.
#[derive(Debug, Clone, Serialize)]
pub struct Media {
    pub src: String,
    #[serde(skip)]
    pub output: String,
    #[serde(skip)]
    pub source: PathBuf,
}

/// A slug written in front matter or a shortcode, with where it was written.
#[derive(Debug, Clone)]
pub struct Reference {
    pub kind: Kind,
    pub slug: String,
    pub position: Option<Position>,
    pub source_line: Option<crate::diagnostic::SourceLine>,
    /// The front-matter key, for messages (`people`, `association`…). Owned when read
    /// back from the load stage's store.
    pub field: std::borrow::Cow<'static, str>,
}

#[derive(Debug, Clone)]
pub struct ProfileHonor {
    /// Index into the config's honor vocabulary.
    pub honor: usize,
    pub year: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// Who the person is across the sites of a federation (`id:`, a register or
    /// certificate number): profiles with one id in two sources are one person.
    pub id: Option<String>,
    pub honors: Vec<ProfileHonor>,
    pub region: String,
    pub association: Option<Reference>,
    pub organization: Option<String>,
    pub occupation: Option<String>,
    pub industry: Option<String>,
    pub era: Option<String>,
    pub tags: Vec<String>,
    pub portrait: Option<Image>,
    pub gallery: Vec<Image>,
}

impl Profile {
    /// Rank of the highest honor (0 is the highest).
    pub fn rank(&self) -> usize {
        self.honors
            .iter()
            .map(|h| h.honor)
            .min()
            .unwrap_or(usize::MAX)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub is_number: bool,
}

#[derive(Debug, Clone)]
pub struct Story {
    pub end_date: Option<Date>,
    pub date_note: Option<String>,
    pub association: Option<Reference>,
    pub people: Vec<Reference>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub location: Option<String>,
    pub cover: Option<Image>,
    pub gallery: Vec<Image>,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone)]
pub enum Exhibit {
    Profile(Reference),
    Story(Reference),
    Image(Image),
    Video {
        video: Media,
        poster: Option<Image>,
        caption: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Hall {
    pub title: String,
    pub intro: Option<String>,
    pub exhibits: Vec<Exhibit>,
}

#[derive(Debug, Clone)]
pub struct Exhibition {
    pub association: Option<Reference>,
    pub featured: bool,
    pub cover: Option<Image>,
    pub halls: Vec<Hall>,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub stories: Vec<Reference>,
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub kind: Option<String>,
    pub subtitle: Option<String>,
    /// The paper its printed book is set on: site.yaml's, with the collection's `print:`.
    pub paper: crate::config::Paper,
    pub published: Option<Date>,
    pub publisher: Option<String>,
    pub cover: Option<Image>,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub struct Association {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: Option<String>,
    pub parent: Option<Reference>,
    pub founded: Option<Date>,
    pub region: Option<String>,
    pub members: Option<String>,
    pub logo: Option<Image>,
}

#[derive(Debug, Clone)]
pub struct PlainPage {
    pub menu_order: Option<i64>,
}

#[derive(Debug, Clone)]
pub enum Details {
    Profile(Profile),
    Story(Story),
    Exhibition(Exhibition),
    Collection(Collection),
    Association(Association),
    Page(PlainPage),
}

/// One published page (or draft) of any kind.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: Kind,
    /// Site-relative source path, `content/profiles/ding-weisong.md`
    /// (`[changxing] content/…` for a source site's page).
    pub source: String,
    /// The source site of a federated site this page comes from (`sources:` in
    /// site.yaml), by name; `None` for the site's own pages.
    pub origin: Option<String>,
    pub slug: String,
    /// Site path: `/profiles/ding-weisong/`.
    pub path: String,
    pub title: String,
    pub draft: bool,
    pub date: Option<Date>,
    /// Plain-text summary (front matter `summary:` or cut from the body).
    pub summary: String,
    /// The opening of the body as plain text, for the search index.
    pub search_text: String,
    /// Rendered body; shortcodes are markers until the render stage.
    pub content: String,
    pub shortcodes: Vec<ShortcodeCall>,
    /// Photos placed with Markdown `![alt](photo.jpg)`; the HTML refers to them as
    /// `laomo-img:N` until the render stage puts in the resized files.
    pub inline_images: Vec<Option<Image>>,
    pub extra: serde_json::Value,
    pub reading: Reading,
    /// Attachments of a page bundle (PDF, subtitles), copied beside the page:
    /// (source, site path). Photos and media are in the details and shortcodes.
    pub attachments: Vec<(PathBuf, String)>,
    /// Links in the body to the site's own listings and pages, checked when linking.
    pub site_links: Vec<SiteLink>,
    /// Folder the page's relative paths start from.
    pub dir: PathBuf,
    pub details: Details,
}

/// A link in a body to a page laomo makes (`/profiles/ding-weisong/`), where it was written.
#[derive(Debug, Clone)]
pub struct SiteLink {
    /// The path as written, decoded, without `?query` or `#fragment`.
    pub path: String,
    /// As written, for messages.
    pub written: String,
    pub position: Position,
    pub source_line: Option<crate::diagnostic::SourceLine>,
}

impl Page {
    /// The page's own file (`…/content/profiles/ding-weisong.md`), in whichever site of
    /// a federation it comes from.
    pub fn file(&self) -> PathBuf {
        self.dir
            .join(self.source.rsplit('/').next().unwrap_or_default())
    }

    pub fn profile(&self) -> Option<&Profile> {
        match &self.details {
            Details::Profile(p) => Some(p),
            _ => None,
        }
    }
    pub fn story(&self) -> Option<&Story> {
        match &self.details {
            Details::Story(s) => Some(s),
            _ => None,
        }
    }
    pub fn association(&self) -> Option<&Association> {
        match &self.details {
            Details::Association(a) => Some(a),
            _ => None,
        }
    }

    /// Every file the page uses, once per use: front matter, exhibits, shortcodes,
    /// Markdown photos and bundle attachments. The photo pipeline, the list of published
    /// files and the unused-file check all read this one list, so they cannot disagree.
    pub fn assets(&self) -> Vec<Asset<'_>> {
        let mut v: Vec<Asset> = Vec::new();
        let photo = |image| Asset::Photo {
            image,
            portrait: false,
        };
        match &self.details {
            Details::Profile(p) => {
                v.extend(p.portrait.iter().map(|image| Asset::Photo {
                    image,
                    portrait: true,
                }));
                v.extend(p.gallery.iter().map(photo));
            }
            Details::Story(s) => {
                v.extend(s.cover.iter().map(photo));
                v.extend(s.gallery.iter().map(photo));
            }
            Details::Exhibition(e) => {
                v.extend(e.cover.iter().map(photo));
                for x in e.halls.iter().flat_map(|h| &h.exhibits) {
                    match x {
                        Exhibit::Image(i) => v.push(photo(i)),
                        Exhibit::Video { video, poster, .. } => {
                            v.push(Asset::Media(video));
                            v.extend(poster.iter().map(photo));
                        }
                        Exhibit::Profile(_) | Exhibit::Story(_) => {}
                    }
                }
            }
            Details::Collection(c) => v.extend(c.cover.iter().map(photo)),
            Details::Association(a) => v.extend(a.logo.iter().map(photo)),
            Details::Page(_) => {}
        }
        body_assets(&mut v, &self.shortcodes, &self.inline_images);
        v.extend(
            self.attachments
                .iter()
                .map(|(source, output)| Asset::Attachment {
                    source: source.as_path(),
                    output: output.as_str(),
                }),
        );
        v
    }
}

/// A file a page uses, as the later stages need to know it.
#[derive(Debug, Clone, Copy)]
pub enum Asset<'a> {
    /// A photo, published only as the pipeline's resized files; a profile's portrait
    /// also gets a square crop for cards.
    Photo { image: &'a Image, portrait: bool },
    /// A video or audio file, published as is.
    Media(&'a Media),
    /// A bundle attachment (PDF, subtitles), published as is.
    Attachment { source: &'a Path, output: &'a str },
}

impl<'a> Asset<'a> {
    /// The editor's file.
    pub fn source(self) -> &'a Path {
        match self {
            Asset::Photo { image, .. } => &image.source,
            Asset::Media(m) => &m.source,
            Asset::Attachment { source, .. } => source,
        }
    }
}

/// Files named in a body: shortcode photos and videos, and Markdown photos.
fn body_assets<'a>(
    v: &mut Vec<Asset<'a>>,
    shortcodes: &'a [ShortcodeCall],
    inline_images: &'a [Option<Image>],
) {
    for call in shortcodes {
        v.extend(call.video.iter().map(Asset::Media));
        v.extend(call.image.iter().map(|image| Asset::Photo {
            image,
            portrait: false,
        }));
    }
    v.extend(inline_images.iter().flatten().map(|image| Asset::Photo {
        image,
        portrait: false,
    }));
}

/// `_index.md` of the home page or a section: a title and an intro for its listing.
#[derive(Debug, Clone)]
pub struct SectionIntro {
    /// `""` for the home page, else the section path such as `profiles` or `help`.
    pub section: String,
    pub source: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub content: String,
    pub shortcodes: Vec<ShortcodeCall>,
    pub inline_images: Vec<Option<Image>>,
    pub extra: serde_json::Value,
}

impl SectionIntro {
    /// Every file the intro's body uses (see [`Page::assets`]).
    pub fn assets(&self) -> Vec<Asset<'_>> {
        let mut v = Vec::new();
        body_assets(&mut v, &self.shortcodes, &self.inline_images);
        v
    }
}
