//! Share cards: the picture a link shows in WeChat, Weibo or a chat group. The theme
//! draws each card as an SVG template; this module supplies what SVG cannot do by
//! itself (fit text to a width, with an ellipsis) and turns the SVG into a PNG with
//! resvg, using the computer's own Chinese fonts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The two shapes every shared page gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// 1200×630, `og:image`: what Weibo and most link previews show.
    Wide,
    /// 500×500: what WeChat shows beside a shared link.
    Square,
}

impl Shape {
    pub fn size(self) -> (u32, u32) {
        match self {
            Shape::Wide => (1200, 630),
            Shape::Square => (500, 500),
        }
    }

    /// The file beside the page: `/profiles/ding-weisong/card.png`.
    pub fn file_name(self) -> &'static str {
        match self {
            Shape::Wide => "card.png",
            Shape::Square => "card-square.png",
        }
    }

    /// The theme's template for it.
    pub fn template(self) -> &'static str {
        match self {
            Shape::Wide => "share/card.svg",
            Shape::Square => "share/card-square.svg",
        }
    }
}

/// Families tried first, in order: what Debian, macOS and Windows ship for Simplified
/// Chinese. Any other font that has Chinese characters is taken after them.
const PREFERRED: &[&str] = &[
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
];

/// The Chinese font family found on this computer (or in the site's font folders), and
/// the files that hold it. Finding it reads only the fonts' names.
pub struct FontChoice {
    pub family: String,
    files: Vec<PathBuf>,
}

impl FontChoice {
    /// Looks through the fonts of `dirs` (files or folders) or, when there are none, the
    /// computer's own; fails with what to install when none has Chinese characters.
    pub fn find(dirs: &[PathBuf]) -> Result<FontChoice, String> {
        use resvg::usvg::fontdb;
        let mut db = fontdb::Database::new();
        if dirs.is_empty() {
            db.load_system_fonts();
        } else {
            for d in dirs {
                if d.is_dir() {
                    db.load_fonts_dir(d);
                } else {
                    let _ = db.load_font_file(d);
                }
            }
        }
        let has_chinese = |id: fontdb::ID| {
            db.with_face_data(id, |data, index| {
                use skrifa::MetadataProvider;
                skrifa::FontRef::from_index(data, index)
                    .map(|f| {
                        let map = f.charmap();
                        "劳模风采".chars().all(|c| map.map(c).is_some())
                    })
                    .unwrap_or(false)
            })
            .unwrap_or(false)
        };
        let regular = |f: &&fontdb::FaceInfo| f.style == fontdb::Style::Normal && f.weight.0 <= 500;
        let named = PREFERRED.iter().find_map(|want| {
            db.faces()
                .filter(regular)
                .find(|f| f.families.iter().any(|(n, _)| n == want) && has_chinese(f.id))
                .map(|_| want.to_string())
        });
        let found = named.or_else(|| {
            db.faces()
                .filter(regular)
                .find(|f| has_chinese(f.id))
                .and_then(|f| Some(f.families.first()?.0.clone()))
        });
        let Some(family) = found else {
            return Err(rust_i18n::t!(
                "share.no_cjk_font",
                place = if dirs.is_empty() {
                    rust_i18n::t!("share.system_fonts").into_owned()
                } else {
                    dirs.iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                }
            )
            .into_owned());
        };
        let mut files: Vec<PathBuf> = db
            .faces()
            .filter(|f| f.families.iter().any(|(n, _)| *n == family))
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
                fontdb::Source::Binary(_) => None,
            })
            .collect();
        files.sort();
        files.dedup();
        Ok(FontChoice { family, files })
    }
}

/// The fonts cards are drawn with: the chosen family's files, read into memory once.
/// (Left on disk, every glyph lookup would map the 20 MB file anew: most of the time
/// of a card went to the kernel.)
pub struct Fonts {
    db: Arc<resvg::usvg::fontdb::Database>,
    family: String,
    /// Its regular face, for measuring text.
    face: resvg::usvg::fontdb::ID,
}

impl Fonts {
    pub fn load(choice: &FontChoice) -> Result<Fonts, String> {
        let mut db = resvg::usvg::fontdb::Database::new();
        for f in &choice.files {
            let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
            db.load_font_data(bytes);
        }
        let face = db
            .faces()
            .filter(|f| f.families.iter().any(|(n, _)| *n == choice.family))
            .min_by_key(|f| {
                (
                    f.style != resvg::usvg::fontdb::Style::Normal,
                    f.weight.0.abs_diff(400),
                )
            })
            .map(|f| f.id)
            .ok_or_else(|| format!("{}: no face", choice.family))?;
        Ok(Fonts {
            db: Arc::new(db),
            family: choice.family.clone(),
            face,
        })
    }

