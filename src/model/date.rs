//! Dates as editors write them: a year, a month or a day, shown at that precision.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and checks that the day exists.
    pub fn parse(text: &str) -> Result<Date, String> {
        let t = text.trim();
        let parts: Vec<&str> = t.split('-').collect();
        let bad = || rust_i18n::t!("date.bad", text = t).into_owned();
        if parts.is_empty() || parts.len() > 3 {
            return Err(bad());
        }
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(parts[0], 4) {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let mut date = Date {
            year,
            month: None,
            day: None,
        };
        if let Some(m) = parts.get(1) {
            if !(digits(m, 2) || digits(m, 1)) {
                return Err(bad());
            }
            let month: u8 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&month) {
                return Err(rust_i18n::t!("date.month", text = t, month = month).into_owned());
            }
            date.month = Some(month);
        }
        if let Some(d) = parts.get(2) {
            if !(digits(d, 2) || digits(d, 1)) {
                return Err(bad());
            }
            let day: u8 = d.parse().map_err(|_| bad())?;
            let month = date.month.unwrap_or(1);
            let last = days_in_month(year, month);
            if day == 0 || day > last {
                return Err(rust_i18n::t!(
                    "date.day",
                    text = t,
                    year = year,
                    month = month,
                    last = last
                )
                .into_owned());
            }
            date.day = Some(day);
        }
        Ok(date)
    }

    pub fn from_year(year: i64) -> Result<Date, String> {
        if (1000..=9999).contains(&year) {
            Ok(Date {
                year: year as i32,
                month: None,
                day: None,
            })
        } else {
            Err(rust_i18n::t!("date.year", year = year).into_owned())
        }
    }

    /// The date an editor most likely meant by a form laomo does not read: `2018.11`,
    /// `2018/5/3`, `2018年5月`, `20180503`, full-width digits. `None` when no real date
    /// comes out of it, so a suggestion is always one `parse` accepts.
    pub fn suggest(written: &str) -> Option<String> {
        let t: String = written
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                _ => c,
            })
            .collect();
        let t = t.trim_end_matches(['日', '号']);
        let numbers: Vec<&str> = t
            .split(|c: char| {
                matches!(
                    c,
                    '.' | '/'
                        | '-'
                        | '－'
                        | '—'
                        | '–'
                        | '、'
                        | '年'
                        | '月'
                        | ' '
                        | '　'
                        | '_'
                        | '．'
                )
            })
            .filter(|p| !p.is_empty())
            .collect();
        if numbers.is_empty()
            || numbers
                .iter()
                .any(|n| !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let parts: Vec<String> = match numbers.as_slice() {
            // 20180503 or 201805
            [n] if n.len() == 8 => vec![n[..4].into(), n[4..6].into(), n[6..].into()],
            [n] if n.len() == 6 => vec![n[..4].into(), n[4..].into()],
            [n] if n.len() == 4 => vec![n.to_string()],
            [y, rest @ ..] if y.len() == 4 && rest.len() <= 2 => std::iter::once(y.to_string())
                .chain(rest.iter().map(|p| format!("{:0>2}", p)))
                .collect(),
            _ => return None,
        };
        let iso = parts.join("-");
        (iso != written.trim() && Date::parse(&iso).is_ok()).then_some(iso)
    }

    /// ISO form at the written precision: 2018, 2018-03, 2018-03-12.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }

    /// Full date for feeds and sitemaps: missing parts become the first of the period.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00+08:00",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }

    pub fn chinese(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{}年{}月{}日", self.year, m, d),
            (Some(m), None) => format!("{}年{}月", self.year, m),
            _ => format!("{}年", self.year),
        }
    }

    /// Sorting key: a date known only to the year sorts before the days within it.
    pub fn sort_key(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0))
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.chinese())
    }
}

/// What templates see of a date: the ISO form for `<time datetime>`, the Chinese form to show.
#[derive(Serialize)]
struct DateView {
    iso: String,
    text: String,
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DateView {
            iso: self.iso(),
            text: self.chinese(),
            year: self.year,
            month: self.month,
            day: self.day,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision() {
        assert_eq!(Date::parse("2018").unwrap().chinese(), "2018年");
        assert_eq!(Date::parse("2018-03").unwrap().chinese(), "2018年3月");
        assert_eq!(
            Date::parse("2018-03-12").unwrap().chinese(),
            "2018年3月12日"
        );
        assert_eq!(Date::parse("2018-3-2").unwrap().iso(), "2018-03-02");
    }

    #[test]
    fn rejects_unreal_dates() {
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2018-13").is_err());
        assert!(Date::parse("18-03").is_err());
        assert!(Date::parse("2018年3月").is_err());
    }

    #[test]
    fn suggestions_for_dates_as_people_write_them() {
        let s = |t: &str| Date::suggest(t);
        assert_eq!(s("2018.11").as_deref(), Some("2018-11"));
        assert_eq!(s("2018.10").as_deref(), Some("2018-10"));
        assert_eq!(s("2018年5月").as_deref(), Some("2018-05"));
        assert_eq!(s("2018年5月3日").as_deref(), Some("2018-05-03"));
        assert_eq!(s("2018/5/3").as_deref(), Some("2018-05-03"));
        assert_eq!(s("２０１８－０５").as_deref(), Some("2018-05"));
        assert_eq!(s("20180503").as_deref(), Some("2018-05-03"));
        assert_eq!(s("2018年").as_deref(), Some("2018"));
        // Nothing real to suggest.
        assert_eq!(s("2018.13"), None);
        assert_eq!(s("2023/2/29"), None);
        assert_eq!(s("去年春天"), None);
        assert_eq!(s("18.5"), None);
    }

    #[test]
    fn year_sorts_before_its_days() {
        assert!(
            Date::parse("2018").unwrap().sort_key() < Date::parse("2018-01-01").unwrap().sort_key()
        );
    }
}
