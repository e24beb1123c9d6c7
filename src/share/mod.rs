//! How pages travel beyond the site: a QR code of each page's address, for a poster, a
//! printed profile or the label beside an exhibit in a physical hall.

use crate::model::Kind;

/// Where a page's QR code is published: `/profiles/ding-weisong/qr.svg`.
pub fn qr_path(page_path: &str) -> String {
    format!("{page_path}qr.svg")
}

/// The kinds of page that carry a QR code: the ones people are sent to from paper.
pub fn has_qr(kind: Kind) -> bool {
    matches!(kind, Kind::Profile | Kind::Story | Kind::Exhibition)
}

/// The QR code of `url` as an SVG: black modules on white with the four-module quiet
/// zone scanners need, one path of horizontal runs so the file stays small (~2 KB).
/// None when the address is too long for a QR code.
pub fn qr_svg(url: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = w + 2 * quiet;
    let mut d = String::with_capacity(w * w);
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == qrcode::Color::Dark {
                let start = x;
                while x < w && colors[y * w + x] == qrcode::Color::Dark {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + quiet,
                    y + quiet,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><title>{}</title><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>\n",
        escape(url)
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
