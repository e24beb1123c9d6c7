//! The front matter each kind accepts, exactly as CONTENT.md lists it. Unknown keys are
//! refused (`deny_unknown_fields`) so a typo never silently drops a value.

use crate::yaml::{OrderedScalars, Scalar, Sp, TextList};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// The 1-based file lines of a page's `private:` block (the key's line and every
/// indented, blank, comment or list line after it), so that a view meant for a
/// browser can leave them out of quoted source lines.
pub fn private_lines(text: &str) -> Vec<std::ops::RangeInclusive<usize>> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    // Only inside the front matter: it opens on line 1 and closes at the next `---`.
    if lines.next().is_none_or(|(_, l)| l.trim_end() != "---") {
        return out;
    }
    while let Some((i, line)) = lines.next() {
        if matches!(line.trim_end(), "---" | "...") {
            break;
        }
        let key = line.split(':').next().unwrap_or("").trim_end();
        if !(key == "private" || key == "\"private\"" || key == "'private'") {
            continue;
        }
        let mut last = i;
        while let Some((j, next)) = lines.peek() {
            let inside = next.is_empty()
                || next.starts_with([' ', '\t', '#', '-']) && !next.starts_with("---");
            if !inside {
                break;
            }
            last = *j;
            lines.next();
        }
        out.push(i + 1..=last + 1);
    }
    out
}

/// Whether a file's front matter has the line `draft: true`, read as text: used when
/// the front matter has errors and cannot be parsed.
pub fn declares_draft(text: &str) -> bool {
    let mut lines = text.lines();
    if lines.next().is_none_or(|l| l.trim_end() != "---") {
        return false;
    }
    lines
        .take_while(|l| !matches!(l.trim_end(), "---" | "..."))
        .any(|l| {
            let l = l.split(" #").next().unwrap_or("").trim_end();
            l.strip_prefix("draft:").is_some_and(|v| v.trim() == "true")
        })
}

/// The keys that describe the person rather than the page, in the order `laomo new`,
/// the roster import and the preview's form write them: what a 名录 row can fill.
pub const PROFILE_PERSON_KEYS: [&str; 9] = [
    "name",
    "honors",
    "region",
    "association",
    "organization",
    "occupation",
    "industry",
    "tags",
    "private",
];
pub const PROFILE_KEYS: [&str; 19] = concat_keys(
    PROFILE_PERSON_KEYS,
    [
        "id",
        "era",
        "summary",
        "portrait",
        "portrait_alt",
        "gallery",
        "pinyin",
        "slug",
        "draft",
        "extra",
    ],
);

