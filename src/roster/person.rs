//! Rows into people: which row is the header, what each cell says, and every bad cell
//! as a diagnostic naming the file, the sheet and the cell.

use super::columns::{Field, Mapping};
use super::table::{Cell, Row, Table};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use rust_i18n::t;

/// Where the header is and what each column holds.
#[derive(Debug)]
pub struct Layout {
    /// Index into `Table::rows` of the header row.
    pub header: usize,
    /// Column → field, for the columns imported.
    pub columns: Vec<(usize, Field, String)>,
    /// Headers of columns not imported (nothing in a profile for them).
    pub unknown: Vec<String>,
}

impl Layout {
    fn column(&self, field: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, f, _)| *f == field)
            .map(|(c, _, _)| *c)
    }

    pub fn has(&self, field: Field) -> bool {
        self.column(field).is_some()
    }

    /// Headers of the columns kept under `private:`.
    pub fn private_headers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|(_, f, _)| matches!(f, Field::Private(_)))
            .map(|(_, _, h)| h.as_str())
            .collect()
    }
}

/// The header is the first of the first rows with a name column: a title row
/// (「长兴县劳动模范名录」) above it is common.
pub fn layout(table: &Table, mapping: &Mapping) -> Result<Layout, Diagnostic> {
    for (i, row) in table.rows.iter().enumerate().take(12) {
        let mut columns: Vec<(usize, Field, String)> = Vec::new();
        let mut unknown = Vec::new();
        for (c, cell) in row.cells.iter().enumerate() {
            let header = cell.text.trim();
            if header.is_empty() {
                continue;
            }
            match mapping.field(header) {
                Ok(Some(Field::Ignore)) => {}
                Ok(Some(f))
                    if !columns.iter().any(|(_, g, _)| *g == f) || f == Field::Private("") =>
                {
                    columns.push((c, f, header.to_string()))
                }
                Ok(_) => unknown.push(header.to_string()),
                Err(key) => {
                    return Err(Diagnostic::error(t!(
                        "roster.map_bad_key",
                        header = header,
                        key = key
                    ))
                    .hint(t!("roster.map_bad_key.hint")));
                }
            }
        }
        if columns.iter().any(|(_, f, _)| *f == Field::Name) {
            return Ok(Layout {
                header: i,
                columns,
                unknown,
            });
        }
    }
    Err(
        Diagnostic::error(t!("roster.no_name_column", file = table.file))
            .hint(t!("roster.no_name_column.hint")),
    )
}

/// One person as the roster gives them; the honors by their vocabulary name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person {
    /// The row it came from (the first, when rows were merged).
    pub row: usize,
    pub name: String,
    pub slug: Option<String>,
    pub honors: Vec<(String, Option<i32>)>,
    pub region: Option<String>,
    pub organization: Option<String>,
    pub occupation: Option<String>,
    pub industry: Option<String>,
    pub association: Option<String>,
    pub tags: Vec<String>,
    pub story: Option<String>,
    pub private: Vec<(String, String)>,
}

/// Every person of the table, rows of the same name and unit merged (a roster may list
/// one honor per row). Bad rows are reported and left out; their numbers are returned.
pub fn people(
    table: &Table,
    layout: &Layout,
    config: &Config,
    drop_private: bool,
    diags: &mut Diagnostics,
) -> (Vec<Person>, Vec<usize>) {
    let mut people: Vec<Person> = Vec::new();
    let mut bad = Vec::new();
    for row in &table.rows[layout.header + 1..] {
        if row.is_blank() {
            continue;
        }
        let before = diags.error_count();
        let person = person(table, layout, config, drop_private, row, diags);
        if diags.error_count() > before {
            bad.push(row.number);
            continue;
        }
        if let Some(p) = person {
            match people
                .iter_mut()
                .find(|q| q.name == p.name && q.organization == p.organization)
            {
                Some(same) => merge(same, p),
                None => people.push(p),
            }
        }
    }
    (people, bad)
}

fn merge(into: &mut Person, p: Person) {
    for h in p.honors {
        if !into.honors.contains(&h) {
            into.honors.push(h);
        }
    }
    for (a, b) in [
        (&mut into.region, p.region),
        (&mut into.occupation, p.occupation),
        (&mut into.industry, p.industry),
        (&mut into.association, p.association),
        (&mut into.story, p.story),
        (&mut into.slug, p.slug),
    ] {
        if a.is_none() {
            *a = b;
        }
    }
    for t in p.tags {
        if !into.tags.contains(&t) {
            into.tags.push(t);
        }
    }
    for kv in p.private {
        if !into.private.iter().any(|(k, _)| *k == kv.0) {
            into.private.push(kv);
        }
    }
}

