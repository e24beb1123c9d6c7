//! `cargo bench --bench cards`: the cost of drawing one share card (1200×630) on one
//! thread, split into the SVG read (with text shaping), the drawing and the PNG, for a
//! card of text only (as the 10,000-profile benchmark site has) and for cards with a
//! portrait or a landscape photo, each at the size of file the build gives the card.
//! The whole build's card time is in `cargo bench --bench build`.

use laomo::share::card::{Canvas, FontChoice, Fonts, draw_tree, encode_png};
use std::path::{Path, PathBuf};
use std::time::Instant;

const RUNS: u32 = 100;

fn card(photo: Option<&Path>, rendering: &str) -> String {
    let (image, x) = match photo {
        Some(p) => (
            format!(
                r#"<image href="{}" x="0" y="0" width="440" height="630" preserveAspectRatio="xMidYMid slice"{rendering}/>"#,
                p.display()
            ),
            500,
        ),
        None => (
            r##"<rect x="60" y="165" width="300" height="300" rx="28" fill="#a81f1a"/><text x="210" y="382" font-size="190" font-weight="700" fill="#ffffff" text-anchor="middle">卢</text>"##.to_string(),
            430,
        ),
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#f7f3ec"/>{image}
<rect x="{x}" y="70" width="56" height="8" fill="#a81f1a"/>
<text x="{x}" y="130" font-size="30" fill="#575c63">浙江省劳动模范协会</text>
<text x="{x}" y="288" font-size="88" font-weight="700" fill="#1d1f22">卢火佳</text>
<text x="{x}" y="356" font-size="40" font-weight="700" fill="#a81f1a">全国劳动模范</text>
<text x="{x}" y="416" font-size="32" fill="#575c63">长兴县劳动模范协会</text>
<text x="{x}" y="575" font-size="26" fill="#575c63">laomo.example.cn</text>
</svg>"##
    )
}

/// A JPEG of `width` × `height` cut from one of the repository's photos, as the photo
/// pipeline would give a card.
fn photo(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/photos/city-bridge-at-night.jpg");
    let img = image::open(&src).expect("photo").to_rgb8();
    let img = image::imageops::resize(&img, width, height, image::imageops::FilterType::Triangle);
    let path = dir.join(name);
    img.save(&path).expect("write photo");
    path
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-cards");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let fonts = FontChoice::find(&[])
        .and_then(|c| Fonts::load(&c))
        .expect("a CJK font (apt install fonts-noto-cjk)");
    let portrait = photo(&dir, "portrait.jpg", 480, 640);
    let cases = [
        ("text only", card(None, "")),
        ("portrait photo 480×640", card(Some(&portrait), "")),
        (
            "landscape photo 960×720",
            card(Some(&photo(&dir, "landscape.jpg", 960, 720)), ""),
        ),
        // What a template can ask for instead of laomo's bilinear default.
        (
            "portrait, bicubic",
            card(Some(&portrait), r#" image-rendering="optimizeQuality""#),
        ),
        (
            "portrait, nearest",
            card(Some(&portrait), r#" image-rendering="optimizeSpeed""#),
        ),
    ];
    println!("share card 1200×630, one thread, fastest of {RUNS} runs (read SVG + draw + PNG):");
    let size = (1200, 630);
    let mut canvas = Canvas::default();
    for (name, svg) in &cases {
        // The first draw loads what the fonts and caches need.
        let png = fonts.rasterize(svg, size, &dir).expect("card");
        // Fastest of the runs for each step: this machine is shared, and the
        // others' work only ever adds time.
        let (mut read, mut draw, mut encode) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..RUNS {
            let t = Instant::now();
            let tree = fonts.read_svg(svg, &dir).expect("svg");
            read = read.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            draw_tree(&tree, size, &mut canvas).expect("draw");
            draw = draw.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            std::hint::black_box(encode_png(&canvas, size).expect("png"));
            encode = encode.min(t.elapsed().as_secs_f64());
        }
        let ms = |s: f64| s * 1000.0;
        println!(
            "  {name:<26} {:6.2} ms a card ({:5.2} + {:5.2} + {:5.2}), PNG {:4} KB",
            ms(read + draw + encode),
            ms(read),
            ms(draw),
            ms(encode),
            png.len() / 1024
        );
    }
}
