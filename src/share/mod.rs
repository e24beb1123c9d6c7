//! How pages travel beyond the site: a QR code of each page's address, for a poster, a
//! printed profile or the label beside an exhibit in a physical hall.

pub mod card;

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
/// zone scanners need, one path of horizontal runs so the file stays small (~4 KB).
/// None when the address is too long for a QR code.
///
/// The mask is fixed (the checkerboard) instead of chosen by scoring all eight: the
/// scoring was most of a 10,000-profile build's time (seen with perf), and any of the
/// standard masks is read by every scanner; the test reads each code back.
pub fn qr_svg(url: &str) -> Option<String> {
    let (size, d) = qr_path_data(url)?;
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><title>{}</title><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>\n",
        escape(url)
    ))
}

/// The QR code of `url` as (modules across with the quiet zone, SVG path data in
/// module units): what [`qr_svg`] draws, and what a poster template places itself.
pub fn qr_path_data(url: &str) -> Option<(usize, String)> {
    use qrcode::canvas::{Canvas, MaskPattern};
    let ec = qrcode::EcLevel::M;
    let bits = qrcode::bits::encode_auto(url.as_bytes(), ec).ok()?;
    let version = bits.version();
    let (data, correction) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec).ok()?;
    let mut canvas = Canvas::new(version, ec);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &correction);
    canvas.apply_mask(MaskPattern::Checkerboard);
    let dark: Vec<bool> = canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let w = version.width().max(0) as usize;
    let quiet = 4;
    let size = w + 2 * quiet;
    // About a run of dark modules per four modules, ~16 bytes each: one allocation.
    let mut d = String::with_capacity(w * w * 4);
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if dark[y * w + x] {
                let start = x;
                while x < w && dark[y * w + x] {
                    x += 1;
                }
                let run = x - start;
                // `M{x} {y}h{run}v1h-{run}z`, without `write!`: formatting was most of
                // the time of a code (15,000 of them on every build of a large site).
                d.push('M');
                push_number(&mut d, start + quiet);
                d.push(' ');
                push_number(&mut d, y + quiet);
                d.push('h');
                push_number(&mut d, run);
                d.push_str("v1h-");
                push_number(&mut d, run);
                d.push('z');
            } else {
                x += 1;
            }
        }
    }
    Some((size, d))
}

/// Appends `n` in decimal.
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &digits[i..] {
        out.push(char::from(b));
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for n in [0, 7, 10, 41, 100, 123_456, usize::MAX] {
            let mut s = String::from("h");
            super::push_number(&mut s, n);
            assert_eq!(s, format!("h{n}"));
        }
    }
}