/// Two key lists as one, at compile time (a wrong total length does not compile).
const fn concat_keys<const N: usize, const M: usize, const T: usize>(
    a: [&'static str; N],
    b: [&'static str; M],
) -> [&'static str; T] {
    assert!(N + M == T);
    let mut out = [""; T];
    let mut i = 0;
    while i < N {
        out[i] = a[i];
        i += 1;
    }
    while i < T {
        out[i] = b[i - N];
        i += 1;
    }
    out
}
pub const STORY_KEYS: &[&str] = &[
    "title",
    "date",
    "end_date",
    "date_note",
    "association",
    "people",
    "category",
    "tags",
    "location",
    "cover",
    "gallery",
    "figures",
    "summary",
    "slug",
    "draft",
    "extra",
];
pub const EXHIBITION_KEYS: &[&str] = &[
    "title",
    "date",
    "association",
    "featured",
    "summary",
    "cover",
    "halls",
    "slug",
    "draft",
    "extra",
];
pub const COLLECTION_KEYS: &[&str] = &[
    "title",
    "kind",
    "published",
    "publisher",
    "cover",
    "summary",
    "stories",
    "parts",
    "subtitle",
    "print",
    "slug",
    "draft",
    "extra",
];
pub const ASSOCIATION_KEYS: &[&str] = &[
    "name",
    "short_name",
    "kind",
    "parent",
    "founded",
    "region",
    "members",
    "logo",
    "summary",
    "slug",
    "draft",
    "extra",
];
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "summary",
    "date",
    "menu_order",
    "slug",
    "draft",
    "extra",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFm {
    pub name: Sp<String>,
    /// The person's identity across sites (a register or certificate number).
    pub id: Option<Sp<String>>,
    pub honors: Sp<Vec<Sp<HonorEntry>>>,
    pub region: Sp<String>,
    pub association: Option<Sp<String>>,
    pub organization: Option<String>,
    pub occupation: Option<String>,
    pub industry: Option<String>,
    pub era: Option<Sp<String>>,
    #[serde(default)]
    pub tags: TextList,
    pub summary: Option<String>,
    pub portrait: Option<Sp<String>>,
    /// What the portrait shows, when "NAME的照片" would not be true (a drawing, a silhouette).
    pub portrait_alt: Option<String>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub gallery: Vec<Sp<GalleryEntry>>,
    pub pinyin: Option<Sp<String>>,
    /// Never kept: the value is skipped while parsing, so it cannot reach any output.
    #[allow(dead_code)]
    pub private: Option<IgnoredAny>,
    pub slug: Option<Sp<String>>,
    #[serde(default)]
    pub draft: bool,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HonorEntry {
    pub title: Sp<String>,
    pub year: Option<Sp<Scalar>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GalleryEntry {
    pub src: Sp<String>,
    pub caption: Option<String>,
    pub alt: Option<String>,
    /// Who took the photo or gave it (张三 摄, 长兴县总工会 供图), for the credits.
    pub credit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryFm {
    pub title: Sp<String>,
    pub date: Sp<Scalar>,
    pub end_date: Option<Sp<Scalar>>,
    pub date_note: Option<String>,
    pub association: Option<Sp<String>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub people: Vec<Sp<String>>,
    pub category: Option<String>,
    #[serde(default)]
    pub tags: TextList,
    pub location: Option<String>,
    pub cover: Option<Sp<String>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub gallery: Vec<Sp<GalleryEntry>>,
    pub figures: Option<OrderedScalars>,
    pub summary: Option<String>,
    pub slug: Option<Sp<String>>,
    #[serde(default)]
    pub draft: bool,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExhibitionFm {
    pub title: Sp<String>,
    pub date: Option<Sp<Scalar>>,
    pub association: Option<Sp<String>>,
    #[serde(default)]
    pub featured: bool,
    pub summary: Option<String>,
    pub cover: Option<Sp<String>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub halls: Vec<Sp<HallFm>>,
    pub slug: Option<Sp<String>>,
    #[serde(default)]
    pub draft: bool,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HallFm {
    pub title: String,
    pub intro: Option<String>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub exhibits: Vec<Sp<ExhibitFm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExhibitFm {
    pub profile: Option<Sp<String>>,
    pub story: Option<Sp<String>>,
    pub image: Option<Sp<String>>,
    pub video: Option<Sp<String>>,
    pub poster: Option<Sp<String>>,
    pub caption: Option<String>,
    pub alt: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionFm {
    pub title: Sp<String>,
    pub kind: Option<Sp<String>>,
    pub published: Option<Sp<Scalar>>,
    pub publisher: Option<String>,
    pub cover: Option<Sp<String>>,
    pub summary: Option<String>,
    pub stories: Option<Vec<Sp<String>>>,
    pub parts: Option<Vec<Sp<PartFm>>>,
    pub subtitle: Option<String>,
    /// The paper of the printed book, over site.yaml's `print:`.
    pub print: Option<crate::config::paper::PrintFile>,
    pub slug: Option<Sp<String>>,
    #[serde(default)]
    pub draft: bool,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartFm {
    pub title: String,
    pub date: Option<Sp<Scalar>>,
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub stories: Vec<Sp<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssociationFm {
    pub name: Sp<String>,
    pub short_name: Option<String>,
    pub kind: Option<String>,
    pub parent: Option<Sp<String>>,
    pub founded: Option<Sp<Scalar>>,
    pub region: Option<String>,
    pub members: Option<Scalar>,
    pub logo: Option<Sp<String>>,
    pub summary: Option<String>,
    pub slug: Option<Sp<String>>,
    #[serde(default)]
    pub draft: bool,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageFm {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub date: Option<Sp<Scalar>>,
    pub menu_order: Option<i64>,
    pub slug: Option<Sp<String>>,
    #[serde(default)]
    pub draft: bool,
    pub extra: Option<serde_json::Value>,
}
