//! `print:` in site.yaml and in a collection's front matter: the paper a book is set on.
//!
//! Editors name paper the way printers in China do: A4, A5, 16开 (185×260 mm), 32开, or
//! `170x240mm`; type sizes as 五号 or 10.5 (points). The collection's own `print:` wins
//! over the site's, key by key.

use crate::yaml::{Scalar, Sp};
use rust_i18n::t;
use serde::{Deserialize, Serialize};

/// `print:` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PrintFile {
    #[serde(default)]
    pub paper: Option<Sp<String>>,
    /// One length for all four sides (`20mm`), or `top bottom inside outside`.
    #[serde(default)]
    pub margin: Option<Sp<String>>,
    #[serde(default)]
    pub font_size: Option<Sp<Scalar>>,
    /// Font files or folders for print (Chinese fonts), beside the computer's own.
    #[serde(default, deserialize_with = "crate::yaml::nullable")]
    pub fonts: Vec<Sp<String>>,
}

/// Millimetres and points, as the book's template receives them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Paper {
    pub width: f64,
    pub height: f64,
    pub top: f64,
    pub bottom: f64,
    pub inside: f64,
    pub outside: f64,
    /// Body text, in points.
    pub font_size: f64,
}

/// Named sizes, width × height in mm: ISO and the Chinese 开 of 787×1092 paper.
const SIZES: &[(&str, f64, f64)] = &[
    ("a4", 210.0, 297.0),
    ("a5", 148.0, 210.0),
    ("b5", 176.0, 250.0),
    ("16开", 185.0, 260.0),
    ("16k", 185.0, 260.0),
    ("大16开", 210.0, 285.0),
    ("32开", 130.0, 184.0),
    ("32k", 130.0, 184.0),
    ("大32开", 140.0, 203.0),
];

/// 字号: the sizes Chinese word processors name, in points.
const CHINESE_SIZES: &[(&str, f64)] = &[
    ("初号", 42.0),
    ("小初", 36.0),
    ("一号", 26.0),
    ("小一", 24.0),
    ("二号", 22.0),
    ("小二", 18.0),
    ("三号", 16.0),
    ("小三", 15.0),
    ("四号", 14.0),
    ("小四", 12.0),
    ("五号", 10.5),
    ("小五", 9.0),
    ("六号", 7.5),
];

impl Default for Paper {
    fn default() -> Paper {
        Paper::sized(148.0, 210.0)
    }
}

impl Paper {
    /// A page of this size with margins and type in proportion to it (A5 gets 10.5 pt
    /// on 16 mm margins, A4 11 pt on 22 mm).
    fn sized(width: f64, height: f64) -> Paper {
        let m = (width * 0.11).clamp(12.0, 25.0).round();
        Paper {
            width,
            height,
            top: (m * 1.15).round(),
            bottom: (m * 1.25).round(),
            inside: m + 2.0,
            outside: m,
            font_size: if width >= 200.0 { 11.0 } else { 10.5 },
        }
    }

    /// The text block's width in mm: what a photo across the page is printed at.
    pub fn text_width(&self) -> f64 {
        self.width - self.inside - self.outside
    }
}

/// A mistake in `print:`: the value it is at, the message and the fix.
pub struct PaperError<'a> {
    pub at: Option<&'a Sp<String>>,
    pub at_size: Option<&'a Sp<Scalar>>,
    pub message: String,
    pub hint: String,
}

fn parse_size(s: &str) -> Option<(f64, f64)> {
    let lower = s.trim().to_lowercase().replace(' ', "");
    if let Some((_, w, h)) = SIZES.iter().find(|(n, _, _)| *n == lower) {
        return Some((*w, *h));
    }
    let t = lower.trim_end_matches("mm");
    let (w, h) = t.split_once(['x', '×', '*'])?;
    let (w, h): (f64, f64) = (w.parse().ok()?, h.parse().ok()?);
    ((50.0..=1000.0).contains(&w) && (50.0..=1000.0).contains(&h)).then_some((w, h))
}

fn parse_length(s: &str) -> Option<f64> {
    let t = s.trim().to_lowercase();
    let (n, scale) = if let Some(n) = t.strip_suffix("mm") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("cm") {
        (n, 10.0)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = n.trim().parse().ok()?;
    let mm = v * scale;
    (0.0..=100.0).contains(&mm).then_some(mm)
}

/// `base` with what `file` sets: a size resets margins and type to suit it, then the
/// margin and font size written beside it apply.
pub fn apply<'a>(base: Paper, file: &'a PrintFile) -> Result<Paper, PaperError<'a>> {
    let mut p = base;
    if let Some(size) = &file.paper {
        let Some((w, h)) = parse_size(&size.value) else {
            return Err(PaperError {
                at: Some(size),
                at_size: None,
                message: t!("paper.size", size = size.value).into_owned(),
                hint: t!("paper.size.hint").into_owned(),
            });
        };
        p = Paper::sized(w, h);
    }
    if let Some(margin) = &file.margin {
        let sides: Option<Vec<f64>> = margin.value.split_whitespace().map(parse_length).collect();
        match sides.as_deref() {
            Some([all]) => (p.top, p.bottom, p.inside, p.outside) = (*all, *all, *all, *all),
            Some([top, bottom, inside, outside]) => {
                (p.top, p.bottom, p.inside, p.outside) = (*top, *bottom, *inside, *outside)
            }
            _ => {
                return Err(PaperError {
                    at: Some(margin),
                    at_size: None,
                    message: t!("paper.margin", margin = margin.value).into_owned(),
                    hint: t!("paper.margin.hint").into_owned(),
                });
            }
        }
        if p.text_width() < 40.0 || p.height - p.top - p.bottom < 60.0 {
            return Err(PaperError {
                at: Some(margin),
                at_size: None,
                message: t!("paper.margin_too_wide", margin = margin.value).into_owned(),
                hint: t!("paper.margin.hint").into_owned(),
            });
        }
    }
    if let Some(size) = &file.font_size {
        let points = match &size.value {
            Scalar::Int(n) => Some(*n as f64),
            Scalar::Float(f) => Some(*f),
            Scalar::Text(s) => {
                let s = s.trim();
                CHINESE_SIZES
                    .iter()
                    .find(|(n, _)| *n == s)
                    .map(|(_, pt)| *pt)
                    .or_else(|| s.trim_end_matches("pt").trim().parse().ok())
            }
            Scalar::Bool(_) => None,
        };
        match points {
            Some(pt) if (6.0..=24.0).contains(&pt) => p.font_size = pt,
            _ => {
                return Err(PaperError {
                    at: None,
                    at_size: Some(size),
                    message: t!("paper.font_size", size = size.value.as_text()).into_owned(),
                    hint: t!("paper.font_size.hint").into_owned(),
                });
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_printers_name_them() {
        assert_eq!(parse_size("A4"), Some((210.0, 297.0)));
        assert_eq!(parse_size("16开"), Some((185.0, 260.0)));
        assert_eq!(parse_size("170 x 240 mm"), Some((170.0, 240.0)));
        assert_eq!(parse_size("A7"), None);
        assert_eq!(parse_length("2cm"), Some(20.0));
        assert_eq!(parse_length("18"), Some(18.0));
    }
}