fn person(
    table: &Table,
    layout: &Layout,
    config: &Config,
    drop_private: bool,
    row: &Row,
    diags: &mut Diagnostics,
) -> Option<Person> {
    let text = |field: Field| -> Option<String> {
        let c = layout.column(field)?;
        row.cell(c).map(|x| clean(&x.text))
    };
    let place = |field: Field| table.place(row.number, layout.column(field).unwrap_or(0));
    let Some(name) = text(Field::Name) else {
        diags.push(
            Diagnostic::error(t!("roster.no_name"))
                .in_file(place(Field::Name))
                .hint(t!("roster.no_name.hint")),
        );
        return None;
    };
    let mut p = Person {
        row: row.number,
        name: name.split_whitespace().collect::<Vec<_>>().join(""),
        region: text(Field::Region),
        organization: text(Field::Organization),
        occupation: text(Field::Occupation),
        industry: text(Field::Industry),
        association: text(Field::Association),
        story: layout
            .column(Field::Story)
            .and_then(|c| row.cell(c))
            .map(|c| c.text.trim().to_string()),
        ..Person::default()
    };
    if let Some(slug) = text(Field::Slug) {
        if crate::pinyin::is_valid_slug(&slug) {
            p.slug = Some(slug);
        } else {
            diags.push(
                Diagnostic::error(t!("roster.bad_slug", slug = slug))
                    .in_file(place(Field::Slug))
                    .hint(t!("scaffold.bad_slug.hint")),
            );
        }
    }
    if let Some(tags) = text(Field::Tags) {
        p.tags = split_list(&tags);
    }
    if p.region.is_none() {
        diags.push(
            Diagnostic::error(t!("roster.no_region", name = p.name))
                .in_file(place(Field::Region))
                .hint(t!("roster.no_region.hint")),
        );
    }
    // The year column dates an honor the honors cell leaves undated.
    let year = match layout.column(Field::Year).and_then(|c| row.cell(c)) {
        Some(cell) => match year_of(cell) {
            Some(y) => Some(y),
            None => {
                diags.push(
                    Diagnostic::error(t!("roster.bad_year", value = cell.text.trim()))
                        .in_file(place(Field::Year))
                        .hint(t!("roster.bad_year.hint")),
                );
                None
            }
        },
        None => None,
    };
    match text(Field::Honors) {
        Some(cell) => {
            for piece in split_list(&cell) {
                let (title, own_year) = split_year(&piece);
                let Some(honor) = config.honor(&title) else {
                    let hint = match config.nearest_honor(&title) {
                        Some(h) => t!("roster.unknown_honor.did_you_mean", name = h.name),
                        None => t!("roster.unknown_honor.hint"),
                    };
                    diags.push(
                        Diagnostic::error(t!("roster.unknown_honor", title = title))
                            .in_file(place(Field::Honors))
                            .hint(hint),
                    );
                    continue;
                };
                p.honors.push((honor.name.clone(), own_year));
            }
            let undated = p.honors.iter().filter(|h| h.1.is_none()).count();
            if let Some(y) = year {
                if undated == 1 {
                    if let Some(h) = p.honors.iter_mut().find(|h| h.1.is_none()) {
                        h.1 = Some(y);
                    }
                } else if undated > 1 {
                    diags.push(
                        Diagnostic::warning(t!("roster.year_ambiguous", count = undated))
                            .in_file(place(Field::Year))
                            .hint(t!("roster.year_ambiguous.hint")),
                    );
                }
            }
        }
        None => diags.push(
            Diagnostic::error(t!("roster.no_honor", name = p.name))
                .in_file(place(Field::Honors))
                .hint(t!("roster.no_honor.hint")),
        ),
    }
    if !drop_private {
        for (c, field, header) in &layout.columns {
            if let Field::Private(key) = field
                && let Some(cell) = row.cell(*c)
            {
                let key = if key.is_empty() { header.as_str() } else { key };
                p.private
                    .push((key.to_string(), cell.text.trim().to_string()));
            }
        }
    }
    Some(p)
}

