//! A roster spreadsheet read into rows of text: .xlsx, .xls and .ods through calamine,
//! .csv in UTF-8 (with or without BOM) or GB18030, which Excel on a Chinese Windows
//! writes. Every cell keeps its place (`C17`) for messages.

use crate::diagnostic::Diagnostic;
use rust_i18n::t;
use std::path::Path;

/// One cell: its text as shown, and the date when the spreadsheet stored one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    /// Year, month, day of a date cell (Excel keeps dates as numbers).
    pub date: Option<(i32, u32, u32)>,
}

/// A row as in the spreadsheet: `number` is the row number an editor sees (from 1).
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> Option<&Cell> {
        self.cells.get(column).filter(|c| !c.text.trim().is_empty())
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.text.trim().is_empty())
    }
}

/// The first sheet of a workbook, or a CSV file.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file as the editor named it, and the sheet (`名录.xlsx [Sheet1]`).
    pub file: String,
    pub sheet: Option<String>,
    pub rows: Vec<Row>,
    /// For a CSV file: the encoding it was read in.
    pub encoding: Option<&'static str>,
}

impl Table {
    /// How a cell is named in messages: `名录.xlsx [Sheet1] C17`, `名录.csv 第17行 C列`.
    pub fn place(&self, row: usize, column: usize) -> String {
        match &self.sheet {
            Some(sheet) => format!("{} [{sheet}] {}{row}", self.file, column_name(column)),
            None => t!(
                "roster.csv_place",
                file = self.file,
                row = row,
                column = column_name(column)
            )
            .into_owned(),
        }
    }
}

/// `0` → `A`, `27` → `AB`, as spreadsheets name columns.
pub fn column_name(column: usize) -> String {
    let mut n = column + 1;
    let mut name = Vec::new();
    while n > 0 {
        n -= 1;
        name.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

pub fn read(path: &Path, shown: &str) -> Result<Table, Diagnostic> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => read_csv(path, shown),
        "xlsx" | "xlsm" | "xls" | "ods" | "xlsb" => read_workbook(path, shown),
        _ => Err(Diagnostic::error(t!("roster.unknown_format", file = shown))
            .hint(t!("roster.unknown_format.hint"))),
    }
}

fn cannot_read(shown: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(t!("roster.cannot_read", file = shown, error = e))
        .hint(t!("roster.cannot_read.hint"))
}

/// Decodes CSV bytes: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK).
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        return Some((text.to_string(), "UTF-8"));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(body);
    (!had_errors).then(|| (text.into_owned(), "GB18030"))
}

fn read_csv(path: &Path, shown: &str) -> Result<Table, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| cannot_read(shown, e))?;
    let (text, encoding) = decode(&bytes).ok_or_else(|| {
        Diagnostic::error(t!("roster.bad_encoding", file = shown))
            .hint(t!("roster.bad_encoding.hint"))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| cannot_read(shown, e))?;
        let number = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        rows.push(Row {
            number,
            cells: record
                .iter()
                .map(|t| Cell {
                    text: t.to_string(),
                    date: None,
                })
                .collect(),
        });
    }
    Ok(Table {
        file: shown.to_string(),
        sheet: None,
        rows,
        encoding: Some(encoding),
    })
}

fn read_workbook(path: &Path, shown: &str) -> Result<Table, Diagnostic> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(path).map_err(|e| cannot_read(shown, e))?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(cannot_read(shown, t!("roster.no_sheet")));
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| cannot_read(shown, e))?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let mut row = vec![Cell::default(); first_column as usize];
        for cell in cells {
            row.push(match cell {
                Data::Empty => Cell::default(),
                Data::String(s) => Cell {
                    text: s.clone(),
                    date: None,
                },
                // Whole numbers as typed: 2015, not 2015.0; a phone number stays whole.
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Cell {
                    text: format!("{}", *f as i64),
                    date: None,
                },
                Data::DateTime(d) => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    Cell {
                        text: format!("{y}-{m:02}-{day:02}"),
                        date: Some((i32::from(y), u32::from(m), u32::from(day))),
                    }
                }
                Data::DateTimeIso(s) => Cell {
                    date: iso_date(s),
                    text: s.clone(),
                },
                other => Cell {
                    text: other.to_string(),
                    date: None,
                },
            });
        }
        rows.push(Row {
            number: first_row as usize + i + 1,
            cells: row,
        });
    }
    Ok(Table {
        file: shown.to_string(),
        sheet: Some(sheet),
        rows,
        encoding: None,
    })
}

fn iso_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.get(..10)?.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_spreadsheets_name_them() {
        let names: Vec<String> = [0, 2, 25, 26, 27, 701, 702]
            .into_iter()
            .map(column_name)
            .collect();
        assert_eq!(names, ["A", "C", "Z", "AA", "AB", "ZZ", "AAA"]);
    }

    #[test]
    fn csv_text_is_utf8_with_or_without_bom_or_gb18030() {
        assert_eq!(decode("姓名".as_bytes()), Some(("姓名".into(), "UTF-8")));
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xE5\xA7\x93\xE5\x90\x8D"),
            Some(("姓名".into(), "UTF-8"))
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,单位");
        assert_eq!(decode(&gbk), Some(("姓名,单位".into(), "GB18030")));
    }
}