    pub fn family(&self) -> &str {
        &self.family
    }

    /// `text` in at most `lines` lines no wider than `width` at `size` px; what does
    /// not fit ends in "…". Chinese breaks between any two characters, but a closing
    /// mark (，。」) never starts a line.
    pub fn fit(&self, text: &str, size: f32, width: f32, lines: usize) -> Vec<String> {
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let advances: Vec<f32> = self
            .db
            .with_face_data(self.face, |data, index| {
                use skrifa::MetadataProvider;
                let Ok(font) = skrifa::FontRef::from_index(data, index) else {
                    return Vec::new();
                };
                let map = font.charmap();
                let metrics = font.glyph_metrics(
                    skrifa::instance::Size::new(size),
                    skrifa::instance::LocationRef::default(),
                );
                text.chars()
                    .map(|c| {
                        map.map(c)
                            .and_then(|g| metrics.advance_width(g))
                            // A character the font lacks is drawn by another: assume wide.
                            .unwrap_or(size)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        if advances.len() != chars.len() {
            return vec![text];
        }
        // Bold faces run a little wider than the regular one measured here.
        let width = width * 0.96;
        fit_measured(&chars, &advances, width, lines.max(1))
    }

    /// Draws `svg` at `size` and encodes it as a PNG. Relative image references are
    /// read from `resources`.
    pub fn rasterize(
        &self,
        svg: &str,
        size: (u32, u32),
        resources: &Path,
    ) -> Result<Vec<u8>, String> {
        let tree = self.read_svg(svg, resources)?;
        CANVAS.with_borrow_mut(|canvas| {
            draw_tree(&tree, size, canvas)?;
            encode_png(canvas, size)
        })
    }

    /// The first half of [`Fonts::rasterize`]: the SVG read, its text laid out in glyphs.
    pub fn read_svg(&self, svg: &str, resources: &Path) -> Result<resvg::usvg::Tree, String> {
        let options = resvg::usvg::Options {
            resources_dir: Some(resources.to_path_buf()),
            font_family: self.family.clone(),
            languages: vec!["zh-CN".into(), "en".into()],
            fontdb: self.db.clone(),
            // Bilinear: the photo is drawn near its own size (see `card_image`), where
            // bicubic looks the same and cost 30 ms a card (set `image-rendering` in a
            // template for another).
            image_rendering: resvg::usvg::ImageRendering::Smooth,
            ..resvg::usvg::Options::default()
        };
        resvg::usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())
    }
}

/// A drawing thread's pixels: the canvas (RGBA) and the same without alpha (RGB), kept
/// from card to card.
#[derive(Default)]
pub struct Canvas {
    rgba: Vec<u8>,
    rgb: Vec<u8>,
}

/// Draws `tree` at `size` on `canvas`, leaving the RGB pixels in it.
pub fn draw_tree(
    tree: &resvg::usvg::Tree,
    (w, h): (u32, u32),
    canvas: &mut Canvas,
) -> Result<(), String> {
    let t = tree.size();
    let transform =
        resvg::tiny_skia::Transform::from_scale(w as f32 / t.width(), h as f32 / t.height());
    let Canvas { rgba, rgb } = canvas;
    // White and opaque (so premultiplied is plain RGBA), on a canvas this thread
    // keeps: a fresh 3 MB one per card cost more in clearing than the text did. A
    // drawing that begins by painting all of it needs no clearing at all.
    let len = w as usize * h as usize * 4;
    if rgba.len() != len || !paints_everything_first(tree) {
        rgba.clear();
        rgba.resize(len, 255);
    }
    let mut pixmap = resvg::tiny_skia::PixmapMut::from_bytes(rgba, w, h).ok_or("empty card")?;
    resvg::render(tree, transform, &mut pixmap);
    // The alpha is dropped, which leaves the encoder a quarter less to squeeze.
    rgb_of(rgba, rgb);
    Ok(())
}

/// Whether the drawing's first shape is a rectangle of one opaque colour over the whole
/// picture (a card's background): everything under it is painted over.
fn paints_everything_first(tree: &resvg::usvg::Tree) -> bool {
    use resvg::tiny_skia::PathSegment;
    use resvg::usvg::{Node, Paint};
    let root = tree.root();
    let plain_group = root.opacity().get() == 1.0
        && root.filters().is_empty()
        && root.clip_path().is_none()
        && root.mask().is_none();
    let Some(Node::Path(first)) = root.children().first() else {
        return false;
    };
    let opaque = first
        .fill()
        .is_some_and(|f| f.opacity().get() == 1.0 && matches!(f.paint(), Paint::Color(_)));
    let data = first.data();
    let b = data.bounds();
    let corner = |p: resvg::tiny_skia::Point| {
        (p.x == b.left() || p.x == b.right()) && (p.y == b.top() || p.y == b.bottom())
    };
    // Straight lines between corners only: a rounded rectangle leaves its corners.
    let rectangle = data.segments().all(|s| match s {
        PathSegment::MoveTo(p) | PathSegment::LineTo(p) => corner(p),
        PathSegment::Close => true,
        _ => false,
    });
    let size = tree.size();
    plain_group
        && first.is_visible()
        && first.abs_transform().is_identity()
        && opaque
        && rectangle
        && b.left() <= 0.0
        && b.top() <= 0.0
        && b.right() >= size.width()
        && b.bottom() >= size.height()
}

thread_local! {
    /// Each drawing thread's canvas.
    static CANVAS: std::cell::RefCell<Canvas> =
        const { std::cell::RefCell::new(Canvas { rgba: Vec::new(), rgb: Vec::new() }) };
}

/// RGBA to RGB, four pixels (16 bytes) at a time as one 128-bit number, shifted into
/// 12 bytes: the compiler keeps it in registers (a byte at a time, with bounds
/// checks, was 8 % of a cold build's samples). `rgb` keeps its length from card to
/// card, so it is not cleared to zero first.
fn rgb_of(rgba: &[u8], rgb: &mut Vec<u8>) {
    let pixels = rgba.len() / 4;
    rgb.resize(pixels * 3, 0);
    let mut to = rgb.chunks_exact_mut(12);
    let mut from = rgba.chunks_exact(16);
    for (out, px) in (&mut to).zip(&mut from) {
        let mut block = [0u8; 16];
        block.copy_from_slice(px);
        let v = u128::from_le_bytes(block);
        const PIXEL: u128 = 0xff_ffff;
        let packed = (v & PIXEL)
            | ((v >> 8) & (PIXEL << 24))
            | ((v >> 16) & (PIXEL << 48))
            | ((v >> 24) & (PIXEL << 72));
        out.copy_from_slice(&packed.to_le_bytes()[..12]);
    }
    for (out, px) in to
        .into_remainder()
        .chunks_exact_mut(3)
        .zip(from.remainder().chunks_exact(4))
    {
        out.copy_from_slice(&px[..3]);
    }
}

/// The PNG of what [`draw_tree`] left on `canvas`.
pub fn encode_png(canvas: &Canvas, (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    let rgb = &canvas.rgb;
    let mut png = Vec::with_capacity(rgb.len() / 8);
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        // Paeth: a third smaller than Sub for the same time (measured on 1,100 cards).
        image::codecs::png::FilterType::Paeth,
    )
    .write_image(rgb, w, h, image::ExtendedColorType::Rgb8)
    .map_err(|e| e.to_string())?;
    Ok(png)
}

const NO_LINE_START: &str = "，。、；：！？）》」』】〕”’…,.;:!?)]}%";

/// Greedy line filling over measured characters (see [`Fonts::fit`]).
fn fit_measured(chars: &[char], advances: &[f32], width: f32, lines: usize) -> Vec<String> {
    let ellipsis = advances.iter().copied().fold(0.0f32, f32::max).max(1.0);
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() && out.len() < lines {
        let last = out.len() + 1 == lines;
        let mut end = start;
        let mut used = 0.0;
        while end < chars.len() && used + advances[end] <= width {
            used += advances[end];
            end += 1;
        }
        if end == start {
            // Not even one character fits: take one anyway rather than loop forever.
            end = start + 1;
        }
        if end < chars.len() && last {
            // Shorten so the ellipsis fits after what is kept.
            while end > start && used + ellipsis > width {
                end -= 1;
                used -= advances[end];
            }
            let kept: String = chars[start..end].iter().collect();
            out.push(format!("{}…", kept.trim_end()));
            return out;
        }
        if end < chars.len() && NO_LINE_START.contains(chars[end]) && end - start > 1 {
            end -= 1;
        }
        let line: String = chars[start..end].iter().collect();
        out.push(line.trim().to_string());
        start = end;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    out
}

/// Fonts found or read, by the font folders asked for, kept for the life of the
/// process: `laomo serve` builds again on every save, and looking through the
/// computer's fonts each time would add to every edit's wait. (A font installed while
/// the preview runs is seen after it restarts.)
type Memo<T> = Mutex<Vec<(Vec<PathBuf>, Arc<Result<T, String>>)>>;

fn memo<T>(
    memo: &Memo<T>,
    dirs: &[PathBuf],
    make: impl FnOnce() -> Result<T, String>,
) -> Arc<Result<T, String>> {
    let Ok(mut known) = memo.lock() else {
        return Arc::new(make());
    };
    if let Some((_, found)) = known.iter().find(|(d, _)| d == dirs) {
        return found.clone();
    }
    let found = Arc::new(make());
    known.push((dirs.to_vec(), found.clone()));
    found
}

/// The cards of a build: the fonts, found on first use, and where finished cards are
/// kept so an unchanged card is never drawn twice.
pub struct Cards {
    pub enabled: bool,
    font_dirs: Vec<PathBuf>,
    choice: OnceLock<Arc<Result<FontChoice, String>>>,
    fonts: OnceLock<Arc<Result<Fonts, String>>>,
    cache_dir: PathBuf,
    /// The cache entries this build used: the rest are removed after a full build.
    used: Mutex<HashSet<String>>,
    /// When this build began: a card drawn since then by another build of the same
    /// site (another output, another base URL) is that build's, and is left alone.
    started: std::time::SystemTime,
}

impl Cards {
    pub fn new(enabled: bool, font_dirs: Vec<PathBuf>, cache_dir: PathBuf) -> Cards {
        Cards {
            enabled,
            font_dirs,
            choice: OnceLock::new(),
            fonts: OnceLock::new(),
            cache_dir,
            used: Mutex::new(HashSet::new()),
            started: std::time::SystemTime::now(),
        }
    }

    /// The font family cards will be drawn with, looked for on first use.
    pub fn font_choice(&self) -> Result<&FontChoice, String> {
        static FOUND: Memo<FontChoice> = Mutex::new(Vec::new());
        self.choice
            .get_or_init(|| {
                memo(&FOUND, &self.font_dirs, || {
                    FontChoice::find(&self.font_dirs)
                })
            })
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The fonts, read on first use: only a build that draws a card needs them.
    pub fn fonts(&self) -> Result<&Fonts, String> {
        static READ: Memo<Fonts> = Mutex::new(Vec::new());
        self.fonts
            .get_or_init(|| memo(&READ, &self.font_dirs, || Fonts::load(self.font_choice()?)))
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
    }

    /// What decides a card's pixels besides its data: the fonts asked for.
    pub fn font_key(&self) -> String {
        format!("{:?}", self.font_dirs)
    }

    /// The cache file of the PNG for `key` (a hash of everything the card is drawn
    /// from), drawn by `draw` only when no earlier build kept it.
    /// Notes that this build uses the cache entry `key` without asking for its file
    /// (the output already holds it): [`Cards::prune`] keeps it.
    pub fn keep(&self, key: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key.to_string());
        }
    }

    pub fn cached<E>(
        &self,
        key: &str,
        draw: impl FnOnce() -> Result<Vec<u8>, E>,
        cannot_keep: impl Fn(&Path, std::io::Error) -> E,
    ) -> Result<PathBuf, E> {
        let file = self.cache_dir.join(&key[..2]).join(format!("{key}.png"));
        if let Ok(mut used) = self.used.lock() {
            used.insert(key.to_string());
        }
        if file.is_file() {
            return Ok(file);
        }
        let png = draw()?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| cannot_keep(dir, e))?;
        }
        match crate::util::fs::replace_whole(&file, &png) {
            Ok(()) => Ok(file),
            // Another build of the site kept the same card meanwhile: as good.
            Err(_) if file.is_file() => Ok(file),
            Err(e) => Err(cannot_keep(&file, e)),
        }
    }

    /// Removes the cards no page of this build uses (old versions of edited pages),
    /// so the cache does not grow with every edit. Only after a build that asked for
    /// every card: the preview asks for a few.
    pub fn prune(&self) {
        use rayon::prelude::*;
        let Ok(used) = self.used.lock() else {
            return;
        };
        // The cache's folders on all cores: reading 30,000 entries is a build's
        // last step, which nothing else overlaps.
        let Ok(folders) = std::fs::read_dir(&self.cache_dir) else {
            return;
        };
        // Its own folders only, not where a link in it leads.
        let folders: Vec<PathBuf> = folders
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        folders.par_iter().for_each(|folder| {
            let Ok(entries) = std::fs::read_dir(folder) else {
                return;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let Some(key) = name.strip_suffix(".png") else {
                    continue;
                };
                if e.file_type().is_ok_and(|t| t.is_file())
                    && !used.contains(key)
                    && crate::util::fs::cache_entry_is_stale(&e.path(), self.started)
                {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_drops_only_the_alpha_also_past_the_last_block_of_four() {
        let rgba: Vec<u8> = (0..7 * 4).map(|b| b as u8).collect();
        let mut rgb = Vec::new();
        rgb_of(&rgba, &mut rgb);
        let want: Vec<u8> = (0..7 * 4).filter(|b| b % 4 != 3).map(|b| b as u8).collect();
        assert_eq!(rgb, want);
    }

    fn tree(body: &str) -> resvg::usvg::Tree {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">{body}</svg>"#
        );
        resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).expect("svg")
    }

    #[test]
    fn only_an_opaque_rectangle_over_everything_counts_as_painting_everything() {
        let yes = |body: &str| paints_everything_first(&tree(body));
        assert!(yes(
            r##"<rect width="40" height="20" fill="#f7f3ec"/><circle r="3"/>"##
        ));
        assert!(yes(
            r##"<rect x="-5" y="-5" width="60" height="30" fill="#000"/>"##
        ));
        assert!(!yes(r##"<rect width="40" height="19" fill="#f7f3ec"/>"##));
        assert!(!yes(
            r##"<rect width="40" height="20" rx="3" fill="#f7f3ec"/>"##
        ));
        assert!(!yes(
            r##"<rect width="40" height="20" fill="#f7f3ec" fill-opacity="0.5"/>"##
        ));
        assert!(!yes(
            r##"<rect width="40" height="20" fill="#f7f3ec" opacity="0.5"/>"##
        ));
        assert!(!yes(
            r##"<rect width="20" height="20" transform="scale(2 1)" fill="#f7f3ec"/>"##
        ));
        assert!(!yes(
            r##"<circle r="3"/><rect width="40" height="20" fill="#f7f3ec"/>"##
        ));
    }

    #[test]
    fn a_card_drawn_on_a_used_canvas_is_the_card_drawn_on_a_new_one() {
        let red =
            tree(r##"<rect width="40" height="20" fill="#c00"/><circle cx="9" cy="9" r="7"/>"##);
        let cases = [
            // Its own background over the last card's pixels.
            tree(r##"<rect width="40" height="20" fill="#0c0"/><circle cx="30" cy="9" r="5"/>"##),
            // No background: white, whatever was drawn before.
            tree(r##"<circle cx="30" cy="9" r="5" fill="#00c"/>"##),
        ];
        for card in &cases {
            let mut used = Canvas::default();
            draw_tree(&red, (40, 20), &mut used).expect("draw");
            draw_tree(card, (40, 20), &mut used).expect("draw");
            let mut new = Canvas::default();
            draw_tree(card, (40, 20), &mut new).expect("draw");
            assert_eq!(used.rgb, new.rgb);
            assert_ne!(used.rgb, {
                let mut red_only = Canvas::default();
                draw_tree(&red, (40, 20), &mut red_only).expect("draw");
                red_only.rgb
            });
        }
    }

    fn fit(text: &str, width: f32, lines: usize) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let adv: Vec<f32> = chars
            .iter()
            .map(|c| if c.is_ascii() { 5.0 } else { 10.0 })
            .collect();
        fit_measured(&chars, &adv, width, lines)
    }

    #[test]
    fn text_that_does_not_fit_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(fit("丁卫松", 100.0, 1), vec!["丁卫松"]);
        assert_eq!(
            fit("劳模宣讲进校园活动圆满结束", 60.0, 1),
            vec!["劳模宣讲进…"]
        );
        assert_eq!(
            fit("劳模宣讲进校园活动圆满结束", 60.0, 2),
            vec!["劳模宣讲进校", "园活动圆满…"]
        );
        for lines in fit("劳模宣讲进校园，活动圆满结束。", 45.0, 3) {
            let w: f32 = lines
                .chars()
                .map(|c| if c.is_ascii() { 5.0 } else { 10.0 })
                .sum();
            assert!(w <= 45.0, "{lines} is {w} wide");
        }
    }

    #[test]
    fn a_closing_mark_never_starts_a_line() {
        let lines = fit("劳模宣讲进，校园", 50.0, 2);
        assert_eq!(lines, vec!["劳模宣讲", "进，校园"]);
    }
}