/// A cell's text on one line, trimmed, with full-width spaces gone.
fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2015年浙江省劳动模范；2020年全国劳动模范` → two; a separator with nothing around it
/// splits nothing.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split(['；', ';', '、', '，', ',', '\n', '|'])
        .map(|s| {
            s.trim()
                .trim_matches(['"', '“', '”', '。'])
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// `2015年浙江省劳动模范` and `浙江省劳动模范（2015年）` → the title and the year.
pub fn split_year(piece: &str) -> (String, Option<i32>) {
    let s = piece.trim();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() == 4
        && let Ok(y) = digits.parse::<i32>()
        && plausible(y)
    {
        let mut rest = &s[4..];
        for sep in ["年度", "年", ".", "-", "/"] {
            if let Some(r) = rest.strip_prefix(sep) {
                rest = r;
                break;
            }
        }
        // A month after the year (2015年4月) is not part of the title.
        let month: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !month.is_empty() {
            let r = &rest[month.len()..];
            rest = r.strip_prefix('月').unwrap_or(r);
        }
        return (rest.trim().to_string(), Some(y));
    }
    // A year at the end, in brackets or not.
    let t = s.trim_end_matches([')', '）']);
    let t = t.strip_suffix("年度").or(t.strip_suffix('年')).unwrap_or(t);
    let tail: String = t
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if tail.len() == 4
        && let Ok(y) = tail.parse::<i32>()
        && plausible(y)
    {
        let title = t[..t.len() - 4].trim_end_matches(['(', '（', ' ']).trim();
        return (title.to_string(), Some(y));
    }
    (s.to_string(), None)
}

fn plausible(y: i32) -> bool {
    (1900..=2100).contains(&y)
}

/// The year of a cell: 2015, 2015年, 2015.4, 2015-04, 2015/4/28, 2015年4月, an Excel
/// date cell, or a date Excel left as its serial number (42123).
pub fn year_of(cell: &Cell) -> Option<i32> {
    if let Some((y, _, _)) = cell.date {
        return plausible(y).then_some(y);
    }
    let s = cell.text.trim();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let rest = &s[digits.len()..];
    match digits.len() {
        4 => {
            let y: i32 = digits.parse().ok()?;
            let ok = rest.is_empty()
                || rest == "年"
                || rest == ".0"
                || ["年", ".", "-", "/"].iter().any(|sep| {
                    rest.strip_prefix(sep).is_some_and(|r| {
                        r.chars().all(|c| {
                            c.is_ascii_digit() || matches!(c, '月' | '日' | '.' | '-' | '/')
                        })
                    })
                });
            (ok && plausible(y)).then_some(y)
        }
        5 if rest.is_empty() || rest == ".0" => {
            let serial: i64 = digits.parse().ok()?;
            let y = excel_serial_year(serial);
            plausible(y).then_some(y)
        }
        _ => None,
    }
}

/// The year of an Excel serial date (days since 1899-12-30).
fn excel_serial_year(serial: i64) -> i32 {
    // Days from 1970-01-01, then the civil-from-days algorithm (H. Hinnant).
    let z = serial - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> Cell {
        Cell {
            text: text.into(),
            date: None,
        }
    }

    #[test]
    fn years_are_read_in_every_way_rosters_write_them() {
        for text in [
            "2015",
            "2015年",
            "2015.4",
            "2015-04",
            "2015/4/28",
            "2015年4月",
            "42123",
            "2015.0",
        ] {
            assert_eq!(year_of(&cell(text)), Some(2015), "{text}");
        }
        let date = Cell {
            text: "2015-04-28".into(),
            date: Some((2015, 4, 28)),
        };
        assert_eq!(year_of(&date), Some(2015));
        for text in ["去年", "15", "2015年前后", "3015"] {
            assert_eq!(year_of(&cell(text)), None, "{text}");
        }
    }

    #[test]
    fn a_cell_of_several_honors_gives_several_with_their_years() {
        let got: Vec<(String, Option<i32>)> =
            split_list("2015年浙江省劳动模范；2020年全国劳动模范，")
                .iter()
                .map(|p| split_year(p))
                .collect();
        assert_eq!(
            got,
            vec![
                ("浙江省劳动模范".to_string(), Some(2015)),
                ("全国劳动模范".to_string(), Some(2020))
            ]
        );
        assert_eq!(
            split_year("全国劳动模范（2020年）"),
            ("全国劳动模范".into(), Some(2020))
        );
        assert_eq!(
            split_year("2019.4 长兴县劳动模范"),
            ("长兴县劳动模范".into(), Some(2019))
        );
        assert_eq!(split_year("全国劳模"), ("全国劳模".into(), None));
    }
}
